import { deniesInsecureTransport, policyStatements, publicStatements } from '../../../src/checks/s3/bucketPolicy';

const ARN = 'arn:aws:s3:::data';
const allowAll = (extra: object = {}) => ({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/*`, ...extra });

describe('publicStatements', () => {
  it.each([
    ['Principal "*"', allowAll(), true],
    ['Principal {"AWS": "*"}', allowAll({ Principal: { AWS: ['*'] } }), true],
    ['a named account', allowAll({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } }), false],
    ['aws:SourceVpce', allowAll({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }), false],
    ['aws:PrincipalOrgID', allowAll({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }), false],
    ['aws:SourceArn with a wildcard', allowAll({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::*' } } }), true],
    ['aws:SourceIp of an office range', allowAll({ Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } } }), false],
    ['aws:SourceIp of 0.0.0.0/0', allowAll({ Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }), true],
    ['NotIpAddress', allowAll({ Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }), true],
    ['aws:SecureTransport only', allowAll({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), true],
    ['a Deny', { ...allowAll(), Effect: 'Deny' }, false],
  ])('%s → public %s', (_label, statement, expected) => {
    expect(publicStatements([statement]).length > 0).toBe(expected);
  });

  it('reads single-statement documents', () => {
    expect(policyStatements(JSON.stringify({ Statement: allowAll() }))).toHaveLength(1);
  });
});

describe('deniesInsecureTransport', () => {
  const denyHttp = (extra: object = {}) => ({
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [ARN, `${ARN}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    ...extra,
  });

  it.each([
    ['bucket and objects', denyHttp(), true],
    ['a wildcard resource', denyHttp({ Resource: '*' }), true],
    ['objects only', denyHttp({ Resource: `${ARN}/*` }), false],
    ['one action only', denyHttp({ Action: 's3:PutObject' }), false],
    ['no condition', denyHttp({ Condition: undefined }), false],
    ['SecureTransport true', denyHttp({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), false],
    ['an Allow', denyHttp({ Effect: 'Allow' }), false],
  ])('%s → %s', (_label, statement, expected) => {
    expect(deniesInsecureTransport([statement], ARN)).toBe(expected);
  });
});
