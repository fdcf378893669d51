/**
 * Freezes a JSON value and everything it holds. A verified token is cached and handed to every
 * later request with the same token, so a handler that changed a nested claim (a roles array) would
 * change what the rules see for the next request.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
