// The benchmark suite: `pnpm bench` (full) or `pnpm bench --quick` (under a minute).
// Options: --quick, --only=profile,throughput,cold,jwks,soak, --out=<results.json>
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handlerBundlePath, prepareHandlerEnv } from './adapters.mjs';
import { bundleBaseline, invokeOnceArgs, isFile, measureColdStart } from './cold-start.mjs';
import { measureJwksBehaviour } from './jwks-behaviour.mjs';
import { generateKey, jwksOf, mintTokens } from './lib/fixtures.mjs';
import { formatBytes, formatMs, formatOps, formatRatio, renderMarkdown, renderTable } from './lib/format.mjs';
import { startJwksServer } from './lib/jwks-server.mjs';
import { formatProfile, profileCore } from './profile.mjs';
import { soak } from './soak.mjs';
import { ALGS, buildCells, measureCells, ROWS, STREAMS } from './throughput.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SECTIONS = ['profile', 'throughput', 'cold', 'jwks', 'soak'];

function parseArgs(argv) {
  const args = { quick: false, only: undefined, out: join(here, '..', 'results.json') };
  for (const arg of argv) {
    if (arg === '--') continue;
    if (arg === '--quick') args.quick = true;
    else if (arg.startsWith('--only=')) args.only = arg.slice(7).split(',');
    else if (arg.startsWith('--out=')) args.out = resolve(arg.slice(6));
    else if (arg.startsWith('--rows=')) args.rows = arg.slice(7).split(',');
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: node --expose-gc src/run.mjs [--quick] [--only=a,b] [--rows=core,jose] [--out=results.json]',
      );
      console.log(`sections: ${SECTIONS.join(', ')} (profile runs in full mode or with --only)`);
      process.exit(0);
    } else {
      console.error(`unknown argument: ${arg}`);
      process.exit(2);
    }
  }
  for (const s of args.only ?? []) {
    if (!SECTIONS.includes(s)) {
      console.error(`unknown section: ${s} (sections: ${SECTIONS.join(', ')})`);
      process.exit(2);
    }
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const QUICK = args.quick;
const settings = QUICK
  ? {
      reps: 4,
      durationMs: 60,
      warmupMs: 100,
      coldRuns: 3,
      floodMs: 2000,
      rotationCapMs: 10_000,
      soakTotal: 100_000,
      soakTokens: 10_000,
      profileReps: 1,
      profileMs: 100,
    }
  : {
      reps: 9,
      durationMs: 500,
      warmupMs: 300,
      coldRuns: 10,
      floodMs: 5000,
      rotationCapMs: 15_000,
      soakTotal: 1_000_000,
      soakTokens: 20_000,
      profileReps: 5,
      profileMs: 200,
    };
const wants = (section) => (args.only ? args.only.includes(section) : section !== 'profile' || !QUICK);

const AUDIENCE = 'https://api.example.com';
const DISTINCT = 10_000;
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/pets';
const MB = 1_000_000;
const suiteStart = performance.now();

const markdown = [];
function log(message = '') {
  console.log(message);
}
/** Prints a table and keeps its Markdown twin for results.md. */
function table(title, header, rows) {
  log(renderTable(header, rows));
  markdown.push(`**${title}**\n\n${renderMarkdown(header, rows)}\n`);
}
function section(title) {
  log();
  log(`== ${title} ${'='.repeat(Math.max(0, 90 - title.length))}`);
}
function elapsed() {
  return `${((performance.now() - suiteStart) / 1000).toFixed(1)} s`;
}

function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) model = line.split(':')[1].trim();
  } catch {}
  let nproc = cpus().length;
  try {
    nproc = Number(execSync('nproc', { encoding: 'utf8' }).trim());
  } catch {}
  return {
    cpu: model,
    nproc,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function commit() {
  try {
    const cwd = join(here, '..');
    const head = execSync('git rev-parse --short HEAD', { cwd, encoding: 'utf8' }).trim();
    const dirty =
      execSync('git status --porcelain -- ../packages .', { cwd, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

const results = {
  date: new Date().toISOString(),
  commit: commit(),
  mode: QUICK ? 'quick' : 'full',
  machine: machine(),
  settings,
  targets: [],
};
if (typeof globalThis.gc !== 'function') {
  log('note: run with node --expose-gc for heap figures after a full GC (pnpm bench does).');
}
log(`jwt-authorizer benchmarks (${results.mode}) - ${results.date}`);
log(`machine: ${results.machine.cpu}, ${results.machine.nproc} CPU, Node ${results.machine.node}`);
log('Absolute numbers on a shared machine mean little; ratios measured in the same run hold.');

// Fixtures: one RSA-2048 and one P-256 key, JWKS on loopback, DISTINCT tokens per algorithm. Not
// 2,000: the core's result cache admits a token on its second sight within 4x its size, so a cycle of
// 2,000 would be partly served from the cache; 10,000 keeps every cache missing (checked per run).
const keys = { RS256: generateKey('RS256', 'rsa-2048'), ES256: generateKey('ES256', 'ec-p256') };
const jwks = jwksOf(keys.RS256, keys.ES256);
const server = await startJwksServer(jwks);
const tokens = {};
for (const alg of ALGS) {
  const distinct = mintTokens(keys[alg], {
    issuer: server.issuer,
    audience: AUDIENCE,
    count: DISTINCT,
    tag: alg,
  });
  tokens[alg] = { distinct, repeated: [distinct[0]] };
}
prepareHandlerEnv({ issuer: server.issuer, audience: AUDIENCE, jwksUri: server.jwksUri });
log(
  `fixtures ready (${elapsed()}): JWKS at ${server.jwksUri}, ${DISTINCT.toLocaleString('en')} distinct tokens per algorithm`,
);

const ctx = { keys, jwks, server, audience: AUDIENCE, tokens, methodArn: METHOD_ARN };

results.errors = [];
const runners = {
  profile: runProfile,
  throughput: runThroughput,
  cold: runColdStart,
  jwks: runJwks,
  soak: runSoak,
};
try {
  for (const name of SECTIONS) {
    if (!wants(name)) continue;
    try {
      await runners[name]();
    } catch (err) {
      // One broken section must not hide the others' results.
      const message = `${err.code ?? err.name}: ${err.message}${err.cause?.code ? ` (cause ${err.cause.code})` : ''}`;
      results.errors.push({ section: name, error: message });
      log(`section ${name} FAILED: ${message}`);
    }
  }
  reportTargets();
} finally {
  await server.close();
}
results.durationSeconds = (performance.now() - suiteStart) / 1000;
writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
const mdPath = `${args.out.replace(/\.json$/, '')}.md`;
const m = results.machine;
writeFileSync(
  mdPath,
  `Run: ${results.date.slice(0, 10)}, commit ${results.commit}, \`pnpm bench${QUICK ? ' --quick' : ''}\`, ${m.cpu} (${m.nproc} vCPU, ${m.memoryGiB} GiB), Node ${m.node}, ${m.platform}.\n\n${markdown.join('\n')}`,
);
log();
log(`results written to ${args.out} and ${mdPath} (${results.durationSeconds.toFixed(1)} s)`);
if (results.errors.length > 0) process.exitCode = 1;

async function runProfile() {
  section('Profile: authorizer-core verify, distinct RS256 tokens (where the time goes)');
  const rows = await profileCore({
    server,
    rsaKey: keys.RS256,
    tokens: tokens.RS256.distinct,
    audience: AUDIENCE,
    reps: settings.profileReps,
    durationMs: settings.profileMs,
  });
  results.profile = rows;
  log(formatProfile(rows));
}

async function runThroughput() {
  section('1. Warm verification throughput (one core, one request at a time)');
  log(
    `${settings.reps} repetitions x ${settings.durationMs} ms of CPU time per cell, rows interleaved; each run is paired with a ${settings.durationMs / 4} ms run of raw crypto.verify (same algorithm and stream) just before it, and x raw is the median of these pair ratios.`,
  );
  log(
    `distinct = ${DISTINCT.toLocaleString('en')} distinct tokens cycled, so caches keep missing (sig/call: signature checks per call, counted untimed afterwards); repeated = one token.`,
  );
  // --rows=raw,core runs a subset (raw is always kept: every ratio is to it).
  const rows = args.rows ? ROWS.filter((r) => r.id === 'raw' || args.rows.includes(r.id)) : ROWS;
  const cells = await buildCells(ctx, rows);
  await measureCells(cells, {
    reps: settings.reps,
    durationMs: settings.durationMs,
    warmupMs: settings.warmupMs,
    onProgress: (rep, reps) => log(`  repetition ${rep}/${reps} done (${elapsed()})`),
  });
  results.throughput = cells;
  for (const alg of ALGS) {
    for (const stream of STREAMS) {
      log();
      log(`${alg}, ${stream} tokens`);
      const lines = cells
        .filter((c) => c.alg === alg && c.stream === stream)
        .map((c) =>
          c.status === 'ok'
            ? [
                c.label,
                formatOps(c.opsPerSecond.median),
                `${formatOps(c.opsPerSecond.min)}-${formatOps(c.opsPerSecond.max)}`,
                (1e6 / c.opsPerSecond.median).toFixed(2),
                formatRatio(c.ratioToRaw),
                c.ratioSpread ? `${formatRatio(c.ratioSpread.min)}-${formatRatio(c.ratioSpread.max)}` : '',
                c.signatureChecksPerCall === undefined ? '' : c.signatureChecksPerCall.toFixed(2),
              ]
            : [c.label, c.status, c.reason ?? '', '', '', '', ''],
        );
      log(renderTable(['row', 'verif/s', 'min-max', 'us/op', 'x raw', 'pairs min-max', 'sig/call'], lines));
    }
  }
  const header = ['row', ...ALGS.flatMap((a) => STREAMS.map((s) => `${a} ${s}`))];
  const summary = rows.map((row) => [
    row.label,
    ...ALGS.flatMap((alg) =>
      STREAMS.map((stream) => {
        const c = cells.find((x) => x.row === row.id && x.alg === alg && x.stream === stream);
        if (c.status !== 'ok') return c.status;
        // A distinct-stream figure partly served from a cache is flagged, never shown as verification.
        const cached = c.signatureChecksPerCall !== undefined && c.signatureChecksPerCall < 0.99;
        return cached ? `${formatRatio(c.ratioToRaw)} (cache hits)` : formatRatio(c.ratioToRaw);
      }),
    ),
  ]);
  const rawRow = [
    'raw crypto.verify, verifications/s',
    ...ALGS.flatMap((alg) =>
      STREAMS.map((stream) =>
        formatOps(
          cells.find((x) => x.row === 'raw' && x.alg === alg && x.stream === stream).opsPerSecond?.median,
        ),
      ),
    ),
  ];
  log();
  log('Summary: ratio to raw crypto.verify (higher is better)');
  table('Throughput, ratio to raw crypto.verify (median of paired runs, same run)', header, [
    ...summary,
    rawRow,
  ]);

  const cell = (row, alg = 'RS256', stream = 'distinct') =>
    cells.find((c) => c.row === row && c.alg === alg && c.stream === stream);
  const core = cell('core');
  const peers = cells.filter(
    (c) => c.group === 'peer' && c.alg === 'RS256' && c.stream === 'distinct' && c.status === 'ok',
  );
  const fastest = peers.reduce((best, c) => (!best || c.ratioToRaw > best.ratioToRaw ? c : best), undefined);
  const coreVerifiesEach = (core?.signatureChecksPerCall ?? 0) >= 0.99;
  target(
    'core, RS256 distinct >= fastest peer (1 signature check per call)',
    coreVerifiesEach ? core?.ratioToRaw : undefined,
    fastest?.ratioToRaw,
    '>=',
    `core ${formatRatio(core?.ratioToRaw)} vs ${fastest?.label} ${formatRatio(fastest?.ratioToRaw)}${coreVerifiesEach ? '' : ` (core made ${core?.signatureChecksPerCall?.toFixed(2)} signature checks per call: not comparable)`}`,
  );
  for (const alg of ALGS) {
    const c = cell('core', alg, 'repeated');
    target(`core, ${alg} repeated >= 10x raw`, c?.ratioToRaw, 10, '>=', formatRatio(c?.ratioToRaw));
  }
  for (const id of ['handler', 'middy']) {
    const c = cell(id);
    const value = c?.status === 'ok' && core?.status === 'ok' ? c.ratioToRaw / core.ratioToRaw : undefined;
    target(
      `${id === 'handler' ? 'lambda handler' : 'middy-jwt'} end to end, RS256 distinct >= 0.9x core`,
      value,
      0.9,
      '>=',
      c?.status === 'ok' ? `${formatRatio(value)} of core` : `${c?.status}: ${c?.reason}`,
    );
  }
}

async function runColdStart() {
  section('2. Cold start: fresh process, import the handler, authorize one token (JWKS over loopback)');
  const baseline = await bundleBaseline();
  const handlerBundle = handlerBundlePath();
  const event = {
    type: 'TOKEN',
    authorizationToken: `Bearer ${tokens.RS256.distinct[0]}`,
    methodArn: METHOD_ARN,
  };
  const env = {
    PATH: process.env.PATH,
    TOKEN_ISSUER: server.issuer,
    AUDIENCE,
    JWKS_URI: server.jwksUri,
    BENCH_EVENT: JSON.stringify(event),
  };
  const variants = [
    { name: 'node', label: "node -e ''", args: ['-e', ''] },
    {
      name: 'fetch',
      label: 'node, one global fetch() of the JWKS',
      args: ['--input-type=module', '-e', 'await (await fetch(process.env.JWKS_URI)).arrayBuffer();'],
    },
    {
      name: 'aws-jwt-verify',
      label: 'minimal aws-jwt-verify handler (bundled)',
      args: invokeOnceArgs(baseline),
      bundle: baseline,
    },
  ];
  if (isFile(handlerBundle)) {
    variants.push({
      name: 'handler',
      label: 'lambda-authorizer bundle',
      args: invokeOnceArgs(handlerBundle),
      bundle: handlerBundle,
    });
  }
  const cold = await measureColdStart({ variants, runs: settings.coldRuns, env });
  if (!isFile(handlerBundle)) {
    cold.push({
      name: 'handler',
      label: 'lambda-authorizer bundle',
      status: 'n/a',
      error: `not available yet (${handlerBundle} missing)`,
    });
  }
  results.coldStart = cold;
  const base = cold.find((c) => c.name === 'node')?.medianMs;
  log(`${settings.coldRuns} fresh processes per variant, interleaved; wall time from spawn to exit, median.`);
  table(
    'Cold start (fresh process: import, one authorization, JWKS over loopback)',
    ['variant', 'median', 'min-max', 'over node -e', 'import', 'first call', 'RSS at end', 'bundle', 'gzip'],
    cold.map((c) =>
      c.status === 'ok'
        ? [
            c.label,
            formatMs(c.medianMs),
            `${formatMs(c.minMs)}-${formatMs(c.maxMs)}`,
            formatMs(c.medianMs - base),
            c.importMs === undefined ? '-' : formatMs(c.importMs),
            c.firstCallMs === undefined ? '-' : formatMs(c.firstCallMs),
            c.rssBytes ? formatBytes(c.rssBytes) : '-',
            c.size ? `${c.size.bytes} B` : '-',
            c.size ? `${c.size.gzipBytes} B` : '-',
          ]
        : [c.label, c.status, c.error ?? '', '', '', '', '', '', ''],
    ),
  );
  const handler = cold.find((c) => c.name === 'handler');
  const awsjv = cold.find((c) => c.name === 'aws-jwt-verify');
  const ratio =
    handler?.status === 'ok' && awsjv?.status === 'ok' ? handler.medianMs / awsjv.medianMs : undefined;
  target(
    'cold start <= 1.1x minimal aws-jwt-verify handler',
    ratio,
    1.1,
    '<=',
    handler?.status === 'ok'
      ? `${formatRatio(ratio)} (${formatMs(handler.medianMs)} vs ${formatMs(awsjv?.medianMs)})`
      : `${handler?.status}: ${handler?.error}`,
  );
  target(
    'bundle < 30 KB minified (30,000 bytes)',
    handler?.size?.bytes,
    30_000,
    '<',
    handler?.size ? `${handler.size.bytes} B (gzip ${handler.size.gzipBytes} B)` : 'not available yet',
  );
}

async function runJwks() {
  section('3. JWKS behaviour (requests counted at the server)');
  log(
    `(a) 200 concurrent verifications on a cold verifier; (b) 1,000 tokens with random unknown kids, one after the other over ${settings.floodMs} ms, right after (a); (c) a rotated key published as the flood ends, its token retried every 50 ms (cap ${settings.rotationCapMs / 1000} s).`,
  );
  const jwksResults = await measureJwksBehaviour({
    key: keys.RS256,
    tokens: tokens.RS256.distinct,
    issuer: server.issuer,
    audience: AUDIENCE,
    floodMs: settings.floodMs,
    rotationCapMs: settings.rotationCapMs,
  });
  results.jwks = jwksResults;
  table(
    'JWKS behaviour (requests counted at the server)',
    [
      'client',
      'refetch limit',
      '(a) requests',
      '(a) ok',
      '(b) requests',
      '(b) flood',
      '(c) rotated key accepted after',
    ],
    jwksResults.map((c) => [
      c.label,
      c.limit,
      String(c.coldBurst.requests),
      `${c.coldBurst.accepted}/${c.coldBurst.concurrent}`,
      String(c.unknownKidFlood.requests),
      formatMs(c.unknownKidFlood.durationMs),
      c.rotation.acceptedAfterMs === undefined
        ? `not within ${c.rotation.capMs / 1000} s`
        : formatMs(c.rotation.acceptedAfterMs),
    ]),
  );
  const core = jwksResults.find((c) => c.name === 'core');
  target(
    'JWKS (a) cold burst: exactly 1 request',
    core.coldBurst.requests,
    1,
    '==',
    `${core.coldBurst.requests} request(s), ${core.coldBurst.accepted}/200 accepted`,
  );
  target(
    'JWKS (b) unknown kids: <= 1 request per cool-down',
    core.unknownKidFlood.requests,
    core.unknownKidFlood.allowedRequests,
    '<=',
    `${core.unknownKidFlood.requests} in ${formatMs(core.unknownKidFlood.durationMs)} (allowed ${core.unknownKidFlood.allowedRequests})`,
  );
  target(
    'JWKS (c) rotated key accepted within 5 s',
    core.rotation.acceptedAfterMs,
    5000,
    '<=',
    core.rotation.acceptedAfterMs === undefined ? 'not accepted' : formatMs(core.rotation.acceptedAfterMs),
  );
}

async function runSoak() {
  section(`4. Soak: ${settings.soakTotal.toLocaleString('en')} authorizations (core verify + IAM policy)`);
  let distinct = tokens.RS256.distinct;
  if (settings.soakTokens > distinct.length) {
    const more = mintTokens(keys.RS256, {
      issuer: server.issuer,
      audience: AUDIENCE,
      count: settings.soakTokens - distinct.length,
      tag: 'soak',
    });
    distinct = [...distinct, ...more];
  }
  log(
    `${distinct.length.toLocaleString('en')} distinct RS256 tokens cycled (the 1,000-entry result cache always misses) vs one repeated token; heapUsed after a full GC.`,
  );
  const res = await soak({
    distinctTokens: distinct,
    total: settings.soakTotal,
    issuer: server.issuer,
    audience: AUDIENCE,
    jwksUri: server.jwksUri,
    methodArn: METHOD_ARN,
  });
  results.soak = res;
  const mb = (b) => `${(b / MB).toFixed(1)} MB`;
  table(
    `Soak, ${settings.soakTotal.toLocaleString('en')} authorizations (heapUsed after full GC)`,
    ['stream', 'auth/s', 'heap before', 'at 10k', 'max during', 'end', 'end - at 10k', 'failed'],
    ['distinct', 'repeated'].map((k) => {
      const r = res[k];
      return [
        k,
        formatOps(r.opsPerSecond),
        mb(r.heap[0].bytes),
        mb(r.heapAt10k),
        mb(r.heapMax),
        mb(r.heapEnd),
        mb(r.growthSince10k),
        String(r.failed + r.denied),
      ];
    }),
  );
  for (const k of ['distinct', 'repeated']) {
    const r = res[k];
    if (r.hydrateError)
      log(`note: ${k} soak: hydrate() failed with ${r.hydrateError}; the first verify fetched the JWKS`);
    target(
      `soak ${k}: heap end within 10 MB of heap at 10k`,
      r.failed + r.denied === 0 ? r.growthSince10k : undefined,
      10 * MB,
      '<=',
      r.failed + r.denied === 0 ? mb(r.growthSince10k) : `${r.failed} failed, ${r.denied} denied`,
    );
  }
}

function target(name, value, limit, op, shown) {
  let met;
  if (value === undefined || limit === undefined || Number.isNaN(value)) met = undefined;
  else if (op === '>=') met = value >= limit;
  else if (op === '<=') met = value <= limit;
  else if (op === '<') met = value < limit;
  else met = value === limit;
  results.targets.push({ name, value, limit, op, met, shown });
}

function reportTargets() {
  if (results.targets.length === 0) return;
  section('Targets');
  table(
    'Targets',
    ['target', 'result', 'measured'],
    results.targets.map((t) => [
      t.name,
      t.met === undefined ? 'N/A' : t.met ? 'PASS' : 'MISS',
      t.shown ?? '',
    ]),
  );
}
