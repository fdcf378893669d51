// Child process for the decision-log cold start: import a log bundle, build it, log one invocation.
// Usage: node log-once.mjs <bundle.mjs>
import { pathToFileURL } from 'node:url';
import { makeInvocations } from '../log/invocations.mjs';

const importStart = performance.now();
const { createLogInvocation } = await import(pathToFileURL(process.argv[2]).href);
const importMs = performance.now() - importStart;
const [invocation] = makeInvocations({ count: 1, issuer: 'https://issuer.example.com/' });
const invokeStart = performance.now();
const ok = createLogInvocation()(invocation) === true;
const report = {
  ok,
  importMs,
  invokeMs: performance.now() - invokeStart,
  rssBytes: process.memoryUsage().rss,
};
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(report)}\n`);
