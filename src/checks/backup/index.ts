import type { Check } from '../../core/types';

export const backupChecks: Check[] = [];
