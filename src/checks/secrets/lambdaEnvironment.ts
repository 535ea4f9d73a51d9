import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { environmentFinding } from './environmentSecrets';
import { LAMBDA_VERSIONS_ACTIONS, lambdaFunctionVersions, type AliasedVersion, type LambdaFunctionVersions } from './inventory';

/** The verdict on one function configuration's environment ($LATEST or a published version). */
function judgeConfiguration(resource: string, subject: string, configuration: FunctionConfiguration): Finding {
  // Variables encrypted with a key the scanner may not use come back as an error instead: unknown, not clean.
  const unreadable = configuration.Environment?.Error;
  if (unreadable) {
    return { resource, status: 'ERROR', message: `The environment of ${subject} could not be read (${unreadable.ErrorCode ?? 'error'}: ${unreadable.Message ?? 'no message'}).` };
  }
  return environmentFinding(resource, subject, Object.entries(configuration.Environment?.Variables ?? {}));
}

function judgeVersion(version: AliasedVersion): Finding {
  const subject = `Lambda function version ${version.arn} (alias${version.aliases.length === 1 ? '' : 'es'} ${version.aliases.join(', ')})`;
  if (!version.configuration.ok) return { resource: version.arn, status: 'ERROR', message: `The configuration of ${subject} could not be read (${version.configuration.error}).` };
  return judgeConfiguration(version.arn, subject, version.configuration.value);
}

/** $LATEST, judged from ListFunctions, and the published versions its aliases serve. */
function judgeFunction({ latest, aliasedVersions }: LambdaFunctionVersions): Finding[] {
  const resource = latest.FunctionArn!;
  const current = judgeConfiguration(resource, `Lambda function ${resource} ($LATEST)`, latest);
  if (aliasedVersions.ok) return [current, ...aliasedVersions.value.map(judgeVersion)];
  // One finding per resource: a known credential stays a FAIL; otherwise what the aliases serve is unknown.
  const unlisted = `its aliases could not be listed (${aliasedVersions.error}), so the published versions they serve are not judged`;
  const status = current.status === 'FAIL' ? 'FAIL' : 'ERROR';
  return [{ resource, status, message: `${current.message.replace(/\.$/, '')}, but ${unlisted}.` }];
}

export const lambdaEnvironmentSecrets: Check = {
  id: 'awslambda_function_no_secrets_in_variables',
  refs: ['FTR-7.9'],
  title: 'Lambda functions and their aliased versions hold no credentials in environment variables',
  severity: 'critical',
  rationale: quote('FTR-7.9'),
  remediation:
    'Move the credential into Secrets Manager (or an SSM SecureString parameter), read it at run time through the execution role, rotate the exposed value, leave only the secret’s ARN or name in the environment, and publish a new version for every alias that still serves an old one.',
  scope: 'regional',
  kind: 'automated',
  actions: LAMBDA_VERSIONS_ACTIONS,
  async run(ctx) {
    return (await lambdaFunctionVersions(ctx)).flatMap(judgeFunction);
  },
};
