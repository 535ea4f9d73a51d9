import { webApi } from '@slack/bolt';
import { Roles } from '../../src/slack/roles';
import { createLogger } from '../../src/slack/logger';
import { webClientOptions } from '../../src/slack/webClient';
import { SlackApiStandIn } from '../support/slackApi';

const TOKEN = 'xoxb-1-2-roles';
let api: SlackApiStandIn;
let clock: number;

function roles(admins: string[]) {
  const client = new webApi.WebClient(TOKEN, { ...webClientOptions({ apiUrl: api.url }), retryConfig: { retries: 0 } });
  return new Roles({ admins, cacheMs: 5 * 60_000, client, logger: createLogger({ level: 'fatal' }), clock: () => clock });
}

beforeAll(async () => {
  api = await SlackApiStandIn.start({ token: TOKEN });
});
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  clock = 0;
});

test('users named directly are admins without any API call', async () => {
  const r = roles(['U0ALICE']);
  expect(await r.isAdmin('U0ALICE')).toBe(true);
  expect(await r.isAdmin('U0BOB')).toBe(false);
  expect(api.calls).toEqual([]);
  expect(r.adminUsers).toEqual(['U0ALICE']);
});

test('members of a named user group are admins; membership is cached for a few minutes', async () => {
  api.usergroups.set('S0SEC', ['U0CAROL']);
  const r = roles(['S0SEC']);
  expect(await Promise.all([r.isAdmin('U0CAROL'), r.isAdmin('U0DAVE'), r.isAdmin('U0CAROL')])).toEqual([true, false, true]);
  expect(api.callsTo('usergroups.users.list')).toHaveLength(1);
  expect(api.callsTo('usergroups.users.list')[0].args.usergroup).toBe('S0SEC');

  api.usergroups.set('S0SEC', ['U0DAVE']);
  clock += 4 * 60_000;
  expect(await r.isAdmin('U0DAVE')).toBe(false);
  clock += 2 * 60_000;
  expect(await r.isAdmin('U0DAVE')).toBe(true);
  expect(api.callsTo('usergroups.users.list')).toHaveLength(2);
});

test('when membership cannot be read, nobody in the group is an admin, and the next request asks again', async () => {
  const r = roles(['S0GONE']);
  expect(await r.isAdmin('U0CAROL')).toBe(false);
  api.usergroups.set('S0GONE', ['U0CAROL']);
  expect(await r.isAdmin('U0CAROL')).toBe(true);
});

test('no roles configured: nobody is an admin', async () => {
  const r = roles([]);
  expect(r.configured).toBe(false);
  expect(await r.isAdmin('U0ANYONE')).toBe(false);
});
