/**
 * Requests as Slack sends them to an app: signed with the v0 scheme (HMAC-SHA256 of
 * `v0:{timestamp}:{raw body}` keyed with the signing secret), slash commands form-encoded, event
 * callbacks as JSON, interactions as a form field `payload` holding JSON.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest, type Agent } from 'node:http';

export interface SignedRequest {
  body: string;
  contentType: string;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function slashCommand(input: { text: string; userId?: string; channelId?: string; responseUrl: string }): SignedRequest {
  const form = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0TEST',
    team_domain: 'example',
    channel_id: input.channelId ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: input.userId ?? 'U0ADMIN',
    user_name: 'someone',
    command: '/ftr',
    text: input.text,
    api_app_id: 'A0TEST',
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: '1.2.3',
  });
  return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
}

export function eventCallback(event: Record<string, unknown>): SignedRequest {
  const body = {
    token: 'deprecated-verification-token',
    team_id: 'T0TEST',
    api_app_id: 'A0TEST',
    event: { event_ts: `${Date.now() / 1000}`, ...event },
    type: 'event_callback',
    event_id: `Ev${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0TEST', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

export function appHomeOpened(userId: string): SignedRequest {
  return eventCallback({ type: 'app_home_opened', user: userId, channel: 'D0HOME', tab: 'home' });
}

function blockActions(input: { actionId: string; value: string; userId: string }, where: Record<string, unknown>): SignedRequest {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0TEST', domain: 'example' },
    user: { id: input.userId, username: 'someone', team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    token: 'deprecated-verification-token',
    trigger_id: '1.2.3',
    ...where,
    actions: [
      { type: 'button', action_id: input.actionId, block_id: 'b1', value: input.value, text: { type: 'plain_text', text: 'Re-scan' }, action_ts: `${Date.now() / 1000}` },
    ],
  };
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
}

/** A click on a button of a channel message. */
export function buttonClick(input: { actionId: string; value: string; userId: string; channelId: string; messageTs: string; responseUrl: string }): SignedRequest {
  return blockActions(input, {
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channelId, is_ephemeral: false },
    channel: { id: input.channelId, name: 'general' },
    message: { type: 'message', ts: input.messageTs, text: '', blocks: [] },
    response_url: input.responseUrl,
  });
}

/** A click on a button of the App Home (no channel, no message, no response_url). */
export function homeButtonClick(input: { actionId: string; value: string; userId: string }): SignedRequest {
  return blockActions(input, {
    container: { type: 'view', view_id: 'V0TEST' },
    view: { id: 'V0TEST', type: 'home', blocks: [] },
  });
}

export interface PostResult {
  status: number;
  text: string;
  /** Time until the response arrived (the acknowledgement). */
  ms: number;
}

/**
 * POSTs a request to the app, signed with `secret` (or a forged signature / an old timestamp
 * when asked). `agent` decides whether connections are reused (a keep-alive agent) or new.
 */
export function postSigned(
  url: string,
  request: SignedRequest,
  options: { secret: string; timestamp?: number; signature?: string; agent?: Agent },
): Promise<PostResult> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': request.contentType,
    'content-length': Buffer.byteLength(request.body),
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': options.signature ?? slackSignature(options.secret, timestamp, request.body),
  };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(url, { method: 'POST', headers, agent: options.agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(request.body);
  });
}

/** A click on a button of an ephemeral message (only its reader sees it): Slack sends no `message`, only the response_url can replace it. */
export function ephemeralButtonClick(input: { actionId: string; value: string; userId: string; channelId: string; responseUrl: string }): SignedRequest {
  return blockActions(input, {
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: input.channelId, is_ephemeral: true },
    channel: { id: input.channelId, name: 'general' },
    response_url: input.responseUrl,
  });
}

/** One input's state in a view submission, as Slack sends it (`value` for text and URL inputs, `selected_…` for pickers). */
export interface SubmittedValue {
  type: string;
  value?: string | null;
  selected_user?: string | null;
  selected_date?: string | null;
}

/** The submission of a modal: its callback_id, private_metadata and input state (block_id → action_id → value). */
export function viewSubmission(input: { userId: string; callbackId: string; privateMetadata: string; values: Record<string, Record<string, SubmittedValue>> }): SignedRequest {
  const payload = {
    type: 'view_submission',
    team: { id: 'T0TEST', domain: 'example' },
    user: { id: input.userId, username: 'someone', name: 'someone', team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    token: 'deprecated-verification-token',
    trigger_id: '4.5.6',
    view: {
      id: 'V0MODAL000001',
      team_id: 'T0TEST',
      type: 'modal',
      blocks: [],
      private_metadata: input.privateMetadata,
      callback_id: input.callbackId,
      state: { values: input.values },
      hash: '1700000000.abcdefgh',
      title: { type: 'plain_text', text: 'Form' },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: 'plain_text', text: 'Submit' },
      previous_view_id: null,
      root_view_id: 'V0MODAL000001',
      app_id: 'A0TEST',
      external_id: '',
      app_installed_team_id: 'T0TEST',
      bot_id: 'BBOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
}
