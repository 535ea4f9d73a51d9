import { GetMacieSessionCommand, Macie2Client, Macie2ServiceException } from '@aws-sdk/client-macie2';
import { mockClient } from 'aws-sdk-client-mock';
import { macieEnabled } from '../../../src/checks/dataprotection/macieEnabled';
import { attestSensitiveDataClassification } from '../../../src/checks/dataprotection/sensitiveDataClassification';
import { resultFor, scanChecks } from '../../support/aws';

// moto's GetMacieSession answers timestamps the SDK cannot parse, so Macie is mocked with
// the shapes of the Macie API reference.
describe('macie_enabled (FTR-12.1)', () => {
  const macie = mockClient(Macie2Client);
  afterEach(() => macie.reset());
  afterAll(() => macie.restore());

  const notEnabled = () =>
    new Macie2ServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Macie is not enabled.' });

  it('passes regions where Macie is enabled and fails regions where it never was', async () => {
    macie.on(GetMacieSessionCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'eu-west-1') throw notEnabled();
      return { status: 'ENABLED', findingPublishingFrequency: 'FIFTEEN_MINUTES', createdAt: new Date('2024-01-01T00:00:00Z') };
    });
    const report = await scanChecks([macieEnabled], { regions: ['us-east-1', 'eu-west-1'] });
    expect(resultFor(report, 'macie_enabled', 'account', 'us-east-1').status).toBe('PASS');
    const eu = resultFor(report, 'macie_enabled', 'account', 'eu-west-1');
    expect(eu.status).toBe('FAIL');
    expect(eu.message).toBe('Macie is not enabled in eu-west-1.');
  });

  it('fails a paused Macie', async () => {
    macie.on(GetMacieSessionCommand).resolves({ status: 'PAUSED' });
    const result = resultFor(await scanChecks([macieEnabled]), 'macie_enabled', 'account', 'us-east-1');
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('paused');
  });

  it('reports ERROR, not FAIL, when the scanner is denied for another reason', async () => {
    macie.on(GetMacieSessionCommand).rejects(
      new Macie2ServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'User is not authorized to perform: macie2:GetMacieSession' }),
    );
    expect(resultFor(await scanChecks([macieEnabled]), 'macie_enabled', 'account', 'us-east-1').status).toBe('ERROR');
  });

  it('asks for the data classification to be recorded', async () => {
    const result = resultFor(await scanChecks([attestSensitiveDataClassification]), 'attest_sensitive_data_classification', 'account');
    expect(result.status).toBe('MANUAL');
    expect(result.message).toMatch(/sensitive data/);
  });
});
