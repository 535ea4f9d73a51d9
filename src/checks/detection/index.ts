import type { Check } from '../../core/types';

export const detectionChecks: Check[] = [];
