import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  type DoorConfig,
  type DoorDestroyConfig,
  resolveDoorConfig,
  resolveDoorDestroyConfig,
} from './door-config.js';
import { parseDotenv } from './dotenv.js';
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
  identitySource: 'method.request.header.Authorization',
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
  /** The function's environment: TOKEN_ISSUER, AUDIENCE, JWKS_URI and every `JWT_*` setting. */
  environment: Record<string, string>;
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
}

/** Everything `destroy` needs. */
export interface DestroyConfig extends CommonConfig, DoorDestroyConfig {
  dryRun: boolean;
  yes: boolean;
  roleName: string;
  restApiId: string | undefined;
  authorizerName: string;
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
}

/** Settings (name → value) after merging the environment over `.env`. */
export type Settings = Readonly<Record<string, string>>;

/** The three settings the authorizer reads besides the `JWT_*` ones. */
export const CORE_SETTINGS = ['TOKEN_ISSUER', 'JWKS_URI', 'AUDIENCE'] as const;

/**
 * Where `.env` is looked for, relative to the repo root, first found wins: the root, then the
 * authorizer package (the tutorial's sample folder, where `invoke` and local runs read it).
 */
export const DOTENV_LOCATIONS = ['.env', join('packages', 'lambda-authorizer', '.env')] as const;

/**
 * Reads `.env` (at `--env-file`, else the first of {@link DOTENV_LOCATIONS}) and lays the environment over it: a variable
 * set (non-empty) in the environment wins over the same name in `.env`.
 *
 * @throws DeployError `CONFIG_INVALID` when a `--env-file` file given explicitly does not exist
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
  const path = options.dotenvPath
    ? resolve(options.cwd, options.dotenvPath)
    : DOTENV_LOCATIONS.map((location) => join(options.repoRoot, location)).find((candidate) =>
        existsSync(candidate),
      );
  let fromFile: Record<string, string> = {};
  if (path !== undefined && existsSync(path)) {
    fromFile = parseDotenv(readFileSync(path, 'utf8'));
  } else if (options.dotenvPath) {
    throw new DeployError('CONFIG_INVALID', `--env-file ${options.dotenvPath} does not exist: fix the path`);
  }
  return mergeSettings(options.env, fromFile);
}

/**
 * Merges settings: non-empty environment values win over `.env` values.
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
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(fromFile)) if (value !== '') merged[name] = value;
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && value !== '') merged[name] = value;
  return merged;
}

function checkUrl(name: string, value: string): DeployError | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return new DeployError(
      'CONFIG_INVALID',
      `${name} is not a URL: set it to an absolute https URL such as https://TENANT.auth0.com/`,
    );
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    return new DeployError(
      'CONFIG_INVALID',
      `${name} must be an https URL (got ${url.protocol}//): fix ${name}`,
    );
  }
  return undefined;
}

/**
 * Builds the function's environment from the settings: `TOKEN_ISSUER` and `AUDIENCE` (required),
 * `JWKS_URI` (optional) and every variable whose name starts with `JWT_`.
 *
 * @returns the environment and every problem found (missing or malformed settings)
 * @example
 * ```ts
 * const { environment, problems } = readFunctionEnvironment(settings);
 * ```
 */
export function readFunctionEnvironment(settings: Settings): {
  environment: Record<string, string>;
  problems: DeployError[];
} {
  const environment: Record<string, string> = {};
  const problems: DeployError[] = [];
  for (const name of CORE_SETTINGS) {
    const value = settings[name]?.trim();
    if (value) environment[name] = value;
  }
  for (const name of ['TOKEN_ISSUER', 'AUDIENCE', 'JWKS_URI'] as const) {
    const value = environment[name];
    if (value === undefined) {
      if (name === 'JWKS_URI') continue;
      // Cognito access tokens carry no aud: the app client id stands in for the audience.
      if (name === 'AUDIENCE' && settings.JWT_CLIENT_ID?.trim()) continue;
      problems.push(
        new DeployError(
          'CONFIG_MISSING',
          `${name} is not set: add ${name}=... to .env (packages/lambda-authorizer/.env or the repo root) or the environment`,
        ),
      );
      continue;
    }
    const problem = name === 'AUDIENCE' ? undefined : checkUrl(name, value);
    if (problem) problems.push(problem);
  }
  for (const [name, value] of Object.entries(settings)) {
    if (name.startsWith('JWT_')) environment[name] = value;
  }
  return { environment, problems };
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
  const functionEnvironment = readFunctionEnvironment(settings);
  const environment = { ...functionEnvironment.environment, ...door.environmentAdditions };
  const problems = [...functionEnvironment.problems, ...door.doorProblems];
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
export function resolveDestroyConfig(values: FlagValues, settings: Settings): DestroyConfig {
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
  };
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
