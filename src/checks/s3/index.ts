import type { Check } from '../../core/types';
import { s3AccountPublicAccessBlock } from './accountPublicAccessBlock';
import { s3BucketAccessLevelInventory } from './bucketAccessLevelInventory';
import { s3BucketPublicAccessRestricted } from './bucketPublicAccess';
import { s3PublicBucketMonitoring } from './publicBucketMonitoring';

export const s3Checks: Check[] = [s3BucketAccessLevelInventory, s3AccountPublicAccessBlock, s3BucketPublicAccessRestricted, s3PublicBucketMonitoring];
