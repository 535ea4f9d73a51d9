import { BackupClient, CreateBackupPlanCommand, CreateBackupVaultCommand } from '@aws-sdk/client-backup';
import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient, PutConfigurationRecorderCommand, PutDeliveryChannelCommand, StartConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateFileSystemCommand, EFSClient } from '@aws-sdk/client-efs';
import { CreateLoadBalancerCommand as CreateClassicLoadBalancerCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateDetectorCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  CreateBucketCommand,
  PutBucketAclCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsAccess } from '../../src/aws/clients';
import { ACCOUNT_ID } from './aws';

const REGION = 'us-east-1';

const allowEverything = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/**
 * One account with a resource of every kind the catalog judges, so that each check walks
 * its per-resource paths: users, roles, buckets with policies, a trail, load balancers,
 * data stores, functions, detectors and routed rules.
 */
export async function seedAccount(aws: AwsAccess): Promise<void> {
  const iam = aws.client(IAMClient, REGION);
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Correct-Horse-9!' }));
  await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'everything', PolicyDocument: allowEverything }));
  await iam.send(new CreateGroupCommand({ GroupName: 'ops' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'ops', UserName: 'alice' }));
  const managed = await iam.send(new CreatePolicyCommand({ PolicyName: 'ops-admin', PolicyDocument: allowEverything }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: managed.Policy!.Arn! }));
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: 'partner-access',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'a1b2c3d4e5f6a7b8' } } },
        ],
      }),
    }),
  );
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'lambda-exec',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }),
  );

  const s3 = aws.client(S3Client, REGION);
  for (const bucket of ['seed-data', 'seed-logs', 'seed-trail']) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const logDelivery = 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"';
  await s3.send(new PutBucketAclCommand({ Bucket: 'seed-logs', GrantWrite: logDelivery, GrantReadACP: logDelivery }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'seed-data',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::seed-data', 'arn:aws:s3:::seed-data/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        ],
      }),
    }),
  );
  for (const bucket of ['seed-data', 'seed-trail']) await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new PutBucketLoggingCommand({ Bucket: 'seed-data', BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'seed-logs', TargetPrefix: 'data/' } } }));
  await s3.send(
    new PutBucketReplicationCommand({
      Bucket: 'seed-data',
      ReplicationConfiguration: { Role: role.Role!.Arn!, Rules: [{ ID: 'all', Status: 'Enabled', Prefix: '', Destination: { Bucket: 'arn:aws:s3:::seed-logs' } }] },
    }),
  );
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'seed-trail',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::seed-trail/*' }],
      }),
    }),
  );
  const trail = aws.client(CloudTrailClient, REGION);
  await trail.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'seed-trail', IsMultiRegionTrail: true, EnableLogFileValidation: true }));
  await trail.send(new StartLoggingCommand({ Name: 'main' }));

  const ec2 = aws.client(EC2Client, REGION);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnets = await Promise.all(
    ['us-east-1a', 'us-east-1b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: az }))).Subnet!.SubnetId!),
  );
  const group = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'ssh', Description: 'ssh', VpcId: vpc }))).GroupId!;
  const partners = (await ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: 'partners', AddressFamily: 'IPv4', MaxEntries: 2, Entries: [{ Cidr: '0.0.0.0/0' }] })))
    .PrefixList!.PrefixListId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: group,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, PrefixListIds: [{ PrefixListId: partners }] },
      ],
    }),
  );
  await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8 }));

  const elb = aws.client(ElasticLoadBalancingV2Client, REGION);
  const alb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: subnets, Scheme: 'internet-facing', Type: 'application' }))).LoadBalancers![0];
  const targets = (await elb.send(new CreateTargetGroupCommand({ Name: 'web', Protocol: 'HTTP', Port: 80, VpcId: vpc }))).TargetGroups![0];
  const http = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: alb.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    }),
  );
  await elb.send(
    new CreateRuleCommand({
      ListenerArn: http.Listeners![0].ListenerArn,
      Priority: 1,
      Conditions: [{ Field: 'path-pattern', Values: ['/health'] }],
      Actions: [{ Type: 'forward', TargetGroupArn: targets.TargetGroupArn }],
    }),
  );
  await aws.client(ElasticLoadBalancingClient, REGION).send(
    new CreateClassicLoadBalancerCommand({
      LoadBalancerName: 'legacy',
      Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 }],
      AvailabilityZones: ['us-east-1a'],
    }),
  );

  await aws.client(RDSClient, REGION).send(
    new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders', Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20, MasterUsername: 'app', MasterUserPassword: 'not-a-real-one-1' }),
  );
  await aws.client(DynamoDBClient, REGION).send(
    new CreateTableCommand({ TableName: 'sessions', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
  await aws.client(EFSClient, REGION).send(new CreateFileSystemCommand({ CreationToken: 'shared' }));
  await aws.client(KMSClient, REGION).send(new CreateKeyCommand({ Description: 'data' }));
  await aws.client(ACMClient, REGION).send(new RequestCertificateCommand({ DomainName: 'example.com' }));
  await aws.client(SecretsManagerClient, REGION).send(new CreateSecretCommand({ Name: 'prod/db', SecretString: 'x' }));

  const ecs = aws.client(ECSClient, REGION);
  await ecs.send(new CreateClusterCommand({ clusterName: 'app' }));
  const task = await ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'api', containerDefinitions: [{ name: 'api', image: 'api:1', memory: 128, environment: [{ name: 'DB_SECRET_ID', value: 'prod/db' }] }] }),
  );
  await ecs.send(new CreateServiceCommand({ cluster: 'app', serviceName: 'api', taskDefinition: task.taskDefinition!.taskDefinitionArn, desiredCount: 0 }));
  await aws.client(LambdaClient, REGION).send(
    new CreateFunctionCommand({
      FunctionName: 'worker',
      Runtime: 'nodejs20.x',
      Role: `arn:aws:iam::${ACCOUNT_ID}:role/lambda-exec`,
      Handler: 'index.handler',
      Code: { ZipFile: Buffer.from('placeholder') },
      Environment: { Variables: { QUEUE_NAME: 'jobs' } },
      Publish: true,
    }),
  );

  await aws.client(GuardDutyClient, REGION).send(new CreateDetectorCommand({ Enable: true }));
  const config = aws.client(ConfigServiceClient, REGION);
  await config.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: { name: 'default', roleARN: role.Role!.Arn!, recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } },
    }),
  );
  await config.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: 'seed-logs' } }));
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  const events = aws.client(EventBridgeClient, REGION);
  await events.send(new PutRuleCommand({ Name: 'guardduty-to-people', EventPattern: JSON.stringify({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'guardduty-to-people', Targets: [{ Id: 'sns', Arn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:security` }] }));

  await aws.client(OrganizationsClient, REGION).send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const backup = aws.client(BackupClient, REGION);
  await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'main' }));
  await backup.send(
    new CreateBackupPlanCommand({ BackupPlan: { BackupPlanName: 'daily', Rules: [{ RuleName: 'daily', TargetBackupVaultName: 'main', ScheduleExpression: 'cron(0 5 * * ? *)' }] } }),
  );
}
