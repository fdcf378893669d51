/** Returned by {@link readHeader} when the request carries several different values. */
export const CONFLICT: unique symbol = Symbol('conflict');

type HeaderMap = Readonly<Record<string, unknown>> | null | undefined;

/**
 * Every value of one header in an event's `headers` and `multiValueHeaders` (REST, HTTP API,
 * WebSocket `$connect`), whatever the case of its name, in the order found: `headers` first.
 * Values that are not strings are skipped. The same value may appear twice (API Gateway puts the
 * last value of a header in `headers` and all of them in `multiValueHeaders`).
 */
export function readHeaderValues(
  headers: HeaderMap,
  multiValueHeaders: HeaderMap,
  lowerCaseName: string,
): string[] {
  const values: string[] = [];
  if (headers) {
    for (const key in headers) {
      if (key.length !== lowerCaseName.length || key.toLowerCase() !== lowerCaseName) continue;
      const value = headers[key];
      if (typeof value === 'string') values.push(value);
    }
  }
  if (multiValueHeaders) {
    for (const key in multiValueHeaders) {
      if (key.length !== lowerCaseName.length || key.toLowerCase() !== lowerCaseName) continue;
      const list = multiValueHeaders[key];
      if (!Array.isArray(list)) continue;
      for (const value of list) if (typeof value === 'string') values.push(value);
    }
  }
  return values;
}

/**
 * Reads one header from `headers` and `multiValueHeaders`, whatever the case of its name.
 * Equal repeats collapse to one value; different values yield {@link CONFLICT}, because a client
 * that sends two credentials must not let the server pick one.
 */
export function readHeader(
  headers: HeaderMap,
  multiValueHeaders: HeaderMap,
  lowerCaseName: string,
): string | undefined | typeof CONFLICT {
  // The same walk as readHeaderValues without its array: this runs on every request.
  let found: string | undefined;
  if (headers) {
    for (const key in headers) {
      if (key.length !== lowerCaseName.length || key.toLowerCase() !== lowerCaseName) continue;
      const value = headers[key];
      if (typeof value !== 'string') continue;
      if (found !== undefined && found !== value) return CONFLICT;
      found = value;
    }
  }
  if (multiValueHeaders) {
    for (const key in multiValueHeaders) {
      if (key.length !== lowerCaseName.length || key.toLowerCase() !== lowerCaseName) continue;
      const values = multiValueHeaders[key];
      if (!Array.isArray(values)) continue;
      for (const value of values) {
        if (typeof value !== 'string') continue;
        if (found !== undefined && found !== value) return CONFLICT;
        found = value;
      }
    }
  }
  return found;
}
