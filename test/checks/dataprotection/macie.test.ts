import {
  GetAutomatedDiscoveryConfigurationCommand,
  GetMacieSessionCommand,
  ListClassificationJobsCommand,
  Macie2Client,
  Macie2ServiceException,
  type GetAutomatedDiscoveryConfigurationResponse,
  type GetMacieSessionResponse,
  type JobSummary,
} from '@aws-sdk/client-macie2';
import { mockClient } from 'aws-sdk-client-mock';
import { macieEnabled } from '../../../src/checks/dataprotection/macieEnabled';
import { attestSensitiveDataClassification } from '../../../src/checks/dataprotection/sensitiveDataClassification';
import { resultFor, scanChecks } from '../../support/aws';

const CHECK = 'macie_enabled';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

// moto's GetMacieSession answers timestamps the SDK cannot parse, and moto has no automated discovery
// configuration, so Macie is mocked with the shapes of the Macie API reference.
describe('macie_enabled (FTR-12.1)', () => {
  const macie = mockClient(Macie2Client);
  afterEach(() => macie.reset());
  afterAll(() => macie.restore());

  const denied = (message: string) => new Macie2ServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 403 }, message });
  const ENABLED: GetMacieSessionResponse = { status: 'ENABLED', findingPublishingFrequency: 'FIFTEEN_MINUTES', createdAt: new Date('2024-01-01T00:00:00Z') };
  const DISCOVERY_OFF: GetAutomatedDiscoveryConfigurationResponse = { status: 'DISABLED' };

  interface RegionSetup {
    session: GetMacieSessionResponse | Error;
    discovery?: GetAutomatedDiscoveryConfigurationResponse;
    jobs?: JobSummary[];
  }

  /** Answers each Macie call from the set-up of the client's region. */
  function macieByRegion(setup: Record<string, RegionSetup>): void {
    const of = async (getClient: () => Macie2Client) => setup[await getClient().config.region()];
    macie.on(GetMacieSessionCommand).callsFake(async (_input, getClient) => {
      const { session } = await of(getClient);
      if (session instanceof Error) throw session;
      return session;
    });
    macie.on(GetAutomatedDiscoveryConfigurationCommand).callsFake(async (_input, getClient) => (await of(getClient)).discovery ?? DISCOVERY_OFF);
    macie.on(ListClassificationJobsCommand).callsFake(async (_input, getClient) => ({ items: (await of(getClient)).jobs ?? [] }));
  }

  const macieResults = (report: Awaited<ReturnType<typeof scanChecks>>) => report.results.filter((r) => r.checkId === CHECK && r.status !== 'NOT_APPLICABLE');

  it('asks once, for the account, how sensitive data is identified when Macie discovers nothing anywhere, rather than failing every region', async () => {
    macieByRegion({
      'us-east-1': { session: denied('Macie is not enabled.') },
      'eu-west-1': { session: { status: 'PAUSED' } },
      'ap-southeast-2': { session: ENABLED, jobs: [{ jobId: 'j1', name: 'once', jobType: 'ONE_TIME', jobStatus: 'COMPLETE' }] },
    });
    const report = await scanChecks([macieEnabled], { regions: REGIONS });
    const results = macieResults(report);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ resource: 'account', region: 'global', status: 'MANUAL' });
    expect(results[0].message).toBe(
      'Macie discovers no sensitive data in any of the 3 scanned regions (not enabled in us-east-1; paused in eu-west-1; enabled without automated discovery or an active classification job in ap-southeast-2): record how sensitive data is identified and classified under attest_sensitive_data_classification, or turn on Macie automated discovery.',
    );
    expect(report.results.some((r) => r.checkId === CHECK && r.status === 'FAIL')).toBe(false);
  });

  it('passes with the evidence where automated discovery or a scheduled classification job runs', async () => {
    macieByRegion({
      'us-east-1': { session: ENABLED, discovery: { status: 'ENABLED', firstEnabledAt: new Date('2024-02-01T00:00:00Z') } },
      'eu-west-1': { session: ENABLED, jobs: [{ jobId: 'j2', name: 'nightly-pii', jobType: 'SCHEDULED', jobStatus: 'IDLE' }] },
      'ap-southeast-2': { session: denied('Macie is not enabled.') },
    });
    const report = await scanChecks([macieEnabled], { regions: REGIONS });
    const us = resultFor(report, CHECK, 'account', 'us-east-1');
    expect(us.status).toBe('PASS');
    expect(us.message).toBe('Macie discovers sensitive data in us-east-1: automated sensitive data discovery since 2024-02-01.');
    expect(resultFor(report, CHECK, 'account', 'eu-west-1').message).toBe('Macie discovers sensitive data in eu-west-1: 1 active classification job (nightly-pii).');
    const account = resultFor(report, CHECK, 'account', 'global');
    expect(account.status).toBe('PASS');
    expect(account.message).toBe(
      'Macie discovers sensitive data in us-east-1 (automated sensitive data discovery since 2024-02-01), eu-west-1 (1 active classification job (nightly-pii)).',
    );
    expect(macieResults(report)).toHaveLength(3);
  });

  it('reports ERROR, not MANUAL, when Macie cannot be read in a region and discovers nothing elsewhere', async () => {
    macieByRegion({
      'us-east-1': { session: denied('Macie is not enabled.') },
      'eu-west-1': { session: denied('User is not authorized to perform: macie2:GetMacieSession') },
      'ap-southeast-2': { session: denied('Macie is not enabled.') },
    });
    const report = await scanChecks([macieEnabled], { regions: REGIONS });
    expect(resultFor(report, CHECK, 'account', 'eu-west-1').status).toBe('ERROR');
    const account = resultFor(report, CHECK, 'account', 'global');
    expect(account.status).toBe('ERROR');
    expect(account.message).toMatch(/^No Macie sensitive data discovery was found, but Macie could not be read in eu-west-1 \(access denied/);
  });

  it('reports ERROR when Macie is enabled but its discovery configuration cannot be read', async () => {
    macie.on(GetMacieSessionCommand).resolves(ENABLED);
    macie.on(GetAutomatedDiscoveryConfigurationCommand).rejects(denied('User is not authorized to perform: macie2:GetAutomatedDiscoveryConfiguration'));
    const report = await scanChecks([macieEnabled]);
    expect(resultFor(report, CHECK, 'account', 'us-east-1').status).toBe('ERROR');
    expect(resultFor(report, CHECK, 'account', 'global').status).toBe('ERROR');
  });

  it('asks for the data classification to be recorded', async () => {
    const result = resultFor(await scanChecks([attestSensitiveDataClassification]), 'attest_sensitive_data_classification', 'account');
    expect(result.status).toBe('MANUAL');
    expect(result.message).toMatch(/how sensitive data .* is identified and classified/);
  });
});
