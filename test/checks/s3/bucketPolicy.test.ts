import { policyStatements, publicStatements, secureTransportVerdict } from '../../../src/checks/s3/bucketPolicy';

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
    ['ForAnyValue:StringEquals aws:PrincipalOrgID', allowAll({ Condition: { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgID': 'o-abc' } } }), false],
    ['ForAllValues:StringEquals aws:PrincipalOrgID (absent for anonymous callers)', allowAll({ Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc' } } }), true],
    ['StringEqualsIfExists aws:SourceVpce', allowAll({ Condition: { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } } }), true],
  ])('%s → public %s', (_label, statement, expected) => {
    expect(publicStatements([statement]).length > 0).toBe(expected);
  });

  it('reads single-statement documents', () => {
    expect(policyStatements(JSON.stringify({ Statement: allowAll() }))).toHaveLength(1);
  });
});

describe('secureTransportVerdict', () => {
  const denyHttp = (extra: object = {}) => ({
    Sid: 'DenyHttp',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [ARN, `${ARN}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    ...extra,
  });
  const verdict = (...statements: object[]) => secureTransportVerdict(statements, ARN);

  it.each([
    ['bucket and objects', denyHttp()],
    ['Principal {"AWS": "*"}', denyHttp({ Principal: { AWS: '*' } })],
    ['a wildcard resource', denyHttp({ Resource: '*' })],
    ['a bucket-name wildcard', denyHttp({ Resource: 'arn:aws:s3:::dat*' })],
    ['Action "*"', denyHttp({ Action: '*' })],
    ['the boolean false', denyHttp({ Condition: { Bool: { 'aws:SecureTransport': false } } })],
    ['BoolIfExists, which also denies requests without the key', denyHttp({ Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } })],
    ['NotResource naming another bucket', denyHttp({ Resource: undefined, NotResource: 'arn:aws:s3:::other/*' })],
    ['NotAction naming only non-S3 actions', denyHttp({ Action: undefined, NotAction: 'iam:*' })],
  ])('denies plain HTTP: %s', (_label, statement) => {
    expect(verdict(statement)).toEqual({ denies: true, statements: ['statement "DenyHttp"'] });
  });

  it('counts the bucket and its objects covered by two statements together', () => {
    const result = verdict(denyHttp({ Sid: 'Bucket', Resource: ARN }), denyHttp({ Sid: 'Objects', Resource: `${ARN}/*` }));
    expect(result).toEqual({ denies: true, statements: ['statement "Bucket"', 'statement "Objects"'] });
  });

  it.each([
    ['an extra aws:SourceIp condition', denyHttp({ Condition: { Bool: { 'aws:SecureTransport': 'false' }, IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } }), 'applies only when IpAddress aws:SourceIp also matches'],
    ['an extra s3:prefix condition', denyHttp({ Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringLike: { 's3:prefix': 'private/' } } }), 'applies only when StringLike s3:prefix also matches'],
    ['a second key in the same Bool block', denyHttp({ Condition: { Bool: { 'aws:SecureTransport': 'false', 'aws:MultiFactorAuthPresent': 'false' } } }), 'applies only when Bool aws:MultiFactorAuthPresent also matches'],
    ['a named principal', denyHttp({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } }), 'applies only to the principals it names'],
    ['a service principal', denyHttp({ Principal: { Service: '*' } }), 'applies only to the principals it names'],
    ['NotPrincipal', denyHttp({ Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }), 'exempts the principals in its NotPrincipal'],
    ['two actions', denyHttp({ Action: ['s3:GetObject', 's3:PutObject'] }), 'covers only s3:GetObject, s3:PutObject instead of s3:*'],
    ['a partial action wildcard', denyHttp({ Action: 's3:Get*' }), 'covers only s3:Get* instead of s3:*'],
    ['NotAction exempting reads', denyHttp({ Action: undefined, NotAction: 's3:GetObject' }), 'exempts s3:GetObject'],
    ['objects only', denyHttp({ Resource: `${ARN}/*` }), 'does not cover the bucket itself'],
    ['the bucket only', denyHttp({ Resource: ARN }), 'does not cover every object'],
    ['one prefix of objects', denyHttp({ Resource: [ARN, `${ARN}/private/*`] }), 'does not cover every object'],
    ['one-character keys only', denyHttp({ Resource: [ARN, `${ARN}/?`] }), 'does not cover every object'],
    ['another bucket', denyHttp({ Resource: ['arn:aws:s3:::data-archive', 'arn:aws:s3:::data-archive/*'] }), 'does not cover the bucket itself, does not cover every object'],
    ['NotResource exempting a prefix', denyHttp({ Resource: undefined, NotResource: `${ARN}/public/*` }), 'does not cover every object'],
  ])('does not count a Deny narrowed by %s', (_label, statement, gap) => {
    const result = verdict(statement);
    expect(result.denies).toBe(false);
    expect(!result.denies && result.reason).toContain(`statement "DenyHttp" ${gap}`);
  });

  it.each([
    ['SecureTransport true', denyHttp({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), 'no Deny statement applies to aws:SecureTransport false'],
    ['a Null check of the key', denyHttp({ Condition: { Null: { 'aws:SecureTransport': 'true' } } }), 'no Deny statement applies'],
    ['no condition at all', denyHttp({ Condition: undefined }), 'no Deny statement applies'],
    ['a StringEquals on the key', denyHttp({ Condition: { StringEquals: { 'aws:SecureTransport': 'false' } } }), 'no Deny statement applies'],
    [
      'an Allow conditioned on TLS',
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/*`, Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      'an Allow conditioned on aws:SecureTransport true is no refusal',
    ],
    [
      'a minimum TLS version only',
      denyHttp({ Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } }),
      's3:TlsVersion condition sets a minimum TLS version but does not refuse requests sent without TLS',
    ],
  ])('does not count %s as refusing plain HTTP', (_label, statement, reason) => {
    const result = verdict(statement);
    expect(result.denies).toBe(false);
    expect(!result.denies && result.reason).toContain(reason);
  });

  it('does not count a Deny on plain HTTP that also demands an old TLS version (no plain-HTTP request has one)', () => {
    const result = verdict(denyHttp({ Condition: { Bool: { 'aws:SecureTransport': 'false' }, NumericLessThan: { 's3:TlsVersion': '1.2' } } }));
    expect(result.denies).toBe(false);
  });
});
