import { ConfigError, parseAppConfig } from '../../src/config/load';
import { DEFAULT_SLACK_API_URL, slackSettingsFromEnv } from '../../src/slack/settings';

const TOKEN = 'xoxb-1234-5678-abcdefghijklmnop';
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const base = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET };

function failure(env: Record<string, string>): string {
  try {
    slackSettingsFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

test('HTTP mode with only the two required settings: every other setting has its default', () => {
  expect(slackSettingsFromEnv(base)).toEqual({
    botToken: TOKEN,
    signingSecret: SECRET,
    appToken: undefined,
    apiUrl: DEFAULT_SLACK_API_URL,
    port: 3000,
    storeUrl: undefined,
    regions: undefined,
    logLevel: 'info',
  });
});

test('Socket Mode needs the app token instead of the signing secret', () => {
  const settings = slackSettingsFromEnv({ SLACK_BOT_TOKEN: TOKEN, SLACK_APP_TOKEN: 'xapp-1-A0-123-abc' });
  expect(settings.appToken).toBe('xapp-1-A0-123-abc');
  expect(settings.signingSecret).toBeUndefined();
});

test('SLACK_API_URL gets the trailing slash the Web API client needs; PORT and FTR_REGIONS are parsed', () => {
  const settings = slackSettingsFromEnv({ ...base, SLACK_API_URL: 'https://slack-gov.com/api', PORT: '8080', FTR_REGIONS: 'us-east-1, eu-west-1' });
  expect(settings).toMatchObject({ apiUrl: 'https://slack-gov.com/api/', port: 8080, regions: ['us-east-1', 'eu-west-1'] });
});

test.each(['http://127.0.0.1:8080/api/', 'http://127.3.2.1/api/', 'http://localhost:3000/api/', 'http://[::1]:8080/api/', 'https://slack.com/api/'])(
  'SLACK_API_URL may be plain http only on a loopback address: %s',
  (url) => {
    expect(slackSettingsFromEnv({ ...base, SLACK_API_URL: url }).apiUrl).toBe(url);
  },
);

test.each([
  [{ ...base, SLACK_API_URL: 'http://slack.com/api/' }, /^SLACK_API_URL: must be https .*clear text$/],
  [{ ...base, SLACK_API_URL: 'http://10.0.0.5:8080/api/' }, /^SLACK_API_URL: must be https/],
  [{ ...base, SLACK_API_URL: 'http://127.0.0.1.example.com/api/' }, /^SLACK_API_URL: must be https/],
  [{ ...base, SLACK_API_URL: 'http://localhost.example.com/api/' }, /^SLACK_API_URL: must be https/],
  [{ SLACK_SIGNING_SECRET: SECRET }, /^SLACK_BOT_TOKEN: missing/],
  [{ ...base, SLACK_BOT_TOKEN: 'xoxp-user-token-1234' }, /^SLACK_BOT_TOKEN: malformed; .* starts with xoxb-$/],
  [{ SLACK_BOT_TOKEN: TOKEN }, /^SLACK_SIGNING_SECRET: missing/],
  [{ ...base, SLACK_SIGNING_SECRET: 'short' }, /^SLACK_SIGNING_SECRET: malformed/],
  [{ ...base, SLACK_APP_TOKEN: 'xoxb-not-an-app-token' }, /^SLACK_APP_TOKEN: malformed/],
  [{ ...base, SLACK_API_URL: 'slack.com/api' }, /^SLACK_API_URL: not a URL/],
  [{ ...base, SLACK_API_URL: 'ftp://slack.com/api/' }, /^SLACK_API_URL: must be an http or https URL/],
  [{ ...base, PORT: 'eighty' }, /^PORT: "eighty" is not a port number/],
  [{ ...base, PORT: '70000' }, /^PORT: "70000" is not a port number/],
  [{ ...base, FTR_REGIONS: 'us-east-1,mars-1' }, /^FTR_REGIONS: "mars-1" is not an AWS region name/],
  [{ ...base, LOG_LEVEL: 'loud' }, /^LOG_LEVEL: "loud" is not one of/],
])('a missing or malformed setting is one line naming it: %j', (env, message) => {
  const text = failure(env);
  expect(text).toMatch(message);
  expect(text).not.toContain('\n');
  // The message never repeats a secret.
  for (const secret of [TOKEN, SECRET, 'xoxp-user-token-1234', 'xoxb-not-an-app-token']) expect(text).not.toContain(secret);
});

test('the configuration file names admins by Slack ID; names are refused with the path of the setting', () => {
  const config = parseAppConfig({ roles: { admins: ['U012ABCDEF', 'S0GROUP1'] }, slack: { reuseScanMinutes: 30 } });
  expect(config.roles).toEqual({ admins: ['U012ABCDEF', 'S0GROUP1'], groupCacheMinutes: 5, allowEveryone: false });
  expect(config.slack).toMatchObject({ reuseScanMinutes: 30, progressUpdateSeconds: 2, publicChannels: [] });
  expect(() => parseAppConfig({ roles: { admins: ['@alice'] } })).toThrow(/^configuration: roles\.admins\.0: must be a Slack user ID/);
  expect(() => parseAppConfig({ slack: { reuseMinutes: 5 } })).toThrow(/^configuration: slack: Unrecognized key/);
});

test('with no configuration, nobody is an admin (the safe default)', () => {
  expect(parseAppConfig({}).roles.admins).toEqual([]);
});

test('on-demand scan limits: 10 minutes per account and 5 per person by default; 0 switches one off; a negative value is refused', () => {
  expect(parseAppConfig({}).slack).toMatchObject({ scanMinIntervalMinutes: 10, userScanCooldownMinutes: 5 });
  expect(parseAppConfig({ slack: { scanMinIntervalMinutes: 0, userScanCooldownMinutes: 0 } }).slack).toMatchObject({ scanMinIntervalMinutes: 0, userScanCooldownMinutes: 0 });
  expect(() => parseAppConfig({ slack: { userScanCooldownMinutes: -1 } })).toThrow(/^configuration: slack\.userScanCooldownMinutes: /);
});
