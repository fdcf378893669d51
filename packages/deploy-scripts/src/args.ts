import { DeployError } from './errors.js';
import type { FlagValues } from './flag-values.js';
import {
  COMMAND_FLAGS,
  type CommandName,
  FLAGS,
  type FlagName,
  type FlagSpec,
  formatFlagLabel,
  getCommandFlags,
  RENAMED_FLAGS,
} from './flags.js';
import { closestMatch, quoteInput } from './suggest.js';

export { type FlagValues, getBooleanFlag, getStringFlag } from './flag-values.js';
export type { CommandName } from './flags.js';

/** A parsed command line. */
export interface ParsedArgs {
  /** `undefined` when no command was given (top-level `--help` or nothing). */
  command: CommandName | undefined;
  values: FlagValues;
}

const COMMANDS = Object.keys(COMMAND_FLAGS) as CommandName[];

function isCommand(value: string): value is CommandName {
  return Object.hasOwn(COMMAND_FLAGS, value);
}

function usage(command: CommandName, message: string): DeployError {
  return new DeployError('USAGE', `${message} (see \`${command} --help\`)`);
}

function unknownFlag(command: CommandName, written: string, name: string): DeployError {
  const accepted = getCommandFlags(command);
  const renamed = Object.hasOwn(RENAMED_FLAGS, name) ? RENAMED_FLAGS[name] : undefined;
  const suggestion = renamed ?? closestMatch(name, accepted);
  if (suggestion) {
    return usage(
      command,
      `Unknown option ${quoteInput(written)} for ${command}: did you mean --${suggestion}?`,
    );
  }
  const owner = COMMANDS.find((other) => (getCommandFlags(other) as readonly string[]).includes(name));
  if (owner) return usage(command, `Option --${name} belongs to ${owner}, not ${command}`);
  return usage(command, `Unknown option ${quoteInput(written)} for ${command}`);
}

function findFlag(command: CommandName, arg: string): { name: FlagName; inline: string | undefined } {
  const accepted = getCommandFlags(command);
  if (!arg.startsWith('--')) {
    // A short alias: exactly one letter after one dash.
    const name = accepted.find((flag) => (FLAGS[flag] as FlagSpec).short === arg.slice(1));
    if (name && arg.length === 2) return { name, inline: undefined };
    throw unknownFlag(command, arg, arg.slice(1));
  }
  const equals = arg.indexOf('=');
  const written = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
  const name = accepted.find((flag) => flag === written);
  if (!name) throw unknownFlag(command, equals === -1 ? arg : arg.slice(0, equals), written);
  return { name, inline: equals === -1 ? undefined : arg.slice(equals + 1) };
}

/**
 * Parses the CLI's arguments: a command, then its flags (`--name value`, `--name=value`, or the flag
 * alone for a switch), from the table in `flags.ts` that the help is written from. Every bare `--` is
 * dropped, because pnpm hands the script `deploy -- --dry-run` when called as
 * `pnpm run deploy -- --dry-run`. A value that starts with `-` must be written `--name=value`.
 *
 * @throws DeployError `USAGE` for an unknown command or flag (with the closest name, if any), a switch
 *   given a value, a flag missing its value, or a stray argument; always one line
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
    const suggestion = closestMatch(first, COMMANDS);
    const hint = suggestion ? `did you mean ${suggestion}?` : 'use deploy, invoke or destroy';
    throw new DeployError('USAGE', `Unknown command '${quoteInput(first)}': ${hint} (see --help)`);
  }
  const values: Record<string, string | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (!arg.startsWith('-') || arg === '-') {
      throw usage(first, `Unexpected argument '${quoteInput(arg)}' for ${first}`);
    }
    const { name, inline } = findFlag(first, arg);
    const spec: FlagSpec = FLAGS[name];
    if (!spec.value) {
      if (inline !== undefined) {
        throw usage(first, `--${name} takes no value (got '${quoteInput(arg)}'): write --${name} alone`);
      }
      values[name] = true;
      continue;
    }
    const next = rest[i + 1];
    const value = inline ?? (next !== undefined && !next.startsWith('-') ? next : undefined);
    if (value === undefined || value === '') {
      throw usage(first, `--${name} needs a value: ${formatFlagLabel(name)}`);
    }
    if (inline === undefined) i += 1;
    const earlier = values[name];
    values[name] = spec.repeatable && typeof earlier === 'string' ? `${earlier},${value}` : value;
  }
  return { command: first, values };
}
