// Where the bundled handler's time goes: a sampling CPU profile of the handler on TOKEN events, then
// each sample charged to a part (core, Middy, middy-jwt, the decision line, the write, GC) through
// the bundle's source maps.
//
//   node --cpu-prof --cpu-prof-dir=prof --cpu-prof-interval=100 src/profile-handler.mjs distinct 3000
//   node src/profile-handler.mjs --read=prof/<file>.cpuprofile 2900
//
// The first form loops the handler (stdout to /dev/null, as in the throughput rows) for the given
// milliseconds after the fixtures are made; the second reads the profile's last milliseconds (the
// loop, not the fixtures) and prints each part's share and microseconds per call.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname } from 'node:path';
import { createStdoutSilencer, handlerBundlePath, lambdaContext } from './adapters.mjs';

const DIST = `${dirname(handlerBundlePath())}/`;

async function loop(stream, durationMs) {
  const { createFixtures } = await import('./suite.mjs');
  const fx = await createFixtures();
  const silencer = createStdoutSilencer();
  silencer.enter();
  let calls = 0;
  try {
    const { handler } = await import(handlerBundlePath());
    const tokens = fx.tokens.RS256[stream];
    const events = tokens.map((t) => ({
      type: 'TOKEN',
      authorizationToken: `Bearer ${t}`,
      methodArn: fx.methodArn,
    }));
    const end = performance.now() + durationMs;
    while (performance.now() < end) {
      for (let i = 0; i < 256; i++) {
        // A new context per invocation, as Lambda's runtime passes.
        await handler(events[calls % events.length], lambdaContext());
        calls++;
      }
    }
  } finally {
    silencer.leave();
    await fx.close();
  }
  console.log(
    `${stream}: ${calls} calls in ${durationMs} ms (${((durationMs * 1000) / calls).toFixed(2)} us per call, profiler on)`,
  );
}

const maps = new Map();
function mapOf(file) {
  if (!maps.has(file)) {
    try {
      maps.set(file, new SourceMap(JSON.parse(readFileSync(`${DIST}${file}.map`, 'utf8'))));
    } catch {
      maps.set(file, undefined);
    }
  }
  return maps.get(file);
}

function partOf({ functionName, url, lineNumber, columnNumber }) {
  if (functionName === '(garbage collector)') return 'GC';
  if (/^(writeString|writeSync|write)$/.test(functionName) || /node:fs|buffer/.test(url))
    return 'the write (one fs.writeSync per line)';
  if (/abort_controller/.test(url)) return 'Middy (its per-request AbortController)';
  if (functionName === 'runMicrotasks') return 'promise machinery';
  if (url.startsWith('file://') && url.includes('/lambda-authorizer/dist/')) {
    const source = mapOf(url.split('/').pop())?.findEntry(lineNumber, columnNumber)?.originalSource ?? '';
    const file = source.split('/src/').pop();
    if (source.includes('authorizer-core')) return `core (${file})`;
    if (source.includes('@middy/core')) return 'Middy (@middy/core)';
    if (source.includes('middy-jwt')) return `middy-jwt: event parsing (${file})`;
    if (source.includes('decision-log')) return 'decision line building';
    if (source.includes('lambda-authorizer') || !source.includes('node_modules')) return `handler (${file})`;
    return `bundled library (${source.split('node_modules/').pop()})`;
  }
  if (url.includes('/bench/')) return 'benchmark loop';
  if (url === 'node:internal/crypto/sig') return 'core: the signature check (node:crypto verify)';
  if (url === 'node:internal/crypto/hash') return 'decision line: subHash (sha256 of sub, once per token)';
  if (url === '') return `native (${functionName})`;
  return `node internals (${url.split('/').pop()})`;
}

function read(file, windowMs) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const from = profile.endTime - windowMs * 1000;
  let clock = profile.startTime;
  let total = 0;
  const parts = new Map();
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    clock += delta;
    if (clock < from) return;
    const part = partOf(nodes.get(id).callFrame);
    parts.set(part, (parts.get(part) ?? 0) + delta);
    total += delta;
  });
  for (const [part, us] of [...parts].sort((a, b) => b[1] - a[1])) {
    if (us / total < 0.002) continue;
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${part}`);
  }
}

const readArg = process.argv.find((a) => a.startsWith('--read='));
if (readArg) {
  read(readArg.slice('--read='.length), Number(process.argv[3] ?? 2900));
} else {
  const stream = process.argv[2] ?? 'repeated';
  if (stream !== 'distinct' && stream !== 'repeated') {
    console.error('usage: profile-handler.mjs distinct|repeated [ms] | --read=FILE [ms]');
    process.exit(2);
  }
  await loop(stream, Number(process.argv[3] ?? 3000));
  process.exit(0);
}
