import type { Check } from '../../core/types';

export const s3Checks: Check[] = [];
