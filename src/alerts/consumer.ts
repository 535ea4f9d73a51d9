import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describeError } from '../aws/errors';
import type { Logger } from '../slack/logger';
import { MalformedEventError } from './types';

export interface QueueConsumerDeps {
  sqs: SQSClient;
  queueUrl: string;
  /** Resolves once the message's effect is visible (its card posted or edited); throws to retry later. */
  handle: (body: string) => Promise<void>;
  logger: Logger;
  /** Messages being handled at once: enough for a storm to pile up into digests, bounded for memory. */
  maxInFlight?: number;
}

interface InFlightMessage {
  receiptHandle: string;
  messageId: string;
  /** When its visibility was last extended (ms). */
  extendedAt: number;
}

const DEFAULT_VISIBILITY_S = 30;
const LONG_POLL_S = 5;
const RETRY_BACKOFF_MAX_S = 300;
const DELETE_FLUSH_MS = 100;

/**
 * Reads the alert queue: long-polls for messages, keeps each one invisible for as long as it is
 * being handled (its card may wait for Slack's pacing), deletes it only once the card shows it,
 * lets a malformed one reach the dead-letter queue by the queue's redrive policy, and puts a
 * failed one back for a later try with a growing delay. It never stops on bad input.
 */
export class QueueConsumer {
  private readonly inFlight = new Map<string, InFlightMessage>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly deletes: Array<{ Id: string; ReceiptHandle: string }> = [];
  private visibilityS = DEFAULT_VISIBILITY_S;
  private hasRedrive = false;
  private running = false;
  private loop?: Promise<void>;
  private heartbeat?: NodeJS.Timeout;
  private deleteTimer?: NodeJS.Timeout;
  private slotFreed?: () => void;
  private readonly abort = new AbortController();

  constructor(private readonly deps: QueueConsumerDeps) {}

  private get maxInFlight(): number {
    return this.deps.maxInFlight ?? 500;
  }

  /** Reads the queue's settings, then receives until `stop`. */
  async start(): Promise<void> {
    const { sqs, queueUrl, logger } = this.deps;
    try {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }));
      this.visibilityS = Number(Attributes.VisibilityTimeout ?? DEFAULT_VISIBILITY_S) || DEFAULT_VISIBILITY_S;
      this.hasRedrive = Boolean(Attributes.RedrivePolicy);
    } catch (err) {
      logger.error({ err: describeError(err) }, 'cannot read the alert queue attributes; assuming a 30 s visibility timeout and no dead-letter queue');
    }
    if (!this.hasRedrive) logger.warn('the alert queue has no redrive policy: malformed messages are logged and deleted (configure a dead-letter queue to keep them)');
    this.running = true;
    this.heartbeat = setInterval(() => void this.extendVisibility(), (this.visibilityS * 1000) / 3);
    this.loop = this.receiveLoop();
    logger.info({ queueUrl, visibilityS: this.visibilityS }, 'alert consumer started');
  }

  get size(): number {
    return this.inFlight.size;
  }

  /** Stops receiving; waits up to `graceMs` for messages in hand, then returns the rest to the queue at once. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    this.slotFreed?.();
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.tasks]), new Promise((r) => (timer = setTimeout(r, Math.max(0, graceMs))))]);
    clearTimeout(timer);
    clearInterval(this.heartbeat);
    await this.flushDeletes();
    // Unfinished messages become visible now, for another replica, instead of after the timeout.
    await this.changeVisibility([...this.inFlight.values()], 0);
    this.inFlight.clear();
  }

  private async receiveLoop(): Promise<void> {
    const { sqs, queueUrl, logger } = this.deps;
    let failures = 0;
    while (this.running) {
      if (this.inFlight.size >= this.maxInFlight) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: LONG_POLL_S,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: this.abort.signal },
        );
        failures = 0;
        for (const message of out.Messages ?? []) this.accept(message);
      } catch (err) {
        if (!this.running) break;
        failures += 1;
        const waitMs = Math.min(30_000, 1000 * 2 ** Math.min(failures, 5));
        logger.error({ err: describeError(err), retryInMs: waitMs }, 'cannot receive from the alert queue');
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  private accept(message: Message): void {
    if (!message.ReceiptHandle || !message.MessageId) return;
    const entry: InFlightMessage = { receiptHandle: message.ReceiptHandle, messageId: message.MessageId, extendedAt: Date.now() };
    this.inFlight.set(message.MessageId, entry);
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    const task = this.process(message.Body ?? '', entry, receiveCount).finally(() => {
      this.inFlight.delete(entry.messageId);
      this.tasks.delete(task);
      this.slotFreed?.();
      this.slotFreed = undefined;
    });
    this.tasks.add(task);
  }

  private async process(body: string, entry: InFlightMessage, receiveCount: number): Promise<void> {
    const { logger } = this.deps;
    try {
      await this.deps.handle(body);
      this.scheduleDelete(entry);
    } catch (err) {
      if (err instanceof MalformedEventError) {
        if (!this.hasRedrive) {
          logger.error({ messageId: entry.messageId, reason: err.message }, 'malformed alert message deleted (the queue has no dead-letter queue)');
          this.scheduleDelete(entry);
          return;
        }
        // Visible again at once: after maxReceiveCount receives, SQS moves it to the dead-letter queue.
        if (receiveCount === 1) logger.warn({ messageId: entry.messageId, reason: err.message }, 'malformed alert message: it goes to the dead-letter queue');
        await this.changeVisibility([entry], 0);
        return;
      }
      if (!this.running) return;
      const delayS = Math.min(RETRY_BACKOFF_MAX_S, this.visibilityS * 2 ** Math.min(receiveCount - 1, 4));
      logger.warn({ err: describeError(err), messageId: entry.messageId, receiveCount, retryInS: delayS }, 'alert message not handled; it will be tried again');
      await this.changeVisibility([entry], delayS);
    }
  }

  private scheduleDelete(entry: InFlightMessage): void {
    this.deletes.push({ Id: entry.messageId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80), ReceiptHandle: entry.receiptHandle });
    if (this.deletes.length >= 10) void this.flushDeletes();
    else this.deleteTimer ??= setTimeout(() => void this.flushDeletes(), DELETE_FLUSH_MS);
  }

  private async flushDeletes(): Promise<void> {
    clearTimeout(this.deleteTimer);
    this.deleteTimer = undefined;
    while (this.deletes.length > 0) {
      const batch = this.deletes.splice(0, 10);
      try {
        const out = await this.deps.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.deps.queueUrl, Entries: batch }));
        // A message not deleted comes back; its event is recognised as applied and changes nothing.
        if (out.Failed?.length) this.deps.logger.warn({ failed: out.Failed.length }, 'some handled alert messages could not be deleted');
      } catch (err) {
        this.deps.logger.warn({ err: describeError(err), messages: batch.length }, 'could not delete handled alert messages; they will be seen again and change nothing');
      }
    }
  }

  /** Keeps messages in hand invisible while their cards wait (Slack pacing, Retry-After, another replica's lease). */
  private async extendVisibility(): Promise<void> {
    const due = [...this.inFlight.values()].filter((m) => Date.now() - m.extendedAt >= (this.visibilityS * 1000) / 3);
    await this.changeVisibility(due, this.visibilityS);
  }

  private async changeVisibility(messages: InFlightMessage[], timeoutS: number): Promise<void> {
    const { sqs, queueUrl, logger } = this.deps;
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      try {
        if (batch.length === 1) {
          await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: batch[0].receiptHandle, VisibilityTimeout: timeoutS }));
        } else {
          await sqs.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: batch.map((m, n) => ({ Id: `m${n}`, ReceiptHandle: m.receiptHandle, VisibilityTimeout: timeoutS })),
            }),
          );
        }
        const now = Date.now();
        for (const m of batch) m.extendedAt = now;
      } catch (err) {
        logger.warn({ err: describeError(err), messages: batch.length }, 'could not change the visibility of alert messages');
      }
    }
  }
}
