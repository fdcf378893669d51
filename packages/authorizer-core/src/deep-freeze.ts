/**
 * Freezes a JSON value and everything it holds. A verified token is cached and handed to every
 * later request with the same token, so a handler that changed a nested claim (a roles array) would
 * change what the rules see for the next request. Iterative: a signed token may nest its claims
 * deeper than the call stack goes.
 */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (item === null || typeof item !== 'object' || Object.isFrozen(item)) continue;
    Object.freeze(item);
    for (const key of Object.keys(item)) pending.push((item as Record<string, unknown>)[key]);
  }
  return value;
}
