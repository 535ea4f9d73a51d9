import type { HeaderBlock } from '@slack/types';
import { requirements } from '../../../src/core/requirements';
import { runbookListMessage, runbookMessage, validateMessage } from '../../../src/slack/blocks';
import { findRunbook, loadRunbooks, parseRunbook, runbookForFinding, type Runbook } from '../../../src/slack/runbooks';
import { allText } from './fixtures';

const runbooks = loadRunbooks();

describe('shipped runbooks', () => {
  it('include the required incidents', () => {
    expect(runbooks.map((r) => r.name)).toEqual(
      expect.arrayContaining(['root-credential-misuse', 'exposed-access-key', 'public-s3-bucket']),
    );
  });

  it.each([
    ['UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B', 'guardduty-iam-credential-compromise'],
    ['UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', 'guardduty-iam-credential-compromise'],
    ['Recon:EC2/PortProbeUnprotectedPort', 'guardduty-reconnaissance'],
    ['Recon:IAMUser/MaliciousIPCaller', 'guardduty-reconnaissance'],
    ['CryptoCurrency:EC2/BitcoinTool.B!DNS', 'guardduty-compromised-ec2'],
    ['Backdoor:EC2/C&CActivity.B', 'guardduty-compromised-ec2'],
    ['Trojan:EC2/DNSDataExfiltration', 'guardduty-compromised-ec2'],
    ['Exfiltration:S3/AnomalousBehavior', 'guardduty-s3-data-exfiltration'],
    ['Policy:S3/BucketBlockPublicAccessDisabled', 'public-s3-bucket'],
    ['Policy:S3/AccountBlockPublicAccessDisabled', 'public-s3-bucket'],
    ['Policy:IAMUser/RootCredentialUsage', 'root-credential-misuse'],
  ])('answer the GuardDuty finding %s with %s', (type, name) => {
    expect(runbookForFinding(runbooks, type)?.name).toBe(name);
  });

  it('map no runbook to an unknown finding family', () => {
    expect(runbookForFinding(runbooks, 'Execution:Runtime/NewBinaryExecuted')).toBeUndefined();
  });

  it.each(runbooks.map((r) => [r.name, r]))('%s is complete: contain, investigate, eradicate, recover, with known refs', (_name, runbook) => {
    const r = runbook as Runbook;
    expect(r.title).not.toBe('');
    expect(r.summary.length).toBeGreaterThan(40);
    expect(r.steps.length).toBeGreaterThanOrEqual(6);
    const body = r.steps.join('\n').toLowerCase();
    for (const phase of ['contain', 'investigate', 'eradicate', 'recover']) expect(body).toContain(phase);
    expect(r.refs.length).toBeGreaterThan(0);
    for (const ref of r.refs) expect(requirements().byId.has(ref)).toBe(true);
  });

  it.each(runbooks.map((r) => [r.name, r]))('%s renders as a valid Slack message', (_name, runbook) => {
    expect(validateMessage(runbookMessage(runbook as Runbook))).toEqual([]);
  });

  it('findRunbook ignores case and spaces', () => {
    expect(findRunbook(runbooks, ' Root-Credential-Misuse ')?.title).toBe('Root credential misuse');
    expect(findRunbook(runbooks, 'nope')).toBeUndefined();
  });
});

describe('parseRunbook', () => {
  const text = [
    '---',
    'title: Test runbook',
    'summary: When to use it.',
    'refs: [FTR-3.4]',
    "findings: ['Recon:*']",
    '---',
    '',
    '1. **Contain.** Do this:',
    '',
    '   ```',
    '   aws iam list-users',
    '     --indented',
    '   ```',
    '2. Then `that`.',
    '   Still step two.',
    '',
  ].join('\n');

  it('reads the front matter and the numbered steps with their indented lines', () => {
    expect(parseRunbook('test', text)).toEqual({
      name: 'test',
      title: 'Test runbook',
      summary: 'When to use it.',
      refs: ['FTR-3.4'],
      findingTypes: ['Recon:*'],
      steps: ['**Contain.** Do this:\n\n```\naws iam list-users\n  --indented\n```', 'Then `that`.\nStill step two.'],
    });
  });

  it.each([
    ['no front matter', '1. step', /front matter/],
    ['no title', '---\nsummary: s\n---\n1. step', /title is missing/],
    ['no steps', '---\ntitle: t\nsummary: s\n---\n', /no numbered steps/],
    ['text outside a step', '---\ntitle: t\nsummary: s\n---\nIntro\n1. step', /line 1 is outside a numbered step/],
    ['a bad refs list', '---\ntitle: t\nsummary: s\nrefs: FTR-1.1\n---\n1. step', /refs must be a list/],
    ['a mismatched name', '---\nname: other\ntitle: t\nsummary: s\n---\n1. step', /does not match/],
  ])('rejects a file with %s', (_what, body, error) => {
    expect(() => parseRunbook('test', body)).toThrow(error);
  });
});

describe('runbookMessage', () => {
  it('numbers the steps and keeps code as code', () => {
    const message = runbookMessage(findRunbook(runbooks, 'exposed-access-key')!);
    expect((message.blocks[0] as HeaderBlock).text.text).toBe(':rotating_light: Exposed access key');
    const text = allText(message.blocks);
    expect(text).toContain('(AWS Health `AWS_RISK_CREDENTIALS_EXPOSED`, a support case)');
    expect(text).toContain('`exposed-access-key` · FTR-7.2');
    expect(text).toContain("*1.* *Identify the key's owner.*");
    expect(text).toContain('*2.* *Contain: deactivate the key now.*');
    expect(text).toContain('```\naws iam update-access-key --user-name &lt;user&gt; --access-key-id &lt;AKIA…&gt; --status Inactive\n```');
    expect(message.text).toBe('Runbook: Exposed access key');
  });

  it('continues a long runbook in the thread without losing a step', () => {
    const long: Runbook = {
      name: 'long',
      title: 'Long runbook',
      summary: 'Eighty steps.',
      refs: [],
      steps: Array.from({ length: 80 }, (_v, i) => `Step ${i + 1} does \`thing-${i + 1}\` ${'words '.repeat(250)}\n\`\`\`\necho ${i + 1}\n\`\`\``),
    };
    const message = runbookMessage(long);
    expect(validateMessage(message)).toEqual([]);
    expect(message.thread?.length).toBeGreaterThan(0);
    const all = allText([...message.blocks, ...message.thread!.flatMap((m) => m.blocks)]);
    for (let i = 1; i <= 80; i += 1) expect(all).toContain(`*${i}.* Step ${i} does \`thing-${i}\``);
    expect(all.indexOf('*79.*')).toBeLessThan(all.indexOf('*80.*'));
    expect(allText(message.blocks)).toContain('Continued in the thread');
  });
});

describe('runbookListMessage', () => {
  it('lists every runbook with the command that shows it', () => {
    const message = runbookListMessage(runbooks);
    const text = allText(message.blocks);
    for (const r of runbooks) expect(text).toContain(`\`/ftr runbook ${r.name}\``);
    expect(text).toContain('• *Root credential misuse* — `/ftr runbook root-credential-misuse`');
    expect(validateMessage(message)).toEqual([]);
  });

  it('says when there are none', () => {
    expect(runbookListMessage([]).text).toBe('No runbooks are installed');
  });
});
