import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigurationError } from '@jwt-authorizer/authorizer-core';
import type { Environment } from '@jwt-authorizer/middy-jwt';

export type { Environment };

export interface LoadEnvironmentOptions {
  /** The `.env` file to merge under `env`; a missing file is skipped. */
  dotenvPath: string;
}

const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*(.*)$/;

/**
 * Refuses a line that is not `NAME=value` (blank lines and `#` comments aside, and the continuation
 * lines of a quoted value). Node's parser skips such a line, or glues it to the next one's name, so
 * `JWT_REQUIRED_SCOPES read:pets` would otherwise vanish and its setting with it. The message names
 * the line, never its content.
 */
function assertDotenvLines(text: string, path: string): void {
  let openQuote: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (openQuote !== undefined) {
      if (line.includes(openQuote)) openQuote = undefined;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const value = ASSIGNMENT.exec(line)?.[1];
    if (value === undefined) {
      throw new ConfigurationError(`The .env file ${path}: line ${index + 1} is not NAME=value`);
    }
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && !value.slice(1).includes(quote))
      openQuote = quote;
  });
}

/**
 * Merges a `.env` file under the given environment: a variable already set in `env` wins over the
 * file, as with `node --env-file`; file values are trimmed. A missing file is no error (on Lambda there is none: the deploy
 * sets real environment variables). Called once, at cold start.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` when the file exists but cannot be read, or holds a
 *   line that is not `NAME=value` (a comment or a blank line aside).
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
  assertDotenvLines(text, options.dotenvPath);
  const merged: Record<string, string | undefined> = {};
  // Trimmed: the tutorial's own sample leaves a tab after AUDIENCE.
  for (const [name, value] of Object.entries(parseEnv(text))) merged[name] = value?.trim();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) merged[name] = value;
  }
  return merged;
}
