/**
 * Freezes a JSON value and everything it holds. A verified token is cached and handed to every
 * later request with the same token, so a handler that changed a nested claim (a roles array) would
 * change what the rules see for the next request. Iterative: a signed token may nest its claims
 * deeper than the call stack goes.
 */
export function deepFreeze<T>(value: T): T {
  if (!isUnfrozenObject(value)) return value;
  const pending: object[] = [];
  for (
    let item = value as Record<string, unknown> | undefined;
    item !== undefined;
    item = pending.pop() as Record<string, unknown> | undefined
  ) {
    Object.freeze(item);
    // Only objects are queued: most claims are strings and numbers, which need nothing.
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) if (isUnfrozenObject(item[i])) pending.push(item[i]);
    } else {
      for (const key of Object.keys(item)) if (isUnfrozenObject(item[key])) pending.push(item[key]);
    }
  }
  return value;
}

function isUnfrozenObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !Object.isFrozen(value);
}
