import type { Check } from '../../core/types';

export const networkChecks: Check[] = [];
