import type { CheckResult, Status } from '../../src/core/types';
import { compactScan } from '../../src/store/history';
import { ACCOUNT, smallReport } from './fixtures';

const result = (checkId: string, refs: string[], status: Status): CheckResult => ({
  checkId,
  refs,
  status,
  severity: 'medium',
  accountId: ACCOUNT,
  region: 'eu-west-1',
  resource: `arn:aws:s3:::${checkId}`,
  message: `${checkId} is ${status}.`,
});

describe('compactScan', () => {
  it('gives each requirement the worst status of its results: FAIL, ERROR, MANUAL, PASS, NOT_APPLICABLE', () => {
    const report = {
      ...smallReport(new Date('2024-01-01T00:00:00Z')),
      results: [
        result('a', ['FTR-1.1', 'FTR-2.1'], 'PASS'),
        result('b', ['FTR-1.1'], 'FAIL'),
        result('c', ['FTR-2.1'], 'MANUAL'),
        result('d', ['FTR-2.1', 'FTR-3.1'], 'NOT_APPLICABLE'),
        result('e', ['FTR-4.1'], 'MANUAL'),
        result('f', ['FTR-4.1'], 'ERROR'),
        result('g', ['FTR-4.1'], 'PASS'),
        result('h', ['FTR-5.1'], 'NOT_APPLICABLE'),
        result('i', ['FTR-5.1'], 'PASS'),
      ],
    };
    expect(compactScan(report).requirements).toEqual({ 'FTR-1.1': 'FAIL', 'FTR-2.1': 'MANUAL', 'FTR-3.1': 'NOT_APPLICABLE', 'FTR-4.1': 'ERROR', 'FTR-5.1': 'PASS' });
  });

  it('keeps the summary counts and, per result, what tells two scans apart', () => {
    const report = smallReport(new Date('2024-01-01T00:00:00Z'));
    const compact = compactScan(report);
    expect(compact.generatedAt).toBe(report.generatedAt);
    expect(compact.summary).toEqual({ PASS: report.summary.PASS, FAIL: report.summary.FAIL, ERROR: report.summary.ERROR, MANUAL: report.summary.MANUAL, NOT_APPLICABLE: report.summary.NOT_APPLICABLE });
    expect(compact.results).toEqual(report.results.map((r) => ({ checkId: r.checkId, refs: r.refs, region: r.region, resource: r.resource, status: r.status })));
  });
});
