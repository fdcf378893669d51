// Runs the bundled handler on one event, as the tutorial's `npm test` does with lambda-local:
//   pnpm --filter lambda-authorizer run invoke -- --event event.json [--env-file .env]
//        [--handler dist/index.mjs] [--timeout-ms 30000]
// Settings come from the environment, then from the .env file (the environment wins). Prints the
// returned policy (exit 0) or the error (exit 1).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, parseEnv } from 'node:util';

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
    'env-file': { type: 'string', default: '.env' },
    handler: { type: 'string', default: 'dist/index.mjs' },
    'timeout-ms': { type: 'string', default: '30000' },
  },
});

const envFile = resolve(values['env-file']);
if (existsSync(envFile)) {
  for (const [name, value] of Object.entries(parseEnv(readFileSync(envFile, 'utf8')))) {
    if (process.env[name] === undefined) process.env[name] = value;
  }
}

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
