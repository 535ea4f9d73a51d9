import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, paginateQuery } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../../src/config/load';
import { DynamoStore, DynamoStoreError, openStore, openStoreAsync, dynamoTableOf } from '../../src/store';
import { ALERTS_BY_DIGEST_INDEX, ALERTS_BY_STATE_INDEX, REPORT_PART_BYTES } from '../../src/store/dynamodb';
import { resetMoto } from '../support/aws';
import { ACCOUNT, dynamoStore, largeReport, smallReport } from './fixtures';

const ITEM_LIMIT_BYTES = 400 * 1024;

let client: DynamoDBClient;
beforeAll(() => {
  client = new DynamoDBClient({ region: 'us-east-1', maxAttempts: 2 });
});
afterAll(() => client.destroy());
beforeEach(resetMoto);

/** The items of one partition; by default the account's report: its head and every part of every version. */
async function reportItems(table: string, pk = `scan#${ACCOUNT}`) {
  const items = [];
  for await (const page of paginateQuery({ client }, { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } })) items.push(...(page.Items ?? []));
  return items;
}

describe('the DynamoDB table layout', () => {
  let store: DynamoStore;
  beforeEach(async () => {
    store = dynamoStore('ftr-layout');
    await store.ensureTable();
  });
  afterEach(() => store.close());

  it('splits a large report into parts below the item limit, and deletes the previous version once the head moved', async () => {
    const large = largeReport(20_000);
    await store.saveScan(ACCOUNT, large);
    const items = await reportItems('ftr-layout');
    const parts = items.filter((i) => i.sk.S!.startsWith('part#'));
    const head = items.find((i) => i.sk.S === 'head')!;
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(head.parts.N).toBe(String(parts.length));
    expect(new Set(parts.map((p) => p.sk.S!.split('#')[1]))).toEqual(new Set([head.version.S]));
    for (const part of parts) expect(part.data.B!.length).toBeLessThanOrEqual(REPORT_PART_BYTES);
    expect(REPORT_PART_BYTES + 1_000).toBeLessThan(ITEM_LIMIT_BYTES);

    await store.saveScan(ACCOUNT, smallReport());
    const after = await reportItems('ftr-layout');
    expect(after).toHaveLength(2);
    expect(after.find((i) => i.sk.S === 'head')!.version.S).not.toBe(head.version.S);
  });

  it('keeps history entries small, their results in parts beside them, and prunes entries with their parts', async () => {
    const small = smallReport(new Date('2024-01-01T00:00:00Z'));
    const large = largeReport(30_000, new Date('2024-01-02T00:00:00Z'));
    await store.saveScan(ACCOUNT, small);
    await store.saveScan(ACCOUNT, large);
    const entries = await reportItems('ftr-layout', `history#${ACCOUNT}`);
    expect(entries.map((e) => [e.sk.S, e.data !== undefined, e.parts?.N])).toEqual([
      [small.generatedAt, false, '1'],
      [large.generatedAt, false, '2'],
    ]);
    // Listing entries reads whole items: each stays a few KB however many results its scan had.
    for (const entry of entries) expect(JSON.stringify(entry).length).toBeLessThan(8_000);
    const parts = await reportItems('ftr-layout', `historyparts#${ACCOUNT}`);
    expect(parts.map((p) => p.sk.S)).toEqual([`${small.generatedAt}#00000`, `${large.generatedAt}#00000`, `${large.generatedAt}#00001`]);
    for (const part of parts) expect(part.data.B!.length).toBeLessThanOrEqual(REPORT_PART_BYTES);

    expect(await store.pruneHistory(new Date('2024-02-01T00:00:00Z'))).toBe(2);
    expect(await reportItems('ftr-layout', `history#${ACCOUNT}`)).toEqual([]);
    expect(await reportItems('ftr-layout', `historyparts#${ACCOUNT}`)).toEqual([]);
  });

  it('gives readers a whole report while writers replace it', async () => {
    const versions = [largeReport(8_000), largeReport(8_000), largeReport(8_000)].map((r) => JSON.stringify(r));
    await store.saveScan(ACCOUNT, JSON.parse(versions[0]));
    const reader = dynamoStore('ftr-layout');
    let writing = true;
    const reads: string[] = [];
    const readAll = async () => {
      while (writing) reads.push(JSON.stringify(await reader.lastScan(ACCOUNT)));
    };
    const writeAll = async () => {
      for (const version of versions.slice(1)) await store.saveScan(ACCOUNT, JSON.parse(version));
      writing = false;
    };
    await Promise.all([readAll(), readAll(), writeAll()]);
    await reader.close();
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) expect(versions).toContain(read);
  });

  it('creates the table once, with both indexes, on demand', async () => {
    expect(await store.ensureTable()).toEqual({ created: false, region: 'us-east-1' });
    await expect(store.checkTable()).resolves.toBeUndefined();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'ftr-layout' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([ALERTS_BY_DIGEST_INDEX, ALERTS_BY_STATE_INDEX].sort());
  });

  it('names the table and the operation when a request fails', async () => {
    const huge = 'x'.repeat(ITEM_LIMIT_BYTES + 1);
    const failure = store.put('huge', huge);
    await expect(failure).rejects.toThrow(DynamoStoreError);
    await expect(failure).rejects.toThrow(/^DynamoDB table "ftr-layout" in us-east-1: PutItem failed: ValidationException: /);
  });
});

describe('a missing or foreign table', () => {
  it('is created by ensureTable and reported by the first request otherwise', async () => {
    const store = dynamoStore('ftr-missing');
    try {
      await expect(store.getAlert('k')).rejects.toThrow('DynamoDB table "ftr-missing" in us-east-1 does not exist (GetItem): create it with `npx ftr store init`');
      expect(await store.ensureTable()).toEqual({ created: true, region: 'us-east-1' });
      expect(await store.getAlert('k')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('stops openStoreAsync with one line naming STORE_URL', async () => {
    const opening = openStoreAsync('dynamodb://ftr-missing?region=us-east-1');
    await expect(opening).rejects.toThrow(ConfigError);
    await expect(opening).rejects.toThrow(/^STORE_URL: DynamoDB table "ftr-missing" in us-east-1 does not exist \(DescribeTable\): create it with `npx ftr store init`$/);
  });

  it('refuses a table with other keys or indexes', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'someone-elses',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await expect(openStoreAsync('dynamodb://someone-elses?region=us-east-1')).rejects.toThrow(/^STORE_URL: DynamoDB table "someone-elses" in us-east-1 exists but is not an ftr-bot table/);
    const store = dynamoStore('someone-elses');
    await expect(store.ensureTable()).rejects.toThrow(/is not an ftr-bot table/);
    await store.close();
  });

  it('opens an existing table', async () => {
    const setup = dynamoStore('ftr-ready');
    await setup.ensureTable();
    await setup.close();
    const store = await openStoreAsync('dynamodb://ftr-ready?region=us-east-1');
    await store.put('k', 1);
    expect(await store.get('k')).toBe(1);
    await store.close();
  });
});

it('leaves a client it was given open', async () => {
  const given = new DynamoDBClient({ region: 'us-east-1', maxAttempts: 2 });
  const store = new DynamoStore({ table: 'ftr-given', client: given });
  await store.ensureTable();
  await store.close();
  await expect(given.send(new DescribeTableCommand({ TableName: 'ftr-given' }))).resolves.toBeDefined();
  given.destroy();
});

describe('STORE_URL for DynamoDB', () => {
  it.each([
    ['dynamodb://ftr-state?region=eu-west-1', { table: 'ftr-state', region: 'eu-west-1' }],
    ['dynamodb://ftr-state', { table: 'ftr-state' }],
    ['dynamodb://ftr-state/', { table: 'ftr-state' }],
    ['  DynamoDB://Ftr_State.v2?region=us-gov-west-1  ', { table: 'Ftr_State.v2', region: 'us-gov-west-1' }],
    [`dynamodb://${'t'.repeat(255)}`, { table: 't'.repeat(255) }],
  ])('%p names %p', (url, expected) => {
    expect(dynamoTableOf(url)).toEqual(expected);
  });

  it('opens a DynamoDB store without a request', async () => {
    const store = openStore('dynamodb://ftr-state?region=eu-west-1');
    expect(store).toBeInstanceOf(DynamoStore);
    expect(store).toMatchObject({ table: 'ftr-state', region: 'eu-west-1' });
    await store.close();
  });

  it.each([
    ['dynamodb://', /table name must be 3–255 characters/],
    ['dynamodb://ab', /table name must be 3–255 characters/],
    [`dynamodb://${'t'.repeat(256)}`, /table name must be 3–255 characters/],
    ['dynamodb://ftr state', /table name must be 3–255 characters/],
    ['dynamodb://user:secret@ftr-state', /table name must be 3–255 characters/],
    ['dynamodb://ftr-state/extra', /is dynamodb:\/\/TABLE or dynamodb:\/\/TABLE\?region=REGION/],
    ['dynamodb:ftr-state', /is dynamodb:\/\/TABLE or/],
    ['dynamodb://ftr-state?region=', /"" is not an AWS region name/],
    ['dynamodb://ftr-state?region=Moon-1', /"Moon-1" is not an AWS region name/],
    ['dynamodb://ftr-state?region=eu-west-1&endpoint=http://x', /unknown dynamodb:\/\/ parameter "endpoint"/],
  ])('refuses %p with one line naming STORE_URL', (url, message) => {
    let error: unknown;
    try {
      openStore(url);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^STORE_URL: [^\n]+$/);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('secret');
  });
});
