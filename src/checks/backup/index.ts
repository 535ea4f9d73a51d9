import type { Check } from '../../core/types';
import { backupPlansProtectResources } from './backupPlans';
import { backupRestoreTested } from './restoreTests';

export const backupChecks: Check[] = [backupPlansProtectResources, backupRestoreTested];
