// Child process for the cold-start measurement: import a handler bundle, authorize one event, report.
// Usage: node invoke-once.mjs <bundle.mjs>   (event in BENCH_EVENT, handler env already set)
import { pathToFileURL } from 'node:url';

const importStart = performance.now();
const { handler } = await import(pathToFileURL(process.argv[2]).href);
const importMs = performance.now() - importStart;
const context = {
  awsRequestId: 'cold-start-1',
  functionName: 'bench-authorizer',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-authorizer',
  memoryLimitInMB: '128',
  logGroupName: '/aws/lambda/bench-authorizer',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 3000,
  done() {},
  fail() {},
  succeed() {},
};
const invokeStart = performance.now();
let allowed = false;
try {
  const result = await handler(JSON.parse(process.env.BENCH_EVENT), context);
  allowed = result?.policyDocument?.Statement?.some((s) => s.Effect === 'Allow') === true;
} catch {
  allowed = false;
}
const report = {
  allowed,
  importMs,
  invokeMs: performance.now() - invokeStart,
  sinceStartMs: performance.now(),
  // Not resourceUsage().maxRSS: on Linux a spawned child's maximum starts from its parent's RSS at
  // fork time, so it would report the benchmark's own memory.
  rssBytes: process.memoryUsage().rss,
};
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(report)}\n`);
// Keep-alive sockets would hold the process open; the measured work is done.
process.exit(0);
