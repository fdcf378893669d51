import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoDbReplayStore } from '../src/dynamodb-replay-store.js';
import { createReplayTableStore } from '../src/replay-table.js';

const dynamo = mockClient(DynamoDBClient);
afterEach(() => dynamo.reset());

const client = new DynamoDBClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});

/** DynamoDB's conditional put, modelled on a Map: the condition is evaluated as the service does. */
function fakeTable(now: () => number) {
  const items = new Map<string, number>();
  dynamo.on(PutItemCommand).callsFake((input: PutItemCommand['input']) => {
    const jti = input.Item?.jti?.S as string;
    const existing = items.get(jti);
    const nowValue = Number(input.ExpressionAttributeValues?.[':now']?.N);
    expect(nowValue).toBe(Math.floor(now()));
    if (existing !== undefined && !(existing < nowValue)) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    items.set(jti, Number(input.Item?.expiresAt?.N));
    return {};
  });
  return items;
}

describe('createDynamoDbReplayStore', () => {
  it('sends one conditional PutItem with the TTL attribute', async () => {
    dynamo.on(PutItemCommand).resolves({});
    const store = createDynamoDbReplayStore({ tableName: 'dpop-replay', client, nowSeconds: () => 1000.4 });
    expect(await store.checkAndRemember('abc', 1060.2)).toBe(true);
    const calls = dynamo.commandCalls(PutItemCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      TableName: 'dpop-replay',
      Item: { jti: { S: 'abc' }, expiresAt: { N: '1061' } },
      ConditionExpression: 'attribute_not_exists(#jti) OR #expiresAt < :now',
      ExpressionAttributeNames: { '#jti': 'jti', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: { ':now': { N: '1000' } },
    });
  });

  it('accepts an identifier once: the real ConditionalCheckFailedException means replayed', async () => {
    let now = 1000;
    fakeTable(() => now);
    const store = createDynamoDbReplayStore({ tableName: 't', client, nowSeconds: () => now });
    expect(await store.checkAndRemember('p1', 1060)).toBe(true);
    expect(await store.checkAndRemember('p1', 1060)).toBe(false);
    expect(await store.checkAndRemember('p2', 1060)).toBe(true);
    // Another container (another store, another client) sees the same table.
    const other = createDynamoDbReplayStore({
      tableName: 't',
      client: new DynamoDBClient({ region: 'eu-west-1' }),
      nowSeconds: () => now,
    });
    expect(await other.checkAndRemember('p1', 1060)).toBe(false);
    // Past expiresAt, before the TTL sweep deleted the item, the identifier is free again.
    now = 1061;
    expect(await store.checkAndRemember('p1', 1121)).toBe(true);
  });

  it.each([
    [
      'a missing table',
      new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }),
    ],
    ['throttling', new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })],
    ['a network failure', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('rejects with REPLAY_STORE_UNAVAILABLE on %s, never answers "new"', async (_name, error) => {
    dynamo.on(PutItemCommand).rejects(error);
    const store = createDynamoDbReplayStore({ tableName: 'dpop-replay', client });
    await expect(store.checkAndRemember('x', 1)).rejects.toMatchObject({
      code: 'REPLAY_STORE_UNAVAILABLE',
      message: expect.stringContaining('dpop-replay'),
    });
  });
});

describe('createReplayTableStore', () => {
  it('loads the DynamoDB store on first use and then uses the table', async () => {
    dynamo
      .on(PutItemCommand)
      .resolvesOnce({})
      .rejects(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    process.env.AWS_REGION ??= 'eu-west-1';
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    const store = createReplayTableStore('dpop-replay');
    await store.warm();
    expect(await store.checkAndRemember('j', 10)).toBe(true);
    expect(await store.checkAndRemember('j', 10)).toBe(false);
    expect(dynamo.commandCalls(PutItemCommand).map((call) => call.args[0].input.TableName)).toEqual([
      'dpop-replay',
      'dpop-replay',
    ]);
  });
});
