import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetAccountSummaryCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { DescribeSeverityLevelsCommand, SupportClient } from '@aws-sdk/client-support';
import { AwsAccess } from '../../src/aws/clients';
import { defineInventory } from '../../src/aws/inventory';
import { DEFAULT_THRESHOLDS } from '../../src/config/thresholds';
import { runScan } from '../../src/engine/scan';
import type { Check } from '../../src/core/types';
import { ACCOUNT_ID, resetMoto, scanChecks } from '../support/aws';

function check(id: string, run: Check['run'], scope: Check['scope'] = 'global'): Check {
  return {
    id,
    refs: ['FTR-7.1'],
    title: id,
    severity: 'high',
    rationale: 'test',
    remediation: `fix ${id}`,
    scope,
    kind: 'automated',
    run,
  };
}

/** An IAM endpoint that always answers with the given AWS query-protocol error. */
async function failingEndpoint(status: number, code: string): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} for test</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits: () => hits };
}

describe('scan engine', () => {
  beforeEach(resetMoto);

  it('runs global checks once and regional checks once per region, reporting progress', async () => {
    const seen: string[] = [];
    const progress: Array<[number, number]> = [];
    const regional = check('regional_probe', async (ctx) => {
      seen.push(ctx.region);
      return [{ resource: `thing-${ctx.region}`, status: 'PASS', message: 'ok' }];
    }, 'regional');
    const global = check('global_probe', async (ctx) => [{ resource: 'account', status: 'FAIL', message: `in ${ctx.region}` }]);
    const aws = new AwsAccess({ maxAttempts: 1 });
    const report = await runScan({
      checks: [regional, global],
      accountId: ACCOUNT_ID,
      regions: ['us-east-1', 'eu-west-1', 'ap-south-1'],
      homeRegion: 'us-east-1',
      aws,
      thresholds: DEFAULT_THRESHOLDS,
      onProgress: (p) => progress.push([p.done, p.total]),
    });
    aws.destroy();
    expect(seen.sort()).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    expect(progress.map(([d]) => d)).toEqual([1, 2, 3, 4]);
    expect(progress.every(([, t]) => t === 4)).toBe(true);
    expect(report.results).toHaveLength(4);
    const fail = report.results.find((r) => r.checkId === 'global_probe')!;
    expect(fail).toMatchObject({ region: 'global', status: 'FAIL', remediation: 'fix global_probe', accountId: ACCOUNT_ID, refs: ['FTR-7.1'] });
    expect(report.results.find((r) => r.status === 'PASS')!.remediation).toBeUndefined();
    expect(report.summary).toMatchObject({ PASS: 3, FAIL: 1, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0 });
  });

  it('turns an exception into an ERROR with the reason and still completes the scan', async () => {
    const broken = check('broken', async () => {
      throw new Error('boom');
    });
    const fine = check('fine', async () => [{ resource: 'account', status: 'PASS', message: 'ok' }]);
    const report = await scanChecks([broken, fine]);
    expect(report.results.find((r) => r.checkId === 'broken')).toMatchObject({ status: 'ERROR', resource: 'account' });
    expect(report.results.find((r) => r.checkId === 'broken')!.message).toContain('boom');
    expect(report.results.find((r) => r.checkId === 'fine')!.status).toBe('PASS');
  });

  it('reports a check with nothing to evaluate as NOT_APPLICABLE, never silently absent', async () => {
    const report = await scanChecks([check('empty', async () => [])]);
    expect(report.results).toEqual([expect.objectContaining({ checkId: 'empty', status: 'NOT_APPLICABLE' })]);
  });

  it('retries a throttled API with the SDK retry mode, then reports ERROR (not PASS) and finishes', async () => {
    const endpoint = await failingEndpoint(400, 'Throttling');
    // The SDK reads AWS_ENDPOINT_URL_IAM from the process environment.
    const aws = new AwsAccess({ maxAttempts: 3, retryMode: 'standard' });
    const saved = process.env.AWS_ENDPOINT_URL_IAM;
    process.env.AWS_ENDPOINT_URL_IAM = endpoint.url;
    try {
      const throttled = check('throttled', async (ctx) => {
        await ctx.aws.client(IAMClient, ctx.homeRegion).send(new ListUsersCommand({}));
        return [{ resource: 'account', status: 'PASS', message: 'should not happen' }];
      });
      const other = check('other', async () => [{ resource: 'account', status: 'PASS', message: 'ok' }]);
      const report = await scanChecks([throttled, other], { aws });
      const result = report.results.find((r) => r.checkId === 'throttled')!;
      expect(result.status).toBe('ERROR');
      expect(result.message).toMatch(/Throttling/);
      expect(endpoint.hits()).toBe(3);
      expect(report.summary.awsRequests.byOperation['iam:ListUsers']).toBe(3);
      expect(report.results.find((r) => r.checkId === 'other')!.status).toBe('PASS');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_IAM;
      else process.env.AWS_ENDPOINT_URL_IAM = saved;
      aws.destroy();
      endpoint.server.close();
    }
  });

  it('says "access denied" when AWS refuses the call', async () => {
    const endpoint = await failingEndpoint(403, 'AccessDenied');
    const saved = process.env.AWS_ENDPOINT_URL_IAM;
    process.env.AWS_ENDPOINT_URL_IAM = endpoint.url;
    const aws = new AwsAccess({ maxAttempts: 1 });
    try {
      const denied = check('denied', async (ctx) => {
        await ctx.aws.client(IAMClient, ctx.homeRegion).send(new GetAccountSummaryCommand({}));
        return [];
      });
      const report = await scanChecks([denied], { aws });
      expect(report.results[0].status).toBe('ERROR');
      expect(report.results[0].message).toMatch(/^Could not evaluate: access denied/);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_IAM;
      else process.env.AWS_ENDPOINT_URL_IAM = saved;
      aws.destroy();
      endpoint.server.close();
    }
  });

  it('fetches a shared inventory once per scan however many checks use it, and counts the requests', async () => {
    const users = defineInventory('test.users', 'global', async (ctx, region) =>
      (await ctx.aws.client(IAMClient, region).send(new ListUsersCommand({}))).Users ?? [],
    );
    const checks = ['a', 'b', 'c', 'd'].map((id) =>
      check(id, async (ctx) => [{ resource: 'account', status: 'PASS', message: `${(await users(ctx)).length} users` }]),
    );
    const report = await scanChecks(checks);
    expect(report.summary.awsRequests).toEqual({ total: 1, byOperation: { 'iam:ListUsers': 1 } });
    expect(report.summary.PASS).toBe(4);
  });
});

describe('errors a check reports', () => {
  it('explains an answer that is not an AWS response (an endpoint without the API) in one line', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>404</title>');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const saved = process.env.AWS_ENDPOINT_URL_SUPPORT;
    process.env.AWS_ENDPOINT_URL_SUPPORT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const aws = new AwsAccess({ maxAttempts: 1 });
    try {
      const probe = check('html_probe', async (ctx) => {
        await ctx.aws.client(SupportClient, ctx.homeRegion).send(new DescribeSeverityLevelsCommand({}));
        return [];
      });
      const [result] = (await scanChecks([probe], { aws })).results;
      expect(result.status).toBe('ERROR');
      expect(result.message).toBe('Could not evaluate: the endpoint answered with something that is not an AWS response (HTTP 404), so it may not support this API.');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SUPPORT;
      else process.env.AWS_ENDPOINT_URL_SUPPORT = saved;
      aws.destroy();
      server.close();
    }
  });
});
