import { webApi } from '@slack/bolt';
import { boltLogger, createLogger } from '../../src/slack/logger';
import { webClientOptions } from '../../src/slack/webClient';
import { SlackApiStandIn } from '../support/slackApi';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/slackHarness';

const LEAKED = 'xoxp-1234-5678-leaked-user-token';

function capturingLogger() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', secrets: [BOT_TOKEN, SIGNING_SECRET], destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
}

test("a Slack platform error keeps Slack's details (response_metadata.messages) and loses tokens", async () => {
  const api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  try {
    const { logger, lines } = capturingLogger();
    // As the app builds it: the client logs Slack's messages itself too, through the same logger.
    const client = new webApi.WebClient(BOT_TOKEN, { ...webClientOptions({ apiUrl: api.url }), logger: boltLogger(logger) });
    // A block type Slack does not know; the stand-in names it in its answer, as Slack does.
    const failure = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'hi', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'ok' } }, { type: LEAKED } as never] }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as { code?: string }).code).toBe('slack_webapi_platform_error');
    logger.error({ err: failure }, 'posting failed');
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'posting failed');
    expect(line.err).toMatchObject({
      type: 'WebAPIPlatformError',
      message: 'An API error occurred: invalid_blocks',
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] blocks[1]: unsupported block type [redacted]'] } },
    });
    const everything = lines.join('\n');
    expect(everything).toContain('unsupported block type [redacted]');
    expect(everything).not.toContain(LEAKED);
    expect(everything).not.toContain(BOT_TOKEN);
  } finally {
    await api.close();
  }
});

test('of an error, only type, message, stack, code and data are kept: a request error keeps no request', () => {
  const { logger, lines } = capturingLogger();
  const err = Object.assign(new Error('A request error occurred: fetch failed'), {
    code: 'slack_webapi_request_error',
    original: { config: { headers: { Authorization: 'Bearer some-opaque-credential' } } },
  });
  logger.warn({ err }, 'request failed');
  const line = JSON.parse(lines[0]);
  expect(Object.keys(line.err).sort()).toEqual(['code', 'message', 'stack', 'type']);
  expect(lines[0]).not.toContain('some-opaque-credential');
});

test('secrets are scrubbed at any depth; what is too deep to read is not written', () => {
  const { logger, lines } = capturingLogger();
  let deep: Record<string, unknown> = { credentials: { value: 'opaque-credential-at-the-bottom' } };
  for (let i = 0; i < 10; i += 1) deep = { level: deep, note: `level ${i} ${SIGNING_SECRET}` };
  logger.info({ deep }, 'nested');
  expect(lines[0]).toContain('[truncated]');
  expect(lines[0]).not.toContain('opaque-credential-at-the-bottom');
  expect(lines[0]).not.toContain(SIGNING_SECRET);
});
