import { TokenError, type TokenRequest } from '@jwt-authorizer/authorizer-core';
import { CONFLICT, readHeader } from './read-header.js';
import { readRoute } from './read-route.js';

type EventRecord = Readonly<Record<string, unknown>>;

function asRecord(value: unknown): EventRecord | undefined {
  return typeof value === 'object' && value !== null ? (value as EventRecord) : undefined;
}

function stringAt(record: EventRecord | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The `DPoP` header: at most one (RFC 9449 §4.3). Payload 2.0 joins repeated headers with commas,
 * which a compact JWS never holds.
 *
 * @throws {TokenError} `DPOP_PROOF_INVALID` for several different DPoP headers.
 */
function readDpopHeader(event: EventRecord): string | undefined {
  const value = readHeader(asRecord(event.headers), asRecord(event.multiValueHeaders), 'dpop');
  if (value === CONFLICT || (typeof value === 'string' && value.includes(','))) {
    throw new TokenError('DPOP_PROOF_INVALID', 'The request carries more than one DPoP header');
  }
  return value;
}

/** The method as the client sent it: REST and payload 1.0 `httpMethod`, payload 2.0 `requestContext.http.method`. */
function readMethod(event: EventRecord, requestContext: EventRecord | undefined): string | undefined {
  return (
    stringAt(event, 'httpMethod') ??
    stringAt(requestContext, 'httpMethod') ??
    stringAt(asRecord(requestContext?.http), 'method')
  );
}

/**
 * The URL the client called. With `publicBaseUrl`, that base and the API's own path (no stage, no
 * base path mapping). Otherwise the host API Gateway names (`requestContext.domainName`: the custom
 * domain or the execute-api host; else the `Host` header) and the path as called: REST
 * `requestContext.path` (stage or base path included), payload 2.0 `rawPath`.
 */
function readUrl(
  event: EventRecord,
  requestContext: EventRecord | undefined,
  publicBaseUrl: string | undefined,
): string | undefined {
  if (publicBaseUrl !== undefined) {
    const route = readRoute(event);
    return route === undefined ? undefined : `${publicBaseUrl}${route.path}`;
  }
  const header = readHeader(asRecord(event.headers), asRecord(event.multiValueHeaders), 'host');
  const host = stringAt(requestContext, 'domainName') ?? (typeof header === 'string' ? header : undefined);
  const path =
    stringAt(requestContext, 'path') ??
    stringAt(event, 'rawPath') ??
    stringAt(asRecord(requestContext?.http), 'path') ??
    stringAt(event, 'path');
  if (host === undefined || path === undefined) return undefined;
  // Only an ALB (no requestContext.domainName) may serve plain http; it says so in x-forwarded-proto.
  const proto =
    requestContext?.domainName === undefined &&
    readHeader(asRecord(event.headers), asRecord(event.multiValueHeaders), 'x-forwarded-proto') === 'http'
      ? 'http'
      : 'https';
  return `${proto}://${host}${path}`;
}

/** The mutual-TLS client certificate: REST `identity.clientCert`, HTTP API `authentication.clientCert`. */
function readClientCertPem(requestContext: EventRecord | undefined): string | undefined {
  if (requestContext === undefined) return undefined;
  return (
    stringAt(asRecord(asRecord(requestContext.identity)?.clientCert), 'clientCertPem') ??
    stringAt(asRecord(asRecord(requestContext.authentication)?.clientCert), 'clientCertPem')
  );
}

/**
 * What an HTTP or REQUEST authorizer event gives to check a sender-constrained token: the `DPoP`
 * header, the method, the URL the client called and the mutual-TLS client certificate.
 *
 * @throws {TokenError} `DPOP_PROOF_INVALID` for several different DPoP headers.
 * @example
 * await authorizer.verifyRequest({ authorization, ...readRequestBinding(event, authorizer.options.dpop.publicBaseUrl) });
 */
export function readRequestBinding(
  event: unknown,
  publicBaseUrl: string | undefined,
): Pick<TokenRequest, 'dpop' | 'method' | 'url' | 'clientCertPem'> {
  const e = asRecord(event) ?? {};
  const requestContext = asRecord(e.requestContext);
  const dpop = readDpopHeader(e);
  const clientCertPem = readClientCertPem(requestContext);
  // Method and URL matter only to a DPoP proof: without one they are not worked out.
  if (dpop === undefined) return { clientCertPem };
  return {
    dpop,
    method: readMethod(e, requestContext),
    url: readUrl(e, requestContext, publicBaseUrl),
    clientCertPem,
  };
}

/**
 * The whole request to verify: the credential (an `Authorization` value, or a bare token from
 * another place) with {@link readRequestBinding}'s fields, the same keys as
 * `{ authorization, ...readRequestBinding(event, publicBaseUrl) }` (or `token`), built in one object.
 *
 * @throws {TokenError} `DPOP_PROOF_INVALID` for several different DPoP headers.
 */
export function readTokenRequest(
  event: unknown,
  publicBaseUrl: string | undefined,
  credential: { readonly kind: 'authorization' | 'token'; readonly value: string },
): TokenRequest {
  const e = asRecord(event) ?? {};
  const requestContext = asRecord(e.requestContext);
  const dpop = readDpopHeader(e);
  const clientCertPem = readClientCertPem(requestContext);
  const value = credential.value;
  if (dpop === undefined) {
    return credential.kind === 'authorization'
      ? { authorization: value, clientCertPem }
      : { token: value, clientCertPem };
  }
  const method = readMethod(e, requestContext);
  const url = readUrl(e, requestContext, publicBaseUrl);
  return credential.kind === 'authorization'
    ? { authorization: value, dpop, method, url, clientCertPem }
    : { token: value, dpop, method, url, clientCertPem };
}
