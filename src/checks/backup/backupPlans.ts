import type { BackupRule } from '@aws-sdk/client-backup';
import { describeError } from '../../aws/errors';
import { DYNAMODB_TABLE_ACTIONS, EBS_VOLUME_ACTIONS, EFS_FILE_SYSTEM_ACTIONS, RDS_DATABASE_ACTIONS } from '../../aws/inventories/dataStores';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { s3Stores, storesOfRegion, type DataStore, type StoresOfRegion } from './dataStores';
import { BACKUP_PLAN_ACTIONS, backupPlans, factOf, PROTECTED_RESOURCE_ACTIONS, protectedResources } from './inventory';
import { NATIVE_BACKUP_ACTIONS, unscannedBucketRegions } from './nativeBackups';
import { allowedBackupAgeMs, selectsByTags, selectsResource, type Tags } from './selection';

/** What one source of backups says about a store: what protects it, what is missing, what could not be read. */
interface Evidence {
  protections: string[];
  gaps: string[];
  unknowns: string[];
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * What AWS Backup does for the store. A plan counts when it has a rule and one of its selections
 * assigns the store; the store's latest recovery point then shows whether the plan works: one
 * older than the covering rules' schedule allows (see `allowedBackupAgeMs`), or none, is not
 * evidence. A region without plans is decided without reading recovery points.
 */
async function awsBackupEvidence(ctx: CheckContext, region: string, store: DataStore): Promise<Evidence> {
  const plans = await factOf(backupPlans(ctx, region));
  if (!plans.ok) return { protections: [], gaps: [], unknowns: [`the AWS Backup plans could not be read (${plans.error})`] };
  const unknowns = new Set<string>();
  const covering: Array<{ plan: string; rules: BackupRule[] }> = [];
  for (const plan of plans.value) {
    if (!plan.details.ok) {
      unknowns.add(`AWS Backup plan ${plan.name} could not be read (${plan.details.error})`);
      continue;
    }
    const { rules, selections } = plan.details.value;
    // A plan without a rule schedules nothing, whatever it selects.
    if (rules.length === 0) continue;
    for (const { name, selection } of selections) {
      if (!selection.ok) {
        unknowns.add(`selection ${name} of AWS Backup plan ${plan.name} could not be read (${selection.error})`);
        continue;
      }
      let tags: Tags = {};
      if (selectsByTags(selection.value)) {
        const read = await store.tags();
        if (!read.ok) {
          unknowns.add(`its tags could not be read (${read.error})`);
          continue;
        }
        tags = read.value;
      }
      if (selectsResource(selection.value, store.arn, tags)) {
        covering.push({ plan: plan.name, rules });
        break;
      }
    }
  }
  if (covering.length === 0) return { protections: [], gaps: ['no AWS Backup plan selects it'], unknowns: [...unknowns] };
  const names = `AWS Backup plan ${covering.map((c) => c.plan).join(', ')}`;
  const lastBackups = await factOf(protectedResources(ctx, region));
  if (!lastBackups.ok) return { protections: [], gaps: [], unknowns: [...unknowns, `the recovery points of ${names} could not be read (${lastBackups.error})`] };
  const last = lastBackups.value.get(store.arn);
  const allowedMs = Math.max(...covering.flatMap((c) => c.rules.map(allowedBackupAgeMs)));
  if (last && ctx.now().getTime() - last.getTime() <= allowedMs) {
    return { protections: [`${names} (latest recovery point ${day(last)})`], gaps: [], unknowns: [...unknowns] };
  }
  const stale = last ? `its latest recovery point, from ${day(last)}, is older than the plan's schedule allows` : 'it has no recovery point';
  return { protections: [], gaps: [`${names} selects it but ${stale}`], unknowns: [...unknowns] };
}

async function judgeStore(ctx: CheckContext, region: string, store: DataStore): Promise<Finding> {
  const backup = await awsBackupEvidence(ctx, region, store);
  const { native } = store;
  const protections = [...(native.ok && 'protectedBy' in native.value ? [native.value.protectedBy] : []), ...backup.protections];
  const gaps = [...backup.gaps, ...(native.ok && 'missing' in native.value ? [native.value.missing] : [])];
  const unknowns = [...(native.ok ? [] : [native.error]), ...backup.unknowns];
  const finding = (status: Finding['status'], message: string): Finding => ({ resource: store.arn, region, status, message });
  if (protections.length > 0) return finding('PASS', `${store.label} is backed up automatically by ${protections.join(' and by ')}.`);
  if (store.exemption.ok && store.exemption.value) return finding('NOT_APPLICABLE', `${store.label} ${store.exemption.value}.`);
  if (!store.exemption.ok) unknowns.push(store.exemption.error);
  if (unknowns.length > 0) return finding('ERROR', `Whether ${store.label} is backed up automatically is unknown: ${unknowns.join('; ')}.`);
  return finding('FAIL', `Nothing backs up ${store.label} automatically: ${gaps.join(', and ')}.`);
}

/** One finding per store, and an ERROR naming the kinds of store that could not be listed. */
async function judgeStores(ctx: CheckContext, region: string, { stores, unlisted }: StoresOfRegion): Promise<Finding[]> {
  const findings = await Promise.all(stores.map((store) => judgeStore(ctx, region, store)));
  if (unlisted.length === 0) return findings;
  return [...findings, { resource: 'account', region, status: 'ERROR', message: `The ${unlisted.join(', ')} of ${region} could not be listed, so their backups are not judged.` }];
}

async function judgeOwnRegion(ctx: CheckContext): Promise<Finding[]> {
  const listed = await storesOfRegion(ctx, ctx.region);
  const findings = await judgeStores(ctx, ctx.region, listed);
  if (findings.length > 0) return findings;
  return [{ resource: 'account', status: 'NOT_APPLICABLE', message: `${ctx.region} holds no RDS database, DynamoDB table, EBS volume, EFS file system or S3 bucket to back up.` }];
}

/** The buckets of a region outside the scan, judged with that region's backup plans. */
async function judgeBucketsOf(ctx: CheckContext, region: string): Promise<Finding[]> {
  const listed = await s3Stores(ctx, region).then(
    (stores): StoresOfRegion => ({ stores, unlisted: [] }),
    (err): StoresOfRegion => ({ stores: [], unlisted: [`S3 buckets (${describeError(err)})`] }),
  );
  return judgeStores(ctx, region, listed);
}

export const backupPlansProtectResources: Check = {
  id: 'backup_plans_protect_resources',
  refs: ['FTR-8.1'],
  title: 'Every data store is backed up automatically',
  severity: 'high',
  rationale: quote('FTR-8.1'),
  remediation:
    'Back up every data store automatically: an AWS Backup plan with a scheduled rule whose selection (by ARN, resource type or tag) covers it, or its own automation (RDS backup retention above 0, DynamoDB point-in-time recovery, a Data Lifecycle Manager snapshot policy targeting the EBS volume, EFS automatic backups, S3 replication).',
  scope: 'regional',
  kind: 'automated',
  actions: [...new Set([...BACKUP_PLAN_ACTIONS, ...DYNAMODB_TABLE_ACTIONS, ...EBS_VOLUME_ACTIONS, ...EFS_FILE_SYSTEM_ACTIONS, ...NATIVE_BACKUP_ACTIONS, ...PROTECTED_RESOURCE_ACTIONS, ...RDS_DATABASE_ACTIONS])].sort(),
  async run(ctx) {
    const findings = await judgeOwnRegion(ctx);
    // Each bucket lives in one region; those outside the scanned regions are judged once, in the first region's run.
    if (ctx.region !== ctx.regions[0]) return findings;
    // When the bucket list cannot be read, every scanned region already reports it.
    const elsewhere = await unscannedBucketRegions(ctx).catch((): string[] => []);
    const more = await Promise.all(elsewhere.map((region) => judgeBucketsOf(ctx, region)));
    return [...findings, ...more.flat()];
  },
};
