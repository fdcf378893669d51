// Copied next to the unzipped index.mjs: imports the handler (the cold start), runs each event of the
// JSON file named by argv[2] and prints one `@@result` line per event, then one `@@loaded` line with
// the Node.js internals the process loaded. It never prints an event. node:fs comes through
// process.getBuiltinModule so that the runner itself loads nothing the handler might not.
const { readFileSync } = process.getBuiltinModule('node:fs');

const events = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { handler } = await import('./index.mjs');
let count = 0;
for (const event of events) {
  count += 1;
  const context = {
    awsRequestId: `request-${count}`,
    functionName: 'e2e',
    getRemainingTimeInMillis: () => 10_000,
  };
  try {
    const result = await handler(event, context);
    console.log(`@@result ${JSON.stringify({ ok: true, result })}`);
  } catch (err) {
    console.log(
      `@@result ${JSON.stringify({ ok: false, message: err.message, code: err.cause?.code ?? err.code })}`,
    );
  }
}
console.log(`@@loaded ${JSON.stringify(process.moduleLoadList)}`);
