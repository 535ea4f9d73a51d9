import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { secretLookingVariables, variableList } from './environmentSecrets';
import { lambdaFunctions } from './inventory';

export const lambdaEnvironmentSecrets: Check = {
  id: 'awslambda_function_no_secrets_in_variables',
  refs: ['FTR-7.9'],
  title: 'Lambda functions hold no credentials in environment variables',
  severity: 'critical',
  rationale: quote('FTR-7.9'),
  remediation:
    'Move the credential into Secrets Manager (or an SSM SecureString parameter), read it at run time through the execution role, rotate the exposed value, and leave only the secret’s ARN or name in the environment.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    return (await lambdaFunctions(ctx))
      .filter((f) => f.FunctionArn)
      .map((fn): Finding => {
        const resource = fn.FunctionArn!;
        // Variables encrypted with a key the scanner may not use come back as an error instead: unknown, not clean.
        const unreadable = fn.Environment?.Error;
        if (unreadable) {
          return { resource, status: 'ERROR', message: `The environment of Lambda function ${fn.FunctionName} could not be read (${unreadable.ErrorCode ?? 'error'}: ${unreadable.Message ?? 'no message'}).` };
        }
        const suspicious = secretLookingVariables(Object.entries(fn.Environment?.Variables ?? {}));
        return suspicious.length > 0
          ? { resource, status: 'FAIL', message: `Lambda function ${fn.FunctionName} holds what looks like a credential in environment ${variableList(suspicious)}.` }
          : { resource, status: 'PASS', message: `Lambda function ${fn.FunctionName} has no credential-looking environment variable.` };
      });
  },
};
