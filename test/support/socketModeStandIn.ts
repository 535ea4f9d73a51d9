/**
 * A local stand-in for Slack's Socket Mode: `apps.connections.open` (on the Web API stand-in,
 * with the app-level token) hands out a one-use `ws://127.0.0.1:…/link/?ticket=…` URL; the
 * WebSocket there gets Slack's `hello`, then envelopes the test pushes, and records the app's
 * acknowledgements. The test can drop the socket (no close frame, as when a network path dies).
 *
 * The protocol, from Slack's Socket Mode documentation: Slack sends
 * `{type:'hello', num_connections, debug_info, connection_info:{app_id}}` first; requests arrive
 * as `{envelope_id, type, payload, accepts_response_payload}` and the app answers
 * `{envelope_id, payload?}` within 3 seconds.
 *
 * The WebSocket server side (RFC 6455: handshake, unmasked server frames, masked client frames,
 * ping/pong, close) is written here because no WebSocket server package is installed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RecordedCall, SlackApiStandIn } from './slackApi';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
const APP_ID = 'A0TEST';

export interface Ack {
  envelopeId: string;
  /** What the app put in the ack (a response payload, when it gives one). */
  payload?: unknown;
  /** ms since the epoch when it arrived. */
  at: number;
  /** Which connection (1-based, in order of hello) it came on. */
  connection: number;
}

export interface SentEnvelope {
  envelopeId: string;
  type: string;
  at: number;
  connection: number;
}

/** One server frame: FIN set, never masked. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (length < 126) header[1] = length;
  else if (length < 65_536) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** Complete client frames at the start of `buffer`, and the bytes left over. */
function readFrames(buffer: Buffer): { frames: { fin: boolean; opcode: number; payload: Buffer }[]; rest: Buffer } {
  const frames: { fin: boolean; opcode: number; payload: Buffer }[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    const fin = (buffer[offset] & 0x80) !== 0;
    const opcode = buffer[offset] & 0x0f;
    const masked = (buffer[offset + 1] & 0x80) !== 0;
    let length = buffer[offset + 1] & 0x7f;
    let at = offset + 2;
    if (length === 126) {
      if (buffer.length < at + 2) break;
      length = buffer.readUInt16BE(at);
      at += 2;
    } else if (length === 127) {
      if (buffer.length < at + 8) break;
      length = Number(buffer.readBigUInt64BE(at));
      at += 8;
    }
    if (!masked) throw new Error('a client frame was not masked (RFC 6455 5.1)');
    if (buffer.length < at + 4 + length) break;
    const mask = buffer.subarray(at, at + 4);
    const payload = Buffer.from(buffer.subarray(at + 4, at + 4 + length));
    for (let i = 0; i < payload.length; i += 1) payload[i] ^= mask[i % 4];
    frames.push({ fin, opcode, payload });
    offset = at + 4 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** One accepted WebSocket. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  closed = false;

  constructor(
    readonly number: number,
    private readonly socket: Socket,
    private readonly onText: (text: string) => void,
  ) {
    socket.on('data', (data: Buffer) => this.receive(data));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  sendJson(value: unknown): void {
    if (this.closed) throw new Error(`connection ${this.number} is closed`);
    this.socket.write(frame(OPCODE.text, Buffer.from(JSON.stringify(value))));
  }

  /** Gone without a close frame. */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  receive(data: Buffer): void {
    const { frames, rest } = readFrames(Buffer.concat([this.buffer, data]));
    this.buffer = rest;
    for (const { fin, opcode, payload } of frames) {
      if (opcode === OPCODE.ping) this.socket.write(frame(OPCODE.pong, payload));
      else if (opcode === OPCODE.close) {
        // Echo the close (the closing handshake) and end.
        this.closed = true;
        this.socket.end(frame(OPCODE.close, payload.subarray(0, 2)));
      } else if (opcode === OPCODE.text || opcode === OPCODE.continuation) {
        this.fragments.push(payload);
        if (fin) {
          this.onText(Buffer.concat(this.fragments).toString('utf8'));
          this.fragments = [];
        }
      }
    }
  }
}

export class SocketModeStandIn {
  /** Every ack, in order of arrival. */
  readonly acks: Ack[] = [];
  readonly sent: SentEnvelope[] = [];
  /** Client messages that are not acks of a sent envelope (should stay empty). */
  readonly unexpected: string[] = [];
  private readonly connections: Connection[] = [];
  private readonly tickets = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly appToken: string,
  ) {}

  /** Serves apps.connections.open on `api` for `appToken`, and the WebSocket on a port of its own. */
  static async start(options: { api: SlackApiStandIn; appToken: string }): Promise<SocketModeStandIn> {
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('Upgrade Required');
    });
    const standIn = new SocketModeStandIn(server, options.appToken);
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => standIn.upgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    options.api.answerMethod('apps.connections.open', (call) => standIn.open(call));
    return standIn;
  }

  /** WebSockets that received hello, in order. */
  get helloCount(): number {
    return this.connections.length;
  }

  /** The connection envelopes go to: the newest open one. */
  private get current(): Connection | undefined {
    return [...this.connections].reverse().find((c) => !c.closed);
  }

  /** Pushes a request to the app on the newest open connection; returns its envelope_id. */
  send(type: string, payload: Record<string, unknown>): string {
    const connection = this.current;
    if (!connection) throw new Error('no open Socket Mode connection');
    const envelopeId = randomUUID();
    connection.sendJson({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' });
    this.sent.push({ envelopeId, type, at: Date.now(), connection: connection.number });
    return envelopeId;
  }

  /** `/ftr <text>` as a Socket Mode `slash_commands` envelope. */
  slashCommand(input: { text: string; userId: string; responseUrl: string; channelId?: string }): string {
    return this.send('slash_commands', {
      token: 'deprecated-verification-token',
      team_id: 'T0TEST',
      team_domain: 'example',
      channel_id: input.channelId ?? 'C0GENERAL',
      channel_name: 'general',
      user_id: input.userId,
      user_name: 'someone',
      command: '/ftr',
      text: input.text,
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: input.responseUrl,
      trigger_id: '1.2.3',
    });
  }

  /** Drops every open connection without a close frame. */
  drop(): void {
    for (const connection of this.connections) connection.destroy();
  }

  ackOf(envelopeId: string): Ack | undefined {
    return this.acks.find((a) => a.envelopeId === envelopeId);
  }

  async close(): Promise<void> {
    this.drop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** apps.connections.open: only the app-level token may open a connection. */
  private open(call: RecordedCall): Record<string, unknown> {
    if (!call.token) return { ok: false, error: 'not_authed' };
    if (!call.token.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
    if (call.token !== this.appToken) return { ok: false, error: 'invalid_auth' };
    const ticket = randomUUID();
    this.tickets.add(ticket);
    const { port } = this.server.address() as AddressInfo;
    return { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${APP_ID}` };
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    const key = req.headers['sec-websocket-key'];
    // A ticket opens one connection.
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket) || typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const connection = new Connection(this.connections.length + 1, socket, (text) => this.receive(connection, text));
    this.connections.push(connection);
    if (head.length > 0) connection.receive(head);
    connection.sendJson({
      type: 'hello',
      num_connections: this.connections.filter((c) => !c.closed).length,
      debug_info: { host: 'applink-standin', build_number: 1, approximate_connection_time: 18_060 },
      connection_info: { app_id: APP_ID },
    });
  }

  private receive(connection: Connection, text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      this.unexpected.push(text);
      return;
    }
    const envelopeId = message.envelope_id;
    if (typeof envelopeId !== 'string' || !this.sent.some((s) => s.envelopeId === envelopeId)) {
      this.unexpected.push(text);
      return;
    }
    this.acks.push({ envelopeId, payload: message.payload, at: Date.now(), connection: connection.number });
  }
}
