// Runs the bundled handler on one event, as the tutorial's `npm test` does with lambda-local:
//   pnpm --filter lambda-authorizer run invoke -- --event event.json [--dotenv FILE]
//        [--handler dist/index.mjs] [--timeout-ms 30000]
// Settings come from the environment, then from one .env file (the environment wins; an empty
// value counts as unset): --dotenv when given, else the first of packages/lambda-authorizer/.env
// and the repo root's .env, the same rule as the demo and the deploy. Prints which file it read,
// then the returned policy (exit 0) or the error (exit 1).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDotenv } from '../dist/environment.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function fail(title, message) {
  process.stdout.write(`${title}\n${'-'.repeat(title.length)}\n${message}\n`);
  process.exit(1);
}

function describe(err) {
  const code = err?.code ?? err?.cause?.code;
  const message = err instanceof Error ? err.message : String(err);
  return code === undefined ? message : `${message} (reason: ${code})`;
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

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    event: { type: 'string', default: 'event.json' },
    // Not --env-file: Node 20 reads that flag even after the script name.
    dotenv: { type: 'string' },
    handler: { type: 'string', default: 'dist/index.mjs' },
    'timeout-ms': { type: 'string', default: '30000' },
  },
});

let loaded;
try {
  loaded = loadDotenv({ env: process.env, repoRoot, path: values.dotenv });
} catch (err) {
  fail('Error', describe(err));
}
process.stdout.write(`${loaded.description}\n`);
// The handler reads process.env at its import: lay the .env rule's result over it.
for (const name of Object.keys(process.env)) if (!(name in loaded.env)) delete process.env[name];
Object.assign(process.env, loaded.env);

const eventFile = resolve(values.event);
if (!existsSync(eventFile)) {
  fail('Error', `${values.event} not found: create it with cp event.json.sample event.json`);
}
let event;
try {
  event = JSON.parse(readFileSync(eventFile, 'utf8'));
} catch (err) {
  fail('Error', `${values.event} is not valid JSON (${err.message})`);
}

const handlerFile = resolve(values.handler);
if (!existsSync(handlerFile)) {
  fail('Error', `${values.handler} not found: run pnpm --filter lambda-authorizer run bundle first`);
}
let handler;
try {
  ({ handler } = await import(pathToFileURL(handlerFile).href));
} catch (err) {
  fail('Cold start failed', describe(err));
}

const timeoutMs = Number(values['timeout-ms']);
let timer;
const timeout = new Promise((_, reject) => {
  timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs} ms`)), timeoutMs);
});
try {
  const result = await Promise.race([handler(event, createContext(timeoutMs)), timeout]);
  process.stdout.write(`Message\n-------\n${JSON.stringify(result, null, 4)}\n`);
} catch (err) {
  fail('Error', describe(err));
} finally {
  clearTimeout(timer);
}
