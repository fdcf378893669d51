import type { ReplayStore } from '@jwt-authorizer/authorizer-core';

/** A replay store on a DynamoDB table whose SDK code is loaded on first use. */
export interface ReplayTableStore extends ReplayStore {
  /** Loads the DynamoDB client now (e.g. during the cold start, which is billed anyway). */
  warm(): Promise<void>;
}

/**
 * The DynamoDB replay store behind a dynamic import: a deployment that sets no table never loads
 * the AWS SDK, and one that does loads it once, on `warm()` or the first proof.
 *
 * @example
 * const replayStore = createReplayTableStore('dpop-replay');
 */
export function createReplayTableStore(tableName: string): ReplayTableStore {
  let store: Promise<ReplayStore> | undefined;
  const load = () => {
    store ??= import('./dynamodb-replay-store.js').then(({ createDynamoDbReplayStore }) =>
      createDynamoDbReplayStore({ tableName }),
    );
    return store;
  };
  return {
    async checkAndRemember(jti, expiresAtSeconds) {
      return (await load()).checkAndRemember(jti, expiresAtSeconds);
    },
    async warm() {
      await load();
    },
  };
}
