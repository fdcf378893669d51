// Imports a compiled snippet in a fresh process, as the Lambda runtime would, and calls its exported
// `handler` once per event read from stdin (a JSON array). Writes one JSON array to <outcomes>: for
// each event, `{ result }` or `{ error: { name, message } }`; stdout and stderr are the snippet's log.
// Usage: node invoke-handler.mjs <module> <outcomes> < events.json
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const events = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const { handler } = await import(pathToFileURL(process.argv[2]).href);
if (typeof handler !== 'function') throw new Error(`${process.argv[2]} exports no handler function`);

const outcomes = [];
for (const [index, event] of events.entries()) {
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'readme-snippet',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:readme-snippet',
    memoryLimitInMB: '128',
    awsRequestId: `local-${index + 1}`,
    logGroupName: '/aws/lambda/readme-snippet',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 10_000,
  };
  try {
    outcomes.push({ result: await handler(event, context) });
  } catch (error) {
    outcomes.push({ error: { name: error?.name, message: error?.message } });
  }
}
writeFileSync(process.argv[3], `${JSON.stringify(outcomes)}\n`);
