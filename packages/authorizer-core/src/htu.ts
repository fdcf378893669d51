const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

// What RFC 3986 lets appear unencoded in a URL (the path's pchar, `/`, the `?` and `#` delimiters,
// `%` of escapes, and `[` `]` of an IPv6 host). Anything else is the decoded form of an escape.
const URI_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?#%[\]]/;

/**
 * Percent-encodes (UTF-8) every character RFC 3986 does not allow unencoded: blanks and controls
 * the URL parser would drop, `\` it would turn into `/`, and `|`, `^`, `"`, non-ASCII and the like,
 * which a request path may carry decoded while a client writes them as escapes.
 */
function encodeOdd(text: string): string {
  let out = '';
  for (const char of text) out += URI_CHAR.test(char) ? char : encodeURIComponent(char);
  return out;
}

/**
 * RFC 3986 §6.2.2 syntax-based normalization of one percent-encoded path: the hex digits of every
 * escape in upper case, escaped unreserved characters decoded. `%2F` stays `%2F`: it is not `/`.
 */
function normalizeEscapes(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * The form in which a DPoP `htu` and the request URL are compared (RFC 9449 §4.3): scheme and host in
 * lower case, the default port dropped, dot segments resolved, percent-escapes normalized, no query
 * and no fragment. Undefined for anything but an absolute http(s) URL, and, with `strict`, for a
 * value holding blanks or control characters, which the URL parser would otherwise drop without a
 * word (so `/a\nb` would compare equal to `/ab`).
 *
 * @example
 * normalizeHtu('HTTPS://API.Example.com:443/pets?x=1') // 'https://api.example.com/pets'
 */
export function normalizeHtu(value: string, strict = false): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (strict && /[\s\p{Cc}\u2028\u2029]/u.test(value)) return undefined;
  // A lone surrogate has no UTF-8 form to escape it in.
  if (/\p{Cs}/u.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(encodeOdd(value));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return `${url.protocol}//${url.host}${normalizeEscapes(url.pathname)}`;
}
