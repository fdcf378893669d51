#!/usr/bin/env node
import { dirname } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { createAwsClients, resolveRegion } from './aws-clients.js';
import { resolveInvocationDir } from './invocation-dir.js';
import { buildLambdaZip } from './lambda-zip.js';
import { findRepoRoot } from './repo-root.js';
import { runCli } from './run-cli.js';
import { sleepMs } from './step-context.js';

async function askYesNo(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await terminal.question(question)).trim());
  } finally {
    terminal.close();
  }
}

const here = dirname(fileURLToPath(import.meta.url));
const cwd = resolveInvocationDir(process.env, process.cwd());

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd,
  repoRoot: findRepoRoot(here) ?? findRepoRoot(cwd) ?? cwd,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  createClients: createAwsClients,
  resolveRegion,
  buildZip: buildLambdaZip,
  confirm: process.stdin.isTTY ? askYesNo : undefined,
  sleep: sleepMs,
  waiterMaxWaitSeconds: 300,
});
