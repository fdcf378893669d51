import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { KeysUnavailableError, type ReplayStore } from '@jwt-authorizer/authorizer-core';

/** Options of {@link createDynamoDbReplayStore}. */
export interface DynamoDbReplayStoreOptions {
  /** The table: partition key `jti` (string), TTL attribute `expiresAt` (number, epoch seconds). */
  tableName: string;
  /** A client to use (default: a new `DynamoDBClient` for the function's region). */
  client?: DynamoDBClient;
  /** The clock, in seconds (default `Date.now() / 1000`). */
  nowSeconds?: () => number;
}

/** The key and TTL attribute names the table must have. */
export const REPLAY_TABLE_KEY = 'jti';
export const REPLAY_TABLE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * A DPoP {@link ReplayStore} shared by every Lambda container: one conditional `PutItem` per proof,
 * which succeeds only when the identifier is new, or its item has expired (DynamoDB's TTL deletes
 * items some time after `expiresAt`, not at once). A replay in any container, at any time within
 * the proof's window, finds the item and is refused.
 *
 * Any other failure (throttling, a missing table, no permission) rejects with
 * `REPLAY_STORE_UNAVAILABLE`: a 500, never an Allow.
 *
 * @example
 * const replayStore = createDynamoDbReplayStore({ tableName: 'dpop-replay' });
 */
export function createDynamoDbReplayStore(options: DynamoDbReplayStoreOptions): ReplayStore {
  const client = options.client ?? new DynamoDBClient({});
  const now = options.nowSeconds ?? (() => Date.now() / 1000);
  const { tableName } = options;
  return {
    async checkAndRemember(jti: string, expiresAtSeconds: number): Promise<boolean> {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              [REPLAY_TABLE_KEY]: { S: jti },
              [REPLAY_TABLE_TTL_ATTRIBUTE]: { N: String(Math.ceil(expiresAtSeconds)) },
            },
            ConditionExpression: 'attribute_not_exists(#jti) OR #expiresAt < :now',
            ExpressionAttributeNames: { '#jti': REPLAY_TABLE_KEY, '#expiresAt': REPLAY_TABLE_TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': { N: String(Math.floor(now())) } },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw new KeysUnavailableError(
          'REPLAY_STORE_UNAVAILABLE',
          `The DPoP replay table ${tableName} cannot be written (${(err as Error)?.name ?? 'error'})`,
          { cause: err },
        );
      }
    },
  };
}
