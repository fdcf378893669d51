import {
  COMMAND_FLAGS,
  COMMON_FLAGS,
  type CommandName,
  FLAGS,
  type FlagName,
  type FlagSpec,
  formatFlagLabel,
  getCommandFlags,
} from './flags.js';

const LABEL_WIDTH = 32;

function formatFlags(names: readonly FlagName[]): string {
  return names
    .map((name) => {
      const [first, ...more] = (FLAGS[name] as FlagSpec).help.split('\n');
      const label = formatFlagLabel(name);
      const head = `  ${label.padEnd(LABEL_WIDTH - 2)}${label.length >= LABEL_WIDTH - 2 ? ' ' : ''}${first}`;
      return [head, ...more.map((line) => `${' '.repeat(LABEL_WIDTH)}${line}`)].join('\n');
    })
    .join('\n');
}

function formatOptions(command: CommandName): string {
  return `Options:\n${formatFlags(COMMAND_FLAGS[command])}\n\nCommon options:\n${formatFlags(COMMON_FLAGS)}`;
}

const EXIT_CODES = `Exit codes: 0 success, 1 a failure in AWS (or, for invoke, the function's error), 2 bad input.`;

const PATH_FLAGS: readonly FlagName[] = ['zip', 'event', 'env-file'];

function formatPathsNote(command: CommandName | undefined): string {
  const names = command ? getCommandFlags(command).filter((name) => PATH_FLAGS.includes(name)) : PATH_FLAGS;
  return `Relative paths (${names.map((name) => `--${name}`).join(', ')}) are read from the directory the command was run in.`;
}

const HELP: Record<CommandName | 'main', string> = {
  main: `Usage: node packages/deploy-scripts/dist/cli.js <command> [options]
       pnpm --filter deploy-scripts run <command> [options]

Commands:
  deploy    create or update the IAM roles, the Lambda function and the API Gateway authorizer
  invoke    invoke the deployed function with a test event and print the policy or the error
  destroy   remove the authorizer, the permission, the function and the roles

Run \`<command> --help\` for the options of each.
${formatPathsNote(undefined)}
${EXIT_CODES}
Through \`pnpm --filter\` every failure becomes 1 (pnpm's rule): to keep the codes, run
\`node packages/deploy-scripts/dist/cli.js\` from the repo root (any of the pnpm scripts builds it).`,

  deploy: `Usage: deploy [options]

Builds the zip (turbo run bundle for lambda-authorizer) unless --zip is given, then creates what is
missing and updates what differs. A second run with nothing changed changes nothing.

Function settings come from the environment and one .env (the environment wins; empty counts as
unset): --env-file PATH, else packages/lambda-authorizer/.env, else the repo root's, as for the
lambda-authorizer's invoke. The first line printed names the file read. They are checked as the
function's cold start checks them, before any AWS call (--dry-run prints the plan, then exits 2
on them).

${formatOptions('deploy')}

${formatPathsNote('deploy')}
${EXIT_CODES}`,

  invoke: `Usage: invoke --event PATH [options]

Invokes the deployed function with a test event (the Lambda console's "Test" button) and prints
the policy it returned, or its error and what API Gateway would answer (401 or 500).

${formatOptions('invoke')}

${formatPathsNote('invoke')}
${EXIT_CODES}`,

  destroy: `Usage: destroy [options]

Removes what deploy created: the authorizer (its methods are set back to no authorization first),
the Lambda permission, the function, the invoker role deploy made and the execution role. Asks for
confirmation unless --yes.

${formatOptions('destroy')}

${formatPathsNote('destroy')}
${EXIT_CODES}`,
};

/**
 * The help text of a command, or of the CLI as a whole.
 */
export function formatHelp(command: CommandName | undefined): string {
  return HELP[command ?? 'main'];
}
