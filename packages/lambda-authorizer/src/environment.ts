import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError } from '@jwt-authorizer/authorizer-core';
import { DOTENV_SEARCH_ORDER, mergeDotenv, parseDotenv } from '@jwt-authorizer/authorizer-core/internal';
import type { Environment } from '@jwt-authorizer/middy-jwt';

export type { Environment };

export interface LoadDotenvOptions {
  /** The real environment; it wins over the file. */
  env: Environment;
  /** The repository root the search order is relative to. */
  repoRoot: string;
  /** A file named explicitly (`--env-file`), resolved against `cwd`; it must exist. */
  path?: string | undefined;
  /** Where an explicit relative path is resolved (default: the working directory; the scripts pass the invocation directory). */
  cwd?: string;
}

/** The environment after the `.env` rule, and which file (if any) it came from. */
export interface LoadedEnvironment {
  readonly env: Record<string, string>;
  /** The `.env` file read, or undefined when none was. */
  readonly file: string | undefined;
  /** The file a variable's value came from (it is the `.env`'s unless the environment set it). */
  origin(variable: string): string | undefined;
  /** One line saying which file was read, or that none was and where it was looked for. */
  readonly description: string;
}

/**
 * The one `.env` rule of `invoke`, the demo and local runs (the deploy applies the same one): the
 * file named explicitly, else the first of `DOTENV_SEARCH_ORDER` under the repository root; the real
 * environment wins over the file; an empty value counts as unset in both.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` when a named file does not exist, a file cannot be
 *   read, or it holds a line that is not `NAME=value` (a comment or a blank line aside).
 * @example
 * const { env, description } = loadDotenv({ env: process.env, repoRoot });
 */
export function loadDotenv(options: LoadDotenvOptions): LoadedEnvironment {
  const candidates = options.path
    ? [resolve(options.cwd ?? process.cwd(), options.path)]
    : DOTENV_SEARCH_ORDER.map((location) => resolve(options.repoRoot, location));
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined && options.path) {
    throw new ConfigurationError(`The .env file ${candidates[0]} does not exist: fix the path`);
  }
  let fromFile: Record<string, string> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigurationError(
        `The .env file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        { cause: err },
      );
    }
    fromFile = parseDotenv(text, file);
  }
  const env = mergeDotenv(options.env, fromFile);
  const fromEnvironment = (name: string) => (options.env[name] ?? '').trim() !== '';
  return {
    env,
    file,
    origin: (variable) =>
      file !== undefined && !fromEnvironment(variable) && variable in fromFile ? file : undefined,
    description:
      file === undefined ? `.env: none read (looked for ${candidates.join(', ')})` : `.env: read ${file}`,
  };
}
