// Runs the bundled handler on one event, as the tutorial's `npm test` does with lambda-local:
//   pnpm --filter lambda-authorizer run invoke -- --event event.json [--env-file FILE]
// Settings come from the environment, then from one .env file (the environment wins; an empty
// value counts as unset): --env-file when given, else the first of packages/lambda-authorizer/.env
// and the repo root's .env, the same rule as the demo and the deploy. Prints which file it read,
// then the returned policy (exit 0), the handler's error (exit 1; for Unauthorized, with the checks that
// refused the token, from explain.mjs), or a one-line usage error (exit 2).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatFlags, parseFlags, resolveInvocationDir, runScript, UsageError } from './cli.mjs';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '..', '..');

const FLAGS = {
  event: {
    value: 'PATH',
    help: 'JSON test event (default: event.json in this directory, else in packages/lambda-authorizer)',
  },
  'env-file': {
    value: 'PATH',
    help: "settings file (default: packages/lambda-authorizer/.env, else the repository root's .env)",
  },
  handler: { value: 'PATH', help: 'the handler module (default: packages/lambda-authorizer/dist/index.mjs)' },
  'timeout-ms': { value: 'MS', help: 'fail the invocation after this long (default 30000)' },
  verbose: { help: 'also print what the handler wrote (its decision log line, warnings)' },
  help: { short: 'h', help: 'show this help' },
};

const HELP = `Usage: invoke [options]
       pnpm --filter lambda-authorizer run invoke -- --event event.json

Runs the bundled handler (the index.mjs inside custom-authorizer.zip) on one event, with the
settings of the environment and of one .env file (the environment wins; an empty value counts as
unset), and prints which .env file it read, then the policy the handler returned under "Message",
or its error under "Error": Unauthorized with the reason code, then each check that refused
the token with what the settings expect and what the token has (as pnpm explain prints them).

Options:
${formatFlags(FLAGS)}

Relative paths are read from the directory the command was run in.
Exit codes: 0 a result was returned, 1 the settings or the handler failed (a malformed .env, a
failed cold start, an error), 2 bad input (unknown flag, missing --env-file, missing or malformed
event file, missing handler).`;

function printResult(title, message) {
  process.stdout.write(`${title}\n${'-'.repeat(title.length)}\n${message}\n`);
}

function describe(err) {
  const code = err?.code ?? err?.cause?.code;
  const message = err instanceof Error ? err.message : String(err);
  return code === undefined ? message : `${message} (reason: ${code})`;
}

/**
 * For an Unauthorized answer, the checks that refused the token with what was expected and what the
 * token has (see explain.mjs), one per line; loaded only then, so a passing run never loads it.
 */
async function refusalDetail(err, event, baseDir) {
  if (!(err instanceof Error) || err.message !== 'Unauthorized') return '';
  try {
    const { explainRefusal } = await import('./explain.mjs');
    const lines = await explainRefusal({ env: process.env, event, baseDir });
    return lines.length > 0 ? `\n${lines.join('\n')}` : '';
  } catch {
    // The explanation is a local extra: the reason code above is the answer either way.
    return '';
  }
}

function createContext(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'custom-authorizer',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:custom-authorizer',
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/custom-authorizer',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** A path given on the command line (from the caller's directory), or the first default that exists. */
function locate(given, fileName, invocationDir) {
  if (given !== undefined) return resolve(invocationDir, given);
  const candidates = [join(invocationDir, fileName), join(packageDir, fileName)];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

/** Collects what the handler writes to stdout and stderr while `run` is in progress. */
async function captureOutput(lines, run) {
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = (chunk, ...rest) => {
      lines.push(...String(chunk).replace(/\n$/, '').split('\n'));
      const callback = rest.at(-1);
      if (typeof callback === 'function') callback();
      return true;
    };
  }
  try {
    return await run();
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i];
    });
  }
}

async function main() {
  const values = parseFlags(process.argv.slice(2), FLAGS, 'invoke');
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const invocationDir = resolveInvocationDir(process.env, process.cwd());
  const timeoutMs = Number(values['timeout-ms'] ?? '30000');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new UsageError(`--timeout-ms must be a whole number of milliseconds (see \`invoke --help\`)`);
  }

  const envFile = values['env-file'];
  if (envFile !== undefined && !existsSync(resolve(invocationDir, envFile))) {
    throw new UsageError(`--env-file ${envFile} not found in ${invocationDir}`);
  }
  const eventFile = locate(values.event, 'event.json', invocationDir);
  if (!existsSync(eventFile)) {
    throw new UsageError(
      `${eventFile} not found: create it with cp packages/lambda-authorizer/event.json.sample ${eventFile}, or pass --event PATH`,
    );
  }
  let event;
  try {
    event = JSON.parse(readFileSync(eventFile, 'utf8'));
  } catch (err) {
    throw new UsageError(`${eventFile} is not valid JSON (${err.message})`);
  }

  const handlerFile = values.handler
    ? resolve(invocationDir, values.handler)
    : join(packageDir, 'dist', 'index.mjs');
  if (!existsSync(handlerFile)) {
    throw new UsageError(`${handlerFile} not found: run pnpm --filter lambda-authorizer run bundle first`);
  }

  // Every usage check is done: now the settings. From the build, imported here so that --help
  // works before one.
  const environmentModule = join(packageDir, 'dist', 'environment.js');
  if (!existsSync(environmentModule)) {
    throw new UsageError(
      `${environmentModule} not found: run pnpm --filter lambda-authorizer run build first`,
    );
  }
  const { loadDotenv } = await import(pathToFileURL(environmentModule).href);
  let loaded;
  try {
    loaded = loadDotenv({ env: process.env, repoRoot, path: envFile, cwd: invocationDir });
  } catch (err) {
    printResult('Error', describe(err));
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${loaded.description}\n`);
  // The handler reads process.env at its import: lay the .env rule's result over it.
  for (const name of Object.keys(process.env)) if (!(name in loaded.env)) delete process.env[name];
  Object.assign(process.env, loaded.env);

  const logged = [];
  const showLog = () => {
    if (values.verbose && logged.length > 0) printResult('Log', logged.join('\n'));
  };
  let timer;
  try {
    let handler;
    try {
      ({ handler } = await captureOutput(logged, () => import(pathToFileURL(handlerFile).href)));
    } catch (err) {
      showLog();
      printResult('Cold start failed', describe(err));
      process.exitCode = 1;
      return;
    }
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const result = await captureOutput(logged, () =>
        Promise.race([handler(event, createContext(timeoutMs)), timeout]),
      );
      showLog();
      printResult('Message', JSON.stringify(result, null, 4));
    } catch (err) {
      showLog();
      printResult('Error', `${describe(err)}${await refusalDetail(err, event, dirname(handlerFile))}`);
      process.exitCode = 1;
    }
  } finally {
    clearTimeout(timer);
  }
}

await runScript(main);
