import type { Check } from '../../core/types';
import { cloudTrailLogBucketProtected } from './cloudTrailBucketProtected';
import { cloudTrailLogFileValidation } from './cloudTrailLogValidation';
import { cloudTrailMultiRegionLogging } from './cloudTrailMultiRegion';
import { cloudTrailLogsInSeparateAccount } from './cloudTrailSeparateAccount';

export const loggingChecks: Check[] = [
  cloudTrailMultiRegionLogging,
  cloudTrailLogsInSeparateAccount,
  cloudTrailLogBucketProtected,
  cloudTrailLogFileValidation,
];
