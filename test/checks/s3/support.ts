import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsAccess } from '../../../src/aws/clients';

export async function createBucket(aws: AwsAccess, name: string, region = 'us-east-1'): Promise<string> {
  await aws.client(S3Client, region).send(
    new CreateBucketCommand({ Bucket: name, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }) }),
  );
  return `arn:aws:s3:::${name}`;
}

export async function putBucketPolicy(aws: AwsAccess, bucket: string, statements: object[], region = 'us-east-1'): Promise<void> {
  await aws.client(S3Client, region).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
}

export const publicRead = (bucket: string) => ({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` });

/**
 * Makes one S3 operation on one bucket answer `outcome` instead of reaching moto: an Error is
 * thrown, anything else becomes the operation's output. Only that client's calls are affected.
 */
export function overrideBucketCall(aws: AwsAccess, region: string, operation: string, bucket: string, outcome: Error | object): void {
  aws.client(S3Client, region).middlewareStack.add(
    (next: any, context: any) => async (args: any) => {
      if (context.commandName === `${operation}Command` && args.input?.Bucket === bucket) {
        if (outcome instanceof Error) throw outcome;
        return { output: { $metadata: {}, ...outcome }, response: {} };
      }
      return next(args);
    },
    { step: 'initialize', name: `override${operation}${bucket}` },
  );
}

export function awsError(name: string, message: string, httpStatusCode: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}
