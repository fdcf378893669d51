import {
  type AuthorizerOptions,
  ConfigurationError,
  type Environment,
  readSettings,
} from '@jwt-authorizer/authorizer-core';

export type { Environment };

/** Options of {@link fromEnv}. */
export interface FromEnvOptions {
  /** The folder relative `JWT_ROUTES_FILE` and `JWT_CONFIG_FILE` paths are resolved against (default: the working directory, `/var/task` on Lambda). */
  baseDir?: string;
}

/**
 * Reads the authorizer settings from environment variables through the core's settings table, the
 * same for the authorizer Lambda, every function using `jwtAuth`, and the deploy; validates them as
 * `createAuthorizer` will.
 *
 * The variables and their defaults are the core's `SETTINGS` table (`TOKEN_ISSUER` and `AUDIENCE`
 * required; `JWKS_URI`, `JWT_CLIENT_ID`, `JWT_ROUTES`, `JWT_ROUTES_FILE`, `JWT_CONFIG_FILE`, …).
 * Empty values count as unset; a `JWT_*` variable the table does not know is an error naming the
 * closest known one. `JWT_HTTP_API_RESPONSE` concerns only the Lambda handler and is checked, not
 * returned.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID`, with `variable` and `setting` naming what to fix;
 * also for `JWT_INTROSPECTION_CLIENT_SECRET_ID`, which only the authorizer Lambda reads.
 * @example
 * const authorizer = createAuthorizer(fromEnv());
 */
export function fromEnv(env: Environment = process.env, options: FromEnvOptions = {}): AuthorizerOptions {
  const settings = readSettings(env, {
    baseDir: options.baseDir ?? process.cwd(),
    // node:fs through process.getBuiltinModule: an ESM import of it also loads node:fs/promises
    // for the namespace (about 2.5 ms of every cold start on Node 24), named files or not.
    readFile: (path) => process.getBuiltinModule('node:fs').readFileSync(path, 'utf8'),
  });
  if (settings.introspectionClientSecretId !== undefined) {
    // Reading AWS is the Lambda handler's cold start; this package stays free of the AWS SDK.
    throw new ConfigurationError(
      'JWT_INTROSPECTION_CLIENT_SECRET_ID is read by the authorizer Lambda only: with jwtAuth, read the secret yourself and pass it as introspection.clientSecret',
      { setting: 'introspectionClientSecretId', variable: 'JWT_INTROSPECTION_CLIENT_SECRET_ID' },
    );
  }
  return settings.authorizerOptions;
}
