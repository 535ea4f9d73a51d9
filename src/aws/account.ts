import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsAccess } from './clients';

/** The account id of the ambient credentials. */
export async function callerAccountId(aws: AwsAccess, homeRegion: string): Promise<string> {
  const identity = await aws.client(STSClient, homeRegion).send(new GetCallerIdentityCommand({}));
  if (!identity.Account) throw new Error('STS GetCallerIdentity returned no account id');
  return identity.Account;
}

/** The regions enabled for the account (opted-in and default ones), sorted. */
export async function enabledRegions(aws: AwsAccess, homeRegion: string): Promise<string[]> {
  const out = await aws.client(EC2Client, homeRegion).send(new DescribeRegionsCommand({ AllRegions: false }));
  return (out.Regions ?? [])
    .filter((r) => r.OptInStatus !== 'not-opted-in')
    .map((r) => r.RegionName)
    .filter((name): name is string => Boolean(name))
    .sort();
}

/** The region used for global services: the configured default, else us-east-1. */
export function defaultHomeRegion(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}
