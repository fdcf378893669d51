import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

/**
 * Counts `crypto.verify` calls made by `fn` (including through `import { verify } from 'node:crypto'`
 * in other modules: syncBuiltinESMExports re-points their live bindings). Used, untimed, to prove
 * that a "distinct tokens" row checks one signature per call instead of answering from a cache.
 */
export async function countSignatureChecks(fn) {
  const original = crypto.verify;
  let count = 0;
  crypto.verify = function countedVerify(...args) {
    count++;
    return original.apply(this, args);
  };
  syncBuiltinESMExports();
  try {
    await fn();
  } finally {
    crypto.verify = original;
    syncBuiltinESMExports();
  }
  return count;
}
