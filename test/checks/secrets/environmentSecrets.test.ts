import { credentialVariables, environmentFinding, holdsCredential } from '../../../src/checks/secrets/environmentSecrets';
import { ACCESS_KEY_ID, HEX_KEY, join, RANDOM, SECRET_ACCESS_KEY, SECRET_ARN } from './fixtures';

const PRIVATE_KEY = join('-----BEGIN RSA PRIVATE', ' KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE', ' KEY-----');
const GIT_COMMIT = 'e83c5163316f89bfbde7d9ab23ca2e25604af290';

describe('holdsCredential: values decide, names only narrow', () => {
  it.each([
    ['DB_PASSWORD', 'a literal password, however weak', 'hunter2'],
    ['dbPassword', 'a camel-case password name', 'correct horse battery staple'],
    ['DB_PASS', 'a short password name', 'x1'],
    ['SMTP_CREDENTIALS', 'a user and generated password', join('mailer:', RANDOM)],
    ['API_KEY', 'a hex key under a key name', HEX_KEY],
    ['stripe_api_key', 'a lower-case key name', RANDOM],
    ['SECRET_KEY_BASE', 'a secret word not at the end of the name', HEX_KEY + HEX_KEY],
    ['CLIENT_TOKEN', 'a UUID token', '3f2b1c4e-9d8a-4b7c-a6e5-0f1e2d3c4b5a'],
    ['CERT', 'a PEM private key, whatever the name', PRIVATE_KEY],
    ['NOTIFY', 'a Slack bot token', join('xoxb-', '1234567890-', 'abcdefABCDEF12')],
    ['GH', 'a GitHub token', join('ghp_', 'A1b2'.repeat(9))],
    ['PAYMENTS', 'a Stripe live key', join('sk_live_', 'a1B2c3D4e5F6g7H8')],
    ['ALERTS', 'a Slack webhook URL', join('https://hooks.slack.com/services/T0000ABCD/B0000EFGH/', RANDOM)],
    ['DATABASE_URL', 'a URL with a password', join('postgres://app:', 's3cr3t', '@db:5432/app')],
    ['CACHE_URL', 'a URL with a password and no user, under a descriptor name', join('redis://:', 'pw', '@cache:6379')],
    ['CALLBACK', 'a URL carrying a token', join('https://api.example.com/hook?access_token=', RANDOM)],
  ])('%s holds a credential: %s', (name, _case, value) => {
    expect(holdsCredential(name, value)).toBe(true);
  });

  it.each([
    ['SECRET_NAME', 'the name of a secret', 'prod/db'],
    ['DB_SECRET_ID', 'the ARN of a secret under an id name', SECRET_ARN],
    ['DB_PASSWORD_SECRET_ARN', 'an *_SECRET_ARN', SECRET_ARN],
    ['DB_PASSWORD', 'an ARN under a password name', SECRET_ARN],
    ['API_KEY_PARAMETER', 'an SSM parameter path', '/prod/api/key'],
    ['DB_PASSWORD', 'an SSM parameter path under a password name', '/prod/db/password'],
    ['DB_PASSWORD', 'a secret name under a password name', 'prod/db/password'],
    ['API_KEY', 'a CloudFormation dynamic reference', '{{resolve:secretsmanager:prod/api:SecretString:key}}'],
    ['TOKEN_URL', 'a token endpoint', 'https://auth.example.com/oauth2/token'],
    ['AUTH_TOKEN', 'a URL without credentials under a token name', 'https://auth.example.com/oauth2/token'],
    ['DATABASE_URL', 'a URL whose password is a placeholder', 'postgres://app:${DB_PASSWORD}@db:5432/app'],
    ['DB_PASSWORD', 'a placeholder', '${DB_PASSWORD}'],
    ['QUEUE_TOKEN', 'a name under a token name', 'orders-queue-v2'],
    ['TOKEN_TTL_SECONDS', 'a duration', '3600'],
    ['PASSWORD_MIN_LENGTH', 'a length', '12'],
    ['PASSWORD_POLICY', 'a policy about passwords', 'strict'],
    ['USE_SECRET_STORE', 'a flag', 'true'],
    ['SECRET', 'an empty value', ''],
    ['SIGNING_KEY_ID', 'a key id', 'alias/app-signing'],
    ['CACHE_KEY', 'a random value under a name that announces no credential', RANDOM],
    ['GIT_COMMIT', 'a commit hash', GIT_COMMIT],
    ['LOG_LEVEL', 'an ordinary setting', 'debug'],
    ['SERVICE_URL', 'a URL with a port', 'https://api.example.com:8443/v1'],
    ['PWD_DIR', 'a directory', '/srv/app'],
    ['AWS_ACCESS_KEY_ID', 'an access key id on its own', ACCESS_KEY_ID],
  ])('%s holds no credential: %s', (name, _case, value) => {
    expect(holdsCredential(name, value)).toBe(false);
  });
});

describe('credentialVariables: one environment', () => {
  it('names an access key id and its secret key together, whatever the variables are called', () => {
    expect(credentialVariables([['UPSTREAM_ID', ACCESS_KEY_ID], ['UPSTREAM_SK', SECRET_ACCESS_KEY], ['PORT', '8080']])).toEqual(['UPSTREAM_ID', 'UPSTREAM_SK']);
    expect(credentialVariables([['BOTO', `${ACCESS_KEY_ID}:${SECRET_ACCESS_KEY}`]])).toEqual(['BOTO']);
  });

  it('does not name an access key id without a secret key beside it', () => {
    expect(credentialVariables([['AWS_ACCESS_KEY_ID', ACCESS_KEY_ID], ['GIT_COMMIT', GIT_COMMIT], ['REGION', 'us-east-1']])).toEqual([]);
  });

  it('names every credential once, sorted, and skips variables without a value', () => {
    expect(credentialVariables([['DB_PASSWORD', 'hunter2'], ['API_KEY', HEX_KEY], ['DB_PASSWORD', 'other'], ['EMPTY', undefined]])).toEqual(['API_KEY', 'DB_PASSWORD']);
  });
});

describe('environmentFinding', () => {
  it('names the resource and the variables, never a value or part of one', () => {
    const finding = environmentFinding('arn:x', 'Thing arn:x', [['DB_PASSWORD', 'hunter2-value'], ['API_KEY', HEX_KEY]]);
    expect(finding).toEqual({ resource: 'arn:x', status: 'FAIL', message: 'Thing arn:x holds what looks like a credential in environment variables API_KEY, DB_PASSWORD.' });
    expect(finding.message).not.toMatch(/hunter2|9f86/);
    expect(environmentFinding('arn:x', 'Thing arn:x', [['SECRET_NAME', 'prod/db']])).toEqual({ resource: 'arn:x', status: 'PASS', message: 'Thing arn:x has no credential-looking environment variable.' });
  });
});
