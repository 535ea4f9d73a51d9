import type { Check } from '../../core/types';
import { iamPasswordPolicyStrong } from './passwordPolicy';

export const identityChecks: Check[] = [iamPasswordPolicyStrong];
