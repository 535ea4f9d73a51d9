import type { HeaderBlock } from '@slack/types';
import { requirements } from '../../../src/core/requirements';
import { explainMessage, validateMessage } from '../../../src/slack/blocks';
import { allText, check } from './fixtures';

const requirement = requirements().byId.get('FTR-7.1')!;

describe('explainMessage', () => {
  it('says what the requirement asks, how it is checked and how to fix it', () => {
    const message = explainMessage({
      requirement,
      checks: [
        check({ id: 'iam_user_mfa', title: 'Console users have MFA', severity: 'high', rationale: 'FTR-7.1: “Require MFA.”', remediation: 'Enable MFA with `aws iam enable-mfa-device`.' }),
        check({ id: 'attest_mfa_idp', title: 'IdP enforces MFA', kind: 'attestation', severity: 'medium', remediation: 'Enforce MFA in the identity provider.' }),
      ],
    });
    expect((message.blocks[0] as HeaderBlock).text.text).toBe('FTR-7.1 · MFA for all human identities');
    const text = allText(message.blocks);
    expect(text).toContain('FTR-7 Identity and Access Management · evidence: IAM credential report');
    expect(text).toContain(`*What it asks*\n>${requirement.statement.replace(/_/g, 'ˍ')}`);
    expect(text).toContain(requirement.description.slice(0, 40));
    expect(text).toContain('• *Console users have MFA* `iam_user_mfa` · :robot_face: automated · :large_orange_circle: high\n   _FTR-7.1: “Require MFA.”_');
    expect(text).toContain('• *IdP enforces MFA* `attest_mfa_idp` · :memo: needs attestation');
    expect(text).toContain('*How to fix it*\n• Enable MFA with `aws iam enable-mfa-device`.\n• Enforce MFA in the identity provider.');
    expect(message.text).toBe('FTR-7.1: MFA for all human identities');
    expect(validateMessage(message)).toEqual([]);
  });

  it('says when no check covers the requirement', () => {
    const text = allText(explainMessage({ requirement, checks: [] }).blocks);
    expect(text).toContain('No check covers FTR-7.1 yet');
    expect(text).not.toContain('How to fix it');
  });

  it('stays valid with a very long description and many checks', () => {
    const message = explainMessage({
      requirement: { ...requirement, statement: 's'.repeat(5000), description: '<!channel> '.repeat(2000) },
      checks: Array.from({ length: 200 }, (_v, i) => check({ id: `c${i}`, title: 't'.repeat(500), rationale: 'r'.repeat(2000), remediation: `fix ${i} ${'f'.repeat(2000)}` })),
    });
    expect(validateMessage(message)).toEqual([]);
    expect(allText([...message.blocks, ...(message.thread ?? []).flatMap((m) => m.blocks)])).not.toContain('<!channel>');
  });
});
