import type { Check } from '../../core/types';
import { ecsTaskDefinitionEnvironmentSecrets } from './ecsEnvironment';
import { lambdaEnvironmentSecrets } from './lambdaEnvironment';
import { secretsManagerRotation } from './secretRotation';

export const secretsChecks: Check[] = [secretsManagerRotation, lambdaEnvironmentSecrets, ecsTaskDefinitionEnvironmentSecrets];
