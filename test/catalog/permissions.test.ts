import fs from 'node:fs';
import path from 'node:path';
import { AwsAccess } from '../../src/aws/clients';
import { catalog } from '../../src/checks/catalog';
import { MANAGED_POLICY_MAX_CHARS, scanActions, scanPolicy } from '../../src/engine/permissions';
import { resetMoto, scanChecks } from '../support/aws';
import { undeclaredActions } from '../support/iamActions';
import { seedAccount } from '../support/seedAccount';

const automated = catalog.filter((check) => check.kind === 'automated');

/** The IAM actions `check` called on the seeded account without declaring them. */
async function calledUndeclared(check: (typeof catalog)[number]): Promise<string[]> {
  const aws = new AwsAccess({ maxAttempts: 1, requestTimeoutMs: 10_000 });
  try {
    await scanChecks([check], { aws, regions: ['us-east-1', 'eu-west-1'] });
    return undeclaredActions(check, aws.counter.byOperation());
  } finally {
    aws.destroy();
  }
}

describe('every check declares the IAM actions it calls', () => {
  beforeAll(async () => {
    await resetMoto();
    const aws = new AwsAccess({ maxAttempts: 2, requestTimeoutMs: 10_000 });
    try {
      await seedAccount(aws);
    } finally {
      aws.destroy();
    }
  }, 120_000);

  test('each automated check calls only what it declares, on an account with a resource of every kind', async () => {
    const undeclared: string[] = [];
    for (const check of automated) {
      const missing = await calledUndeclared(check);
      if (missing.length > 0) undeclared.push(`${check.id}: ${missing.join(', ')}`);
    }
    expect(undeclared).toEqual([]);
  }, 300_000);

  test('every automated check declares at least one action; attestations declare none', () => {
    expect(automated.filter((check) => (check.actions ?? []).length === 0).map((check) => check.id)).toEqual([]);
    expect(catalog.filter((check) => check.kind === 'attestation' && (check.actions ?? []).length > 0).map((check) => check.id)).toEqual([]);
  });
});

describe('the scan policy', () => {
  const policy = scanPolicy(catalog);
  const actions = policy.Statement.flatMap((statement) => statement.Action);

  test('is the sorted union of the declared actions, without repeats', () => {
    expect(actions).toEqual([...new Set(actions)].sort((a, b) => a.localeCompare(b)));
    for (const check of catalog) for (const action of check.actions ?? []) expect(actions).toContain(action);
  });

  test('only reads', () => {
    // GenerateCredentialReport only asks IAM to prepare the report GetCredentialReport reads.
    const writes = actions.filter((action) => !/^[a-z0-9-]+:(Describe|Get|List|Head|BatchGet|Search|GenerateCredentialReport$)/.test(action));
    expect(writes).toEqual([]);
  });

  test('fits one customer managed policy', () => {
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
  });

  test('refuses an action name that is not one', () => {
    expect(() => scanActions([{ ...catalog[0], actions: ['s3:Get*'] }])).toThrow(/not an IAM action name/);
  });
});

test("the README's permissions section is the generated policy (npm run docs:permissions)", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = /<!-- permissions:begin -->\n```json\n([\s\S]*?)\n```\n<!-- permissions:end -->/.exec(readme);
  expect(section).not.toBeNull();
  expect(JSON.parse(section![1])).toEqual(scanPolicy(catalog));
});
