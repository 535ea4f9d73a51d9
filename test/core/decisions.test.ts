import { attestationChecks } from '../../src/checks/attestations';
import {
  applyDecisions,
  effectiveStatus,
  expiringSoon,
  type Attestation,
  type DecidedResult,
  type Decisions,
  type ResourceException,
} from '../../src/core/decisions';
import type { CheckResult, Status } from '../../src/core/types';
import { ACCOUNT_ID, resultFor, scanChecks } from '../support/aws';

const OTHER_ACCOUNT = '210987654321';
const RECORDED_AT = '2024-06-01T10:00:00.000Z';
const EXPIRES_AT = '2025-06-01T00:00:00.000Z';
const before = (iso: string, ms = 1) => new Date(Date.parse(iso) - ms);
const at = (iso: string) => new Date(iso);

function attestation(fields: Partial<Attestation> = {}): Attestation {
  return {
    accountId: ACCOUNT_ID,
    requirementId: 'FTR-3.4',
    evidence: 'Root misuse runbook in the security wiki, reviewed 2024-05-20',
    link: 'https://wiki.example.com/runbooks/root-misuse',
    owner: 'U0OWNER01',
    recordedBy: 'U0ADMIN01',
    recordedAt: RECORDED_AT,
    expiresAt: EXPIRES_AT,
    ...fields,
  };
}

function exception(fields: Partial<ResourceException> = {}): ResourceException {
  return {
    accountId: ACCOUNT_ID,
    checkId: 's3_bucket_public_access_restricted',
    resource: 'arn:aws:s3:::site-assets',
    reason: 'Serves the public marketing website',
    owner: 'U0OWNER01',
    recordedBy: 'U0ADMIN01',
    recordedAt: RECORDED_AT,
    expiresAt: EXPIRES_AT,
    ...fields,
  };
}

const decided = (fields: Partial<Decisions>): Decisions => ({ attestations: [], exceptions: [], ...fields });

function bucketResult(resource: string, fields: Partial<CheckResult> = {}): DecidedResult {
  return {
    checkId: 's3_bucket_public_access_restricted',
    refs: ['FTR-10.2'],
    status: 'FAIL',
    severity: 'high',
    accountId: ACCOUNT_ID,
    region: 'us-east-1',
    resource,
    message: `Bucket ${resource} allows public access.`,
    remediation: 'Block public access.',
    ...fields,
  };
}

/** A standalone account: one MANUAL result that is evidence for two requirements. */
const standalone: DecidedResult = {
  checkId: 'organizations_multi_account',
  refs: ['FTR-4.1', 'WAS-IAM-3'],
  status: 'MANUAL',
  severity: 'medium',
  accountId: ACCOUNT_ID,
  region: 'global',
  resource: 'account',
  message: 'The account is standalone: record which accounts hold production and which non-production.',
  remediation: 'Create an AWS Organization.',
};

describe('applyDecisions', () => {
  /** What the attestation check of FTR-3.4 reports through the real engine: MANUAL, needing a person. */
  let runbook: DecidedResult;
  let otherAccountRunbook: DecidedResult;
  beforeAll(async () => {
    const report = await scanChecks(attestationChecks);
    runbook = resultFor(report, 'attest_root_misuse_runbook', 'account');
    otherAccountRunbook = { ...runbook, accountId: OTHER_ACCOUNT };
  });

  describe('attestations', () => {
    it('passes a result needing a person with the evidence until the attestation expires, then fails it', () => {
      expect(runbook.status).toBe('MANUAL');
      const decisions = decided({ attestations: [attestation()] });

      const [passed] = applyDecisions([runbook], decisions, at('2024-06-02T00:00:00.000Z'));
      expect(passed).toEqual({
        ...runbook,
        status: 'PASS',
        message: expect.any(String),
        attestation: {
          requirementIds: ['FTR-3.4'],
          evidence: attestation().evidence,
          link: attestation().link,
          owner: 'U0OWNER01',
          recordedBy: 'U0ADMIN01',
          recordedAt: RECORDED_AT,
          expiresAt: EXPIRES_AT,
          state: 'active',
        },
      });
      for (const part of [attestation().evidence, attestation().link!, 'U0OWNER01', 'U0ADMIN01', '2024-06-01', '2025-06-01']) expect(passed.message).toContain(part);
      // The scan's result is left as it was.
      expect(runbook.status).toBe('MANUAL');

      expect(applyDecisions([runbook], decisions, before(EXPIRES_AT))[0]).toEqual(passed);

      const [expired] = applyDecisions([runbook], decisions, at(EXPIRES_AT));
      expect(expired.status).toBe('FAIL');
      expect(expired.message).toMatch(/^Attestation expired on 2025-06-01\b/);
      expect(expired.attestation).toEqual({ ...passed.attestation, state: 'expired' });
      expect(effectiveStatus(expired)).toBe('FAIL');
    });

    it('records a link-only attestation without an empty evidence text in the message', () => {
      const [passed] = applyDecisions([runbook], decided({ attestations: [attestation({ evidence: '' })] }), at(RECORDED_AT));
      expect(passed.status).toBe('PASS');
      expect(passed.message).toMatch(/2025-06-01: \(https:\/\/wiki\.example\.com\/runbooks\/root-misuse\)$/);
    });

    it('leaves the result needing a person again once the attestation is revoked', () => {
      const revoked = attestation({ revokedBy: 'U0ADMIN02', revokedAt: '2024-07-01T09:00:00.000Z' });
      const [result] = applyDecisions([runbook], decided({ attestations: [revoked] }), at('2024-07-02T00:00:00.000Z'));
      expect(result.status).toBe('MANUAL');
      expect(result.message).toContain('revoked on 2024-07-01 by U0ADMIN02');
      expect(result.attestation?.state).toBe('revoked');
      // Revoked after it expired: withdrawn, not failed.
      expect(applyDecisions([runbook], decided({ attestations: [revoked] }), at(EXPIRES_AT))[0].status).toBe('MANUAL');
    });

    it('gives an already decided result what newer decisions give the scan result', () => {
      const active = decided({ attestations: [attestation()] });
      const passed = applyDecisions([runbook], active, at('2024-06-02T00:00:00.000Z'));
      expect(passed[0].status).toBe('PASS');

      // Revoked after it passed.
      const revoked = decided({ attestations: [attestation({ revokedBy: 'U0ADMIN02', revokedAt: '2024-07-01T09:00:00.000Z' })] });
      const afterRevocation = applyDecisions(passed, revoked, at('2024-07-02T00:00:00.000Z'));
      expect(afterRevocation).toEqual(applyDecisions([runbook], revoked, at('2024-07-02T00:00:00.000Z')));
      expect(afterRevocation[0]).toMatchObject({ status: 'MANUAL', remediation: runbook.remediation });

      // Renewed after it expired.
      const expired = applyDecisions(passed, active, at(EXPIRES_AT));
      expect(expired[0].status).toBe('FAIL');
      const renewed = decided({
        attestations: [attestation({ evidence: 'Runbook reviewed again', recordedAt: '2025-06-03T08:00:00.000Z', expiresAt: '2026-06-03T00:00:00.000Z' })],
      });
      const afterRenewal = applyDecisions(expired, renewed, at('2025-06-04T00:00:00.000Z'));
      expect(afterRenewal).toEqual(applyDecisions([runbook], renewed, at('2025-06-04T00:00:00.000Z')));
      expect(afterRenewal[0]).toMatchObject({ status: 'PASS', attestation: { state: 'active', evidence: 'Runbook reviewed again', expiresAt: '2026-06-03T00:00:00.000Z' } });
      expect(afterRenewal[0].message).toContain('Runbook reviewed again');
    });

    it('does not apply an attestation to another account', () => {
      const decisions = decided({ attestations: [attestation({ accountId: OTHER_ACCOUNT })] });
      const [own, other] = applyDecisions([runbook, otherAccountRunbook], decisions, at('2024-06-02T00:00:00.000Z'));
      expect(own).toEqual(runbook);
      expect(other.status).toBe('PASS');
    });

    it('passes a result with several requirements only when every one of them is attested', () => {
      const now = at('2024-06-02T00:00:00.000Z');
      const organization = attestation({ requirementId: 'FTR-4.1', evidence: 'Production runs in 111111111111 only', expiresAt: '2025-03-01T00:00:00.000Z' });
      const guardrails = attestation({ requirementId: 'WAS-IAM-3', evidence: 'Guardrails documented' });

      expect(applyDecisions([standalone], decided({ attestations: [organization] }), now)).toEqual([standalone]);
      expect(applyDecisions([standalone], decided({ attestations: [guardrails] }), now)).toEqual([standalone]);

      const [both] = applyDecisions([standalone], decided({ attestations: [guardrails, organization] }), now);
      // The earliest expiry is when the result fails again.
      expect(both).toMatchObject({ status: 'PASS', attestation: { requirementIds: ['FTR-4.1', 'WAS-IAM-3'], expiresAt: '2025-03-01T00:00:00.000Z', state: 'active' } });
      expect(applyDecisions([standalone], decided({ attestations: [guardrails, organization] }), at('2025-03-01T00:00:00.000Z'))[0].status).toBe('FAIL');

      const revokedGuardrails = { ...guardrails, revokedBy: 'U0ADMIN02', revokedAt: '2024-07-01T00:00:00.000Z' };
      expect(applyDecisions([standalone], decided({ attestations: [organization, revokedGuardrails] }), at('2024-07-02T00:00:00.000Z'))[0].status).toBe('MANUAL');
      // One expired and one revoked: the expiry fails it.
      expect(applyDecisions([standalone], decided({ attestations: [organization, revokedGuardrails] }), at('2025-03-01T00:00:00.000Z'))[0]).toMatchObject({
        status: 'FAIL',
        attestation: { state: 'expired', expiresAt: '2025-03-01T00:00:00.000Z' },
      });
    });

    it('leaves results that a check decided from AWS as they are', () => {
      const mfa: CheckResult = { ...bucketResult('arn:aws:iam::123456789012:user/alice'), checkId: 'iam_user_mfa_enabled_console_access', refs: ['FTR-7.1'] };
      const passing = { ...mfa, status: 'PASS' as const, resource: 'arn:aws:iam::123456789012:user/bob' };
      const decisions = decided({ attestations: [attestation({ requirementId: 'FTR-7.1' })] });
      expect(applyDecisions([mfa, passing], decisions, at('2024-06-02T00:00:00.000Z'))).toEqual([mfa, passing]);
    });
  });

  describe('exceptions', () => {
    const buckets = ['arn:aws:s3:::site-assets', 'arn:aws:s3:::uploads', 'arn:aws:s3:::backups'].map((b) => bucketResult(b));
    const sameBucketOtherCheck = bucketResult('arn:aws:s3:::site-assets', { checkId: 's3_bucket_default_encryption', refs: ['FTR-12.2'] });
    const sameBucketOtherAccount = bucketResult('arn:aws:s3:::site-assets', { accountId: OTHER_ACCOUNT });
    const results = [...buckets, sameBucketOtherCheck, sameBucketOtherAccount];

    it("accepts one check's finding on exactly its resource, keeping the status", () => {
      const [site, uploads, backups, otherCheck, otherAccount] = applyDecisions(results, decided({ exceptions: [exception()] }), at('2024-06-02T00:00:00.000Z'));
      expect(site).toEqual({
        ...buckets[0],
        exception: { reason: 'Serves the public marketing website', owner: 'U0OWNER01', recordedBy: 'U0ADMIN01', recordedAt: RECORDED_AT, expiresAt: EXPIRES_AT },
      });
      expect(effectiveStatus(site)).toBe('PASS');
      expect([uploads, backups, otherCheck, otherAccount]).toEqual(results.slice(1));
      for (const result of [uploads, backups, otherCheck, otherAccount]) {
        expect(result).not.toHaveProperty('exception');
        expect(effectiveStatus(result)).toBe('FAIL');
      }
    });

    it('attaches no expired or revoked exception, and takes off one that has ended since', () => {
      const live = decided({ exceptions: [exception()] });
      const accepted = applyDecisions(results, live, at('2024-06-02T00:00:00.000Z'));
      expect(accepted[0].exception).toBeDefined();
      expect(applyDecisions(results, live, before(EXPIRES_AT))[0].exception).toBeDefined();

      const expired = applyDecisions(accepted, live, at(EXPIRES_AT));
      expect(expired).toEqual(results);
      expect(effectiveStatus(expired[0])).toBe('FAIL');

      const revoked = decided({ exceptions: [exception({ revokedBy: 'U0ADMIN02', revokedAt: '2024-07-01T00:00:00.000Z' })] });
      expect(applyDecisions(accepted, revoked, at('2024-07-02T00:00:00.000Z'))).toEqual(results);
    });
  });

  it('gives the same when applied twice as when applied once', () => {
    const results: DecidedResult[] = [runbook, otherAccountRunbook, standalone, bucketResult('arn:aws:s3:::site-assets'), bucketResult('arn:aws:s3:::uploads')];
    const decisionSets = [
      decided({ attestations: [attestation()], exceptions: [exception()] }),
      decided({ attestations: [attestation({ revokedBy: 'U0ADMIN02', revokedAt: '2024-07-01T00:00:00.000Z' })] }),
      decided({ attestations: [attestation({ requirementId: 'FTR-4.1' }), attestation({ requirementId: 'WAS-IAM-3' })] }),
    ];
    for (const decisions of decisionSets) {
      for (const now of [at('2024-06-02T00:00:00.000Z'), at(EXPIRES_AT)]) {
        const once = applyDecisions(results, decisions, now);
        expect(applyDecisions(once, decisions, now)).toEqual(once);
      }
    }
  });
});

describe('effectiveStatus', () => {
  const accepted = { reason: 'Known and accepted', owner: 'U0OWNER01', recordedBy: 'U0ADMIN01', recordedAt: RECORDED_AT, expiresAt: EXPIRES_AT };
  it.each<[Status, boolean, Status]>([
    ['FAIL', true, 'PASS'],
    ['FAIL', false, 'FAIL'],
    // An exception accepts a known finding, not a check that could not look.
    ['ERROR', true, 'ERROR'],
    ['MANUAL', true, 'MANUAL'],
    ['PASS', true, 'PASS'],
    ['NOT_APPLICABLE', true, 'NOT_APPLICABLE'],
  ])('counts %s (exception: %p) as %s', (status, withException, expected) => {
    expect(effectiveStatus({ status, ...(withException ? { exception: accepted } : {}) })).toBe(expected);
  });
});

describe('expiringSoon', () => {
  it('lists the live decisions expiring within the days, soonest first', () => {
    const now = at('2024-06-01T00:00:00.000Z');
    const inTenDays = attestation({ requirementId: 'FTR-9.3', expiresAt: '2024-06-11T00:00:00.000Z' });
    const inThreeDays = attestation({ requirementId: 'FTR-7.8', expiresAt: '2024-06-04T00:00:00.000Z' });
    const inFourteenDays = attestation({ requirementId: 'FTR-9.1', expiresAt: '2024-06-15T00:00:00.000Z' });
    const later = attestation({ requirementId: 'FTR-9.2', expiresAt: '2024-06-15T00:00:00.001Z' });
    const expired = attestation({ requirementId: 'FTR-7.4', expiresAt: '2024-06-01T00:00:00.000Z' });
    const revoked = attestation({ requirementId: 'FTR-11.1', expiresAt: '2024-06-05T00:00:00.000Z', revokedBy: 'U0ADMIN02', revokedAt: '2024-05-30T00:00:00.000Z' });
    expect(expiringSoon([later, inTenDays, expired, revoked, inFourteenDays, inThreeDays], now, 14)).toEqual([inThreeDays, inTenDays, inFourteenDays]);
  });
});
