import { DeployError } from './errors.js';
import { type FlagValues, getBooleanFlag, getStringFlag } from './flag-values.js';
import { quoteInput } from './suggest.js';
import {
  DEFAULT_TOKEN_SOURCES,
  DEFAULT_WEBSOCKET_TOKEN_SOURCES,
  formatTokenSources,
  parseTokenSources,
  type TokenSource,
} from './token-source.js';

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
  /** From `JWT_TOKEN_SOURCE`, else the door's default. */
  tokenSources: TokenSource[];
  /** Whether `JWT_TOKEN_SOURCE` was set (else the sources are the door's default). */
  tokenSourceSet: boolean;
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

/**
 * Resolves the door settings of `deploy`: the API flags, `--routes`, `--authorizer-type`,
 * `--cors-origin` and `JWT_TOKEN_SOURCE` (`JWT_HTTP_API_RESPONSE` comes from the core's settings
 * table, with the function's other settings).
 *
 * @throws DeployError `USAGE` for flags that are malformed or do not fit the API given
 */
export function resolveDoorConfig(
  values: FlagValues,
  settings: Readonly<Record<string, string>>,
  restApiId: string | undefined,
): Omit<DoorConfig, 'httpApiResponse'> {
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

  const doorProblems: DeployError[] = [];
  const raw = settings.JWT_TOKEN_SOURCE?.trim();
  const fallback = websocketApiId ? DEFAULT_WEBSOCKET_TOKEN_SOURCES : DEFAULT_TOKEN_SOURCES;
  let tokenSources: TokenSource[] = [...fallback];
  if (raw) {
    try {
      tokenSources = parseTokenSources(raw);
    } catch (error) {
      doorProblems.push(error as DeployError);
    }
  }
  if (restApiId && type === 'token') {
    const [only, ...others] = tokenSources;
    if (only?.kind !== 'header' || others.length > 0) {
      doorProblems.push(
        new DeployError(
          'CONFIG_INVALID',
          `JWT_TOKEN_SOURCE=${formatTokenSources(tokenSources)} needs a REQUEST authorizer (a TOKEN authorizer reads one header): pass --authorizer-type request`,
        ),
      );
    }
  }
  return {
    httpApiId,
    websocketApiId,
    routeKeys: routes === undefined ? undefined : parseRouteKeys(routes),
    authorizerType: type,
    tokenSources,
    tokenSourceSet: Boolean(raw),
    corsOrigins,
    // The function reads the token where the authorizer's identity source says it is.
    environmentAdditions:
      websocketApiId && !raw ? { JWT_TOKEN_SOURCE: formatTokenSources(DEFAULT_WEBSOCKET_TOKEN_SOURCES) } : {},
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
