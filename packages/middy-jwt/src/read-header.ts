/** Returned by {@link readHeader} when the request carries several different values. */
export const CONFLICT: unique symbol = Symbol('conflict');

type HeaderMap = Readonly<Record<string, unknown>> | null | undefined;

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
