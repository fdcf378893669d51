import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigurationError } from '@jwt-authorizer/authorizer-core';
import type { Environment } from '@jwt-authorizer/middy-jwt';

export type { Environment };

export interface LoadEnvironmentOptions {
  /** The `.env` file to merge under `env`; a missing file is skipped. */
  dotenvPath: string;
}

/**
 * Merges a `.env` file under the given environment: a variable already set in `env` wins over the
 * file, as with `node --env-file`; file values are trimmed. A missing file is no error (on Lambda there is none: the deploy
 * sets real environment variables). Called once, at cold start.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` when the file exists but cannot be read.
 * @example
 * const env = loadEnvironment(process.env, { dotenvPath: '.env' });
 */
export function loadEnvironment(env: Environment, options: LoadEnvironmentOptions): Environment {
  let text: string;
  try {
    text = readFileSync(options.dotenvPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return env;
    throw new ConfigurationError(
      `The .env file ${options.dotenvPath} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: err },
    );
  }
  const merged: Record<string, string | undefined> = {};
  // Trimmed: the tutorial's own sample leaves a tab after AUDIENCE.
  for (const [name, value] of Object.entries(parseEnv(text))) merged[name] = value?.trim();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) merged[name] = value;
  }
  return merged;
}
