import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  waitUntilTableExists,
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClientResolvedConfig,
  type QueryCommandInput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Command } from '@smithy/types';
import type { Attestation, Decisions, ResourceException } from '../core/decisions';
import type { ScanReport } from '../engine/scan';
import { compactScan, gunzipJson, gzipJson, type CompactResult, type CompactScan, type HistoryQuery, type ScanHistoryEntry } from './history';
import { assertNextRev, assertStorable, exceptionSubject, LockingStore, type AlertRecord, type AlertState, type AuditEntry, type LockCondition, type Store } from './store';

type Item = Record<string, AttributeValue>;

/** The table's indexes: alerts by state (oldest first), and the alerts of one digest card. */
export const ALERTS_BY_STATE_INDEX = 'alertsByState';
export const ALERTS_BY_DIGEST_INDEX = 'alertsByDigest';

/**
 * Compressed reports (and history result lists) are split into parts of this many bytes: an item
 * may not exceed 400 KB, and the keys and attribute names need room too.
 */
export const REPORT_PART_BYTES = 350_000;

/** A reader that lost the race with a writer replacing the report reads the new head; this often. */
const REPORT_READ_ATTEMPTS = 3;
const TABLE_ACTIVE_WAIT_SECONDS = 300;

export interface DynamoStoreOptions {
  table: string;
  /** Default: the SDK's (AWS_REGION, the profile's region). Ignored when `client` is given. */
  region?: string;
  /** A client to use instead of building one; its owner destroys it, not `close()`. */
  client?: DynamoDBClient;
  /** Attempts per request, throttling and transient errors included. */
  maxAttempts?: number;
  requestTimeoutMs?: number;
  /** The clock claims and leases expire by. */
  now?: () => Date;
}

/** A DynamoDB request that failed after the SDK's retries; `code` is the service's error name. */
export class DynamoStoreError extends Error {
  override name = 'DynamoStoreError';
  constructor(
    message: string,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The table definition `ensureTable` creates; the README's CloudFormation must match it. */
function tableDefinition(table: string): CreateTableCommandInput {
  const keys = (hash: string, range: string) => [
    { AttributeName: hash, KeyType: 'HASH' as const },
    { AttributeName: range, KeyType: 'RANGE' as const },
  ];
  // Index reads need only the record; the keys come along anyway.
  const projection = { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: ['record'] };
  return {
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: keys('pk', 'sk'),
    GlobalSecondaryIndexes: [
      { IndexName: ALERTS_BY_STATE_INDEX, KeySchema: keys('gsi1pk', 'gsi1sk'), Projection: projection },
      { IndexName: ALERTS_BY_DIGEST_INDEX, KeySchema: keys('gsi2pk', 'gsi2sk'), Projection: projection },
    ],
  };
}

const keyOf = (pk: string, sk: string): Item => ({ pk: { S: pk }, sk: { S: sk } });
const scanPk = (accountId: string) => `scan#${accountId}`;
const REPORT_HEAD = 'head';
const partPrefix = (version: string) => `part#${version}#`;
/** Zero-padded, so that the parts under one prefix come back in order. */
const partSk = (prefix: string, index: number) => `${prefix}${String(index).padStart(5, '0')}`;
const historyPk = (accountId: string) => `history#${accountId}`;
const historyPartsPk = (accountId: string) => `historyparts#${accountId}`;
const historyPartPrefix = (generatedAt: string) => `${generatedAt}#`;
/** The accounts that have history, so that pruning finds them without a table scan. */
const HISTORY_ACCOUNTS_PK = 'historyaccounts';
const decisionsPk = (accountId: string) => `decisions#${accountId}`;
/** The accounts that have decisions, so that reading every account's needs no table scan. */
const DECISION_ACCOUNTS_PK = 'decisionaccounts';
const lockKey = (name: string) => keyOf(name, 'lock');
const kvKey = (key: string) => keyOf(`kv#${key}`, 'value');
const alertKey = (key: string) => keyOf(`alert#${key}`, 'alert');

function alertItem(record: AlertRecord): Item {
  const order = `${record.createdAt}#${record.key}`;
  return {
    ...alertKey(record.key),
    rev: { N: String(record.rev) },
    state: { S: record.state },
    createdAt: { S: record.createdAt },
    record: { S: JSON.stringify(record) },
    gsi1pk: { S: `alertstate#${record.state}` },
    gsi1sk: { S: order },
    // Sparse: only alerts on a digest card are in the digest index.
    ...(record.digestId ? { digestId: { S: record.digestId }, gsi2pk: { S: `digest#${record.digestId}` }, gsi2sk: { S: order } } : {}),
  };
}

const recordOf = (item: Item) => JSON.parse(item.record.S!) as AlertRecord;
const oldestFirst = (a: AlertRecord, b: AlertRecord) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

interface ReportHead {
  version: string;
  parts: number;
}

const headOf = (item: Item): ReportHead => ({ version: item.version.S!, parts: Number(item.parts.N) });

/**
 * The store in one DynamoDB table (single-table design, string keys `pk`/`sk`), for replicas
 * on several hosts:
 * - the last report of an account: a head item `scan#<account>`/`head` naming a version and its
 *   part count, and the gzip-compressed JSON split over items `scan#<account>`/`part#<version>#<n>`;
 * - JSON values: `kv#<key>`/`value`;
 * - alerts: `alert#<key>`/`alert`, in index `alertsByState` (`gsi1pk=alertstate#<state>`,
 *   `gsi1sk=<createdAt>#<key>`) and, on a digest card, `alertsByDigest` (`gsi2pk=digest#<id>`);
 * - audit entries: `audit#<target>`/`<at>#<sequence>#<unique>`;
 * - scan history: `history#<account>`/`<generatedAt>` with the entry as JSON (about 1.5 KB) and
 *   the gzip-compressed results apart, in `historyparts#<account>`/`<generatedAt>#<n>`: a Query
 *   reads (and is billed for) whole items whatever it projects, so listing entries stays cheap;
 *   the accounts with history are listed under `historyaccounts`/`<account>`;
 * - attestations and exceptions: `decisions#<account>`/`attestation#<requirement>` and
 *   `exception#<check>#<resource>` with the record as JSON; the accounts that have any are listed
 *   under `decisionaccounts`/`<account>`;
 * - claims and leases: `claim#<key>`/`lock` and `lease#<name>`/`lock`, with `owner` and `expiresAt`
 *   (epoch milliseconds).
 * Index reads are eventually consistent; reads by key are strongly consistent.
 */
export class DynamoStore extends LockingStore implements Store {
  readonly table: string;
  readonly region: string | undefined;
  private readonly client: DynamoDBClient;
  private readonly ownsClient: boolean;
  private closed = false;
  /** Orders the audit entries this store appends within one millisecond. */
  private auditSequence = 0;

  constructor(options: DynamoStoreOptions) {
    super(options.now ?? (() => new Date()));
    this.table = options.table;
    this.region = options.region;
    this.ownsClient = options.client === undefined;
    this.client =
      options.client ??
      new DynamoDBClient({
        ...(options.region ? { region: options.region } : {}),
        maxAttempts: options.maxAttempts ?? 5,
        retryMode: 'standard',
        requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: options.requestTimeoutMs ?? 10_000 }),
      });
  }

  async lastScan(accountId: string): Promise<ScanReport | undefined> {
    const pk = scanPk(accountId);
    for (let attempt = 1; ; attempt += 1) {
      const head = await this.getItem(keyOf(pk, REPORT_HEAD));
      if (!head) return undefined;
      const { version, parts } = headOf(head);
      const body = await this.readParts(pk, partPrefix(version), parts);
      // No body: a writer replaced this version (and deleted its parts) while we read.
      if (body) return gunzipJson<ScanReport>(body);
      if (attempt === REPORT_READ_ATTEMPTS) throw new DynamoStoreError(`${this.where()}: the report of account ${accountId} kept changing while it was read`, 'ReportChanged');
    }
  }

  async lastScanAt(accountId: string): Promise<string | undefined> {
    return (await this.getItem(keyOf(scanPk(accountId), REPORT_HEAD)))?.generatedAt?.S;
  }

  async saveScan(accountId: string, report: ScanReport): Promise<void> {
    await Promise.all([this.saveReport(accountId, report), this.saveHistory(accountId, report)]);
  }

  /** Writes the parts under a new version, then moves the head to it: readers never see half a report. */
  private async saveReport(accountId: string, report: ScanReport): Promise<void> {
    const pk = scanPk(accountId);
    const version = randomUUID();
    const parts = await this.putParts(pk, partPrefix(version), await gzipJson(report));
    const { Attributes: previous } = await this.send(
      new PutItemCommand({
        TableName: this.table,
        Item: { ...keyOf(pk, REPORT_HEAD), version: { S: version }, parts: { N: String(parts) }, generatedAt: { S: report.generatedAt } },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (!previous) return;
    // The head replaced is exactly the version to delete, even when writers race.
    const old = headOf(previous);
    await this.deleteParts(pk, partPrefix(old.version), old.parts);
  }

  /** Writes the parts (if any) before the entry naming them, so that readers never see an entry without its results. */
  private async saveHistory(accountId: string, report: ScanReport): Promise<void> {
    const { results, ...entry } = compactScan(report);
    const parts = await this.putParts(historyPartsPk(accountId), historyPartPrefix(entry.generatedAt), await gzipJson(results));
    await Promise.all([
      this.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { ...keyOf(historyPk(accountId), entry.generatedAt), entry: { S: JSON.stringify(entry) }, parts: { N: String(parts) } },
        }),
      ),
      this.send(new PutItemCommand({ TableName: this.table, Item: keyOf(HISTORY_ACCOUNTS_PK, accountId) })),
    ]);
  }

  async scanHistory(accountId: string, query: HistoryQuery = {}): Promise<ScanHistoryEntry[]> {
    const values: Item = { ':pk': { S: historyPk(accountId) } };
    if (query.since) values[':since'] = { S: query.since.toISOString() };
    if (query.until) values[':until'] = { S: query.until.toISOString() };
    const range = query.since && query.until ? ' AND sk BETWEEN :since AND :until' : query.since ? ' AND sk >= :since' : query.until ? ' AND sk <= :until' : '';
    const items = await this.query(
      {
        KeyConditionExpression: `pk = :pk${range}`,
        ExpressionAttributeValues: values,
        ProjectionExpression: '#entry',
        ExpressionAttributeNames: { '#entry': 'entry' },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      query.limit,
    );
    return items.map((i) => JSON.parse(i.entry.S!) as ScanHistoryEntry);
  }

  async historicScan(accountId: string, generatedAt: string): Promise<CompactScan | undefined> {
    const item = await this.getItem(keyOf(historyPk(accountId), generatedAt));
    if (!item) return undefined;
    const body = await this.readParts(historyPartsPk(accountId), historyPartPrefix(generatedAt), Number(item.parts.N));
    // No body: the entry was pruned while we read it.
    if (!body) return undefined;
    return { ...(JSON.parse(item.entry.S!) as ScanHistoryEntry), results: await gunzipJson<CompactResult[]>(body) };
  }

  async pruneHistory(before: Date): Promise<number> {
    const accounts = await this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: HISTORY_ACCOUNTS_PK } }, ConsistentRead: true });
    let pruned = 0;
    for (const accountId of accounts.map((a) => a.sk.S!)) {
      const entries = await this.query({
        KeyConditionExpression: 'pk = :pk AND sk < :before',
        ExpressionAttributeValues: { ':pk': { S: historyPk(accountId) }, ':before': { S: before.toISOString() } },
        ProjectionExpression: 'sk, parts',
        ConsistentRead: true,
      });
      await Promise.all(
        entries.map(async (entry) => {
          const generatedAt = entry.sk.S!;
          await this.send(new DeleteItemCommand({ TableName: this.table, Key: keyOf(historyPk(accountId), generatedAt) }));
          await this.deleteParts(historyPartsPk(accountId), historyPartPrefix(generatedAt), Number(entry.parts.N));
        }),
      );
      pruned += entries.length;
    }
    return pruned;
  }

  /** Writes `body` as items `pk`/`<prefix><n>` of at most REPORT_PART_BYTES each; resolves to how many. */
  private async putParts(pk: string, prefix: string, body: Buffer): Promise<number> {
    const parts = Math.max(1, Math.ceil(body.length / REPORT_PART_BYTES));
    await Promise.all(
      Array.from({ length: parts }, (_, index) =>
        this.send(new PutItemCommand({ TableName: this.table, Item: { ...keyOf(pk, partSk(prefix, index)), data: { B: body.subarray(index * REPORT_PART_BYTES, (index + 1) * REPORT_PART_BYTES) } } })),
      ),
    );
    return parts;
  }

  /** The `parts` parts under `prefix`, joined; undefined when some are gone. Read by key: their keys are known. */
  private async readParts(pk: string, prefix: string, parts: number): Promise<Buffer | undefined> {
    const items = await Promise.all(Array.from({ length: parts }, (_, index) => this.getItem(keyOf(pk, partSk(prefix, index)))));
    return items.every((item) => item !== undefined) ? Buffer.concat(items.map((item) => item!.data.B!)) : undefined;
  }

  private async deleteParts(pk: string, prefix: string, parts: number): Promise<void> {
    await Promise.all(Array.from({ length: parts }, (_, index) => this.send(new DeleteItemCommand({ TableName: this.table, Key: keyOf(pk, partSk(prefix, index)) }))));
  }

  async putAttestation(attestation: Attestation): Promise<void> {
    await this.putDecision(attestation.accountId, `attestation#${attestation.requirementId}`, attestation);
  }

  async putException(exception: ResourceException): Promise<void> {
    await this.putDecision(exception.accountId, `exception#${exceptionSubject(exception)}`, exception);
  }

  async decisions(accountId?: string): Promise<Decisions> {
    const accounts =
      accountId !== undefined
        ? [accountId]
        : (await this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: DECISION_ACCOUNTS_PK } }, ConsistentRead: true })).map((a) => a.sk.S!);
    const decisions: { attestations: Attestation[]; exceptions: ResourceException[] } = { attestations: [], exceptions: [] };
    for (const account of accounts) {
      const items = await this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: decisionsPk(account) } }, ConsistentRead: true });
      for (const item of items) {
        if (item.sk.S!.startsWith('attestation#')) decisions.attestations.push(JSON.parse(item.record.S!) as Attestation);
        else decisions.exceptions.push(JSON.parse(item.record.S!) as ResourceException);
      }
    }
    return decisions;
  }

  private async putDecision(accountId: string, sk: string, record: Attestation | ResourceException): Promise<void> {
    await this.send(new PutItemCommand({ TableName: this.table, Item: { ...keyOf(decisionsPk(accountId), sk), record: { S: JSON.stringify(record) } } }));
    await this.send(new PutItemCommand({ TableName: this.table, Item: keyOf(DECISION_ACCOUNTS_PK, accountId) }));
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const item = await this.getItem(kvKey(key));
    return item ? (JSON.parse(item.value.S!) as T) : undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    assertStorable(key, value);
    await this.send(new PutItemCommand({ TableName: this.table, Item: { ...kvKey(key), value: { S: JSON.stringify(value) }, updatedAt: { S: this.now().toISOString() } } }));
  }

  async getAlert(key: string): Promise<AlertRecord | undefined> {
    const item = await this.getItem(alertKey(key));
    return item ? recordOf(item) : undefined;
  }

  async putAlert(record: AlertRecord, expectedRev: number | undefined): Promise<boolean> {
    assertNextRev(record, expectedRev);
    const condition =
      expectedRev === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'rev = :expected', ExpressionAttributeValues: { ':expected': { N: String(expectedRev) } } };
    return this.conditionally(new PutItemCommand({ TableName: this.table, Item: alertItem(record), ...condition }));
  }

  async listAlerts(query: { states: readonly AlertState[]; limit?: number }): Promise<AlertRecord[]> {
    const perState = await Promise.all(
      [...new Set(query.states)].map((state) =>
        this.query({ IndexName: ALERTS_BY_STATE_INDEX, KeyConditionExpression: 'gsi1pk = :state', ExpressionAttributeValues: { ':state': { S: `alertstate#${state}` } } }, query.limit),
      ),
    );
    return perState.flat().map(recordOf).sort(oldestFirst).slice(0, query.limit);
  }

  async digestAlerts(digestId: string): Promise<AlertRecord[]> {
    const items = await this.query({ IndexName: ALERTS_BY_DIGEST_INDEX, KeyConditionExpression: 'gsi2pk = :digest', ExpressionAttributeValues: { ':digest': { S: `digest#${digestId}` } } });
    return items.map(recordOf);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.auditSequence += 1;
    const sk = `${entry.at}#${String(this.auditSequence).padStart(12, '0')}#${randomUUID()}`;
    await this.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          ...keyOf(`audit#${entry.target}`, sk),
          at: { S: entry.at },
          actor: { S: entry.actor },
          action: { S: entry.action },
          target: { S: entry.target },
          ...(entry.detail !== undefined ? { detail: { S: entry.detail } } : {}),
        },
      }),
    );
  }

  async auditTrail(target: string): Promise<AuditEntry[]> {
    const items = await this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `audit#${target}` } }, ConsistentRead: true });
    return items.map((i) => ({ at: i.at.S!, actor: i.actor.S!, action: i.action.S!, target: i.target.S!, ...(i.detail ? { detail: i.detail.S! } : {}) }));
  }

  protected async writeLock(name: string, owner: string, expiresAt: Date, when: LockCondition): Promise<boolean> {
    const free = 'attribute_not_exists(pk) OR expiresAt < :now';
    const own = '#owner = :owner';
    const condition = { free, freeOrOwn: `${free} OR ${own}`, own: `${own} AND expiresAt >= :now` }[when];
    return this.conditionally(
      new PutItemCommand({
        TableName: this.table,
        Item: { ...lockKey(name), owner: { S: owner }, expiresAt: { N: String(expiresAt.getTime()) } },
        ConditionExpression: condition,
        ExpressionAttributeNames: when === 'free' ? undefined : { '#owner': 'owner' },
        ExpressionAttributeValues: { ':now': { N: String(this.now().getTime()) }, ...(when === 'free' ? {} : { ':owner': { S: owner } }) },
      }),
    );
  }

  protected async deleteLock(name: string, owner: string): Promise<void> {
    await this.conditionally(
      new DeleteItemCommand({ TableName: this.table, Key: lockKey(name), ConditionExpression: '#owner = :owner', ExpressionAttributeNames: { '#owner': 'owner' }, ExpressionAttributeValues: { ':owner': { S: owner } } }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) this.client.destroy();
  }

  /**
   * Checks, with one DescribeTable, that the table exists, is usable, and has this store's keys and
   * indexes. A missing table is a DynamoStoreError with code ResourceNotFoundException.
   */
  async checkTable(): Promise<void> {
    const table = await this.describeTable();
    if (!table) throw this.missingTable('DescribeTable');
    if (table.TableStatus !== 'ACTIVE' && table.TableStatus !== 'UPDATING') {
      throw new DynamoStoreError(`${this.where()} is ${table.TableStatus}, not ACTIVE`, 'TableNotActive');
    }
    const keys = (table.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
    const indexes = new Set((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    if (keys !== 'pk:HASH,sk:RANGE' || !indexes.has(ALERTS_BY_STATE_INDEX) || !indexes.has(ALERTS_BY_DIGEST_INDEX)) {
      throw new DynamoStoreError(
        `${this.where()} exists but is not an ftr-bot table (it needs keys pk/sk and indexes ${ALERTS_BY_STATE_INDEX}, ${ALERTS_BY_DIGEST_INDEX}): name another table`,
        'TableLayout',
      );
    }
  }

  /** Creates the table unless it exists, waits until it is ACTIVE, and checks it; idempotent. */
  async ensureTable(): Promise<{ created: boolean; region: string }> {
    let created = false;
    if (!(await this.describeTable())) {
      try {
        await this.send(new CreateTableCommand(tableDefinition(this.table)));
        created = true;
      } catch (err) {
        // Another process is creating it: wait for it like for ours.
        if (!(err instanceof DynamoStoreError && err.code === 'ResourceInUseException')) throw err;
      }
    }
    try {
      await waitUntilTableExists({ client: this.client, maxWaitTime: TABLE_ACTIVE_WAIT_SECONDS, minDelay: 2, maxDelay: 10 }, { TableName: this.table });
    } catch (err) {
      throw this.failure('DescribeTable', err, ` (waiting up to ${TABLE_ACTIVE_WAIT_SECONDS} s for the table to become ACTIVE)`);
    }
    await this.checkTable();
    return { created, region: await this.client.config.region() };
  }

  private async describeTable(): Promise<TableDescription | undefined> {
    try {
      return (await this.send(new DescribeTableCommand({ TableName: this.table }))).Table;
    } catch (err) {
      if (err instanceof DynamoStoreError && err.code === 'ResourceNotFoundException') return undefined;
      throw err;
    }
  }

  private async getItem(key: Item): Promise<Item | undefined> {
    return (await this.send(new GetItemCommand({ TableName: this.table, Key: key, ConsistentRead: true }))).Item;
  }

  /** Every item the query matches, page after page, or the first `limit`. */
  private async query(input: Omit<QueryCommandInput, 'TableName'>, limit?: number): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const remaining = limit === undefined ? undefined : limit - items.length;
      if (remaining !== undefined && remaining <= 0) break;
      const page = await this.send(new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: start, ...(remaining !== undefined ? { Limit: remaining } : {}) }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Sends a conditional write; false when its condition did not hold. */
  private async conditionally<I extends ServiceInputTypes, O extends ServiceOutputTypes>(command: Command<ServiceInputTypes, I, ServiceOutputTypes, O, DynamoDBClientResolvedConfig>): Promise<boolean> {
    try {
      await this.send(command);
      return true;
    } catch (err) {
      if (err instanceof DynamoStoreError && err.code === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /** Sends one request (the SDK retries throttling and transient errors); what still fails names the table and operation. */
  private async send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(command: Command<ServiceInputTypes, I, ServiceOutputTypes, O, DynamoDBClientResolvedConfig>): Promise<O> {
    const operation = command.constructor.name.replace(/Command$/, '');
    if (this.closed) throw new DynamoStoreError(`${this.where()}: ${operation} after the store was closed`, 'StoreClosed');
    try {
      return await this.client.send(command);
    } catch (err) {
      throw this.failure(operation, err);
    }
  }

  private failure(operation: string, err: unknown, context = ''): DynamoStoreError {
    const code = (err as { name?: string }).name ?? 'Error';
    if (code === 'ResourceNotFoundException') return this.missingTable(operation, err);
    const message = String((err as { message?: string }).message ?? err).split('\n')[0];
    return new DynamoStoreError(`${this.where()}: ${operation} failed${context}: ${code}: ${message}`, code, { cause: err });
  }

  private missingTable(operation: string, cause?: unknown): DynamoStoreError {
    return new DynamoStoreError(`${this.where()} does not exist (${operation}): create it with \`npx ftr store init\``, 'ResourceNotFoundException', { cause });
  }

  private where(): string {
    return `DynamoDB table "${this.table}"${this.region ? ` in ${this.region}` : ''}`;
  }
}
