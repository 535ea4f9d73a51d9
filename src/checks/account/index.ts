import type { Check } from '../../core/types';

export const accountChecks: Check[] = [];
