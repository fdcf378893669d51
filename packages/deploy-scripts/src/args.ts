import { parseArgs } from 'node:util';
import { DeployError } from './errors.js';

/** The CLI's commands. */
export type CommandName = 'deploy' | 'invoke' | 'destroy';

/** The value of each parsed flag, by its long name. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/** A parsed command line. */
export interface ParsedArgs {
  /** `undefined` when no command was given (top-level `--help` or nothing). */
  command: CommandName | undefined;
  values: FlagValues;
}

type OptionSpec = { type: 'string' | 'boolean'; short?: string };

const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h' },
  region: { type: 'string' },
  profile: { type: 'string' },
  'max-attempts': { type: 'string' },
  // Not `--env-file`: Node 20 reads that flag even after the script name and fails on a relative path.
  dotenv: { type: 'string' },
  'function-name': { type: 'string' },
};

/** The flags each command accepts (besides `--help`). */
export const COMMAND_OPTIONS: Readonly<Record<CommandName, Record<string, OptionSpec>>> = {
  deploy: {
    ...COMMON_OPTIONS,
    'dry-run': { type: 'boolean' },
    zip: { type: 'string' },
    'no-build': { type: 'boolean' },
    'role-name': { type: 'string' },
    runtime: { type: 'string' },
    memory: { type: 'string' },
    timeout: { type: 'string' },
    'rest-api-id': { type: 'string' },
    stage: { type: 'string' },
    'authorizer-name': { type: 'string' },
    ttl: { type: 'string' },
    'validation-expression': { type: 'string' },
    'invoke-permission': { type: 'string' },
    attach: { type: 'boolean' },
    redeploy: { type: 'boolean' },
  },
  destroy: {
    ...COMMON_OPTIONS,
    'dry-run': { type: 'boolean' },
    'role-name': { type: 'string' },
    'rest-api-id': { type: 'string' },
    'authorizer-name': { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
  },
  invoke: {
    ...COMMON_OPTIONS,
    event: { type: 'string' },
  },
};

function isCommand(value: string): value is CommandName {
  return Object.hasOwn(COMMAND_OPTIONS, value);
}

function toUsageError(error: unknown, command: CommandName): DeployError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'an option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new DeployError('USAGE', `Unknown option ${option} for ${command}: see \`${command} --help\``);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new DeployError('USAGE', `${option} needs a value (or takes none): see \`${command} --help\``);
  }
  return new DeployError('USAGE', `${message.split('\n')[0]}: see \`${command} --help\``);
}

/**
 * Parses the CLI's arguments: a command, then its flags. Every bare `--` is dropped, because pnpm hands
 * the script `deploy -- --dry-run` when called as `pnpm run deploy -- --dry-run`.
 *
 * @throws DeployError `USAGE` for an unknown command, an unknown flag, a flag missing its value or a stray argument
 * @example
 * ```ts
 * parseCliArgs(['deploy', '--', '--dry-run']); // { command: 'deploy', values: { 'dry-run': true } }
 * ```
 */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  const args = argv.filter((arg) => arg !== '--');
  const [first, ...rest] = args;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    return { command: undefined, values: { help: true } };
  }
  if (!isCommand(first)) {
    throw new DeployError('USAGE', `Unknown command '${first}': use deploy, invoke or destroy (see --help)`);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: COMMAND_OPTIONS[first], allowPositionals: true, strict: true });
  } catch (error) {
    throw toUsageError(error, first);
  }
  const [stray] = parsed.positionals;
  if (stray !== undefined) {
    throw new DeployError('USAGE', `Unexpected argument '${stray}' for ${first}: see \`${first} --help\``);
  }
  return { command: first, values: parsed.values as FlagValues };
}

/**
 * Reads a string flag's value.
 *
 * @example
 * ```ts
 * getStringFlag(values, 'zip');
 * ```
 */
export function getStringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads a boolean flag's value (`false` when absent).
 *
 * @example
 * ```ts
 * getBooleanFlag(values, 'dry-run');
 * ```
 */
export function getBooleanFlag(values: FlagValues, name: string): boolean {
  return values[name] === true;
}
