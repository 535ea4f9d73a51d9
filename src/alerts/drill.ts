import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DrillStarter } from '../slack/command';
import type { Logger } from '../slack/logger';
import { plural } from '../slack/blocks/format';
import type { SlackMessage } from '../slack/blocks';
import { textMessage } from '../slack/blocks/kit';
import type { AlertRecord, Store } from '../store';
import { drillEvent, type DrillKind } from './sources/samples';

export const DRILL_KINDS: readonly DrillKind[] = ['guardduty', 's3-public', 'root-login'];

/** A drill as the store keeps it: evidence for WAS-IR-3 (incident response is practised and timed). */
export interface DrillRecord {
  id: string;
  kind: DrillKind;
  requestedBy: string;
  /** ISO-8601 times: the event queued, its card posted, the card acknowledged. */
  queuedAt: string;
  cardAt?: string;
  channel?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
}

const DRILL_INDEX = 'drills:index';
/** Drills listed in the index (each is kept under its own key). */
const INDEXED_DRILLS = 100;
const DRILL_BUCKET = 'ftr-drill-example-bucket';

/** The drills kept in the store, newest last: evidence anyone may read (the WAS-IR-3 attestation quotes them). */
export async function drillRecords(store: Pick<Store, 'get'>): Promise<DrillRecord[]> {
  const ids = (await store.get<string[]>(DRILL_INDEX)) ?? [];
  const records = await Promise.all(ids.map((id) => store.get<DrillRecord>(`drill:${id}`)));
  return records.filter((r): r is DrillRecord => r !== undefined);
}

function seconds(fromIso: string, toIso: string): string {
  return `${((Date.parse(toIso) - Date.parse(fromIso)) / 1000).toFixed(1)} s`;
}

function minutes(fromIso: string, toIso: string): string {
  const s = Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000);
  return s < 120 ? plural(s, 'second') : plural(Math.round(s / 60), 'minute');
}

/**
 * `/ftr drill`: a realistic sample event put into the alert queue, through the real pipeline,
 * timed from queue to card and from card to acknowledgement; the times are kept in the store.
 */
export class Drills implements DrillStarter {
  readonly kinds = DRILL_KINDS;
  /** Where each drill's requester is told the times (a slash command's response_url lives 30 minutes). */
  private readonly replyTo = new Map<string, string>();

  constructor(
    private readonly deps: {
      store: Store;
      sqs: SQSClient;
      queueUrl: string;
      accountId: () => Promise<string>;
      region: string;
      now: () => Date;
      logger: Logger;
      tell: (responseUrl: string, message: SlackMessage) => Promise<void>;
    },
  ) {}

  async start(input: { kind: string; userId: string; responseUrl?: string }): Promise<{ id: string }> {
    const kind = input.kind as DrillKind;
    if (!DRILL_KINDS.includes(kind)) throw new RangeError(`unknown drill ${input.kind}`);
    const id = randomUUID();
    const now = this.deps.now();
    const event = drillEvent(kind, { accountId: await this.deps.accountId(), region: this.deps.region, now, id, bucket: DRILL_BUCKET });
    const record: DrillRecord = { id, kind, requestedBy: input.userId, queuedAt: now.toISOString() };
    await this.save(record);
    if (input.responseUrl) this.replyTo.set(id, input.responseUrl);
    await this.deps.sqs.send(new SendMessageCommand({ QueueUrl: this.deps.queueUrl, MessageBody: JSON.stringify(event) }));
    const index = (await this.deps.store.get<string[]>(DRILL_INDEX)) ?? [];
    await this.deps.store.put(DRILL_INDEX, [...index, id].slice(-INDEXED_DRILLS));
    this.deps.logger.info({ drill: id, kind, by: input.userId }, 'drill event queued');
    return { id };
  }

  async get(id: string): Promise<DrillRecord | undefined> {
    return this.deps.store.get<DrillRecord>(`drill:${id}`);
  }

  /** The drills kept, newest last. */
  list(): Promise<DrillRecord[]> {
    return drillRecords(this.deps.store);
  }

  /** A drill's card appeared: the time from queue to card. */
  async cardPosted(alert: AlertRecord): Promise<void> {
    const drill = alert.drillId ? await this.get(alert.drillId) : undefined;
    if (!drill || drill.cardAt) return;
    const done = { ...drill, cardAt: this.deps.now().toISOString(), channel: alert.channel };
    await this.save(done);
    await this.tell(done, `:test_tube: Drill card posted in <#${done.channel}> ${seconds(done.queuedAt, done.cardAt)} after the event was queued. Acknowledge it there to time the response.`);
  }

  /** A drill's card was acknowledged: the time from card to acknowledgement. */
  async acknowledged(alert: AlertRecord): Promise<void> {
    const drill = alert.drillId ? await this.get(alert.drillId) : undefined;
    if (!drill || drill.acknowledgedAt) return;
    const done = { ...drill, acknowledgedAt: alert.acknowledgedAt ?? this.deps.now().toISOString(), acknowledgedBy: alert.acknowledgedBy };
    await this.save(done);
    const sinceCard = done.cardAt ? `${minutes(done.cardAt, done.acknowledgedAt)} after the card appeared` : 'after the card appeared';
    await this.tell(done, `:test_tube: Drill acknowledged by <@${done.acknowledgedBy}> ${sinceCard} (${minutes(done.queuedAt, done.acknowledgedAt)} from the event). Kept as evidence for WAS-IR-3.`);
  }

  private save(record: DrillRecord): Promise<void> {
    return this.deps.store.put(`drill:${record.id}`, record);
  }

  private async tell(drill: DrillRecord, text: string): Promise<void> {
    const url = this.replyTo.get(drill.id);
    if (!url) return;
    await this.deps.tell(url, textMessage(text)).catch((err) => this.deps.logger.info({ err, drill: drill.id }, 'could not tell the drill requester (response_url expired?)'));
  }
}
