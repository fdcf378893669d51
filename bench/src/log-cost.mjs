// The decision log against Powertools for AWS Lambda (Logger + Metrics) writing the same line and
// EMF metrics: per invocation in this process (CPU time, interleaved repetitions, stdout sent to
// /dev/null synchronously so the write stays in the figure) and at cold start in fresh processes
// (each variant bundled like the handler, then imported, built and used once).
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStdoutSilencer } from './adapters.mjs';
import { bundleEntry, invokeOnceArgs, measureColdStart } from './cold-start.mjs';
import { runSync, summarize } from './lib/measure.mjs';
import { makeInvocations } from './log/invocations.mjs';

const VARIANTS = [
  {
    name: 'hand-built',
    label: 'decision log (hand-built line + EMF)',
    entry: join('log', 'hand-built.mjs'),
  },
  {
    name: 'powertools',
    label: 'Powertools Logger + Metrics 2.36.0',
    entry: join('log', 'powertools.mjs'),
  },
  // Parts, per invocation only: where Powertools' time goes.
  {
    name: 'powertools-logger',
    label: '  of which Logger alone (addContext + info)',
    entry: join('log', 'powertools.mjs'),
    options: { metrics: false },
    warmOnly: true,
  },
  {
    name: 'powertools-metrics',
    label: '  of which Metrics alone (3 adds + publish)',
    entry: join('log', 'powertools.mjs'),
    options: { logger: false },
    warmOnly: true,
  },
];
const LOG_ONCE = join(dirname(fileURLToPath(import.meta.url)), 'cold', 'log-once.mjs');

/** Per-invocation cost: each variant's µs per invocation, and its ratio to a raw RS256 crypto.verify. */
async function perInvocation({ key, tokens, issuer, reps, durationMs, warmupMs, count }) {
  const keyObject = createPublicKey({ key: key.jwk, format: 'jwk' });
  const signed = tokens.slice(0, count).map((t) => {
    const dot = t.lastIndexOf('.');
    return {
      input: Buffer.from(t.slice(0, dot), 'latin1'),
      signature: Buffer.from(t.slice(dot + 1), 'base64url'),
    };
  });
  const raw = {
    name: 'raw',
    fn: (s) => cryptoVerify('sha256', s.input, keyObject, s.signature),
    items: signed,
  };
  const invocations = makeInvocations({ count, issuer, kid: key.kid });
  const silencer = createStdoutSilencer();
  const rows = [raw];
  for (const variant of VARIANTS) {
    const { createLogInvocation } = await import(`./${variant.entry}`);
    silencer.enter();
    try {
      rows.push({
        name: variant.name,
        label: variant.label,
        fn: createLogInvocation(variant.options),
        items: invocations,
      });
    } finally {
      silencer.leave();
    }
  }
  const time = (row, ms) => {
    silencer.enter();
    try {
      const res = runSync(row.fn, row.items, row.next ?? 0, ms);
      row.next = res.next;
      if (res.failures > 0) throw new Error(`${row.name}: ${res.failures} of ${res.ops} calls failed`);
      return (res.seconds * 1e6) / res.ops;
    } finally {
      silencer.leave();
    }
  };
  for (const row of rows) time(row, warmupMs);
  const us = new Map(rows.map((r) => [r.name, []]));
  const ofRaw = new Map(rows.map((r) => [r.name, []]));
  const ofHand = [];
  for (let rep = 0; rep < reps; rep++) {
    // Each row right after a run of raw crypto.verify: ratios of adjacent runs cancel the drift.
    const byName = {};
    for (const row of rows.slice(1)) {
      const rawUs = time(raw, durationMs / 4);
      byName[row.name] = time(row, durationMs);
      us.get('raw').push(rawUs);
      us.get(row.name).push(byName[row.name]);
      ofRaw.get(row.name).push(byName[row.name] / rawUs);
    }
    ofHand.push(byName.powertools / byName['hand-built']);
  }
  return {
    rows: rows.map((r) => ({
      name: r.name,
      label: r.label ?? 'node:crypto.verify, RS256 (reference)',
      usPerCall: summarize(us.get(r.name)).median,
      ofRawVerify: r.name === 'raw' ? 1 : summarize(ofRaw.get(r.name)).median,
    })),
    powertoolsOverHandBuilt: summarize(ofHand),
  };
}

/** Cold start of each variant, bundled, in fresh processes, next to `node -e ''`. */
async function coldStart({ runs }) {
  const variants = [{ name: 'node', label: "node -e ''", args: ['-e', ''] }];
  for (const variant of VARIANTS.filter((v) => !v.warmOnly)) {
    const bundle = await bundleEntry(variant.entry, `log-${variant.name}.mjs`);
    variants.push({
      name: variant.name,
      label: variant.label,
      args: invokeOnceArgs(bundle, LOG_ONCE),
      bundle,
      accepts: (report) => report.ok === true,
    });
  }
  return measureColdStart({ variants, runs, env: { PATH: process.env.PATH } });
}

/** Measures both, in one run. */
export async function measureLogCost({ key, tokens, issuer, reps, durationMs, warmupMs, coldRuns }) {
  const invocation = await perInvocation({ key, tokens, issuer, reps, durationMs, warmupMs, count: 2000 });
  const cold = await coldStart({ runs: coldRuns });
  return { perInvocation: invocation, coldStart: cold };
}
