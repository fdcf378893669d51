// Invokes the bundled handler once, as the Lambda runtime would: the event is read from stdin and
// the result printed as JSON. Usage: node examples/http-api/invoke.mjs < event.json
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const { handler } = await import(pathToFileURL(join(here, 'dist', 'index.mjs')).href);
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'http-api-example',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:http-api-example',
  memoryLimitInMB: '128',
  awsRequestId: 'local-1',
  logGroupName: '/aws/lambda/http-api-example',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 10_000,
};
process.stdout.write(`${JSON.stringify(await handler(event, context))}\n`);
