import type { TokenLocation } from '@jwt-authorizer/authorizer-core';
import { formatTokenSource } from '@jwt-authorizer/authorizer-core/internal';

/**
 * The token source of a WebSocket deploy when `JWT_TOKEN_SOURCE` is not set: browsers cannot set
 * headers on a WebSocket, so the token comes in the query string. Deploy gives the function this
 * value so it reads the token where the identity source says it is.
 */
export const DEFAULT_WEBSOCKET_TOKEN_SOURCE: readonly TokenLocation[] = Object.freeze([
  Object.freeze({ kind: 'query', name: 'token' } as const),
]);

/**
 * Spells a header name as identity sources conventionally write it (`x-access-token` →
 * `X-Access-Token`). The token source keeps header names lower-cased (headers match in any case);
 * one fixed spelling keeps an authorizer deployed as `method.request.header.Authorization`
 * unchanged on the next deploy.
 *
 * @example
 * ```ts
 * spellHeaderName('authorization'); // 'Authorization'
 * ```
 */
export function spellHeaderName(name: string): string {
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('-');
}

/**
 * The token source for the plan: where it was set and its value, or the door's default.
 *
 * @example
 * ```ts
 * describeTokenSource({ tokenSources: [{ kind: 'query', name: 'token' }], tokenSourceOrigin: 'JWT_TOKEN_SOURCE' });
 * // 'JWT_TOKEN_SOURCE=query:token'
 * ```
 */
export function describeTokenSource(config: {
  tokenSources: readonly TokenLocation[];
  tokenSourceOrigin: string | undefined;
}): string {
  const value = formatTokenSource(config.tokenSources);
  return config.tokenSourceOrigin === undefined
    ? `JWT_TOKEN_SOURCE=${value} (the default)`
    : `${config.tokenSourceOrigin}=${value}`;
}

/** The kinds of API Gateway authorizer an identity source is written for. */
export type IdentitySourceDialect = 'rest' | 'http' | 'websocket';

/** The identity source to give API Gateway, and why caching must be off when there is none. */
export interface IdentitySourceChoice {
  /** The expressions, e.g. `['$request.header.Authorization']`; empty when none can be used. */
  identitySource: string[];
  /** Why no identity source can stand for the token (so the TTL must be 0); `undefined` when one can. */
  uncacheable: string | undefined;
}

const PREFIX: Record<IdentitySourceDialect, { header: string; query: string }> = {
  rest: { header: 'method.request.header.', query: 'method.request.querystring.' },
  http: { header: '$request.header.', query: '$request.querystring.' },
  websocket: { header: 'route.request.header.', query: 'route.request.querystring.' },
};

/**
 * Derives an authorizer's identity source (API Gateway's cache key) from the token source that
 * core's settings reader read (`origin` names where it was set, for the message). API Gateway answers 401 without calling the function unless every
 * identity source is present, so only a single header or query parameter can be one: with several
 * places, or a cookie (a part of the Cookie header), there is no identity source and the result must
 * not be cached. The WebSocket subprotocol is the `Sec-WebSocket-Protocol` header.
 *
 * @example
 * ```ts
 * deriveIdentitySource([{ kind: 'query', name: 'token' }], 'websocket');
 * // { identitySource: ['route.request.querystring.token'], uncacheable: undefined }
 * ```
 */
export function deriveIdentitySource(
  sources: readonly TokenLocation[],
  dialect: IdentitySourceDialect,
  origin = 'JWT_TOKEN_SOURCE',
): IdentitySourceChoice {
  const [only, ...others] = sources;
  if (only === undefined) return { identitySource: [], uncacheable: `${origin} lists no place` };
  if (others.length > 0) {
    return {
      identitySource: [],
      uncacheable: `${origin} lists ${sources.length} places and API Gateway requires every identity source to be present`,
    };
  }
  if (only.kind === 'cookie') {
    return {
      identitySource: [],
      uncacheable: `the token comes from cookie ${only.name}, which API Gateway cannot use as a cache key apart from the other cookies`,
    };
  }
  if (only.kind === 'protocol') {
    if (dialect === 'rest') {
      return { identitySource: [], uncacheable: 'the WebSocket subprotocol is not part of a REST request' };
    }
    return { identitySource: [`${PREFIX[dialect].header}Sec-WebSocket-Protocol`], uncacheable: undefined };
  }
  const name = only.kind === 'header' ? spellHeaderName(only.name) : only.name;
  return { identitySource: [`${PREFIX[dialect][only.kind]}${name}`], uncacheable: undefined };
}
