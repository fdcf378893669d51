// The targets evaluator: one verdict per target, and a figure the run does not hold is reported
// as missing, never as met. Also the CLI's refusal of unknown flags and its offline judge mode.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateTargets } from '../src/evaluate.mjs';
import { TARGETS } from '../targets.mjs';

const RUN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'run.mjs');
const work = mkdtempSync(join(tmpdir(), 'bench-judge-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const atLeastTwo = {
  id: 'speed',
  section: 'throughput',
  description: 'speed >= 2',
  unit: 'ratio',
  measure: (r) => r.throughput?.speed,
  op: '>=',
  threshold: 2,
};

describe('evaluateTargets', () => {
  it('passes a figure on the right side of its threshold', () => {
    const [verdict] = evaluateTargets([atLeastTwo], { sections: ['throughput'], throughput: { speed: 2.5 } });
    expect(verdict).toMatchObject({ id: 'speed', status: 'pass', value: 2.5, threshold: 2, op: '>=' });
  });

  it('misses a figure on the wrong side of its threshold', () => {
    const [verdict] = evaluateTargets([atLeastTwo], { sections: ['throughput'], throughput: { speed: 1.9 } });
    expect(verdict).toMatchObject({ status: 'miss', value: 1.9 });
  });

  it('reports a figure absent from a section that ran as missing, not passed', () => {
    const verdicts = evaluateTargets(
      [
        atLeastTwo,
        { ...atLeastTwo, id: 'nan', measure: () => Number.NaN },
        { ...atLeastTwo, id: 'throws', measure: (r) => r.nothing.here },
      ],
      { sections: ['throughput'], throughput: {} },
    );
    expect(verdicts.map((v) => [v.id, v.status])).toEqual([
      ['speed', 'missing'],
      ['nan', 'missing'],
      ['throws', 'missing'],
    ]);
    expect(verdicts[2]?.reason).toMatch(/^no figure/);
  });

  it('reports a selector that explains its missing figure, and a missing threshold, as missing', () => {
    const [explained, noThreshold] = evaluateTargets(
      [
        { ...atLeastTwo, measure: () => ({ missing: 'core FAILED: a tampered token was accepted' }) },
        { ...atLeastTwo, id: 'peer', threshold: () => undefined },
      ],
      { sections: ['throughput'], throughput: { speed: 3 } },
    );
    expect(explained).toMatchObject({
      status: 'missing',
      reason: 'core FAILED: a tampered token was accepted',
    });
    expect(noThreshold).toMatchObject({ status: 'missing', value: 3 });
    expect(noThreshold?.reason).toMatch(/^threshold:/);
  });

  it('tells a section not in the run apart from a missing figure', () => {
    const [verdict] = evaluateTargets([atLeastTwo], { sections: ['cold'], throughput: { speed: 5 } });
    expect(verdict).toMatchObject({ status: 'not run', value: undefined });
  });

  it('compares with a threshold taken from the same run, and refuses an unknown comparison', () => {
    const vsPeer = { ...atLeastTwo, threshold: (r) => ({ value: r.throughput.peer, note: 'peer' }) };
    const results = { sections: ['throughput'], throughput: { speed: 0.73, peer: 0.77 } };
    expect(evaluateTargets([vsPeer], results)[0]).toMatchObject({
      status: 'miss',
      threshold: 0.77,
      note: 'threshold peer',
    });
    expect(() => evaluateTargets([{ ...atLeastTwo, op: '=>' }], results)).toThrow(/unknown comparison/);
  });
});

/** A throughput cell as measureCells leaves it. */
function cellOf(row, alg, stream, ratioToRaw, extra = {}) {
  return {
    row,
    label: row,
    group: row.startsWith('peer') ? 'peer' : 'project',
    alg,
    stream,
    status: 'ok',
    ratioToRaw,
    ...extra,
  };
}

describe('the project targets', () => {
  const byId = (verdicts) => Object.fromEntries(verdicts.map((v) => [v.id, v]));

  it('judge core against the fastest peer only when core made one signature check per call', () => {
    const throughput = [
      cellOf('core', 'RS256', 'distinct', 0.8, { signatureChecksPerCall: 1 }),
      cellOf('peer-a', 'RS256', 'distinct', 0.7),
      cellOf('peer-b', 'RS256', 'distinct', 0.77),
    ];
    const results = { sections: ['throughput'], throughput };
    expect(byId(evaluateTargets(TARGETS, results))['core-distinct-vs-peers']).toMatchObject({
      status: 'pass',
      value: 0.8,
      threshold: 0.77,
    });
    throughput[0].signatureChecksPerCall = 0.55;
    const cached = byId(evaluateTargets(TARGETS, results))['core-distinct-vs-peers'];
    expect(cached.status).toBe('missing');
    expect(cached.reason).toMatch(/0\.55 signature checks per call/);
  });

  it('read a FAILED handler row as missing and a rotation never accepted as a miss', () => {
    const results = {
      sections: ['throughput', 'jwks'],
      throughput: [
        cellOf('core', 'RS256', 'distinct', 0.7, { signatureChecksPerCall: 1 }),
        {
          ...cellOf('handler', 'RS256', 'distinct', undefined),
          status: 'FAILED',
          reason: 'valid token not accepted',
        },
      ],
      jwks: [
        {
          name: 'core',
          coldBurst: { requests: 1, accepted: 200, concurrent: 200 },
          unknownKidFlood: { requests: 4, durationMs: 5000, allowedRequests: 3 },
          rotation: { acceptedAfterMs: undefined, capMs: 15000 },
        },
      ],
    };
    const verdicts = byId(evaluateTargets(TARGETS, results));
    expect(verdicts['handler-vs-minimal-handler-distinct']).toMatchObject({ status: 'missing' });
    expect(verdicts['handler-vs-minimal-handler-distinct'].reason).toMatch(
      /FAILED: valid token not accepted/,
    );
    expect(verdicts['jwks-cold-burst'].status).toBe('pass');
    expect(verdicts['jwks-unknown-kids']).toMatchObject({ status: 'miss', value: 4, threshold: 3 });
    expect(verdicts['jwks-rotation'].status).toBe('miss');
    expect(verdicts['soak-heap-distinct'].status).toBe('not run');
  });

  it('judge the DPoP + rules soak only when its replay store refused the replayed proof', () => {
    const dpop = { failed: 0, denied: 0, growthSince10k: 2_000_000, replayRefusedWith: 'DPOP_REPLAYED' };
    const results = { sections: ['soak'], soak: { 'dpop-rules': dpop } };
    const verdict = () => byId(evaluateTargets(TARGETS, results))['soak-heap-dpop-rules'];
    expect(verdict()).toMatchObject({ status: 'pass', value: 2_000_000 });
    dpop.growthSince10k = 11_000_000;
    expect(verdict()).toMatchObject({ status: 'miss', value: 11_000_000 });
    dpop.growthSince10k = 0;
    dpop.replayRefusedWith = undefined;
    expect(verdict()).toMatchObject({ status: 'missing' });
    expect(verdict().reason).toMatch(/replayed proof was accepted/);
    dpop.replayRefusedWith = 'DPOP_REPLAYED';
    dpop.denied = 3;
    expect(verdict()).toMatchObject({ status: 'missing', reason: '0 failed, 3 denied' });
  });
});

describe('the handler targets', () => {
  const byId = (verdicts) => Object.fromEntries(verdicts.map((v) => [v.id, v]));
  // raw at 50,000/s (20 us); the other rows as ratios to it.
  const withOps = (c, ops) => ({ ...c, opsPerSecond: { median: ops } });
  function run({ handler, minimal, repeatedHandler, repeatedMinimal, core, middy, floor }) {
    return {
      sections: ['throughput'],
      throughput: [
        withOps(cellOf('raw', 'RS256', 'distinct', 1), 50_000),
        withOps(cellOf('raw', 'RS256', 'repeated', 1), 50_000),
        cellOf('handler', 'RS256', 'distinct', handler),
        cellOf('aws-jwt-verify-handler', 'RS256', 'distinct', minimal),
        cellOf('handler', 'RS256', 'repeated', repeatedHandler),
        cellOf('aws-jwt-verify-handler', 'RS256', 'repeated', repeatedMinimal),
        cellOf('core', 'RS256', 'distinct', core, { signatureChecksPerCall: 1 }),
        cellOf('middy-floor', 'RS256', 'distinct', middy),
        cellOf('async-floor', 'RS256', 'distinct', floor),
      ],
    };
  }

  it('compare the handler with the minimal handler, and its cost over core with Middy floor + 3 us', () => {
    // core 25 us, handler 40 us (15 over core); middy 5 us, async floor 1 us: floor 4 us + 3 = 7 us.
    const verdicts = byId(
      evaluateTargets(
        TARGETS,
        run({
          handler: 0.5,
          minimal: 0.6,
          repeatedHandler: 2,
          repeatedMinimal: 0.6,
          core: 0.8,
          middy: 4,
          floor: 20,
        }),
      ),
    );
    expect(verdicts['handler-vs-minimal-handler-distinct'].status).toBe('miss');
    expect(verdicts['handler-vs-minimal-handler-distinct'].value).toBeCloseTo(0.5 / 0.6);
    expect(verdicts['handler-vs-minimal-handler-repeated'].status).toBe('pass');
    expect(verdicts['handler-vs-minimal-handler-repeated'].value).toBeCloseTo(2 / 0.6);
    const overhead = verdicts['handler-overhead-vs-middy-floor'];
    expect(overhead.status).toBe('miss');
    expect(overhead.value).toBeCloseTo(15);
    expect(overhead.threshold).toBeCloseTo(7);
    // handler 30 us: 5 us over core, within 7.
    const near = byId(
      evaluateTargets(
        TARGETS,
        run({
          handler: 2 / 3,
          minimal: 0.6,
          repeatedHandler: 2,
          repeatedMinimal: 0.6,
          core: 0.8,
          middy: 4,
          floor: 20,
        }),
      ),
    );
    expect(near['handler-overhead-vs-middy-floor'].status).toBe('pass');
    expect(near['handler-vs-minimal-handler-distinct'].status).toBe('pass');
  });

  it('retire handler >= 0.9x core and the bundle-size target', () => {
    const ids = TARGETS.map((t) => t.id);
    expect(ids).not.toContain('handler-vs-core');
    expect(ids).not.toContain('bundle-size');
    expect(ids).toContain('cold-import-and-first-call');
  });
});

describe('run.mjs options', () => {
  const node = (...args) => spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8' });

  it('refuses an unknown flag, an unknown section and an unknown row with exit code 2', () => {
    for (const args of [['--quik'], ['--only=cold,nope'], ['--rows=core,nope'], ['stray']]) {
      const res = node(...args);
      expect({ args, status: res.status }).toEqual({ args, status: 2 });
      expect(res.stderr).toMatch(/usage:/);
    }
  });

  it('re-judges a saved results.json offline: exit 1 on a miss, targets of other sections not run', () => {
    const path = join(work, 'results.json');
    const saved = {
      date: '2026-11-27T10:00:00.000Z',
      commit: 'cd0aec3',
      mode: 'full',
      machine: { cpu: 'test cpu', nproc: 2, memoryGiB: 24, node: 'v20.20.2', platform: 'linux-x64' },
      sections: ['soak'],
      soak: {
        distinct: { failed: 0, denied: 0, growthSince10k: 12_000_000 },
        repeated: { failed: 0, denied: 0, growthSince10k: -40_000 },
        'dpop-rules': { failed: 0, denied: 0, growthSince10k: 300_000, replayRefusedWith: 'DPOP_REPLAYED' },
      },
    };
    writeFileSync(path, JSON.stringify(saved));
    const res = node('--', `--judge=${path}`);
    expect(res.status).toBe(1);
    const line = (id) => res.stdout.split('\n').find((l) => l.startsWith(id)) ?? '';
    expect(line('soak distinct')).toMatch(/MISS\s+12\.0 MB <= 10\.0 MB/);
    expect(line('soak repeated')).toMatch(/PASS/);
    expect(line('JWKS (a) cold burst')).toMatch(/not run/);
    saved.soak.distinct.growthSince10k = 1_000;
    writeFileSync(path, JSON.stringify(saved));
    expect(node(`--judge=${path}`).status).toBe(0);
  });
});
