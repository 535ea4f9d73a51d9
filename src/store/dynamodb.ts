import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
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
import type { ScanReport } from '../engine/scan';
import { assertNextRev, assertStorable, type AlertRecord, type AlertState, type AuditEntry, type Store } from './store';

type Item = Record<string, AttributeValue>;

/** The table's indexes: alerts by state (oldest first), and the alerts of one digest card. */
export const ALERTS_BY_STATE_INDEX = 'alertsByState';
export const ALERTS_BY_DIGEST_INDEX = 'alertsByDigest';

/**
 * Compressed reports are split into parts of this many bytes: an item may not exceed 400 KB,
 * and the keys and attribute names need room too.
 */
export const REPORT_PART_BYTES = 350_000;

/** A reader that lost the race with a writer replacing the report reads the new head; this often. */
const REPORT_READ_ATTEMPTS = 3;
const TABLE_ACTIVE_WAIT_SECONDS = 300;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface DynamoStoreOptions {
  table: string;
  /** Default: the SDK's (AWS_REGION, the profile's region). Ignored when `client` is given. */
  region?: string;
  /** A client to use instead of building one; its owner destroys it, not `close()`. */
  client?: DynamoDBClient;
  /** Attempts per request, throttling and transient errors included. */
  maxAttempts?: number;
  requestTimeoutMs?: number;
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
/** Zero-padded, so that the parts of a version come back in order. */
const partSk = (version: string, index: number) => `${partPrefix(version)}${String(index).padStart(5, '0')}`;
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
 * - audit entries: `audit#<target>`/`<at>#<sequence>#<unique>`.
 * Index reads are eventually consistent; reads by key are strongly consistent.
 */
export class DynamoStore implements Store {
  readonly table: string;
  readonly region: string | undefined;
  private readonly client: DynamoDBClient;
  private readonly ownsClient: boolean;
  private closed = false;
  /** Orders the audit entries this store appends within one millisecond. */
  private auditSequence = 0;

  constructor(options: DynamoStoreOptions) {
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
      const items = await this.query({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': { S: pk }, ':prefix': { S: partPrefix(version) } }, ConsistentRead: true });
      // Fewer parts: a writer replaced this version (and deleted its parts) while we read.
      if (items.length === parts) return JSON.parse((await gunzipAsync(Buffer.concat(items.map((i) => i.data.B!)))).toString('utf8')) as ScanReport;
      if (attempt === REPORT_READ_ATTEMPTS) throw new DynamoStoreError(`${this.where()}: the report of account ${accountId} kept changing while it was read`, 'ReportChanged');
    }
  }

  /** Writes the parts under a new version, then moves the head to it: readers never see half a report. */
  async saveScan(accountId: string, report: ScanReport): Promise<void> {
    const pk = scanPk(accountId);
    const body = await gzipAsync(JSON.stringify(report));
    const version = randomUUID();
    const parts = Math.max(1, Math.ceil(body.length / REPORT_PART_BYTES));
    await Promise.all(
      Array.from({ length: parts }, (_, index) =>
        this.send(new PutItemCommand({ TableName: this.table, Item: { ...keyOf(pk, partSk(version, index)), data: { B: body.subarray(index * REPORT_PART_BYTES, (index + 1) * REPORT_PART_BYTES) } } })),
      ),
    );
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
    await Promise.all(Array.from({ length: old.parts }, (_, index) => this.send(new DeleteItemCommand({ TableName: this.table, Key: keyOf(pk, partSk(old.version, index)) }))));
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const item = await this.getItem(kvKey(key));
    return item ? (JSON.parse(item.value.S!) as T) : undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    assertStorable(key, value);
    await this.send(new PutItemCommand({ TableName: this.table, Item: { ...kvKey(key), value: { S: JSON.stringify(value) }, updatedAt: { S: new Date().toISOString() } } }));
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
    try {
      await this.send(new PutItemCommand({ TableName: this.table, Item: alertItem(record), ...condition }));
      return true;
    } catch (err) {
      if (err instanceof DynamoStoreError && err.code === 'ConditionalCheckFailedException') return false;
      throw err;
    }
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
