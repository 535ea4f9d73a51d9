import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../../src/store';
import { READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { smallReport } from './fixtures';

/** A DynamoDB endpoint that throttles every request, as DynamoDB answers past a table's capacity. */
async function throttlingDynamoDb(): Promise<{ server: Server; url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `req-${requests}` });
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

describe('a store that does not answer', () => {
  let h: SlackHarness;
  let dynamo: Awaited<ReturnType<typeof throttlingDynamoDb>>;
  let client: DynamoDBClient;

  beforeEach(async () => {
    dynamo = await throttlingDynamoDb();
    client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamo.url, maxAttempts: 2, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const store = new DynamoStore({ table: 'ftr-state', client });
    h = await startSlackHarness({ store, scanner: scriptedScanner({ report: () => smallReport() }) });
  });
  afterEach(async () => {
    await h?.stop();
    client.destroy();
    await new Promise((resolve) => dynamo.server.close(resolve));
  });

  test('/ftr status is acknowledged at once and the asker is told the store is throttled, privately', async () => {
    const ack = await h.command('status', { userId: READER, responseId: 'throttled' });
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);

    const reply = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'throttled'), 15_000, 'the answer');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply.body.blocks)).toMatch(/the state store \(DynamoDB\) is not answering \(ThrottlingException\); try again in a minute/);
    // The SDK retried (bounded) before giving up.
    expect(dynamo.requests()).toBeGreaterThanOrEqual(2);
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
  });
});
