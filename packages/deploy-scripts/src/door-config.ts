import type { TokenLocation } from '@jwt-authorizer/authorizer-core';
import { DEFAULT_TOKEN_SOURCE, formatTokenSource } from '@jwt-authorizer/authorizer-core/internal';
import { DeployError } from './errors.js';
import { type FlagValues, getBooleanFlag, getStringFlag } from './flag-values.js';
import { DEFAULT_WEBSOCKET_TOKEN_SOURCE } from './identity-source.js';
import { quoteInput } from './suggest.js';

/**
 * A setting the deployed function reads, with where its value came from: as the core's messages
 * name it, `JWT_TOKEN_SOURCE`, `JWT_TOKEN_SOURCE (in /repo/.env)` or
 * `tokenSource (in /repo/settings/config.json)`.
 */
export interface EffectiveSetting<T> {
  readonly value: T;
  readonly origin: string;
}

/** Which kind of API Gateway API a run protects. */
export type ApiKind = 'rest' | 'http' | 'websocket';

/** The REST authorizer types deploy makes. */
export type RestAuthorizerType = 'token' | 'request';

/** The front door a deploy wires: which API, which routes, where the token comes from. */
export interface DoorConfig {
  /** From `--http-api-id` or `HTTP_API_ID`. */
  httpApiId: string | undefined;
  /** From `--websocket-api-id` or `WEBSOCKET_API_ID`. */
  websocketApiId: string | undefined;
  /** From `--routes "GET /pets,POST /pets"`; `undefined` attaches to every route. */
  routeKeys: string[] | undefined;
  /** From `--authorizer-type` (REST only); `token` unless asked. */
  authorizerType: RestAuthorizerType;
  /** The token source the function reads (`JWT_TOKEN_SOURCE` or the config file's `tokenSource`), else the door's default. */
  tokenSources: readonly TokenLocation[];
  /** Where the token source was set; undefined: the door's default. */
  tokenSourceOrigin: string | undefined;
  /** From `JWT_HTTP_API_RESPONSE` through the core's settings table: `simple` (`{isAuthorized}`) unless `iam`. */
  httpApiResponse: 'simple' | 'iam';
  /** From `--cors-origin` (repeatable, comma list, or `*`). */
  corsOrigins: string[];
  /** Settings the function must get for this door (the WebSocket default token source). */
  environmentAdditions: Record<string, string>;
  /** What is wrong with the door's settings; a real deploy stops on the first. */
  doorProblems: DeployError[];
}

/** The API ids `destroy` takes besides the REST one. */
export interface DoorDestroyConfig {
  httpApiId: string | undefined;
  websocketApiId: string | undefined;
  /** `--detach`: set routes that use the authorizer back to no authorization (opens them). */
  detach: boolean;
}

/** Spaces around a comma only: a line break or a Unicode separator is refused, never trimmed away. */
const trimSpaces = (text: string) => text.replace(/^ +| +$/g, '');

const ROUTE_KEY = /^(?:\$default|[A-Z]+ \/[!-+\--~]*)$/;
const ORIGIN = /^https?:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;

function readId(values: FlagValues, flag: string, settings: Readonly<Record<string, string>>, env: string) {
  const value = getStringFlag(values, flag) ?? settings[env];
  if (value === undefined) return undefined;
  if (!/^[a-z0-9]{1,64}$/.test(value.trim())) {
    throw new DeployError(
      'USAGE',
      `--${flag} must be an API id of lower-case letters and digits (got '${quoteInput(value)}')`,
    );
  }
  return value.trim();
}

/**
 * Parses `--routes`: a comma-separated list of route keys (`GET /pets`, `ANY /{proxy+}`, `$default`).
 *
 * @throws DeployError `USAGE` naming the key that is not a route key
 * @example
 * ```ts
 * parseRouteKeys('GET /pets, POST /pets'); // ['GET /pets', 'POST /pets']
 * ```
 */
export function parseRouteKeys(value: string): string[] {
  const keys = value.split(',').map(trimSpaces);
  for (const key of keys) {
    if (!ROUTE_KEY.test(key)) {
      throw new DeployError(
        'USAGE',
        `--routes entry '${quoteInput(key)}' is not a route key: write METHOD /path (e.g. "GET /pets,POST /pets") or $default`,
      );
    }
  }
  return [...new Set(keys)];
}

/**
 * Parses `--cors-origin`: `*`, or origins (`https://app.example.com`, a port allowed), comma-separated
 * or the flag repeated.
 *
 * @throws DeployError `USAGE` naming the value that is not an origin
 * @example
 * ```ts
 * parseCorsOrigins('https://app.example.com'); // ['https://app.example.com']
 * ```
 */
export function parseCorsOrigins(value: string): string[] {
  const origins = value.split(',').map(trimSpaces);
  for (const origin of origins) {
    if (origin !== '*' && !ORIGIN.test(origin)) {
      throw new DeployError(
        'USAGE',
        `--cors-origin '${quoteInput(origin)}' is not an origin: write scheme://host[:port] with no path (e.g. https://app.example.com) or *`,
      );
    }
  }
  if (origins.includes('*') && origins.length > 1) {
    throw new DeployError('USAGE', "--cors-origin '*' allows every origin: give it alone");
  }
  return [...new Set(origins)];
}

/** The door's flags; the token source and the function's other settings come from the core's reader. */
export type DoorFlags = Omit<
  DoorConfig,
  'httpApiResponse' | 'tokenSources' | 'tokenSourceOrigin' | 'environmentAdditions' | 'doorProblems'
>;

/**
 * Resolves the door flags of `deploy`: the API flags, `--routes`, `--authorizer-type` and
 * `--cors-origin`. The token source (`JWT_TOKEN_SOURCE` or the config file's `tokenSource`) and
 * `JWT_HTTP_API_RESPONSE` come from the core's settings reader, with the function's other settings:
 * see {@link resolveTokenSource}.
 *
 * @throws DeployError `USAGE` for flags that are malformed or do not fit the API given
 */
export function resolveDoorConfig(
  values: FlagValues,
  settings: Readonly<Record<string, string>>,
  restApiId: string | undefined,
): DoorFlags {
  const httpApiId = readId(values, 'http-api-id', settings, 'HTTP_API_ID');
  const websocketApiId = readId(values, 'websocket-api-id', settings, 'WEBSOCKET_API_ID');
  const given = [
    restApiId && '--rest-api-id',
    httpApiId && '--http-api-id',
    websocketApiId && '--websocket-api-id',
  ].filter(Boolean);
  if (given.length > 1) {
    throw new DeployError(
      'USAGE',
      `${given.join(' and ')} name two APIs: deploy one API per run (each keeps its own authorizer)`,
    );
  }
  const routes = getStringFlag(values, 'routes');
  if (routes !== undefined && !httpApiId) {
    throw new DeployError(
      'USAGE',
      '--routes picks HTTP API routes: pass --http-api-id (a WebSocket authorizer runs on $connect only; REST --attach takes every open method)',
    );
  }
  if (routes !== undefined && !getBooleanFlag(values, 'attach')) {
    throw new DeployError('USAGE', '--routes names the routes --attach protects: add --attach');
  }
  const type = getStringFlag(values, 'authorizer-type') ?? 'token';
  if (type !== 'token' && type !== 'request') {
    throw new DeployError(
      'USAGE',
      `--authorizer-type must be 'token' or 'request' (got '${quoteInput(type)}')`,
    );
  }
  if (getStringFlag(values, 'authorizer-type') !== undefined && !restApiId) {
    throw new DeployError(
      'USAGE',
      '--authorizer-type is for REST APIs: HTTP and WebSocket authorizers are always REQUEST',
    );
  }
  const corsFlag = getStringFlag(values, 'cors-origin');
  const corsOrigins = corsFlag === undefined ? [] : parseCorsOrigins(corsFlag);
  if (corsOrigins.length > 0 && websocketApiId) {
    throw new DeployError(
      'USAGE',
      '--cors-origin is for REST and HTTP APIs: WebSocket connections have no CORS',
    );
  }
  if (corsOrigins.length > 1 && restApiId) {
    throw new DeployError(
      'USAGE',
      "--cors-origin: a REST gateway response carries one static Access-Control-Allow-Origin: give one origin or '*' (HTTP APIs take several)",
    );
  }

  return {
    httpApiId,
    websocketApiId,
    routeKeys: routes === undefined ? undefined : parseRouteKeys(routes),
    authorizerType: type,
    corsOrigins,
  };
}

/**
 * The token source the door is wired for: the one the function reads (the core's reader decided
 * between `JWT_TOKEN_SOURCE` and the config file's `tokenSource`), else the door's default. A
 * WebSocket function gets `JWT_TOKEN_SOURCE=query:token` when neither is set, so it reads the token
 * where the identity source says it is. A REST TOKEN authorizer reads one header: any other source
 * is a problem naming where it was set. A value the core refused is reported by the core alone.
 *
 * @example
 * ```ts
 * resolveTokenSource(door, undefined, undefined).tokenSources; // the Authorization header
 * ```
 */
export function resolveTokenSource(
  door: Pick<DoorFlags, 'websocketApiId' | 'authorizerType'>,
  restApiId: string | undefined,
  effective: EffectiveSetting<readonly TokenLocation[]> | undefined,
): Pick<DoorConfig, 'tokenSources' | 'tokenSourceOrigin' | 'environmentAdditions' | 'doorProblems'> {
  const doorProblems: DeployError[] = [];
  const tokenSources =
    effective?.value ?? (door.websocketApiId ? DEFAULT_WEBSOCKET_TOKEN_SOURCE : DEFAULT_TOKEN_SOURCE);
  if (restApiId && door.authorizerType === 'token' && effective !== undefined) {
    const [only, ...others] = tokenSources;
    if (only?.kind !== 'header' || others.length > 0) {
      doorProblems.push(
        new DeployError(
          'CONFIG_INVALID',
          `${effective.origin}=${formatTokenSource(tokenSources)} needs a REQUEST authorizer (a TOKEN authorizer reads one header): pass --authorizer-type request`,
        ),
      );
    }
  }
  return {
    tokenSources,
    tokenSourceOrigin: effective?.origin,
    environmentAdditions:
      door.websocketApiId && effective === undefined
        ? { JWT_TOKEN_SOURCE: formatTokenSource(DEFAULT_WEBSOCKET_TOKEN_SOURCE) }
        : {},
    doorProblems,
  };
}

/**
 * Resolves the door settings of `destroy`.
 *
 * @throws DeployError `USAGE` when two APIs are named
 */
export function resolveDoorDestroyConfig(
  values: FlagValues,
  settings: Readonly<Record<string, string>>,
  restApiId: string | undefined,
): DoorDestroyConfig {
  const httpApiId = readId(values, 'http-api-id', settings, 'HTTP_API_ID');
  const websocketApiId = readId(values, 'websocket-api-id', settings, 'WEBSOCKET_API_ID');
  if ([restApiId, httpApiId, websocketApiId].filter(Boolean).length > 1) {
    throw new DeployError('USAGE', 'destroy takes one API per run: pass the API flag deploy was given');
  }
  return { httpApiId, websocketApiId, detach: getBooleanFlag(values, 'detach') };
}

/**
 * The API a config names, with its kind.
 *
 * @example
 * ```ts
 * getApiTarget({ restApiId: undefined, httpApiId: 'a1', websocketApiId: undefined }); // { kind: 'http', apiId: 'a1' }
 * ```
 */
export function getApiTarget(config: {
  restApiId: string | undefined;
  httpApiId: string | undefined;
  websocketApiId: string | undefined;
}): { kind: ApiKind; apiId: string } | undefined {
  if (config.restApiId) return { kind: 'rest', apiId: config.restApiId };
  if (config.httpApiId) return { kind: 'http', apiId: config.httpApiId };
  if (config.websocketApiId) return { kind: 'websocket', apiId: config.websocketApiId };
  return undefined;
}
