// The one renderer: from results (a run's, or a results.json read back) to blocks of notes and
// tables, printed as text on the console and as Markdown in results.md. Nothing here measures or
// judges.
import { formatBytes, formatMs, formatOps, formatRatio, renderMarkdown, renderTable } from './lib/format.mjs';
import { ROUTE_HEADER, routeRows } from './route-scale.mjs';

const ALGS = ['RS256', 'ES256'];
const STREAMS = ['distinct', 'repeated'];
const MB = 1_000_000;
const mb = (bytes) => `${(bytes / MB).toFixed(1)} MB`;

/**
 * A block: `{ note }` (console only), or a table `{ title, header, rows }`, with `markdown: false` for
 * a console-only table and `consoleTitle: false` when the console heading already says it.
 * @typedef {{ note: string } | { title: string, header: string[], rows: string[][], markdown?: boolean, consoleTitle?: boolean }} Block
 */

export const SECTION_TITLES = {
  profile: 'Profile: authorizer-core verify, distinct RS256 tokens (where the time goes)',
  throughput: '1. Warm verification throughput (one core, one request at a time)',
  cold: '2. Cold start: fresh process, import the handler, authorize one token (JWKS over loopback)',
  jwks: '3. JWKS behaviour (requests counted at the server)',
  soak: '4. Soak: authorizations (core verify + IAM policy; DPoP proof + 20 route rules)',
  log: '5. Decision log: hand-built line + EMF against Powertools Logger + Metrics',
  routes: '6. Route rules: how cost grows with the API (10, 100, 1,000 rules)',
};

function profileBlocks(rows) {
  const width = Math.max(...rows.map((r) => r.step.length));
  const lines = [`${'step'.padEnd(width)}  ${'ns/token'.padStart(9)}  ${'share'.padStart(6)}`];
  for (const r of rows) {
    lines.push(
      `${r.step.padEnd(width)}  ${r.ns.toFixed(0).padStart(9)}  ${`${(r.share * 100).toFixed(1)}%`.padStart(6)}`,
    );
  }
  return [{ note: lines.join('\n') }];
}

function throughputBlocks(cells, { settings }) {
  const blocks = [
    {
      note: `${settings.reps} repetitions x ${settings.durationMs} ms of CPU time per cell, rows interleaved; each run is paired with a ${settings.durationMs / 4} ms run of raw crypto.verify (same algorithm and stream) just before it, and x raw is the median of these pair ratios.`,
    },
    {
      note: 'distinct = 10,000 distinct tokens cycled, so caches keep missing (sig/call: signature checks per call, counted untimed afterwards); repeated = one token. req/call: introspection requests per call, counted at the loopback endpoint over the warm-up and timed calls.',
    },
  ];
  for (const alg of ALGS) {
    for (const stream of STREAMS) {
      blocks.push({
        title: `${alg}, ${stream} tokens`,
        header: ['row', 'verif/s', 'min-max', 'us/op', 'x raw', 'pairs min-max', 'sig/call', 'req/call'],
        markdown: false,
        rows: cells
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
                  c.requestsPerCall === undefined ? '' : c.requestsPerCall.toFixed(2),
                ]
              : [c.label, c.status, c.reason ?? '', '', '', '', '', ''],
          ),
      });
    }
  }
  const rowIds = [...new Set(cells.map((c) => c.row))];
  const find = (row, alg, stream) => cells.find((c) => c.row === row && c.alg === alg && c.stream === stream);
  const summary = rowIds.map((row) => [
    cells.find((c) => c.row === row).label,
    ...ALGS.flatMap((alg) =>
      STREAMS.map((stream) => {
        const c = find(row, alg, stream);
        if (c === undefined) return '-';
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
      STREAMS.map((stream) => formatOps(find('raw', alg, stream)?.opsPerSecond?.median)),
    ),
  ];
  blocks.push({
    title: 'Throughput, ratio to raw crypto.verify (median of paired runs, same run)',
    header: ['row', ...ALGS.flatMap((a) => STREAMS.map((s) => `${a} ${s}`))],
    rows: [...summary, rawRow],
  });
  return blocks;
}

function coldBlocks(cold, { settings }) {
  const base = cold.find((c) => c.name === 'node')?.medianMs;
  return [
    {
      note: `${settings.coldRuns} fresh processes per variant, interleaved; wall time from spawn to exit, median.`,
    },
    {
      title: 'Cold start (fresh process: import, one authorization, JWKS over loopback)',
      header: [
        'variant',
        'median',
        'min-max',
        'over node -e',
        'import',
        'first call',
        'RSS at end',
        'bundle',
        'gzip',
      ],
      rows: cold.map((c) =>
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
    },
  ];
}

function jwksBlocks(clients, { settings }) {
  return [
    {
      note: `(a) 200 concurrent verifications on a cold verifier; (b) 1,000 tokens with random unknown kids, one after the other over ${settings.floodMs} ms, right after (a); (c) a rotated key published as the flood ends, its token retried every 50 ms (cap ${settings.rotationCapMs / 1000} s).`,
    },
    {
      title: 'JWKS behaviour (requests counted at the server)',
      header: [
        'client',
        'refetch limit',
        '(a) requests',
        '(a) ok',
        '(b) requests',
        '(b) flood',
        '(c) rotated key accepted after',
      ],
      rows: clients.map((c) => [
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
    },
  ];
}

function soakBlocks(res) {
  const total = res.distinct.authorizations;
  const streams = ['distinct', 'repeated', 'dpop-rules'].filter((k) => res[k] !== undefined);
  const dpop = res['dpop-rules'];
  const blocks = [
    {
      note: `${total.toLocaleString('en')} authorizations per stream; ${res.distinct.distinctTokens.toLocaleString('en')} distinct RS256 tokens cycled (the 1,000-entry result cache always misses) vs one repeated token; heapUsed after a full GC.`,
    },
  ];
  if (dpop !== undefined) {
    blocks.push({
      note: `dpop-rules: the same tokens bound to a client EC key (cnf.jkt), each request with a fresh ES256 proof (replay store on, default 10,000 identifiers), then authorize with ${dpop.routes} route rules with claim conditions; auth/s leaves out the client's proof signing (${dpop.proofSigningSeconds.toFixed(1)} s of the ${dpop.wallSeconds.toFixed(1)} s); the last proof sent again was ${dpop.replayRefusedWith === undefined ? 'ACCEPTED (replay store not working)' : `refused (${dpop.replayRefusedWith})`}.`,
    });
  }
  blocks.push({
    title: `Soak, ${total.toLocaleString('en')} authorizations (heapUsed after full GC)`,
    header: [
      'stream',
      'auth/s',
      'heap before',
      'at 10k',
      'max during',
      'end',
      'end - at 10k',
      'failed',
      'time',
    ],
    rows: streams.map((k) => {
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
        r.wallSeconds === undefined ? '' : `${r.wallSeconds.toFixed(1)} s (CPU ${r.cpuSeconds.toFixed(1)} s)`,
      ];
    }),
  });
  for (const k of streams) {
    if (res[k].hydrateError) {
      blocks.push({
        note: `note: ${k} soak: hydrate() failed with ${res[k].hydrateError}; the first verify fetched the JWKS`,
      });
    }
  }
  return blocks;
}

function logBlocks(log, context) {
  const inv = log.perInvocation;
  const spread = inv.powertoolsOverHandBuilt;
  return [
    {
      note: 'Per invocation: one allowed TOKEN request logged (line + EMF Decisions and Latency), distinct subjects, stdout to /dev/null synchronously; each row paired with raw crypto.verify.',
    },
    {
      title: 'Decision log per invocation (CPU time, same run)',
      header: ['variant', 'us/invocation', 'x one RS256 crypto.verify'],
      rows: inv.rows.map((r) => [r.label, r.usPerCall.toFixed(2), formatRatio(r.ofRawVerify)]),
    },
    {
      note: `Powertools / hand-built per invocation: ${formatRatio(spread.median)} (pairs ${formatRatio(spread.min)}-${formatRatio(spread.max)})`,
    },
    ...coldBlocks(log.coldStart, context).map((block) =>
      block.title
        ? {
            ...block,
            title: 'Decision log cold start (bundled; fresh process: import, build, log one invocation)',
          }
        : block,
    ),
  ];
}

function routeBlocks(data) {
  return [
    {
      note: `Rules over distinct paths, one in six ANY; a token satisfying them all; one matched and one unmatched ARN. Compile: createAuthorizer (median). Ratios to one RS256 crypto.verify (${data.rawUs.toFixed(1)} us) in the same run.`,
    },
    { title: 'Route rules: compile, evaluate, answer size', header: ROUTE_HEADER, rows: routeRows(data) },
  ];
}

const RENDERERS = {
  profile: profileBlocks,
  throughput: throughputBlocks,
  cold: coldBlocks,
  jwks: jwksBlocks,
  soak: soakBlocks,
  log: logBlocks,
  routes: routeBlocks,
};

/** The blocks of one section's data. */
export function sectionBlocks(section, data, results) {
  return RENDERERS[section](data, results);
}

function formatFigure(value, unit) {
  if (value === undefined) return '-';
  if (value === Number.POSITIVE_INFINITY) return 'never';
  if (unit === 'ratio') return formatRatio(value);
  if (unit === 'ms') return formatMs(value);
  if (unit === 'us') return `${value.toFixed(2)} us`;
  if (unit === 'bytes') return `${value} B`;
  if (unit === 'megabytes') return mb(value);
  return String(value);
}

/** The targets table from the evaluator's verdicts. */
export function targetBlocks(verdicts) {
  const STATUS = { pass: 'PASS', miss: 'MISS', missing: 'MISSING', 'not run': 'not run' };
  return [
    {
      title: 'Targets',
      consoleTitle: false,
      header: ['target', 'result', 'measured'],
      rows: verdicts.map((v) => {
        const figures =
          v.status === 'missing' || v.status === 'not run'
            ? v.reason
            : `${formatFigure(v.value, v.unit)} ${v.op} ${formatFigure(v.threshold, v.unit)}${v.note ? ` (${v.note})` : ''}`;
        return [v.description, STATUS[v.status], figures];
      }),
    },
  ];
}

/** The blocks as console text. */
export function blocksToText(blocks) {
  return blocks
    .map((b) =>
      b.note !== undefined
        ? b.note
        : `${b.consoleTitle === false ? '' : `${b.title}\n`}${renderTable(b.header, b.rows)}`,
    )
    .join('\n\n');
}

/** The blocks' tables as Markdown (notes and console-only tables left out). */
export function blocksToMarkdown(blocks) {
  return blocks
    .filter((b) => b.note === undefined && b.markdown !== false)
    .map((b) => `**${b.title}**\n\n${renderMarkdown(b.header, b.rows)}\n`)
    .join('\n');
}

/** The heading line of a section on the console. */
export function sectionHeading(title) {
  return `\n== ${title} ${'='.repeat(Math.max(0, 90 - title.length))}`;
}

/** The first line of results.md: when, where and what was measured. */
export function runLine(results) {
  const m = results.machine;
  return `Run: ${results.date.slice(0, 10)}, commit ${results.commit}, \`pnpm bench${results.mode === 'quick' ? ' --quick' : ''}\`, ${m.cpu} (${m.nproc} vCPU, ${m.memoryGiB} GiB), Node ${m.node}, ${m.platform}.`;
}
