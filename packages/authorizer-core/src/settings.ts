import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { closestName } from './closest-name.js';
import { ConfigurationError } from './errors.js';
import type { Jwks } from './jwks-cache.js';
import {
  type AuthorizerOptions,
  type IssuerOptions,
  resolveOptions,
  SUPPORTED_ALGORITHMS,
} from './options.js';
import { printable, quote } from './quote.js';
import { parseSecretId } from './secret-id.js';
import {
  checkTokenSourceList,
  DEFAULT_TOKEN_SOURCE,
  readTokenSourceList,
  type TokenLocation,
  TokenSourceProblem,
} from './token-source.js';

/** The environment as `process.env` shapes it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** How HTTP API payload 2.0 events are answered by the Lambda handler: `{ isAuthorized }` or an IAM policy. */
export type HttpApiResponse = 'simple' | 'iam';

/**
 * Which decisions the Lambda handler writes a line (and EMF metrics) for: every one, only refusals
 * (Deny, 401 and errors), or none.
 */
export type DecisionLogLevel = 'all' | 'refusals' | 'off';

/** One setting: where it is read from, what it sets, how its text is parsed. */
export interface SettingDefinition {
  /** The environment variable, e.g. `JWT_CLOCK_SKEW_SECONDS`. */
  readonly variable: string;
  /** The option path it sets, e.g. `clockSkewSeconds` or `jwks.timeoutMs`; the config file's key. */
  readonly setting: string;
  /** The default, as written in `.env`; undefined when there is none. */
  readonly defaultValue: string | undefined;
  /** One line for `.env.sample` and the READMEs. */
  readonly description: string;
  /** Whether a deploy must have it (`TOKEN_ISSUER`, `AUDIENCE` unless `JWT_CLIENT_ID`). */
  readonly required?: boolean;
  /** A setting that names a file the deployed function reads (bundled into the zip). */
  readonly file?: boolean;
  /** Turns the variable's (trimmed, non-empty) text into the option value; throws a message fragment. */
  readonly parse: (text: string) => unknown;
}

/** A parse failure: the reader adds the variable's name in front of the message. */
class InvalidValue extends Error {}

function list(text: string, separator: RegExp = /,/): string | string[] {
  const items = text
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new InvalidValue('must list at least one value');
  return items.length === 1 ? (items[0] as string) : items;
}

function listAlways(text: string, separator: RegExp = /,/): string[] {
  const value = list(text, separator);
  return typeof value === 'string' ? [value] : value;
}

function wholeNumber(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidValue(`must be a whole, non-negative number, got ${quote(text)}`);
  return Number(text);
}

function choice<T extends string>(...choices: T[]): (text: string) => T {
  return (text) => {
    const lower = text.toLowerCase();
    if (!(choices as string[]).includes(lower)) {
      throw new InvalidValue(`must be ${choices.map((c) => `"${c}"`).join(' or ')}, got ${quote(text)}`);
    }
    return lower as T;
  };
}

function algorithms(text: string): string[] {
  const algs = listAlways(text);
  for (const alg of algs) {
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new InvalidValue(
        `${quote(alg)} is not supported; use a comma list of ${SUPPORTED_ALGORITHMS.join(', ')}`,
      );
    }
  }
  return algs;
}

function routes(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidValue(
      'must be JSON: {"GET /pets/{id}": ["read:pets"]} or [{"route": "GET /pets", "scopes": [...]}]',
    );
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new InvalidValue('must be a JSON object or array of route rules');
  }
  return parsed;
}

function tokenSource(value: string): TokenLocation[] {
  try {
    return readTokenSourceList(value);
  } catch (err) {
    throw err instanceof TokenSourceProblem ? new InvalidValue(err.message) : err;
  }
}

const text = (value: string): string => value;

/** A JSON object, e.g. a rule; `example` shows the expected shape in the message. */
function jsonObject(example: string): (text: string) => unknown {
  return (value) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new InvalidValue(`must be a JSON object such as ${example}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InvalidValue(`must be a JSON object such as ${example}`);
    }
    return parsed;
  };
}

/** Claim names, comma-separated, or a JSON object of renames `{"context name": "claim"}`. */
function contextClaims(value: string): unknown {
  if (value.startsWith('{')) {
    return jsonObject('{"tenant": "https://example.com/tenant", "roles": "/realm_access/roles"}')(value);
  }
  return listAlways(value);
}

/**
 * Every setting, once: its variable, option path, parser, default and description. `fromEnv`, the
 * Lambda handler's cold start and the deploy all read through this table, and a test holds
 * `.env.sample` and the READMEs to it.
 *
 * @example
 * for (const { variable, defaultValue, description } of SETTINGS) console.log(variable, defaultValue, description);
 */
export const SETTINGS: readonly SettingDefinition[] = [
  {
    variable: 'TOKEN_ISSUER',
    setting: 'issuer',
    defaultValue: undefined,
    required: true,
    description: 'The token issuer URL (iss), e.g. https://TENANT.auth0.com/; comma-separate several',
    parse: (value) => list(value),
  },
  {
    variable: 'AUDIENCE',
    setting: 'audience',
    defaultValue: undefined,
    required: true,
    description:
      'The API identifier the tokens are issued for (aud); comma-separate several; for Cognito access tokens, JWT_CLIENT_ID instead',
    parse: (value) => list(value),
  },
  {
    variable: 'JWKS_URI',
    setting: 'jwksUri',
    defaultValue: undefined,
    description:
      "Where the issuer's keys are; default: jwks_uri of {issuer}/.well-known/openid-configuration (single issuer only)",
    parse: text,
  },
  {
    variable: 'JWT_CLIENT_ID',
    setting: 'clientId',
    defaultValue: undefined,
    description: 'Accepted client_id of access tokens without aud (Cognito), instead of or next to AUDIENCE',
    parse: (value) => list(value),
  },
  {
    variable: 'JWT_ALGORITHMS',
    setting: 'algorithms',
    defaultValue: 'RS256',
    description: `Allowed signature algorithms, a comma list of ${SUPPORTED_ALGORITHMS.join(', ')}`,
    parse: algorithms,
  },
  {
    variable: 'JWT_CLOCK_SKEW_SECONDS',
    setting: 'clockSkewSeconds',
    defaultValue: '0',
    description: 'Tolerance for exp, nbf and iat, in seconds (0 to 600)',
    parse: wholeNumber,
  },
  {
    variable: 'JWT_MAX_TOKEN_AGE_SECONDS',
    setting: 'maxTokenAgeSeconds',
    defaultValue: undefined,
    description: 'Reject tokens issued (iat) longer ago than this, in seconds; iat becomes required',
    parse: wholeNumber,
  },
  {
    variable: 'JWT_MAX_TOKEN_BYTES',
    setting: 'maxTokenBytes',
    defaultValue: '8192',
    description: 'Longest Authorization value accepted, in bytes (64 to 1048576)',
    parse: wholeNumber,
  },
  {
    variable: 'JWT_REQUIRED_SCOPES',
    setting: 'requiredScopes',
    defaultValue: undefined,
    description: 'Scopes every request needs (all of them), space- or comma-separated',
    parse: (value) => listAlways(value, /[\s,]+/),
  },
  {
    variable: 'JWT_REQUIRED_CLAIMS',
    setting: 'requiredClaims',
    defaultValue: undefined,
    description: 'A rule every token must pass, inline JSON: {"claims": {"email_verified": true}}',
    parse: jsonObject('{"claims": {"email_verified": true}}'),
  },
  {
    variable: 'JWT_TOKEN_TYPES',
    setting: 'tokenTypes',
    defaultValue: undefined,
    description:
      'Accepted typ header values, comma-separated (at+jwt for RFC 9068); default: any but non-access types',
    parse: (value) => listAlways(value),
  },
  {
    variable: 'JWT_ROUTES',
    setting: 'routes',
    defaultValue: undefined,
    description: 'Scopes or a rule per route, inline JSON: {"GET /pets": ["read:pets"]}',
    parse: routes,
  },
  {
    variable: 'JWT_ROUTES_FILE',
    setting: 'routesFile',
    defaultValue: undefined,
    file: true,
    description: 'Scopes per route from a JSON file (bundled into the zip), instead of JWT_ROUTES',
    parse: text,
  },
  {
    variable: 'JWT_UNMATCHED_ROUTES',
    setting: 'unmatchedRoutes',
    defaultValue: 'deny',
    description: 'What happens to routes no rule matches when routes are set: allow or deny',
    parse: choice('allow', 'deny'),
  },
  {
    variable: 'JWT_POLICY_MODE',
    setting: 'policyMode',
    defaultValue: 'api',
    description: 'IAM policy scope: api (every route the token may use) or method (the called one only)',
    parse: choice('api', 'method'),
  },
  {
    variable: 'JWT_CONTEXT_CLAIMS',
    setting: 'contextClaims',
    defaultValue: undefined,
    description:
      'Claims copied into the authorizer context besides sub and scope: comma-separated, or JSON renames {"tenant": "claim"}',
    parse: contextClaims,
  },
  {
    variable: 'JWT_USAGE_IDENTIFIER_CLAIM',
    setting: 'usageIdentifierClaim',
    defaultValue: undefined,
    description:
      "The claim whose value becomes the result's usageIdentifierKey (usage plans), e.g. azp or client_id",
    parse: text,
  },
  {
    variable: 'JWT_HTTP_API_RESPONSE',
    setting: 'httpApiResponse',
    defaultValue: 'simple',
    description: 'How the Lambda handler answers HTTP API payload 2.0 events: simple or iam',
    parse: choice('simple', 'iam'),
  },
  {
    variable: 'JWT_TOKEN_SOURCE',
    setting: 'tokenSource',
    defaultValue: 'header:authorization',
    description:
      'Where the handler reads REQUEST and HTTP API tokens, in order: header:NAME, query:NAME, cookie:NAME, protocol (WebSocket)',
    parse: tokenSource,
  },
  {
    variable: 'JWT_DECISION_LOG',
    setting: 'decisionLog',
    defaultValue: undefined,
    description:
      'Which decisions the handler logs: all, refusals or off; unset: all, refusals when AWS_LAMBDA_LOG_LEVEL is WARN or above',
    parse: choice('all', 'refusals', 'off'),
  },
  {
    variable: 'JWT_JWKS_TIMEOUT_MS',
    setting: 'jwks.timeoutMs',
    defaultValue: '3000',
    description: 'Time allowed for one JWKS or discovery request, in milliseconds',
    parse: wholeNumber,
  },
  {
    variable: 'JWT_JWKS_MAX_AGE_SECONDS',
    setting: 'jwks.maxAgeSeconds',
    defaultValue: '600',
    description: 'Refetch (in the background) a JWKS older than this, in seconds',
    parse: wholeNumber,
  },
  {
    variable: 'JWT_JWKS_COOLDOWN_MS',
    setting: 'jwks.cooldownMs',
    defaultValue: '2000',
    description: 'Least time between JWKS requests caused by unknown kids or failures, in milliseconds',
    parse: wholeNumber,
  },
  {
    variable: 'JWT_SENDER_CONSTRAINED',
    setting: 'senderConstrained',
    defaultValue: 'optional',
    description:
      'DPoP and mTLS-bound tokens: optional (a bound token must prove possession), required (unbound refused) or off',
    parse: choice('optional', 'required', 'off'),
  },
  {
    variable: 'JWT_PUBLIC_BASE_URL',
    setting: 'dpop.publicBaseUrl',
    defaultValue: undefined,
    description:
      'The URL clients call up to the API paths (origin, base path), for DPoP htu behind a CDN or proxy',
    parse: text,
  },
  {
    variable: 'JWT_DPOP_MAX_AGE_SECONDS',
    setting: 'dpop.maxAgeSeconds',
    defaultValue: '60',
    description: 'How old a DPoP proof (iat) may be, in seconds (1 to 3600)',
    parse: wholeNumber,
  },
  {
    variable: 'JWT_DPOP_REPLAY_TABLE',
    setting: 'dpopReplayTable',
    defaultValue: undefined,
    description:
      'DynamoDB table (key jti, TTL expiresAt) of used DPoP proofs, shared by all containers; unset: in memory, per container',
    parse: text,
  },
  {
    variable: 'JWT_INTROSPECTION_URL',
    setting: 'introspection.url',
    defaultValue: undefined,
    description: 'RFC 7662 token introspection endpoint, for opaque tokens (https)',
    parse: text,
  },
  {
    variable: 'JWT_INTROSPECTION_CLIENT_ID',
    setting: 'introspection.clientId',
    defaultValue: undefined,
    description: 'Client id the introspection endpoint authenticates (client_secret_basic)',
    parse: text,
  },
  {
    variable: 'JWT_INTROSPECTION_CLIENT_SECRET_ID',
    setting: 'introspectionClientSecretId',
    defaultValue: undefined,
    description:
      'Secrets Manager id or ARN, or ssm:/parameter/name, of the introspection client secret (read at cold start)',
    parse: (value) => {
      if (parseSecretId(value) === undefined) {
        throw new InvalidValue(
          `must be a Secrets Manager secret name or ARN, or ssm:/parameter/name for an SSM SecureString, got ${quote(value)}`,
        );
      }
      return value;
    },
  },
  {
    variable: 'JWT_INTROSPECTION_CLIENT_SECRET',
    setting: 'introspection.clientSecret',
    defaultValue: undefined,
    description: 'The introspection client secret as plain text: for local runs only',
    parse: text,
  },
  {
    variable: 'JWT_INTROSPECT',
    setting: 'introspection.mode',
    defaultValue: 'opaque',
    description:
      'Which tokens are introspected: opaque (tokens that are not JWTs) or all (revocation checks)',
    parse: choice('opaque', 'all'),
  },
  {
    variable: 'JWT_CONFIG_FILE',
    setting: 'configFile',
    defaultValue: undefined,
    file: true,
    description: 'A JSON settings file (bundled into the zip): any setting above plus issuers[]',
    parse: text,
  },
];

const BY_VARIABLE = new Map(SETTINGS.map((definition) => [definition.variable, definition]));

/**
 * The variables the table knows; any other `JWT_*` variable is refused as a likely typo.
 *
 * @example
 * SETTING_VARIABLES.includes('JWT_ROUTES'); // true
 */
export const SETTING_VARIABLES: readonly string[] = SETTINGS.map((definition) => definition.variable);

/**
 * The table entry for an environment variable, or undefined.
 *
 * @example
 * findSetting('JWT_JWKS_TIMEOUT_MS')?.setting; // 'jwks.timeoutMs'
 */
export function findSetting(variable: string): SettingDefinition | undefined {
  return BY_VARIABLE.get(variable);
}

/** Where a setting's value came from, for error messages. */
interface SettingSource {
  readonly variable?: string;
  /** The file it was read from (a `.env` file or the JSON config file), when not the process environment. */
  readonly file?: string;
}

function describeSource(source: SettingSource): string {
  if (source.variable && source.file) return `${source.variable} (in ${source.file})`;
  return source.variable ?? source.file ?? 'settings';
}

/** A setting as a message names it: its variable, else the config file's key and the file. */
function describeSetting(setting: string, source: SettingSource): string {
  if (source.variable) return describeSource(source);
  return source.file ? `${setting} (in ${source.file})` : setting;
}

/** What the settings hold, before validation: option values plus the handler's own settings. */
interface SettingValues {
  /** Option path → parsed value, from the environment. */
  readonly values: ReadonlyMap<string, unknown>;
  /** Option path → the variable that set it. */
  readonly variables: ReadonlyMap<string, string>;
}

/**
 * Parses every known variable of `env` through the table. Empty and blank values count as unset;
 * every `JWT_*` variable the table does not know is refused, with the closest known name.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` with `setting` and `variable` set.
 * @example
 * parseEnvironment({ TOKEN_ISSUER: 'https://tenant.auth0.com/', AUDIENCE: 'api' });
 */
function parseEnvironment(
  env: Environment,
  origin?: (variable: string) => string | undefined,
): SettingValues {
  const values = new Map<string, unknown>();
  const variables = new Map<string, string>();
  for (const name of Object.keys(env)) {
    if (!name.startsWith('JWT_') || BY_VARIABLE.has(name)) continue;
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    const suggestion = closestName(name, SETTING_VARIABLES);
    const where = origin?.(name);
    throw new ConfigurationError(
      `${printable(name)}${where ? ` (in ${printable(where)})` : ''} is not a setting${suggestion ? `: did you mean ${suggestion}?` : ''} (JWT_* variables are reserved for the authorizer's settings)`,
      { variable: name },
    );
  }
  for (const definition of SETTINGS) {
    const raw = env[definition.variable];
    if (raw === undefined) continue;
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    try {
      values.set(definition.setting, definition.parse(trimmed));
    } catch (err) {
      if (!(err instanceof InvalidValue)) throw err;
      const source = describeSource({ variable: definition.variable, file: origin?.(definition.variable) });
      throw new ConfigurationError(`${source} ${err.message}`, {
        setting: definition.setting,
        variable: definition.variable,
      });
    }
    variables.set(definition.setting, definition.variable);
  }
  return { values, variables };
}

/** A file a setting names, resolved. */
export interface SettingFile {
  /** The variable or config-file key that named it (`JWT_ROUTES_FILE`, `issuers[1].jwksFile`). */
  readonly setting: string;
  /** Absolute path. */
  readonly path: string;
}

export interface ReadSettingsOptions {
  /** The folder relative `JWT_ROUTES_FILE` and `JWT_CONFIG_FILE` paths are resolved against. */
  baseDir: string;
  /** Reads a file named by a setting (the I/O seam: `readFileSync(path, 'utf8')`). */
  readFile: (path: string) => string;
  /** Refuse files outside `baseDir`: on Lambda, every file must come with the bundle. */
  confineToBaseDir?: boolean;
  /** The file a variable was read from (a `.env`), for error messages. */
  origin?: (variable: string) => string | undefined;
}

/** Everything the settings configure, validated. */
export interface Settings {
  readonly authorizerOptions: AuthorizerOptions;
  /** The Lambda handler's answer to HTTP API payload 2.0 events (default `simple`). */
  readonly httpApiResponse: HttpApiResponse;
  /** Where the Lambda handler reads the token of `REQUEST` and payload 2.0 events (default: the Authorization header). */
  readonly tokenSource: readonly TokenLocation[];
  /** The DynamoDB table the Lambda handler remembers DPoP proofs in; undefined: in memory. */
  readonly dpopReplayTable: string | undefined;
  /** `JWT_DECISION_LOG`: which decisions the Lambda handler logs; undefined: not set (the handler decides). */
  readonly decisionLog: DecisionLogLevel | undefined;
  /**
   * `JWT_INTROSPECTION_CLIENT_SECRET_ID`: where the Lambda handler reads the introspection client
   * secret at cold start (see `parseSecretId`); `authorizerOptions.introspection.clientSecret` is
   * then unset, for the caller to fill in.
   */
  readonly introspectionClientSecretId: string | undefined;
  /** Every file the settings named (routes, config, static JWKS), for the bundle to carry. */
  readonly files: readonly SettingFile[];
  /**
   * Where each setting that was given came from, as messages name it: its variable
   * (`JWT_TOKEN_SOURCE`, or `JWT_TOKEN_SOURCE (in /app/.env)` through `origin`) or the config file's
   * key (`tokenSource (in /app/settings/config.json)`). Keyed by option path (`tokenSource`,
   * `dpop.maxAgeSeconds`, `dpop`); a setting left at its default is absent.
   */
  readonly origins: Readonly<Record<string, string>>;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, tail] = path.split('.', 2) as [string, string | undefined];
  if (tail === undefined) {
    target[head] = value;
    return;
  }
  const inner = (target[head] ?? {}) as Record<string, unknown>;
  target[head] = { ...inner, [tail]: value };
}

interface FileReader {
  read(
    path: string,
    setting: string,
    variable: string | undefined,
    relativeTo: string,
  ): { path: string; text: string };
  files: SettingFile[];
}

function createFileReader(options: ReadSettingsOptions): FileReader {
  const files: SettingFile[] = [];
  return {
    files,
    read(path, setting, variable, relativeTo) {
      const file = isAbsolute(path) ? path : resolve(relativeTo, path);
      const name = variable ?? setting;
      if (options.confineToBaseDir) {
        const inside = relative(options.baseDir, file);
        if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
          throw new ConfigurationError(
            `${name}: ${printable(file)} is outside the function's folder ${printable(options.baseDir)}; the file must be in the bundle (deploy and the bundle script put the files settings name into the zip)`,
            { setting, variable },
          );
        }
      }
      let fileText: string;
      try {
        fileText = options.readFile(file);
      } catch (err) {
        throw new ConfigurationError(
          `${name} must name a readable file (relative to ${printable(relativeTo)}); ${printable(file)} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
          { setting, variable, cause: err },
        );
      }
      files.push({ setting: name, path: file });
      return { path: file, text: fileText };
    },
  };
}

function parseJsonFile(
  file: { path: string; text: string },
  setting: string,
  variable: string | undefined,
): unknown {
  try {
    return JSON.parse(file.text);
  } catch (err) {
    throw new ConfigurationError(`${variable ?? setting}: ${file.path} is not valid JSON`, {
      setting,
      variable,
      cause: err,
    });
  }
}

/**
 * The token source from the environment (parsed by the table) or a config file (the same text, or
 * a list of `{ kind, name }`), validated; the Authorization header when unset.
 */
function readTokenSourceSetting(value: unknown, source: SettingSource): readonly TokenLocation[] {
  if (value === undefined) return DEFAULT_TOKEN_SOURCE;
  try {
    if (typeof value === 'string') return readTokenSourceList(value);
    if (Array.isArray(value)) return checkTokenSourceList(value as TokenLocation[]);
    throw new TokenSourceProblem('must be a list such as "header:authorization,query:token"');
  } catch (err) {
    if (!(err instanceof TokenSourceProblem)) throw err;
    const label = source.variable ? describeSource(source) : `${source.file ?? 'settings'}: tokenSource`;
    throw new ConfigurationError(`${label} ${err.message}`, {
      setting: 'tokenSource',
      variable: source.variable,
    });
  }
}

// The JWKS settings a config file may hold: the table's, and the size cap, which has no variable.
const JWKS_KEYS = [
  ...SETTINGS.filter((d) => d.setting.startsWith('jwks.')).map((d) => d.setting.slice(5)),
  'maxBytes',
];
const ISSUER_KEYS = new Set(['issuer', 'audience', 'jwksUri', 'clientId', 'jwks', 'jwksFile']);
// Settings a config file may hold at its top level: the table's, except the file itself.
const CONFIG_KEYS = [
  ...SETTINGS.filter((d) => d.setting !== 'configFile').map((d) => d.setting.split('.')[0] as string),
  'issuers',
];

function readConfigFile(
  path: string,
  variable: string | undefined,
  options: ReadSettingsOptions,
  reader: FileReader,
): { values: Record<string, unknown>; file: string } {
  const file = reader.read(path, 'configFile', variable, options.baseDir);
  const config = parseJsonFile(file, 'configFile', variable);
  const fail = (message: string, setting = 'configFile') =>
    new ConfigurationError(`${file.path}: ${message}`, { setting, variable });
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw fail(
      'must hold a JSON object of settings, e.g. {"issuers": [{"issuer": "...", "audience": "..."}]}',
    );
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (!CONFIG_KEYS.includes(key)) {
      const suggestion = closestName(key, CONFIG_KEYS);
      throw fail(`${quote(key)} is not a setting${suggestion ? `: did you mean "${suggestion}"?` : ''}`, key);
    }
    values[key] = value;
  }
  if (values.jwks !== undefined) {
    const jwks = values.jwks;
    if (jwks === null || typeof jwks !== 'object' || Array.isArray(jwks)) {
      throw fail('jwks must be an object such as {"timeoutMs": 1500}', 'jwks');
    }
    for (const key of Object.keys(jwks)) {
      if (!JWKS_KEYS.includes(key)) {
        const suggestion = closestName(key, JWKS_KEYS);
        throw fail(
          `jwks.${quote(key).slice(1, -1)} is not a setting${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
          'jwks',
        );
      }
    }
  }
  const folder = dirname(file.path);
  if (values.issuers !== undefined) {
    if (!Array.isArray(values.issuers))
      throw fail('issuers must be an array of {issuer, audience, ...}', 'issuers');
    values.issuers = values.issuers.map((entry: unknown, index: number): IssuerOptions => {
      const at = `issuers[${index}]`;
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        throw fail(
          `${at} must be an object {issuer, audience, jwksUri?, clientId?, jwks? | jwksFile?}`,
          'issuers',
        );
      }
      const issuer = { ...(entry as Record<string, unknown>) };
      for (const key of Object.keys(issuer)) {
        if (!ISSUER_KEYS.has(key)) {
          const suggestion = closestName(key, [...ISSUER_KEYS]);
          throw fail(
            `${at}.${quote(key).slice(1, -1)} is not an issuer setting${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
            'issuers',
          );
        }
      }
      if (issuer.jwksFile !== undefined) {
        if (issuer.jwks !== undefined) throw fail(`${at} has both jwks and jwksFile: give one`, 'issuers');
        if (typeof issuer.jwksFile !== 'string' || issuer.jwksFile.trim() === '') {
          throw fail(`${at}.jwksFile must be a path relative to the config file`, 'issuers');
        }
        let jwks: unknown;
        try {
          jwks = parseJsonFile(
            reader.read(issuer.jwksFile.trim(), `${at}.jwksFile`, undefined, folder),
            `${at}.jwksFile`,
            undefined,
          );
        } catch (err) {
          if (!(err instanceof ConfigurationError)) throw err;
          throw new ConfigurationError(`${file.path}: ${err.message}`, {
            setting: 'issuers',
            variable,
            cause: err,
          });
        }
        issuer.jwks = jwks as Jwks;
        delete issuer.jwksFile;
      }
      return issuer as unknown as IssuerOptions;
    });
  }
  return { values, file: file.path };
}

/**
 * Reads and validates every setting from the environment (and the JSON file `JWT_CONFIG_FILE`
 * names, whose top-level settings the environment overrides), exactly as the Lambda handler's cold
 * start does: the deploy and `fromEnv` call this too.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` with `setting` (option path) and, when the value came
 *   from the environment, `variable`.
 * @example
 * const settings = readSettings(process.env, { baseDir: '/var/task', readFile: (p) => readFileSync(p, 'utf8') });
 */
export function readSettings(env: Environment, options: ReadSettingsOptions): Settings {
  const parsed = parseEnvironment(env, options.origin);
  const reader = createFileReader(options);
  const merged: Record<string, unknown> = {};
  const sources = new Map<string, SettingSource>();

  let configSource: SettingSource = {};
  const configPath = parsed.values.get('configFile') as string | undefined;
  if (configPath !== undefined) {
    const config = readConfigFile(configPath, 'JWT_CONFIG_FILE', options, reader);
    configSource = { file: config.file };
    for (const [key, value] of Object.entries(config.values)) {
      merged[key] = value;
      sources.set(key, { file: config.file });
    }
    if (merged.issuers !== undefined) {
      for (const setting of ['issuer', 'jwksUri']) {
        const variable = parsed.variables.get(setting);
        if (variable) {
          throw new ConfigurationError(
            `${variable} conflicts with issuers in ${config.file}: list every issuer in the file's issuers (with its jwksUri), or unset ${variable}`,
            { setting, variable },
          );
        }
      }
    }
  }
  for (const [setting, value] of parsed.values) {
    if (setting === 'configFile') continue;
    if (setting.includes('.')) {
      setPath(merged, setting, value);
    } else {
      merged[setting] = value;
    }
    const variable = parsed.variables.get(setting) as string;
    sources.set(setting, { variable, file: options.origin?.(variable) });
    sources.set(setting.split('.')[0] as string, { variable, file: options.origin?.(variable) });
  }

  const sourceOf = (setting: string | undefined): SettingSource =>
    (setting === undefined
      ? undefined
      : (sources.get(setting) ?? sources.get(setting.split('.')[0] as string))) ?? configSource;

  const routesFile = merged.routesFile as string | undefined;
  if (routesFile !== undefined) {
    if (merged.routes !== undefined) {
      const a = describeSource(sourceOf('routesFile'));
      const b = describeSource(sourceOf('routes'));
      throw new ConfigurationError(`${b} and ${a} are both set: set one of them`, {
        setting: 'routesFile',
        variable: sourceOf('routesFile').variable,
      });
    }
    if (typeof routesFile !== 'string') {
      throw new ConfigurationError('routesFile must be a path', { setting: 'routesFile' });
    }
    const source = sourceOf('routesFile');
    const relativeTo = source.variable ? options.baseDir : dirname(source.file ?? options.baseDir);
    const file = reader.read(routesFile, 'routesFile', source.variable, relativeTo);
    const value = parseJsonFile(file, 'routesFile', source.variable);
    if (value === null || typeof value !== 'object') {
      throw new ConfigurationError(
        `${source.variable ?? 'routesFile'}: ${file.path} must hold {"GET /path": ["scope"]} or [{"route": "GET /path", "scopes": ["scope"]}]`,
        { setting: 'routesFile', variable: source.variable },
      );
    }
    merged.routes = value;
    sources.set('routes', { variable: source.variable, file: file.path });
  }
  delete merged.routesFile;

  const httpApiResponse = (merged.httpApiResponse ?? 'simple') as HttpApiResponse;
  if (httpApiResponse !== 'simple' && httpApiResponse !== 'iam') {
    throw new ConfigurationError(`httpApiResponse must be "simple" or "iam", got ${quote(httpApiResponse)}`, {
      setting: 'httpApiResponse',
    });
  }
  delete merged.httpApiResponse;
  const dpopReplayTable = merged.dpopReplayTable as string | undefined;
  if (
    dpopReplayTable !== undefined &&
    (typeof dpopReplayTable !== 'string' || !/^[A-Za-z0-9_.-]{3,255}$/.test(dpopReplayTable))
  ) {
    const source = sourceOf('dpopReplayTable');
    throw new ConfigurationError(
      `${describeSetting('dpopReplayTable', source)}: the DPoP replay table must be a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -), got ${quote(dpopReplayTable)}`,
      { setting: 'dpopReplayTable', variable: source.variable },
    );
  }
  delete merged.dpopReplayTable;
  const decisionLog = merged.decisionLog as DecisionLogLevel | undefined;
  if (
    decisionLog !== undefined &&
    decisionLog !== 'all' &&
    decisionLog !== 'refusals' &&
    decisionLog !== 'off'
  ) {
    // Only a config file can get here with another value: the variable's parser refuses it.
    throw new ConfigurationError(
      `${describeSource(sourceOf('decisionLog'))}: decisionLog must be "all", "refusals" or "off", got ${quote(decisionLog)}`,
      { setting: 'decisionLog', variable: sourceOf('decisionLog').variable },
    );
  }
  delete merged.decisionLog;
  const introspectionClientSecretId = merged.introspectionClientSecretId as string | undefined;
  delete merged.introspectionClientSecretId;
  // The secret itself is read at cold start; until then a stand-in lets every other setting be checked.
  if (introspectionClientSecretId !== undefined) {
    const source = sourceOf('introspectionClientSecretId');
    const where = { setting: 'introspectionClientSecretId', variable: source.variable };
    if (
      typeof introspectionClientSecretId !== 'string' ||
      parseSecretId(introspectionClientSecretId) === undefined
    ) {
      throw new ConfigurationError(
        `${describeSource(source)}: introspectionClientSecretId must be a Secrets Manager secret name or ARN, or ssm:/parameter/name`,
        where,
      );
    }
    const introspection = merged.introspection as Record<string, unknown> | undefined;
    if (introspection?.clientSecret !== undefined) {
      throw new ConfigurationError(
        `${describeSource(source)} and ${describeSource(sourceOf('introspection.clientSecret'))} are both set: set one of them (the secret id in a deployment, the plain secret for local runs only)`,
        where,
      );
    }
    if (introspection === undefined) {
      throw new ConfigurationError(
        `${describeSource(source)} is set but JWT_INTROSPECTION_URL is not: set the introspection endpoint and JWT_INTROSPECTION_CLIENT_ID, or remove the secret id`,
        where,
      );
    }
  }

  const tokenSourceSetting = readTokenSourceSetting(merged.tokenSource, sourceOf('tokenSource'));
  delete merged.tokenSource;

  const authorizerOptions = merged as AuthorizerOptions;
  if (authorizerOptions.issuer === undefined && authorizerOptions.issuers === undefined) {
    throw new ConfigurationError(
      'TOKEN_ISSUER is required: the token issuer URL, e.g. https://TENANT.auth0.com/ (comma-separated for several)',
      { setting: 'issuer', variable: 'TOKEN_ISSUER' },
    );
  }
  if (
    authorizerOptions.issuers === undefined &&
    authorizerOptions.audience === undefined &&
    authorizerOptions.clientId === undefined
  ) {
    throw new ConfigurationError(
      'AUDIENCE is required: the API identifier the tokens are issued for (comma-separated for several; for Cognito access tokens, which carry no aud, set JWT_CLIENT_ID to the app client id)',
      { setting: 'audience', variable: 'AUDIENCE' },
    );
  }
  try {
    resolveOptions(
      introspectionClientSecretId === undefined || authorizerOptions.introspection === undefined
        ? authorizerOptions
        : {
            ...authorizerOptions,
            introspection: { ...authorizerOptions.introspection, clientSecret: 'read-at-cold-start' },
          },
    );
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    const source = sourceOf(err.setting);
    if (source.variable === undefined && source.file === undefined) throw err;
    throw new ConfigurationError(`${describeSource(source)}: ${err.message}`, {
      setting: err.setting,
      variable: source.variable,
      cause: err,
    });
  }
  return {
    authorizerOptions,
    httpApiResponse,
    tokenSource: tokenSourceSetting,
    dpopReplayTable,
    decisionLog,
    introspectionClientSecretId,
    files: reader.files,
    origins: Object.fromEntries(
      [...sources].map(([setting, source]) => [setting, describeSetting(setting, source)]),
    ),
  };
}
