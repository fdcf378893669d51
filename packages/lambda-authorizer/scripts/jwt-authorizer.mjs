#!/usr/bin/env node
// The package's command: `jwt-authorizer explain …` (see scripts/explain.mjs).
import { runScript, UsageError } from './cli.mjs';

const COMMANDS = ['explain'];

await runScript(async () => {
  const [command, ...rest] = process.argv.slice(2).filter((arg, i) => i > 0 || arg !== '--');
  if (command === 'explain') {
    const { main } = await import('./explain.mjs');
    await main(rest);
    return;
  }
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(
      `Usage: jwt-authorizer <command> [options]\n\nCommands:\n  explain   say why a token is refused and what every route answers (explain --help)\n`,
    );
    return;
  }
  throw new UsageError(`Unknown command '${command}': known commands: ${COMMANDS.join(', ')}`);
});
