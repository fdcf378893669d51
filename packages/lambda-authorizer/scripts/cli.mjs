// The command-line conventions of this package's scripts (invoke, demo, cold-start): one flag table
// per script from which both the parser and the --help text are made, one-line usage errors with the
// closest flag name, exit code 2 for bad input, and relative paths read from the directory the user
// ran the command in. deploy-scripts has the same rules in TypeScript (src/flags.ts; its suggestions
// are authorizer-core's closestMatch). This file keeps its own small copy of the suggestion rules and
// imports no workspace package, so `--help` and usage errors work before anything is built.
import { dirname, resolve } from 'node:path';

/** Exit code for a bad command line or input file. */
export const USAGE_EXIT_CODE = 2;

/** A bad command line: printed as one `error:` line, exit code 2. */
export class UsageError extends Error {
  name = 'UsageError';
}

/** Edit distance (insertions, deletions, substitutions and swaps of neighbours each cost 1). */
export function editDistance(a, b) {
  let before = new Array(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, before[j - 2] + 1);
      }
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}

/**
 * The candidate closest to a mistyped name: the unique candidate the input is a prefix of, else the
 * nearest within a third of the candidate's length (at least 1); `undefined` when nothing is close.
 */
export function closestMatch(input, candidates) {
  if (input === '') return undefined;
  const extending = candidates.filter((candidate) => candidate.startsWith(input));
  if (extending.length === 1) return extending[0];
  let best;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Quotes user input for a one-line message: invisible and line-breaking characters become `\u` escapes. */
export function quoteInput(input, maxLength = 60) {
  const shown = input.length > maxLength ? `${input.slice(0, maxLength)}…` : input;
  return shown.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (char) => {
    // \u{…} for a character outside the BMP, so the escape reads as one character.
    const code = char.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * The directory the user ran the command in: `INIT_CWD` when this process is a package script
 * (pnpm and npm run it in the package's directory, the one holding `npm_package_json`), else the cwd.
 */
export function resolveInvocationDir(env, cwd) {
  const initCwd = env.INIT_CWD;
  const manifest = env.npm_package_json;
  if (initCwd && manifest && resolve(dirname(manifest)) === resolve(cwd)) return resolve(initCwd);
  return cwd;
}

function label(name, spec) {
  const long = spec.value ? `--${name} ${spec.value}` : `--${name}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

/** The option list of a help text, from the flag table. */
export function formatFlags(flags) {
  const labels = Object.entries(flags).map(([name, spec]) => [label(name, spec), spec.help]);
  const width = Math.max(...labels.map(([text]) => text.length)) + 2;
  return labels
    .map(([text, help]) => {
      const [first, ...more] = help.split('\n');
      return [
        `  ${text.padEnd(width)}${first}`,
        ...more.map((line) => `${' '.repeat(width + 2)}${line}`),
      ].join('\n');
    })
    .join('\n');
}

/**
 * Parses `argv` against a flag table (`{ name: { value?: 'PATH', short?: 'h', multiple?: true, help } }`):
 * switches (no `value`) take none, the others need one (`--name value` or `--name=value`; a value
 * starting with `-` needs the `=` form), and a `multiple` flag collects every value in an array.
 * Bare `--` (pnpm's separator) is dropped.
 *
 * @throws UsageError one line, with the closest flag name when there is one
 */
export function parseFlags(argv, flags, command) {
  const names = Object.keys(flags);
  const see = ` (see \`${command} --help\`)`;
  const values = {};
  const args = argv.filter((arg) => arg !== '--');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') {
      throw new UsageError(`Unexpected argument '${quoteInput(arg)}' for ${command}${see}`);
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const written = equals === -1 ? arg : arg.slice(0, equals);
    const name = arg.startsWith('--')
      ? names.find((candidate) => `--${candidate}` === written)
      : names.find((candidate) => flags[candidate].short && `-${flags[candidate].short}` === arg);
    if (name === undefined) {
      const suggestion = closestMatch(written.replace(/^--?/, ''), names);
      const hint = suggestion ? `: did you mean --${suggestion}?` : '';
      throw new UsageError(`Unknown option ${quoteInput(written)} for ${command}${hint}${see}`);
    }
    const spec = flags[name];
    if (!spec.value) {
      if (equals !== -1) {
        throw new UsageError(
          `--${name} takes no value (got '${quoteInput(arg)}'): write --${name} alone${see}`,
        );
      }
      values[name] = true;
      continue;
    }
    const next = args[i + 1];
    const value =
      equals !== -1 ? arg.slice(equals + 1) : next !== undefined && !next.startsWith('-') ? next : undefined;
    if (value === undefined || value === '') {
      throw new UsageError(`--${name} needs a value: ${label(name, spec)}${see}`);
    }
    if (equals === -1) i += 1;
    values[name] = spec.multiple ? [...(values[name] ?? []), value] : value;
  }
  return values;
}

/**
 * Runs a script's main function: a {@link UsageError} becomes one `error:` line on stderr and exit
 * code 2; anything else propagates.
 */
export async function runScript(main) {
  try {
    await main();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = USAGE_EXIT_CODE;
  }
}

/**
 * Parses the script's command line at start-up: prints `help` and exits 0 on `--help`/`-h`, prints
 * one `error:` line and exits 2 on a usage error, else returns the flag values.
 */
export function readCommandLine(flags, command, help) {
  try {
    const values = parseFlags(process.argv.slice(2), flags, command);
    if (values.help) {
      process.stdout.write(`${help}\n`);
      process.exit(0);
    }
    return values;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(USAGE_EXIT_CODE);
  }
}
