import type { Check } from '../../core/types';

export const dataprotectionChecks: Check[] = [];
