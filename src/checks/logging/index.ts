import type { Check } from '../../core/types';

export const loggingChecks: Check[] = [];
