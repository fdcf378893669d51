import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type AuthorizerOptions, ConfigurationError } from '@jwt-authorizer/authorizer-core';
import { resolveOptions } from '@jwt-authorizer/authorizer-core/internal';
import { fromEnv } from '@jwt-authorizer/middy-jwt';
import type { Environment } from './environment.js';

/** How HTTP API payload 2.0 events are answered: `{ isAuthorized }` or an IAM policy. */
export type HttpApiResponse = 'simple' | 'iam';

/** Everything the handler is configured with, read once at cold start. */
export interface HandlerSettings {
  readonly authorizerOptions: AuthorizerOptions;
  readonly httpApiResponse: HttpApiResponse;
}

export interface ReadHandlerSettingsOptions {
  /** The folder a relative `JWT_ROUTES_FILE` is resolved against: the handler's own folder. */
  baseDir: string;
}

function read(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readHttpApiResponse(env: Environment): HttpApiResponse {
  const value = read(env, 'JWT_HTTP_API_RESPONSE');
  if (value === undefined) return 'simple';
  const lower = value.toLowerCase();
  if (lower === 'simple' || lower === 'iam') return lower;
  throw new ConfigurationError(`JWT_HTTP_API_RESPONSE must be "simple" or "iam", got "${value}"`);
}

function readRoutesFile(path: string, baseDir: string): NonNullable<AuthorizerOptions['routes']> {
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigurationError(
      `JWT_ROUTES_FILE must name a readable JSON file (relative to ${baseDir}); ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: err },
    );
  }
  let routes: unknown;
  try {
    routes = JSON.parse(text);
  } catch (err) {
    throw new ConfigurationError(`JWT_ROUTES_FILE: ${file} is not valid JSON`, { cause: err });
  }
  if (routes === null || typeof routes !== 'object') {
    throw new ConfigurationError(
      `JWT_ROUTES_FILE: ${file} must hold {"GET /path": ["scope"]} or [{"route": "GET /path", "scopes": ["scope"]}]`,
    );
  }
  return routes as NonNullable<AuthorizerOptions['routes']>;
}

/**
 * Reads and validates the handler's settings from environment variables: the shared ones through middy-jwt's
 * `fromEnv` (TOKEN_ISSUER, AUDIENCE, JWKS_URI, JWT_*), plus `JWT_ROUTES_FILE` (route rules in a JSON
 * file, relative to `baseDir`) and `JWT_HTTP_API_RESPONSE` (`simple` | `iam`). Empty values count as
 * unset.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming the variable and what was expected.
 * @example
 * const settings = readHandlerSettings(process.env, { baseDir: '/var/task' });
 */
export function readHandlerSettings(env: Environment, options: ReadHandlerSettingsOptions): HandlerSettings {
  const routesFile = read(env, 'JWT_ROUTES_FILE');
  if (routesFile !== undefined && read(env, 'JWT_ROUTES') !== undefined) {
    throw new ConfigurationError('JWT_ROUTES and JWT_ROUTES_FILE are both set: set one of them');
  }
  const authorizerOptions: AuthorizerOptions = fromEnv(env);
  const httpApiResponse = readHttpApiResponse(env);
  if (routesFile === undefined) return { authorizerOptions, httpApiResponse };
  const withRoutes = { ...authorizerOptions, routes: readRoutesFile(routesFile, options.baseDir) };
  try {
    resolveOptions(withRoutes);
  } catch (err) {
    // fromEnv validated everything else: what fails now is the file's route rules.
    if (err instanceof ConfigurationError) {
      throw new ConfigurationError(`JWT_ROUTES_FILE: ${err.message}`, { cause: err });
    }
    throw err;
  }
  return { authorizerOptions: withRoutes, httpApiResponse };
}
