import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  ConfigurationError,
  readSettings as readCoreSettings,
  SETTINGS,
  type SenderConstrainedMode,
  type SettingFile,
  type TokenLocation,
} from '@jwt-authorizer/authorizer-core';
import {
  DOTENV_SEARCH_ORDER,
  findSetting,
  isLoopbackHost,
  mergeDotenv,
  parseDotenv,
} from '@jwt-authorizer/authorizer-core/internal';
import {
  type DoorConfig,
  type DoorDestroyConfig,
  type EffectiveSetting,
  resolveDoorConfig,
  resolveDoorDestroyConfig,
  resolveTokenSource,
} from './door-config.js';
import { DeployError } from './errors.js';
import { type FlagValues, getBooleanFlag, getStringFlag } from './flag-values.js';
import { closestMatch, quoteInput } from './suggest.js';

/** The Lambda runtimes the bundle is built and tested for; the first is the default. */
export const RUNTIMES = ['nodejs24.x', 'nodejs22.x'] as const;

/** Every default the deploy uses, in one place (the README lists the same values). */
export const DEFAULTS = {
  roleName: 'jwtRsaCustomAuthorizerRole',
  roleDescription: 'Runs the JWT authorizer function (jwt-authorizer)',
  invokerRoleSuffix: '-invoker',
  invokerRoleDescription: 'Lets API Gateway invoke the JWT authorizer function (jwt-authorizer)',
  functionName: 'jwtRsaCustomAuthorizer',
  functionDescription: 'JWT access-token authorizer for API Gateway (jwt-authorizer)',
  runtime: RUNTIMES[0],
  handler: 'index.handler',
  timeoutSeconds: 30,
  memoryMb: 256,
  authorizerName: 'jwt-rsa-custom-authorizer',
  identityValidationExpression: '^Bearer [-0-9a-zA-Z\\._]*$',
  ttlSeconds: 300,
  invokePermission: 'role',
  invokePolicyName: 'invoke-authorizer-function',
  basicExecutionPolicyName: 'service-role/AWSLambdaBasicExecutionRole',
  zipPath: 'packages/lambda-authorizer/dist/custom-authorizer.zip',
} as const;

/** How API Gateway gets permission to invoke the function. */
export type InvokePermissionMode = 'role' | 'resource-policy';

/** Settings every command shares. */
export interface CommonConfig {
  /** From `--region` or `AWS_REGION`; `undefined` leaves it to the SDK (shared config file). */
  region: string | undefined;
  /** From `--profile` or `AWS_PROFILE`. */
  profile: string | undefined;
  /** From `--max-attempts`; `undefined` leaves the SDK default (`AWS_MAX_ATTEMPTS`, else 3). */
  maxAttempts: number | undefined;
  functionName: string;
}

/** Everything `deploy` needs, validated. */
export interface DeployConfig extends CommonConfig, DoorConfig {
  dryRun: boolean;
  roleName: string;
  runtime: string;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  zipPath: string;
  /** Whether to build the zip with turbo first (not when `--zip` or `--no-build` is given). */
  buildZip: boolean;
  /** The function's environment: the settings table's variables, file settings pointing into the zip. */
  environment: Record<string, string>;
  /** Files the settings name (routes, config, static JWKS), put into the zip under `settings/`. */
  files: BundledFile[];
  /** What is wrong with the environment; a real deploy stops on the first, a dry run lists them. */
  problems: DeployError[];
  restApiId: string | undefined;
  stageName: string | undefined;
  authorizerName: string;
  identityValidationExpression: string;
  ttlSeconds: number;
  invokePermission: InvokePermissionMode;
  attach: boolean;
  redeploy: boolean;
  /**
   * `JWT_SENDER_CONSTRAINED` or the config file's `senderConstrained`, as the function reads it;
   * undefined when neither is set (DPoP is on: `optional`) or the settings could not be read.
   */
  senderConstrained: EffectiveSetting<SenderConstrainedMode> | undefined;
  /** `JWT_DPOP_REPLAY_TABLE` or the config file's `dpopReplayTable`, as the function reads it. */
  replayTable: EffectiveSetting<string> | undefined;
}

/** Everything `destroy` needs. */
export interface DestroyConfig extends CommonConfig, DoorDestroyConfig {
  dryRun: boolean;
  yes: boolean;
  roleName: string;
  restApiId: string | undefined;
  authorizerName: string;
  /**
   * `JWT_DPOP_REPLAY_TABLE` or the config file's `dpopReplayTable`, as deploy read it: deleted when
   * deploy created it (its tag says so), kept otherwise.
   */
  replayTable: string | undefined;
}

/** Everything `invoke` needs. */
export interface InvokeConfig extends CommonConfig {
  eventPath: string;
}

/** Where relative paths and the `.env` file are looked up. */
export interface ConfigPaths {
  /** The monorepo root (holds `.env` and the default zip). */
  repoRoot: string;
  /** The directory relative flag paths are resolved against (the caller's, not the package's). */
  cwd: string;
  /** The `.env` file a variable came from (undefined when the environment set it, or there was no file). */
  origin?: ((variable: string) => string | undefined) | undefined;
}

/** Settings (name → value) after merging the environment over `.env`. */
export type Settings = Readonly<Record<string, string>>;

/** Settings with the `.env` file they were read from. */
export interface LoadedSettings {
  readonly settings: Settings;
  /** The `.env` file read, or undefined when none was. */
  readonly file: string | undefined;
  /** The `.env` file a variable came from, or undefined when the environment set it. */
  readonly origin: (variable: string) => string | undefined;
  /** One line for the terminal: which file was read, or that none was and where it was looked for. */
  readonly description: string;
}

/**
 * Where `.env` is looked for, relative to the repo root, first found wins: the authorizer package
 * (where `.env.sample` sits), then the root. The core's `DOTENV_SEARCH_ORDER`: `invoke`, the demo
 * and local runs use the same.
 */
export const DOTENV_LOCATIONS = DOTENV_SEARCH_ORDER;

/**
 * Reads `.env` (at `--env-file`, else the first of {@link DOTENV_LOCATIONS}) with the core's parser
 * and lays the environment over it: a variable set (non-empty) in the environment wins; an empty
 * value counts as unset, in the file and in the environment.
 *
 * @throws DeployError `CONFIG_INVALID` when a `--env-file` file given explicitly does not exist, or
 *   the file read holds a line that is not `NAME=value` (named by its line number)
 * @example
 * ```ts
 * const { settings, description } = loadSettings({ env: process.env, repoRoot, cwd: process.cwd() });
 * ```
 */
export function loadSettings(
  options: ConfigPaths & {
    env: Readonly<Record<string, string | undefined>>;
    dotenvPath?: string | undefined;
  },
): LoadedSettings {
  const candidates = options.dotenvPath
    ? [resolve(options.cwd, options.dotenvPath)]
    : DOTENV_LOCATIONS.map((location) => join(options.repoRoot, location));
  const path = candidates.find((candidate) => existsSync(candidate));
  if (path === undefined && options.dotenvPath) {
    throw new DeployError('CONFIG_INVALID', `--env-file ${options.dotenvPath} does not exist: fix the path`);
  }
  let fromFile: Record<string, string> = {};
  if (path !== undefined) {
    try {
      fromFile = parseDotenv(readFileSync(path, 'utf8'), path);
    } catch (error) {
      // A line that is not NAME=value: the core's message names the file and the line, not its content.
      if (error instanceof ConfigurationError) {
        throw new DeployError('CONFIG_INVALID', error.message, { cause: error });
      }
      throw error;
    }
  }
  const settings = mergeSettings(options.env, fromFile);
  const setInEnvironment = (name: string) => (options.env[name] ?? '').trim() !== '';
  return {
    settings,
    file: path,
    origin: (variable) =>
      path !== undefined && !setInEnvironment(variable) && (fromFile[variable] ?? '').trim() !== ''
        ? path
        : undefined,
    description:
      path === undefined ? `.env: none read (looked for ${candidates.join(', ')})` : `.env: read ${path}`,
  };
}

/**
 * {@link loadSettings} without the file details.
 *
 * @example
 * ```ts
 * const settings = readSettings({ env: process.env, repoRoot, cwd: process.cwd() });
 * ```
 */
export function readSettings(
  options: ConfigPaths & {
    env: Readonly<Record<string, string | undefined>>;
    dotenvPath?: string | undefined;
  },
): Settings {
  return loadSettings(options).settings;
}

/**
 * Merges settings: non-empty environment values win over `.env` values; empty ones count as unset.
 *
 * @example
 * ```ts
 * mergeSettings({ AUDIENCE: 'a' }, { AUDIENCE: 'b' }); // { AUDIENCE: 'a' }
 * ```
 */
export function mergeSettings(
  env: Readonly<Record<string, string | undefined>>,
  fromFile: Readonly<Record<string, string>>,
): Settings {
  return mergeDotenv(env, fromFile);
}

/** The settings the plan prints with their values (URLs, not secrets); `JWT_*` ones by name only. */
export const CORE_SETTINGS = ['TOKEN_ISSUER', 'JWKS_URI', 'AUDIENCE'] as const;

/** A file a setting names, to be put into the zip. */
export interface BundledFile {
  /** The variable or config-file key that named it. */
  setting: string;
  /** Where it is on this machine. */
  path: string;
  /** Where it goes in the zip (and so under /var/task). */
  zipName: string;
}

/** The folder files named by settings go to inside the zip. */
export const SETTINGS_FOLDER = 'settings';

// Placeholders of .env.sample and the READMEs: deploying one gives a function that can never verify.
const PLACEHOLDER = /YOUR_[A-Z_]+|\bTENANT\b/;
// The settings .env.sample and the READMEs show with placeholders.
const PLACEHOLDER_SETTINGS = ['TOKEN_ISSUER', 'AUDIENCE', 'JWKS_URI', 'JWT_CLIENT_ID'] as const;

function where(variable: string | undefined, origin: ConfigPaths['origin']): string {
  if (variable === undefined) return '';
  const file = origin?.(variable);
  return file ? ` (in ${file})` : ' (in the environment)';
}

/** Checks a URL the deployed function will fetch: https, and not this machine. */
function checkDeployedUrl(value: string, name: string, source: string): DeployError | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return new DeployError(
      'CONFIG_INVALID',
      `${name}${source} is not a URL: set it to an absolute https URL such as https://TENANT.auth0.com/`,
    );
  }
  if (url.protocol !== 'https:') {
    return new DeployError(
      'CONFIG_INVALID',
      `${name}${source} must be an https URL (got ${url.protocol}//): plain http works only locally, never in Lambda`,
    );
  }
  if (isLoopbackHost(url.hostname)) {
    return new DeployError(
      'CONFIG_INVALID',
      `${name}${source} is ${url.hostname}, this machine: the deployed function cannot reach it; set the identity provider's public URL`,
    );
  }
  return undefined;
}

function toZipNames(
  files: readonly SettingFile[],
  configFile: string | undefined,
): { files: BundledFile[]; problems: DeployError[] } {
  const bundled: BundledFile[] = [];
  const problems: DeployError[] = [];
  const taken = new Map<string, string>();
  for (const file of files) {
    let name: string;
    if (file.setting.startsWith('JWT_') || configFile === undefined) {
      name = basename(file.path);
    } else {
      name = relative(dirname(configFile), file.path).split(sep).join('/');
      if (name.startsWith('../') || isAbsolute(name)) {
        problems.push(
          new DeployError(
            'CONFIG_INVALID',
            `${file.setting} in ${configFile} names ${file.path}, outside the config file's folder: move it next to the config file so it can go into the zip`,
          ),
        );
        continue;
      }
    }
    const zipName = `${SETTINGS_FOLDER}/${name}`;
    const other = taken.get(zipName);
    if (other !== undefined && other !== file.path) {
      problems.push(
        new DeployError(
          'CONFIG_INVALID',
          `${file.setting} names ${file.path}, which would go into the zip as ${zipName} like ${other}: rename one of them`,
        ),
      );
      continue;
    }
    if (other === undefined) bundled.push({ setting: file.setting, path: file.path, zipName });
    taken.set(zipName, file.path);
  }
  return { files: bundled, problems };
}

/**
 * The settings that decide how API Gateway is wired, as the deployed function will read them: the
 * core's reader decides between each variable and the config file's key, exactly as at cold start.
 */
export interface FunctionDoorSettings {
  /** Undefined when neither `JWT_TOKEN_SOURCE` nor `tokenSource` is set: the door's default applies. */
  tokenSource: EffectiveSetting<readonly TokenLocation[]> | undefined;
  /** Undefined when neither `JWT_SENDER_CONSTRAINED` nor `senderConstrained` is set (`optional`). */
  senderConstrained: EffectiveSetting<SenderConstrainedMode> | undefined;
  /** Undefined when neither `JWT_DPOP_REPLAY_TABLE` nor `dpopReplayTable` is set (proofs in memory). */
  replayTable: EffectiveSetting<string> | undefined;
}

/** The settings with file settings made absolute: against the folder of the .env that set them, else `cwd`. */
function readWithCore(
  environment: Readonly<Record<string, string>>,
  cwd: string,
  origin: ConfigPaths['origin'],
): { checked: Record<string, string>; result: ReturnType<typeof readCoreSettings> } {
  const checked: Record<string, string> = { ...environment };
  for (const definition of SETTINGS) {
    const value = checked[definition.variable]?.trim();
    if (!definition.file || !value || isAbsolute(value)) continue;
    const file = origin?.(definition.variable);
    checked[definition.variable] = resolve(file ? dirname(file) : cwd, value);
  }
  const result = readCoreSettings(checked, {
    baseDir: cwd,
    readFile: (path) => readFileSync(path, 'utf8'),
    origin,
  });
  return { checked, result };
}

function toDoorSettings(result: ReturnType<typeof readCoreSettings>): FunctionDoorSettings {
  // Shown on one line in the plan and in messages, whatever the config file's path holds.
  const origins = Object.fromEntries(
    Object.entries(result.origins).map(([setting, origin]) => [setting, quoteInput(origin, 300)]),
  );
  const senderConstrained = result.authorizerOptions.senderConstrained;
  return {
    tokenSource:
      origins.tokenSource === undefined
        ? undefined
        : { value: result.tokenSource, origin: origins.tokenSource },
    senderConstrained:
      origins.senderConstrained === undefined || senderConstrained === undefined
        ? undefined
        : { value: senderConstrained, origin: origins.senderConstrained },
    replayTable:
      result.dpopReplayTable === undefined
        ? undefined
        : { value: result.dpopReplayTable, origin: origins.dpopReplayTable ?? 'JWT_DPOP_REPLAY_TABLE' },
  };
}

/**
 * Builds the function's environment from the settings and validates it with the same code the
 * function's cold start runs (the core's settings table): a bad or unknown `JWT_*` variable, a
 * placeholder value, an `http://` or loopback issuer or JWKS URI is a problem naming the variable
 * and the file it came from. Files the settings name (routes, config, static JWKS) are listed for
 * the zip, and their variables point into it. Makes no network request.
 *
 * @returns the environment, the files to bundle, every problem found and the settings API Gateway
 *   is wired for (undefined when the settings could not be read)
 * @example
 * ```ts
 * const { environment, files, problems } = readFunctionEnvironment(settings, { cwd: process.cwd() });
 * ```
 */
export function readFunctionEnvironment(
  settings: Settings,
  context: { cwd?: string; origin?: ConfigPaths['origin'] } = {},
): {
  environment: Record<string, string>;
  files: BundledFile[];
  problems: DeployError[];
  /** `JWT_HTTP_API_RESPONSE` as the settings table parsed it (`simple` until it could be read). */
  httpApiResponse: 'simple' | 'iam';
  door: FunctionDoorSettings | undefined;
} {
  const { origin } = context;
  const cwd = context.cwd ?? process.cwd();
  const environment: Record<string, string> = {};
  const problems: DeployError[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (value.trim() === '') continue;
    if (findSetting(name) || name.startsWith('JWT_')) environment[name] = value.trim();
  }
  for (const name of ['TOKEN_ISSUER', 'AUDIENCE'] as const) {
    if (environment[name] !== undefined) continue;
    // Cognito access tokens carry no aud: the app client id stands in for the audience.
    if (name === 'AUDIENCE' && environment.JWT_CLIENT_ID?.replaceAll(',', '').trim()) continue;
    // A config file may list the issuers itself.
    if (environment.JWT_CONFIG_FILE) continue;
    problems.push(
      new DeployError(
        'CONFIG_MISSING',
        `${name} is not set: add ${name}=... to .env (packages/lambda-authorizer/.env or the repo root) or the environment`,
      ),
    );
  }
  if (environment.JWT_INTROSPECTION_CLIENT_SECRET !== undefined) {
    // A Lambda environment variable is readable by anyone who may read the function's configuration.
    problems.push(
      new DeployError(
        'CONFIG_INVALID',
        `JWT_INTROSPECTION_CLIENT_SECRET${where('JWT_INTROSPECTION_CLIENT_SECRET', origin)} would put the introspection secret in the function's environment in plain text: it is for local runs only: store the secret in Secrets Manager or SSM Parameter Store (SecureString) and set JWT_INTROSPECTION_CLIENT_SECRET_ID to its name or ARN (ssm:/name for SSM)`,
      ),
    );
  }
  for (const name of PLACEHOLDER_SETTINGS) {
    const placeholder = PLACEHOLDER.exec(environment[name] ?? '');
    if (placeholder) {
      problems.push(
        new DeployError(
          'CONFIG_INVALID',
          `${name}${where(name, origin)} still holds the placeholder ${placeholder[0]}: set your identity provider's value`,
        ),
      );
    }
  }
  // Without the required settings the cold start's check would only repeat them; the others go on.
  if (problems.some((problem) => problem.code === 'CONFIG_MISSING'))
    return { environment, files: [], problems, httpApiResponse: 'simple', door: undefined };

  let checked: Record<string, string>;
  let result: ReturnType<typeof readCoreSettings>;
  try {
    ({ checked, result } = readWithCore(environment, cwd, origin));
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // The core's message names the variable and, through `origin`, the .env file it came from, or
    // the config file's key; a value from a file may hold a line break, shown escaped.
    problems.push(new DeployError('CONFIG_INVALID', quoteInput(error.message, 1000), { cause: error }));
    return { environment, files: [], problems, httpApiResponse: 'simple', door: undefined };
  }

  const options = result.authorizerOptions;
  const issuers = [options.issuer ?? []].flat();
  const fromConfig = !environment.TOKEN_ISSUER;
  for (const issuer of issuers) {
    const problem = fromConfig
      ? checkDeployedUrl(issuer, 'issuer', ` (in ${checked.JWT_CONFIG_FILE})`)
      : checkDeployedUrl(issuer, 'TOKEN_ISSUER', where('TOKEN_ISSUER', origin));
    if (problem) problems.push(problem);
  }
  if (options.jwksUri !== undefined) {
    const problem = environment.JWKS_URI
      ? checkDeployedUrl(options.jwksUri, 'JWKS_URI', where('JWKS_URI', origin))
      : checkDeployedUrl(options.jwksUri, 'jwksUri', ` (in ${checked.JWT_CONFIG_FILE})`);
    if (problem) problems.push(problem);
  }
  for (const [index, entry] of (options.issuers ?? []).entries()) {
    for (const [key, value] of [
      ['issuer', entry.issuer],
      ['jwksUri', entry.jwksUri],
    ] as const) {
      if (value === undefined || (key === 'jwksUri' && entry.jwks !== undefined)) continue;
      const name = `issuers[${index}].${key}`;
      const source = ` (in ${checked.JWT_CONFIG_FILE})`;
      const placeholder = PLACEHOLDER.exec(value);
      const problem = placeholder
        ? new DeployError(
            'CONFIG_INVALID',
            `${name}${source} still holds the placeholder ${placeholder[0]}: set your identity provider's value`,
          )
        : checkDeployedUrl(value, name, source);
      if (problem) problems.push(problem);
    }
  }

  const configFile = checked.JWT_CONFIG_FILE;
  const zipped = toZipNames(result.files, configFile);
  problems.push(...zipped.problems);
  for (const file of zipped.files) {
    if (file.setting.startsWith('JWT_')) environment[file.setting] = file.zipName;
  }
  return {
    environment,
    files: zipped.files,
    problems,
    httpApiResponse: result.httpApiResponse,
    door: toDoorSettings(result),
  };
}

function readInteger(values: FlagValues, flag: string, range: { min: number; max: number; unit: string }) {
  const raw = getStringFlag(values, flag);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < range.min || value > range.max) {
    throw new DeployError(
      'USAGE',
      `--${flag} must be a whole number of ${range.unit} from ${range.min} to ${range.max} (got '${raw}')`,
    );
  }
  return value;
}

function readRuntime(values: FlagValues): string {
  const runtime = getStringFlag(values, 'runtime');
  if (runtime === undefined) return DEFAULTS.runtime;
  if ((RUNTIMES as readonly string[]).includes(runtime)) return runtime;
  const suggestion = closestMatch(runtime, RUNTIMES);
  throw new DeployError(
    'USAGE',
    `--runtime must be ${RUNTIMES.join(' or ')} (got '${quoteInput(runtime)}')${suggestion ? `: did you mean ${suggestion}?` : ''}`,
  );
}

function readName(
  values: FlagValues,
  flag: string,
  settings: Settings,
  envName?: string,
): string | undefined {
  const value = getStringFlag(values, flag) ?? (envName ? settings[envName] : undefined);
  if (value !== undefined && value.trim() === '') {
    throw new DeployError('USAGE', `--${flag} must not be empty`);
  }
  return value?.trim();
}

/**
 * Resolves the settings every command shares.
 *
 * @throws DeployError `USAGE` for a malformed `--max-attempts`
 * @example
 * ```ts
 * resolveCommonConfig(values, settings);
 * ```
 */
export function resolveCommonConfig(values: FlagValues, settings: Settings): CommonConfig {
  return {
    region: readName(values, 'region', settings, 'AWS_REGION'),
    profile: readName(values, 'profile', settings, 'AWS_PROFILE'),
    maxAttempts: readInteger(values, 'max-attempts', { min: 1, max: 20, unit: 'attempts' }),
    functionName: readName(values, 'function-name', settings, 'FUNCTION_NAME') ?? DEFAULTS.functionName,
  };
}

/**
 * Resolves and validates the `deploy` configuration. Flag errors throw at once; problems with the
 * function's settings are collected in `problems` so a dry run can list them all.
 *
 * @throws DeployError `USAGE` for malformed flags
 * @example
 * ```ts
 * const config = resolveDeployConfig(values, settings, { repoRoot, cwd });
 * if (!config.dryRun && config.problems[0]) throw config.problems[0];
 * ```
 */
export function resolveDeployConfig(
  values: FlagValues,
  settings: Settings,
  paths: ConfigPaths,
): DeployConfig {
  const zipFlag = getStringFlag(values, 'zip');
  const restApiId = readName(values, 'rest-api-id', settings, 'REST_API_ID');
  const door = resolveDoorConfig(values, settings, restApiId);
  const v2 = door.httpApiId !== undefined || door.websocketApiId !== undefined;
  // HTTP and WebSocket authorizers are invoked through the resource policy, scoped to the authorizer.
  const invokePermission =
    getStringFlag(values, 'invoke-permission') ?? (v2 ? 'resource-policy' : DEFAULTS.invokePermission);
  if (invokePermission !== 'role' && invokePermission !== 'resource-policy') {
    throw new DeployError(
      'USAGE',
      `--invoke-permission must be 'role' or 'resource-policy' (got '${invokePermission}')`,
    );
  }
  if (v2 && invokePermission === 'role') {
    throw new DeployError(
      'USAGE',
      "--invoke-permission role is for REST APIs: HTTP and WebSocket authorizers use the function's resource policy, scoped to the authorizer",
    );
  }
  // API Gateway is wired for the settings the function will read: the core's reader decides between
  // a variable and the config file's key, as at cold start.
  const functionEnvironment = readFunctionEnvironment(settings, { cwd: paths.cwd, origin: paths.origin });
  const { files, httpApiResponse } = functionEnvironment;
  const tokenSource = resolveTokenSource(door, restApiId, functionEnvironment.door?.tokenSource);
  const environment = { ...functionEnvironment.environment, ...tokenSource.environmentAdditions };
  const problems = [...functionEnvironment.problems, ...tokenSource.doorProblems];
  const attach = getBooleanFlag(values, 'attach');
  if (attach && !restApiId && !v2) {
    throw new DeployError(
      'USAGE',
      '--attach needs an API: pass --rest-api-id, --http-api-id or --websocket-api-id',
    );
  }
  return {
    ...resolveCommonConfig(values, settings),
    ...door,
    ...tokenSource,
    httpApiResponse,
    senderConstrained: functionEnvironment.door?.senderConstrained,
    replayTable: functionEnvironment.door?.replayTable,
    dryRun: getBooleanFlag(values, 'dry-run'),
    roleName: readName(values, 'role-name', settings, 'ROLE_NAME') ?? DEFAULTS.roleName,
    runtime: readRuntime(values),
    handler: DEFAULTS.handler,
    timeoutSeconds:
      readInteger(values, 'timeout', { min: 1, max: 900, unit: 'seconds' }) ?? DEFAULTS.timeoutSeconds,
    memoryMb: readInteger(values, 'memory', { min: 128, max: 10240, unit: 'MB' }) ?? DEFAULTS.memoryMb,
    zipPath: zipFlag
      ? isAbsolute(zipFlag)
        ? zipFlag
        : resolve(paths.cwd, zipFlag)
      : join(paths.repoRoot, DEFAULTS.zipPath),
    buildZip: zipFlag === undefined && !getBooleanFlag(values, 'no-build'),
    environment,
    files,
    problems,
    restApiId,
    stageName: readName(values, 'stage', settings, 'STAGE_NAME'),
    authorizerName:
      readName(values, 'authorizer-name', settings, 'AUTHORIZER_NAME') ?? DEFAULTS.authorizerName,
    identityValidationExpression:
      getStringFlag(values, 'validation-expression') ?? DEFAULTS.identityValidationExpression,
    ttlSeconds: readInteger(values, 'ttl', { min: 0, max: 3600, unit: 'seconds' }) ?? DEFAULTS.ttlSeconds,
    invokePermission,
    attach,
    redeploy: getBooleanFlag(values, 'redeploy'),
  };
}

/**
 * Resolves the `destroy` configuration.
 *
 * @throws DeployError `USAGE` for malformed flags
 * @example
 * ```ts
 * resolveDestroyConfig(values, settings);
 * ```
 */
export function resolveDestroyConfig(
  values: FlagValues,
  settings: Settings,
  paths: Omit<ConfigPaths, 'repoRoot'> = { cwd: process.cwd() },
): DestroyConfig {
  const restApiId = readName(values, 'rest-api-id', settings, 'REST_API_ID');
  return {
    ...resolveCommonConfig(values, settings),
    ...resolveDoorDestroyConfig(values, settings, restApiId),
    dryRun: getBooleanFlag(values, 'dry-run'),
    yes: getBooleanFlag(values, 'yes'),
    roleName: readName(values, 'role-name', settings, 'ROLE_NAME') ?? DEFAULTS.roleName,
    restApiId,
    authorizerName:
      readName(values, 'authorizer-name', settings, 'AUTHORIZER_NAME') ?? DEFAULTS.authorizerName,
    replayTable: readReplayTableName(settings, paths),
  };
}

/**
 * The replay table the deployed function was given, read as deploy read it (the variable or the
 * config file's key); when the settings cannot be read (destroy needs no issuer), the variable alone.
 */
function readReplayTableName(settings: Settings, paths: Omit<ConfigPaths, 'repoRoot'>): string | undefined {
  try {
    return readWithCore(settings, paths.cwd, paths.origin).result.dpopReplayTable;
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return settings.JWT_DPOP_REPLAY_TABLE?.trim() || undefined;
  }
}

/**
 * Resolves the `invoke` configuration.
 *
 * @throws DeployError `USAGE` when `--event` is missing
 * @example
 * ```ts
 * resolveInvokeConfig(values, settings, { repoRoot, cwd });
 * ```
 */
export function resolveInvokeConfig(
  values: FlagValues,
  settings: Settings,
  paths: ConfigPaths,
): InvokeConfig {
  const event = getStringFlag(values, 'event');
  if (!event) {
    throw new DeployError('USAGE', 'invoke needs --event PATH (a JSON test event, e.g. the TOKEN event)');
  }
  return { ...resolveCommonConfig(values, settings), eventPath: resolve(paths.cwd, event) };
}
