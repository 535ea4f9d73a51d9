/**
 * A local stand-in for Slack's Web API over real HTTP: point SLACK_API_URL at `url`. It records
 * every call, checks the bearer token, validates Block Kit payloads on its own (the limits below
 * come from Slack's Block Kit reference, not from the project's code) and answers as Slack does.
 * It also accepts POSTs to response_url paths, and file uploads in Slack's three steps
 * (files.getUploadURLExternal, a POST of the bytes to the upload URL, files.completeUploadExternal),
 * which is what the SDK's `files.uploadV2` does. Modals opened with views.open are recorded (`openedViews`)
 * after the checks Slack documents for modal views and input blocks. Rate limits as Slack documents them (about one
 * message per second per channel, per-method tiers) are off until switched on.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  args: Record<string, any>;
  token?: string;
  /** ms since the epoch when the request arrived. */
  at: number;
  /** What the stand-in answered: `ok`, an error code, or `ratelimited`. */
  outcome: string;
  violations: string[];
}

/** A file whose upload was completed: its bytes as they arrived at the upload URL. */
export interface UploadedFile {
  id: string;
  /** As given to files.getUploadURLExternal. */
  filename: string;
  /** As given to files.completeUploadExternal, else the filename. */
  title: string;
  bytes: Buffer;
  /** Where it was shared; a file completed without a channel stays private. */
  channel?: string;
  threadTs?: string;
  initialComment?: string;
  /** When the files.completeUploadExternal call arrived (ms since the epoch). */
  completedAt: number;
}

/** A POST to an upload URL. */
export interface UploadPost {
  fileId: string;
  /** Bytes of the file that arrived. */
  length: number;
  at: number;
  violations: string[];
}

export interface ResponseUrlPost {
  id: string;
  body: any;
  at: number;
  violations: string[];
}

// Slack's documented Block Kit limits.
const MAX_MESSAGE_BLOCKS = 50;
const MAX_VIEW_BLOCKS = 100;
const MAX_MESSAGE_TEXT = 40_000;
const MAX_SECTION_TEXT = 3000;
const MAX_SECTION_FIELDS = 10;
const MAX_FIELD_TEXT = 2000;
const MAX_HEADER_TEXT = 150;
const MAX_CONTEXT_ELEMENTS = 10;
const MAX_ACTIONS_ELEMENTS = 25;
const MAX_BUTTON_TEXT = 75;
const MAX_BUTTON_VALUE = 2000;
const MAX_BUTTON_URL = 3000;
const MAX_ID = 255;
const MAX_PRIVATE_METADATA = 3000;
const MAX_MODAL_TITLE = 24;
const MAX_MODAL_BUTTON = 24;
const MAX_INPUT_LABEL = 2000;
const MAX_INPUT_HINT = 2000;
const MAX_PLACEHOLDER = 150;
const MAX_TEXT_INPUT_LENGTH = 3000;

/** Elements an input block can hold. */
const INPUT_ELEMENTS = [
  'plain_text_input',
  'url_text_input',
  'email_text_input',
  'number_input',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'checkboxes',
  'radio_buttons',
  'static_select',
  'multi_static_select',
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'external_select',
  'multi_external_select',
  'file_input',
  'rich_text_input',
];

/** Requests per minute of Slack's Web API rate-limit tiers (Slack's documented floors). */
export const SLACK_TIER_PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;

/** Tiers of methods the stand-in answers, from each method's page in Slack's reference. */
export const SLACK_METHOD_TIER = {
  'chat.update': 3,
  'views.publish': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
  'conversations.info': 3,
} as const satisfies Record<string, keyof typeof SLACK_TIER_PER_MINUTE>;

/** An allowance: `perSecond` on average, up to `burst` at once (a token bucket). */
export interface Allowance {
  perSecond: number;
  burst: number;
}

class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly allowance: Allowance,
    now: number,
  ) {
    this.tokens = allowance.burst;
    this.updatedAt = now;
  }

  /** 0 when a request may go now, else the ms until it may. */
  waitMs(now: number): number {
    const { perSecond, burst } = this.allowance;
    // Requests are checked in the order they were read, which can differ slightly from arrival.
    if (now > this.updatedAt) {
      this.tokens = Math.min(burst, this.tokens + ((now - this.updatedAt) / 1000) * perSecond);
      this.updatedAt = now;
    }
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / perSecond) * 1000;
  }

  take(): void {
    this.tokens -= 1;
  }
}

function checkText(obj: any, where: string, max: number, out: string[], plainOnly = false): void {
  if (!obj || typeof obj !== 'object') return void out.push(`${where}: text object missing`);
  if (obj.type !== 'plain_text' && obj.type !== 'mrkdwn') out.push(`${where}: text type must be plain_text or mrkdwn, got ${obj.type}`);
  if (plainOnly && obj.type !== 'plain_text') out.push(`${where}: must be plain_text`);
  if (typeof obj.text !== 'string' || obj.text.length === 0) out.push(`${where}: text must be a non-empty string`);
  else if (obj.text.length > max) out.push(`${where}: text is ${obj.text.length} characters, more than ${max}`);
  if (obj.type === 'mrkdwn' && 'emoji' in obj) out.push(`${where}: emoji is only allowed on plain_text`);
}

function checkId(value: unknown, where: string, out: string[]): void {
  if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID)) {
    out.push(`${where}: must be 1-${MAX_ID} characters`);
  }
}

/** An input element's own limits: placeholder, lengths of a text input, the format of a date. */
function checkInputElement(el: any, where: string, out: string[]): void {
  if (el.placeholder !== undefined) checkText(el.placeholder, `${where}.placeholder`, MAX_PLACEHOLDER, out, true);
  if (el.type === 'plain_text_input') {
    const { min_length: min, max_length: max } = el;
    if (min !== undefined && (!Number.isInteger(min) || min < 0 || min > MAX_TEXT_INPUT_LENGTH)) out.push(`${where}.min_length: must be 0-${MAX_TEXT_INPUT_LENGTH}`);
    if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > MAX_TEXT_INPUT_LENGTH)) out.push(`${where}.max_length: must be 1-${MAX_TEXT_INPUT_LENGTH}`);
    if (Number.isInteger(min) && Number.isInteger(max) && min > max) out.push(`${where}: min_length is more than max_length`);
  }
  if (el.initial_value !== undefined && typeof el.initial_value !== 'string') out.push(`${where}.initial_value: must be a string`);
  if (el.type === 'datepicker' && el.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(el.initial_date)) out.push(`${where}.initial_date: must be YYYY-MM-DD`);
  if (el.type === 'users_select' && el.initial_user !== undefined && typeof el.initial_user !== 'string') out.push(`${where}.initial_user: must be a user ID`);
}

function checkElement(el: any, where: string, out: string[]): void {
  if (!el || typeof el !== 'object') return void out.push(`${where}: element missing`);
  checkId(el.action_id, `${where}.action_id`, out);
  if (INPUT_ELEMENTS.includes(el.type)) return checkInputElement(el, where, out);
  if (el.type === 'button') {
    checkText(el.text, `${where}.text`, MAX_BUTTON_TEXT, out, true);
    if (el.value !== undefined && (typeof el.value !== 'string' || el.value.length > MAX_BUTTON_VALUE)) out.push(`${where}.value: more than ${MAX_BUTTON_VALUE} characters`);
    if (el.url !== undefined && (typeof el.url !== 'string' || el.url.length > MAX_BUTTON_URL)) out.push(`${where}.url: more than ${MAX_BUTTON_URL} characters`);
    if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') out.push(`${where}.style: must be primary or danger`);
  } else if (el.type === 'image') {
    if (typeof el.image_url !== 'string' || typeof el.alt_text !== 'string') out.push(`${where}: image needs image_url and alt_text`);
  } else if (el.type !== 'overflow') {
    out.push(`${where}: unsupported element type ${el.type}`);
  }
}

function checkBlock(block: any, where: string, out: string[]): void {
  if (!block || typeof block !== 'object') return void out.push(`${where}: not an object`);
  checkId(block.block_id, `${where}.block_id`, out);
  switch (block.type) {
    case 'header':
      checkText(block.text, `${where}.text`, MAX_HEADER_TEXT, out, true);
      break;
    case 'section':
      if (block.text === undefined && block.fields === undefined) out.push(`${where}: section needs text or fields`);
      if (block.text !== undefined) checkText(block.text, `${where}.text`, MAX_SECTION_TEXT, out);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length === 0 || block.fields.length > MAX_SECTION_FIELDS) {
          out.push(`${where}.fields: must hold 1-${MAX_SECTION_FIELDS} items`);
        } else {
          block.fields.forEach((f: any, i: number) => checkText(f, `${where}.fields[${i}]`, MAX_FIELD_TEXT, out));
        }
      }
      if (block.accessory !== undefined) checkElement(block.accessory, `${where}.accessory`, out);
      break;
    case 'context':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > MAX_CONTEXT_ELEMENTS) {
        out.push(`${where}.elements: must hold 1-${MAX_CONTEXT_ELEMENTS} items`);
      } else {
        block.elements.forEach((e: any, i: number) =>
          e?.type === 'image' ? checkElement(e, `${where}.elements[${i}]`, out) : checkText(e, `${where}.elements[${i}]`, MAX_SECTION_TEXT, out),
        );
      }
      break;
    case 'actions':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > MAX_ACTIONS_ELEMENTS) {
        out.push(`${where}.elements: must hold 1-${MAX_ACTIONS_ELEMENTS} items`);
      } else {
        block.elements.forEach((e: any, i: number) => checkElement(e, `${where}.elements[${i}]`, out));
      }
      break;
    case 'input':
      checkText(block.label, `${where}.label`, MAX_INPUT_LABEL, out, true);
      if (block.hint !== undefined) checkText(block.hint, `${where}.hint`, MAX_INPUT_HINT, out, true);
      if (block.optional !== undefined && typeof block.optional !== 'boolean') out.push(`${where}.optional: must be a boolean`);
      if (!block.element || !INPUT_ELEMENTS.includes(block.element.type)) out.push(`${where}.element: an input block needs an input element, got ${block.element?.type}`);
      else checkElement(block.element, `${where}.element`, out);
      break;
    case 'divider':
      break;
    case 'image':
      checkElement(block, where, out);
      break;
    case 'rich_text':
      if (!Array.isArray(block.elements)) out.push(`${where}.elements: missing`);
      break;
    default:
      out.push(`${where}: unsupported block type ${block.type}`);
  }
}

/** Violations of Slack's limits in a list of blocks on a message (≤ 50) or a view (≤ 100). */
export function blockKitViolations(blocks: unknown, surface: 'message' | 'view'): string[] {
  const out: string[] = [];
  if (blocks === undefined) return out;
  if (!Array.isArray(blocks)) return ['blocks: must be an array'];
  const max = surface === 'message' ? MAX_MESSAGE_BLOCKS : MAX_VIEW_BLOCKS;
  if (blocks.length > max) out.push(`blocks: ${blocks.length} blocks, more than ${max}`);
  blocks.forEach((b, i) => checkBlock(b, `blocks[${i}]`, out));
  const ids = blocks.map((b: any) => b?.block_id).filter(Boolean);
  if (new Set(ids).size !== ids.length) out.push('blocks: duplicate block_id');
  return out;
}

function messageViolations(args: Record<string, any>): string[] {
  const out = blockKitViolations(args.blocks, 'message');
  if (typeof args.text !== 'string' || args.text.length === 0) out.push('text: missing (the notification fallback)');
  else if (args.text.length > MAX_MESSAGE_TEXT) out.push(`text: more than ${MAX_MESSAGE_TEXT} characters`);
  return out;
}

function viewViolations(view: any): string[] {
  if (!view || typeof view !== 'object') return ['view: missing'];
  const out = blockKitViolations(view.blocks, 'view');
  if (view.type !== 'home') out.push(`view.type: must be home for views.publish, got ${view.type}`);
  if (view.private_metadata !== undefined && String(view.private_metadata).length > MAX_PRIVATE_METADATA) out.push('view.private_metadata: too long');
  checkId(view.callback_id, 'view.callback_id', out);
  checkId(view.external_id, 'view.external_id', out);
  return out;
}

/** What views.open checks of a modal: its type, title, buttons (submit is needed with inputs), blocks and ids. */
export function modalViolations(view: any): string[] {
  if (!view || typeof view !== 'object') return ['view: missing'];
  const out = blockKitViolations(view.blocks, 'view');
  if (view.type !== 'modal') out.push(`view.type: must be modal for views.open, got ${view.type}`);
  checkText(view.title, 'view.title', MAX_MODAL_TITLE, out, true);
  if (view.close !== undefined) checkText(view.close, 'view.close', MAX_MODAL_BUTTON, out, true);
  if (view.submit !== undefined) checkText(view.submit, 'view.submit', MAX_MODAL_BUTTON, out, true);
  else if (Array.isArray(view.blocks) && view.blocks.some((b: any) => b?.type === 'input')) out.push('view.submit: required when the view has input blocks');
  if (view.private_metadata !== undefined && (typeof view.private_metadata !== 'string' || view.private_metadata.length > MAX_PRIVATE_METADATA)) {
    out.push(`view.private_metadata: more than ${MAX_PRIVATE_METADATA} characters`);
  }
  checkId(view.callback_id, 'view.callback_id', out);
  checkId(view.external_id, 'view.external_id', out);
  return out;
}

/** A JSON-encoded argument decoded; anything else (plain text that starts with a bracket) as it came. */
function jsonArg(value: unknown): unknown {
  if (typeof value !== 'string' || !/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Form fields as Slack's SDK sends them (nested values JSON-encoded), or a JSON body. */
function parseArgs(body: string, contentType: string | undefined): Record<string, any> {
  if (contentType?.includes('application/json')) return body ? JSON.parse(body) : {};
  const args: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(body)) args[k] = jsonArg(v);
  return args;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The file in an upload URL POST: Slack takes raw bytes or a multipart form's file part. */
async function uploadedBytes(body: Buffer, contentType: string | undefined): Promise<Buffer | undefined> {
  if (!contentType?.startsWith('multipart/form-data')) return body;
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const file = [...form.values()].find((value) => typeof value !== 'string');
  return file === undefined ? undefined : Buffer.from(await file.arrayBuffer());
}

/** Slack's answer to a call missing a required argument or giving a malformed one. */
function invalidArguments(problem: string): Record<string, unknown> {
  return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [`[ERROR] ${problem}`] } };
}

/** A modal opened with views.open. */
export interface OpenedView {
  id: string;
  triggerId: string;
  view: any;
  at: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: any[];
  threadTs?: string;
  /** When the call that created it arrived (ms since the epoch). */
  postedAt: number;
  /** On the message that shares uploaded files. */
  files?: { id: string; title: string }[];
}

/** An upload URL handed out and not yet completed; `bytes` once they arrived. */
interface PendingUpload {
  id: string;
  filename: string;
  length: number;
  bytes?: Buffer;
}

export class SlackApiStandIn {
  readonly calls: RecordedCall[] = [];
  readonly responseUrlPosts: ResponseUrlPost[] = [];
  /** channel → ts → message, as edited. */
  readonly messages = new Map<string, Map<string, StoredMessage>>();
  /** user → the last published home view. */
  readonly homeViews = new Map<string, any>();
  /** Modals opened with views.open, in order. */
  readonly openedViews: OpenedView[] = [];
  /** POSTs to upload URLs, in order. */
  readonly uploadPosts: UploadPost[] = [];
  /** Channels the bot is not a member of: posting or sharing a file there answers not_in_channel. */
  readonly notInChannel = new Set<string>();
  /** User group id → member user ids. */
  readonly usergroups = new Map<string, string[]>();
  /** Channel id → what conversations.info says of it (e.g. `is_ext_shared`); unknown channels answer channel_not_found. */
  readonly channels = new Map<string, { is_ext_shared?: boolean; is_pending_ext_shared?: boolean; is_private?: boolean }>();
  /** Methods another stand-in answers (with its own token check), e.g. Socket Mode's apps.connections.open. */
  private readonly extraMethods = new Map<string, (call: RecordedCall) => Record<string, unknown>>();
  private readonly rateLimited = new Map<string, number>();
  private readonly delays = new Map<string, number>();
  private channelPostAllowance: Allowance | undefined;
  private readonly methodAllowances = new Map<string, Allowance>();
  /** `post:<channel>` or `method:<method>` → its bucket, created on first use. */
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly homeViewHashes = new Map<string, string>();
  private readonly pendingUploads = new Map<string, PendingUpload>();
  private readonly completedUploads: UploadedFile[] = [];
  private tsCounter = 0;
  private idCounter = 0;

  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {}

  static async start(options: { token: string }): Promise<SlackApiStandIn> {
    const server = createServer();
    const standIn = new SlackApiStandIn(server, options.token);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      standIn.handle(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  private get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The Web API base URL (what SLACK_API_URL is set to). */
  get url(): string {
    return `${this.origin}/api/`;
  }

  /** A response_url that records what is POSTed to it. */
  responseUrl(id = 'r1'): string {
    return `${this.origin}/response/${id}`;
  }

  /** The next `times` calls of `method` answer HTTP 429 with Retry-After: 1. */
  rateLimit(method: string, times = 1): void {
    this.rateLimited.set(method, times);
  }

  /**
   * chat.postMessage (thread replies included) beyond `perSecond` per channel, after a burst of
   * `burst`, answers HTTP 429 `ratelimited` with Retry-After in whole seconds, as Slack does.
   */
  limitChannelPosts(allowance: { perSecond?: number; burst: number }): void {
    this.channelPostAllowance = { perSecond: allowance.perSecond ?? 1, burst: allowance.burst };
    for (const key of this.buckets.keys()) if (key.startsWith('post:')) this.buckets.delete(key);
  }

  /**
   * Calls of `method` beyond `perMinute` (e.g. `SLACK_TIER_PER_MINUTE[3]` for chat.update) answer
   * HTTP 429 `ratelimited`. `burst` defaults to a minute's allowance, as a per-minute window allows.
   */
  limitMethod(method: string, allowance: { perMinute: number; burst?: number }): void {
    this.methodAllowances.set(method, { perSecond: allowance.perMinute / 60, burst: allowance.burst ?? allowance.perMinute });
    this.buckets.delete(`method:${method}`);
  }

  /** Calls of `method` are answered by `answer`, which checks the token itself. */
  answerMethod(method: string, answer: (call: RecordedCall) => Record<string, unknown>): void {
    this.extraMethods.set(method, answer);
  }

  /** Calls of `method` are answered after `ms`. */
  delay(method: string, ms: number): void {
    this.delays.set(method, ms);
  }

  /** Files whose upload was completed, in order of completion. */
  uploads(): UploadedFile[] {
    return [...this.completedUploads];
  }

  /** The hash of `user`'s current home view: views.publish with any other `hash` is a hash_conflict. */
  homeViewHash(user: string): string | undefined {
    return this.homeViewHashes.get(user);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages of `channel` that are not thread replies, oldest first. */
  topLevelMessages(channel: string): StoredMessage[] {
    return [...(this.messages.get(channel)?.values() ?? [])].filter((m) => m.threadTs === undefined);
  }

  /** The most successful chat.postMessage calls to `channel` that arrived within one second. */
  peakPostsPerSecond(channel: string): number {
    const times = this.calls
      .filter((c) => c.method === 'chat.postMessage' && c.outcome === 'ok' && c.args.channel === channel)
      .map((c) => c.at)
      .sort((a, b) => a - b);
    let peak = 0;
    let first = 0;
    times.forEach((at, i) => {
      while (at - times[first] >= 1000) first += 1;
      peak = Math.max(peak, i - first + 1);
    });
    return peak;
  }

  /** Every violation of Block Kit limits seen so far, with where it was seen. */
  allViolations(): string[] {
    return [
      ...this.calls.flatMap((c) => c.violations.map((v) => `${c.method}: ${v}`)),
      ...this.responseUrlPosts.flatMap((p) => p.violations.map((v) => `response_url ${p.id}: ${v}`)),
      ...this.uploadPosts.flatMap((p) => p.violations.map((v) => `upload ${p.fileId}: ${v}`)),
    ];
  }

  /** Resolves when `predicate` holds (checked every 20 ms), failing after `timeoutMs`. */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  reset(): void {
    this.calls.length = 0;
    this.responseUrlPosts.length = 0;
    this.messages.clear();
    this.homeViews.clear();
    this.openedViews.length = 0;
    this.homeViewHashes.clear();
    this.uploadPosts.length = 0;
    this.pendingUploads.clear();
    this.completedUploads.length = 0;
    this.notInChannel.clear();
    this.usergroups.clear();
    this.channels.clear();
    this.rateLimited.clear();
    this.delays.clear();
    this.channelPostAllowance = undefined;
    this.methodAllowances.clear();
    this.buckets.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const path = new URL(req.url ?? '/', this.origin).pathname;
    const raw = await readBody(req);
    if (req.method === 'POST' && path.startsWith('/upload/')) {
      return this.receiveUpload(path.slice('/upload/'.length), raw, req.headers['content-type'], at, res);
    }
    const body = raw.toString('utf8');
    if (req.method === 'POST' && path.startsWith('/response/')) {
      const parsed = JSON.parse(body);
      this.responseUrlPosts.push({ id: path.slice('/response/'.length), body: parsed, at, violations: messageViolations(parsed) });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (req.method !== 'POST' || !path.startsWith('/api/')) {
      res.writeHead(404);
      res.end();
      return;
    }
    const method = path.slice('/api/'.length);
    const args = parseArgs(body, req.headers['content-type']);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : typeof args.token === 'string' ? args.token : undefined;
    const call: RecordedCall = { method, args, token, at, outcome: 'ok', violations: [] };
    this.calls.push(call);

    const delay = this.delays.get(method);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const limited = this.rateLimited.get(method) ?? 0;
    if (limited > 0) this.rateLimited.set(method, limited - 1);
    const waitMs = limited > 0 ? 1000 : this.allowanceWait(call);
    if (waitMs > 0) {
      call.outcome = 'ratelimited';
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const answer = this.extraMethods.get(method)?.(call) ?? this.answer(call);
    if (!answer.ok) call.outcome = String(answer.error);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(answer));
  }

  /** Stores the bytes of a pending upload and answers as Slack's upload service does; the URL itself authorizes, as Slack's does. */
  private async receiveUpload(fileId: string, body: Buffer, contentType: string | undefined, at: number, res: ServerResponse): Promise<void> {
    const pending = this.pendingUploads.get(fileId);
    if (!pending) {
      this.uploadPosts.push({ fileId, length: body.length, at, violations: ['no pending upload has this URL (never issued, or already completed)'] });
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
      return;
    }
    const bytes = await uploadedBytes(body, contentType);
    const violations = bytes === undefined ? ['a multipart body without a file part'] : [];
    const length = bytes?.length ?? 0;
    if (bytes !== undefined && length !== pending.length) violations.push(`${length} bytes arrived; files.getUploadURLExternal was told ${pending.length}`);
    pending.bytes = bytes;
    this.uploadPosts.push({ fileId, length, at, violations });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${length}`);
  }

  /** 0 when the call is within the allowances switched on (and counts against them), else the ms until it would be. */
  private allowanceWait(call: RecordedCall): number {
    const limits: [string, Allowance | undefined][] = [[`method:${call.method}`, this.methodAllowances.get(call.method)]];
    if (call.method === 'chat.postMessage') limits.push([`post:${call.args.channel}`, this.channelPostAllowance]);
    const buckets = limits.flatMap(([key, allowance]) => {
      if (!allowance) return [];
      if (!this.buckets.has(key)) this.buckets.set(key, new TokenBucket(allowance, call.at));
      return [this.buckets.get(key)!];
    });
    const waitMs = Math.max(0, ...buckets.map((b) => b.waitMs(call.at)));
    if (waitMs === 0) buckets.forEach((b) => b.take());
    return waitMs;
  }

  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String((this.tsCounter += 1)).padStart(6, '0')}`;
  }

  /** Ids and view hashes, unique for the stand-in's life. */
  private nextId(prefix: string, digits: number): string {
    return `${prefix}${String((this.idCounter += 1)).padStart(digits, '0')}`;
  }

  private getUploadUrl(args: Record<string, any>): Record<string, unknown> {
    if (typeof args.filename !== 'string' || args.filename.length === 0) return invalidArguments('missing required field: filename');
    if (args.length === undefined || args.length === '') return invalidArguments('missing required field: length');
    if (!/^\d+$/.test(String(args.length))) return invalidArguments(`length must be an integer, got ${JSON.stringify(args.length)}`);
    const length = Number(args.length);
    // Slack documents missing_argument for a length of 0.
    if (length === 0) return { ok: false, error: 'missing_argument' };
    const id = this.nextId('F0UP', 7);
    this.pendingUploads.set(id, { id, filename: args.filename, length });
    return { ok: true, upload_url: `${this.origin}/upload/${id}`, file_id: id };
  }

  private completeUpload(call: RecordedCall, invalid: (violations: string[]) => Record<string, unknown>): Record<string, unknown> {
    const { args } = call;
    const files = jsonArg(args.files);
    if (!Array.isArray(files) || files.length === 0) return invalidArguments('files must be a non-empty JSON array of {"id", "title"}');
    if (files.some((f) => typeof f?.id !== 'string')) return invalidArguments('every entry of files needs an id');
    const pending = files.map((f) => this.pendingUploads.get(f.id));
    if (pending.some((p) => p?.bytes === undefined)) return { ok: false, error: 'file_not_found' };
    const channel: string | undefined = args.channel_id || undefined;
    if (channel !== undefined && this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
    // Slack ignores blocks when initial_comment is given.
    const blocks = args.initial_comment === undefined ? jsonArg(args.blocks) : undefined;
    const violations = blockKitViolations(blocks, 'message');
    if (violations.length > 0) return invalid(violations);
    const threadTs = channel === undefined ? undefined : args.thread_ts || undefined;
    const completed = files.map((f, i): UploadedFile => {
      const upload = pending[i]!;
      this.pendingUploads.delete(upload.id);
      const title = typeof f.title === 'string' && f.title.length > 0 ? f.title : upload.filename;
      return { id: upload.id, filename: upload.filename, title, bytes: upload.bytes!, channel, threadTs, initialComment: args.initial_comment, completedAt: call.at };
    });
    this.completedUploads.push(...completed);
    const shared = completed.map(({ id, title }) => ({ id, title }));
    if (channel !== undefined) {
      // The share is a message in the channel (or thread), as in Slack's history.
      const ts = this.nextTs();
      const message: StoredMessage = { channel, ts, text: args.initial_comment ?? '', blocks: Array.isArray(blocks) ? blocks : [], threadTs, postedAt: call.at, files: shared };
      if (!this.messages.has(channel)) this.messages.set(channel, new Map());
      this.messages.get(channel)!.set(ts, message);
    }
    return { ok: true, files: shared };
  }

  private answer(call: RecordedCall): Record<string, unknown> {
    if (!call.token) return { ok: false, error: 'not_authed' };
    if (call.token !== this.token) return { ok: false, error: 'invalid_auth' };
    const { args } = call;
    const invalid = (violations: string[]) => {
      call.violations = violations;
      return { ok: false, error: 'invalid_blocks', errors: violations, response_metadata: { messages: violations.map((v) => `[ERROR] ${v}`) } };
    };
    switch (call.method) {
      case 'auth.test':
        return { ok: true, url: 'https://example.slack.com/', team: 'Example', user: 'ftr-bot', team_id: 'T0TEST', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage': {
        if (this.notInChannel.has(args.channel)) return { ok: false, error: 'not_in_channel' };
        const violations = messageViolations(args);
        if (violations.length > 0) return invalid(violations);
        const ts = this.nextTs();
        const message: StoredMessage = { channel: args.channel, ts, text: args.text, blocks: args.blocks ?? [], threadTs: args.thread_ts, postedAt: call.at };
        if (!this.messages.has(args.channel)) this.messages.set(args.channel, new Map());
        this.messages.get(args.channel)!.set(ts, message);
        return { ok: true, channel: args.channel, ts, message: { text: args.text, blocks: args.blocks } };
      }
      case 'chat.postEphemeral': {
        // Seen only by `user`, not part of the channel's history: recorded in `calls`, not in `messages`.
        if (this.notInChannel.has(args.channel)) return { ok: false, error: 'not_in_channel' };
        const violations = messageViolations(args);
        if (violations.length > 0) return invalid(violations);
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'chat.update': {
        const message = this.messages.get(args.channel)?.get(args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        const violations = messageViolations(args);
        if (violations.length > 0) return invalid(violations);
        message.text = args.text;
        message.blocks = args.blocks ?? [];
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      }
      case 'views.publish': {
        const violations = viewViolations(args.view);
        if (violations.length > 0) return invalid(violations);
        // Without a hash a publish always wins; with one it must match the current view's.
        if (args.hash !== undefined && args.hash !== '' && args.hash !== this.homeViewHashes.get(args.user_id)) return { ok: false, error: 'hash_conflict' };
        const hash = this.nextId(`${Math.floor(Date.now() / 1000)}.`, 8);
        this.homeViews.set(args.user_id, args.view);
        this.homeViewHashes.set(args.user_id, hash);
        return { ok: true, view: { id: 'V0TEST', ...args.view, hash } };
      }
      case 'views.open': {
        if (typeof args.trigger_id !== 'string' || args.trigger_id === '') return invalidArguments('missing required field: trigger_id');
        const violations = modalViolations(args.view);
        if (violations.length > 0) {
          call.violations = violations;
          return { ok: false, error: 'invalid_arguments', response_metadata: { messages: violations.map((v) => `[ERROR] ${v}`) } };
        }
        const id = this.nextId('V0MODAL', 6);
        this.openedViews.push({ id, triggerId: args.trigger_id, view: args.view, at: call.at });
        return { ok: true, view: { id, team_id: 'T0TEST', app_id: 'A0TEST', bot_id: 'BBOT', ...args.view, state: { values: {} }, hash: this.nextId(`${Math.floor(Date.now() / 1000)}.`, 8), root_view_id: id } };
      }
      case 'files.getUploadURLExternal':
        return this.getUploadUrl(args);
      case 'files.completeUploadExternal':
        return this.completeUpload(call, invalid);
      case 'usergroups.users.list': {
        const users = this.usergroups.get(args.usergroup);
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'conversations.info': {
        const info = this.channels.get(args.channel);
        return info ? { ok: true, channel: { id: args.channel, is_channel: true, is_member: !this.notInChannel.has(args.channel), ...info } } : { ok: false, error: 'channel_not_found' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
