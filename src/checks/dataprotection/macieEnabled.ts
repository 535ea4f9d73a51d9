import { GetAutomatedDiscoveryConfigurationCommand, GetMacieSessionCommand, Macie2Client, paginateListClassificationJobs, type JobSummary } from '@aws-sdk/client-macie2';
import { regionalFindingsWithVerdict, unreadableRegions, type RegionFact } from '../../aws/inventories/acrossRegions';
import { errorName } from '../../aws/errors';
import { defineInventory } from '../../aws/inventory';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { attestSensitiveDataClassification } from './sensitiveDataClassification';

/** What Macie does in one region. */
export type MacieState =
  | { macie: 'not enabled' | 'paused' }
  | {
      macie: 'enabled';
      /** When automated sensitive data discovery was first turned on: null when on without a date, undefined when off. */
      automatedDiscoverySince?: Date | null;
      /** Classification jobs that run now or recur on a schedule. */
      activeJobs: JobSummary[];
    };

/** A job that discovers sensitive data now or will again: running, or a scheduled job between runs. */
const isActiveJob = (job: JobSummary) => job.jobStatus === 'RUNNING' || (job.jobType === 'SCHEDULED' && job.jobStatus === 'IDLE');

const macieState = defineInventory<MacieState>('macie2.state', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(Macie2Client, region);
  let status;
  try {
    status = (await client.send(new GetMacieSessionCommand({}))).status;
  } catch (err) {
    // Macie answers AccessDenied, with this message, for an account that never enabled it.
    if (errorName(err) === 'AccessDeniedException' && /Macie is not enabled/i.test((err as Error).message)) return { macie: 'not enabled' };
    throw err;
  }
  if (status === undefined) throw new Error('GetMacieSession answered without a status');
  if (status === 'PAUSED') return { macie: 'paused' };
  const discovery = await client.send(new GetAutomatedDiscoveryConfigurationCommand({}));
  if (discovery.status === undefined) throw new Error('GetAutomatedDiscoveryConfiguration answered without a status');
  const automatedDiscoverySince = discovery.status === 'ENABLED' ? (discovery.firstEnabledAt ?? null) : undefined;
  const activeJobs: JobSummary[] = [];
  for await (const page of paginateListClassificationJobs({ client }, {})) activeJobs.push(...(page.items ?? []).filter(isActiveJob));
  return { macie: 'enabled', automatedDiscoverySince, activeJobs };
});

/** "automated discovery since 2024-01-01 and 2 classification jobs (nightly, weekly)", or undefined when Macie discovers nothing. */
function discoveryEvidence(state: MacieState): string | undefined {
  if (state.macie !== 'enabled') return undefined;
  const parts: string[] = [];
  if (state.automatedDiscoverySince !== undefined) {
    parts.push(`automated sensitive data discovery${state.automatedDiscoverySince ? ` since ${state.automatedDiscoverySince.toISOString().slice(0, 10)}` : ''}`);
  }
  const jobs = state.activeJobs;
  if (jobs.length > 0) parts.push(`${jobs.length} active classification job${jobs.length === 1 ? '' : 's'} (${jobs.map((j) => j.name ?? j.jobId ?? 'unnamed').join(', ')})`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/** Evidence in the region where Macie discovers; nothing where it does not, since the account verdict says it once. */
function regionFindings(ctx: CheckContext, state: MacieState): Finding[] {
  const evidence = discoveryEvidence(state);
  return evidence ? [{ resource: 'account', status: 'PASS', message: `Macie discovers sensitive data in ${ctx.region}: ${evidence}.` }] : [];
}

function whyNot(state: MacieState): string {
  return state.macie === 'enabled' ? 'enabled without automated discovery or an active classification job' : state.macie;
}

/**
 * FTR-12.1 for the account: Macie discovering sensitive data in any scanned region is evidence;
 * without it the requirement is met by other means, or not, and only a person can record which.
 */
function accountVerdict(ctx: CheckContext, perRegion: Array<RegionFact<MacieState>>): Finding {
  const readable = perRegion.flatMap(({ region, fact }) => (fact.ok ? [{ region, state: fact.value }] : []));
  const discovering = readable.flatMap(({ region, state }) => {
    const evidence = discoveryEvidence(state);
    return evidence ? [`${region} (${evidence})`] : [];
  });
  if (discovering.length > 0) return { resource: 'account', status: 'PASS', message: `Macie discovers sensitive data in ${discovering.join(', ')}.` };
  const unreadable = unreadableRegions(perRegion);
  if (unreadable) return { resource: 'account', status: 'ERROR', message: `No Macie sensitive data discovery was found, but Macie could not be read in ${unreadable}.` };
  const byReason = new Map<string, string[]>();
  for (const { region, state } of readable) byReason.set(whyNot(state), [...(byReason.get(whyNot(state)) ?? []), region]);
  const states = [...byReason].map(([reason, regions]) => `${reason} in ${regions.join(', ')}`).join('; ');
  return {
    resource: 'account',
    status: 'MANUAL',
    message: `Macie discovers no sensitive data in any of the ${ctx.regions.length} scanned regions (${states}): record how sensitive data is identified and classified under ${attestSensitiveDataClassification.id}, or turn on Macie automated discovery.`,
  };
}

export const macieEnabled: Check = {
  id: 'macie_enabled',
  refs: ['FTR-12.1'],
  title: 'Amazon Macie discovers sensitive data in S3',
  severity: 'medium',
  rationale: quote('FTR-12.1'),
  remediation:
    'Enable Amazon Macie in each region with S3 data (`aws macie2 enable-macie`) and turn on automated sensitive data discovery, or record how sensitive data is otherwise identified and classified.',
  scope: 'regional',
  kind: 'automated',
  actions: ['macie2:GetAutomatedDiscoveryConfiguration', 'macie2:GetMacieSession', 'macie2:ListClassificationJobs'],
  async run(ctx) {
    return regionalFindingsWithVerdict(ctx, macieState, {
      what: 'Macie settings',
      evaluate: (state) => regionFindings(ctx, state),
      verdict: (perRegion) => accountVerdict(ctx, perRegion),
    });
  },
};
