/**
 * Remembers DPoP proof identifiers so each is accepted once. `checkAndRemember` resolves true when
 * `jti` was not seen before (and remembers it until `expiresAtSeconds`), false when it was.
 * Implementations must make the check and the write one atomic step.
 */
export interface ReplayStore {
  checkAndRemember(jti: string, expiresAtSeconds: number): Promise<boolean>;
}

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most identifiers held at once (default 10000). */
  maxEntries?: number;
  /** The clock, in seconds (default `Date.now() / 1000`). */
  nowSeconds?: () => number;
}

/** Default size of the in-memory replay store. */
export const DEFAULT_REPLAY_STORE_ENTRIES = 10_000;

/**
 * An in-memory {@link ReplayStore}. It protects one process (one Lambda container) only: another
 * container has its own memory, so a proof replayed to another container passes. Use a shared store
 * (e.g. DynamoDB) to protect every container.
 *
 * Bounded: when full it first drops expired identifiers, then the oldest sixteenth. A dropped live
 * identifier could be replayed until the proof's `iat` window closes; with the default 10000 entries
 * and a 60 s window that takes over 160 distinct proofs a second in one process.
 *
 * @example
 * const replayStore = createMemoryReplayStore({ maxEntries: 5000 });
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries = options.maxEntries ?? DEFAULT_REPLAY_STORE_ENTRIES;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`maxEntries must be a positive integer, got ${String(maxEntries)}`);
  }
  const now = options.nowSeconds ?? (() => Date.now() / 1000);
  const seen = new Map<string, number>();

  // When full, one pass drops the expired identifiers, and if that frees too little, the oldest
  // sixteenth goes at once: the pass is paid once per batch of inserts, not on every insert.
  const batch = Math.max(1, maxEntries >> 4);
  function makeRoom(nowSeconds: number): void {
    for (const [jti, expiresAt] of seen) if (expiresAt <= nowSeconds) seen.delete(jti);
    if (seen.size < maxEntries) return;
    // Insertion order is close to expiry order: every proof gets the same window.
    let left = batch;
    for (const jti of seen.keys()) {
      seen.delete(jti);
      if (--left === 0) break;
    }
  }

  return {
    async checkAndRemember(jti: string, expiresAtSeconds: number): Promise<boolean> {
      const nowSeconds = now();
      const known = seen.get(jti);
      if (known !== undefined && known > nowSeconds) return false;
      if (known !== undefined) seen.delete(jti);
      if (seen.size >= maxEntries) makeRoom(nowSeconds);
      seen.set(jti, expiresAtSeconds);
      return true;
    },
  };
}
