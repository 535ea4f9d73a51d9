import { parse as parseYaml } from 'yaml';
import { refusal } from './refusal';
import { parseAppConfig } from '../../src/config/load';

/** The contract's `accounts` example, and the organization key beside it. */
const EXAMPLE = `
accounts:
  - id: "210987654321"
    roleArn: arn:aws:iam::210987654321:role/ftr-bot-scanner
  - id: "210987654322"
    roleArn: arn:aws:iam::210987654322:role/security/ftr-scanner
    alias: payments-prod
organization:
  scanMembers: true
  organizationalUnits: [ou-ab12-34cd56ef, r-ab12]
  roleName: ftr-bot-scanner
  accountConcurrency: 8
`;

const account = (fields: Record<string, unknown> = {}) => ({ id: '210987654321', roleArn: 'arn:aws:iam::210987654321:role/ftr-bot-scanner', ...fields });

describe('accounts and organization in the configuration', () => {
  it('accepts the contract example with aliases, role paths and an OU filter', () => {
    const config = parseAppConfig(parseYaml(EXAMPLE));
    expect(config.accounts).toEqual([
      { id: '210987654321', roleArn: 'arn:aws:iam::210987654321:role/ftr-bot-scanner' },
      { id: '210987654322', roleArn: 'arn:aws:iam::210987654322:role/security/ftr-scanner', alias: 'payments-prod' },
    ]);
    expect(config.organization).toEqual({ scanMembers: true, organizationalUnits: ['ou-ab12-34cd56ef', 'r-ab12'], roleName: 'ftr-bot-scanner', accountConcurrency: 8 });
  });

  it('scans no other account by default', () => {
    const config = parseAppConfig({});
    expect(config.accounts).toEqual([]);
    expect(config.organization).toEqual({ scanMembers: false, roleName: 'ftr-bot-scanner', accountConcurrency: 4 });
  });

  it('refuses with one line naming the setting', () => {
    expect(refusal({ accounts: [account({ id: 210987654321 })] })).toMatch(/^configuration: accounts\.0\.id: /);
    expect(refusal({ accounts: [account({ id: '21098765432' })] })).toBe('configuration: accounts.0.id: must be a 12-digit AWS account id (quote it in YAML)');
    expect(refusal({ accounts: [account({ roleArn: 'arn:aws:iam::123456789012:role/ftr-bot-scanner' })] })).toBe(
      'configuration: accounts.0.roleArn: must be a role of the account itself (the account id in the ARN differs from id)',
    );
    expect(refusal({ accounts: [account({ roleArn: 'arn:aws:iam::210987654321:user/alice' })] })).toMatch(/^configuration: accounts\.0\.roleArn: must be an IAM role ARN/);
    expect(refusal({ accounts: [account(), account({ alias: 'x' })] })).toBe('configuration: accounts.1: "210987654321" is listed twice (also at accounts.0)');
    expect(refusal({ accounts: [account({ alias: 'prod' }), account({ id: '210987654322', roleArn: 'arn:aws:iam::210987654322:role/r', alias: 'PROD' })] })).toMatch(/"PROD" is listed twice/);
    expect(refusal({ accounts: [account({ alias: '123456789012' })] })).toBe('configuration: accounts.0.alias: must not look like an account id');
    expect(refusal({ accounts: [account({ externalId: 'chosen-by-me' })] })).toMatch(/^configuration: accounts\.0: Unrecognized key: "externalId"/);
    expect(refusal({ organization: { scanMembers: true, ous: ['ou-ab12-34cd56ef'] } })).toMatch(/^configuration: organization: Unrecognized key: "ous"/);
    expect(refusal({ organization: { organizationalUnits: ['Production'] } })).toBe('configuration: organization.organizationalUnits.0: must be an organizational unit id (ou-…) or a root id (r-…)');
    expect(refusal({ organization: { accountConcurrency: 0 } })).toMatch(/^configuration: organization\.accountConcurrency: /);
  });
});
