import type { Check } from '../../core/types';

export const secretsChecks: Check[] = [];
