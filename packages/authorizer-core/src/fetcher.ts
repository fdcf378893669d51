import type { request as HttpRequest } from 'node:http';
import type { Fetcher } from 'aws-jwt-verify/https';
import { ConfigurationError, KeysUnavailableError } from './errors.js';
import { quote } from './quote.js';

export type { Fetcher };

/** Default time allowed for one JWKS request, connection to last byte. */
export const DEFAULT_JWKS_TIMEOUT_MS = 3000;
/** Default cap on a JWKS response body. */
export const DEFAULT_JWKS_MAX_BYTES = 128 * 1024;

export interface HttpFetcherOptions {
  /** Time allowed for the whole request, connection to last byte (default 3000 ms). */
  timeoutMs?: number;
  /** Largest response body accepted (default 128 KiB). */
  maxBytes?: number;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** True for hosts on this machine, where plain http is allowed for development and tests. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Parses a JWKS or issuer URL and enforces the transport rule: https everywhere, plain http only for
 * loopback hosts. Returns the parsed URL.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming `setting` when the URL is not acceptable.
 * @example
 * assertSecureUrl('https://tenant.auth0.com/.well-known/jwks.json', 'jwksUri');
 */
export function assertSecureUrl(value: string, setting: string): URL {
  // The URL parser drops tabs and line breaks and trims blanks without a word, so the URL fetched
  // and the string compared (an issuer with `iss`) would differ: refuse them instead.
  if (typeof value !== 'string' || /[\s\p{Cc}]/u.test(value)) {
    throw new ConfigurationError(
      `${setting} must be a URL without blanks or control characters, got ${typeof value === 'string' ? quote(value) : typeof value}`,
      { setting },
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`${setting} must be an absolute URL, got ${quote(value)}`, { setting });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new ConfigurationError(
    `${setting} must use https (plain http is allowed only for localhost and 127.0.0.1), got ${quote(value)}`,
    { setting },
  );
}

/**
 * Creates the JWKS fetcher: node:http/node:https (no global fetch, which costs a cold start dearly),
 * a hard timeout, a body size cap, no redirects, https only except for loopback hosts.
 * It implements aws-jwt-verify's `Fetcher` interface.
 *
 * Rejects with {@link KeysUnavailableError}: `JWKS_UNAVAILABLE` for network errors, timeouts and
 * non-200 answers, `JWKS_INVALID` for a body over the cap.
 * @example
 * const fetcher = createHttpFetcher({ timeoutMs: 2000 });
 */
export function createHttpFetcher(options?: HttpFetcherOptions): Fetcher {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS;
  const maxBytes = options?.maxBytes ?? DEFAULT_JWKS_MAX_BYTES;
  return {
    async fetch(uri: string): Promise<ArrayBuffer> {
      let url: URL;
      try {
        url = assertSecureUrl(uri, 'JWKS URI');
      } catch (err) {
        throw new KeysUnavailableError('JWKS_UNAVAILABLE', (err as Error).message, { cause: err });
      }
      const body = await requestWithRetry(url, timeoutMs, maxBytes, {
        method: 'GET',
        headers: { accept: 'application/json' },
        what: `JWKS request to ${uri}`,
        unavailable: (message, cause, status) =>
          new KeysUnavailableError('JWKS_UNAVAILABLE', message, { cause, status }),
        tooLarge: () =>
          new KeysUnavailableError('JWKS_INVALID', `JWKS at ${uri} is larger than ${maxBytes} bytes`),
      });
      return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    },
  };
}

/** One request: what to send and how its failures are reported. */
export interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** How messages name the request, e.g. `JWKS request to https://…`; never a credential. */
  readonly what: string;
  /** The error for a failed request; `status` when the server answered other than 200. */
  readonly unavailable: (message: string, cause?: unknown, status?: number) => Error;
  readonly tooLarge: () => Error;
}

/**
 * Sends one request under the fetcher's rules (a hard timeout, a body cap, no redirects, only a 200
 * is an answer) with one retry when the connection failed before any answer. `url` must have passed
 * {@link assertSecureUrl}.
 */
export async function requestWithRetry(
  url: URL,
  timeoutMs: number,
  maxBytes: number,
  spec: RequestSpec,
): Promise<Buffer> {
  const deadline = Date.now() + timeoutMs;
  try {
    return await requestOnce(url, deadline, maxBytes, spec);
  } catch (err) {
    // One immediate retry when the connection failed before any answer (a reset, a refused or
    // dropped socket, e.g. after a Lambda thaw), within the same time budget; never for a
    // timeout or an HTTP answer.
    if (!(err instanceof ConnectionError) || Date.now() >= deadline) throw unwrap(err);
    return await requestOnce(url, deadline, maxBytes, spec).catch((retryErr: unknown) => {
      throw unwrap(retryErr);
    });
  }
}

// Socket failures before any answer; a parser error (e.g. oversized headers) is not retried.
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN']);

/** A failure of the connection itself, before any answer: worth one retry. */
class ConnectionError extends Error {
  readonly error: Error;

  constructor(error: Error) {
    super(error.message);
    this.error = error;
  }
}

function unwrap(err: unknown): unknown {
  return err instanceof ConnectionError ? err.error : err;
}

/**
 * node:http or node:https, loaded on the first request of that protocol and not imported: on
 * Node 24 an ESM `import … from 'node:http'` builds the module's namespace, which reads its lazy
 * `WebSocket`/`CloseEvent`/`MessageEvent` getters and loads the whole WebSocket client (about 20 ms
 * of every cold start); `process.getBuiltinModule` returns the module itself. A deployment whose
 * keys are all behind https never loads node:http's client for nothing, and the other way round.
 */
function requestFor(protocol: string): typeof HttpRequest {
  const id = protocol === 'https:' ? 'node:https' : 'node:http';
  return (process.getBuiltinModule(id) as { request: typeof HttpRequest }).request;
}

function requestOnce(url: URL, deadline: number, maxBytes: number, spec: RequestSpec): Promise<Buffer> {
  const request = requestFor(url.protocol);
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    let answered = false;
    const finish = (err: Error | undefined, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else {
        resolve(body as Buffer);
      }
    };
    const failed = (err: Error) => spec.unavailable(`${spec.what} failed`, err);
    // No keep-alive pool: JWKS requests are minutes apart, and a pooled socket the server closed
    // meanwhile (or during a Lambda freeze) fails with ECONNRESET on reuse.
    const req = request(url, { method: spec.method, agent: false, headers: spec.headers }, (res) => {
      answered = true;
      if (res.statusCode !== 200) {
        res.resume();
        finish(spec.unavailable(`${spec.what} answered ${res.statusCode}`, undefined, res.statusCode));
        return;
      }
      const tooLarge = spec.tooLarge;
      if (Number(res.headers['content-length']) > maxBytes) {
        finish(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          finish(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish(undefined, Buffer.concat(chunks, size)));
      res.on('error', (err) => finish(failed(err)));
    });
    const timeoutMs = Math.max(1, deadline - Date.now());
    const timer = setTimeout(() => {
      finish(spec.unavailable(`${spec.what} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    req.on('error', (err) =>
      finish(
        !answered && RETRYABLE_CODES.has((err as NodeJS.ErrnoException).code ?? '')
          ? new ConnectionError(failed(err))
          : failed(err),
      ),
    );
    req.end(spec.body);
  });
}
