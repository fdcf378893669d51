// Cold start: fresh Node processes that import a handler bundle and authorize one token, the JWKS
// fetched from the loopback server of this (parent) process. Runs are interleaved across variants.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { median } from './lib/measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const BENCH_DIST = join(here, '..', 'dist');
const INVOKE_ONCE = join(here, 'cold', 'invoke-once.mjs');

/** esbuild settings shared by both handler bundles (mirrors the lambda-authorizer bundle script). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  legalComments: 'none',
};

/** Bundles `entry` (a path under src/) into bench/dist/<name>. Returns the bundle path. */
export async function bundleEntry(entry, name) {
  const { build } = await import('esbuild');
  mkdirSync(BENCH_DIST, { recursive: true });
  const outfile = join(BENCH_DIST, name);
  await build({ ...BUNDLE_OPTIONS, entryPoints: [join(here, entry)], outfile, logLevel: 'warning' });
  return outfile;
}

/** Bundles the minimal aws-jwt-verify authorizer into bench/dist/. Returns the bundle path. */
export function bundleBaseline() {
  return bundleEntry(join('cold', 'aws-jwt-verify-handler.mjs'), 'aws-jwt-verify-handler.mjs');
}

/** The same authorizer taking node:http through process.getBuiltinModule (information only). */
export function bundleBaselineBuiltin() {
  return bundleEntry(
    join('cold', 'aws-jwt-verify-handler-builtin.mjs'),
    'aws-jwt-verify-handler-builtin.mjs',
  );
}

/**
 * The bytes a cold start reads: the bundle and every chunk it reaches by static imports (a split
 * bundle loads the rest only on import()), and their gzip size together.
 */
export function bundleSize(path) {
  const seen = new Set([path]);
  const queue = [path];
  const parts = [];
  while (queue.length > 0) {
    const file = queue.pop();
    const content = readFileSync(file);
    parts.push(content);
    for (const match of content
      .toString('utf8')
      .matchAll(/\bimport\s*(?:[^;(]*?from\s*)?["'](\.\/[^"']+)["']/g)) {
      const chunk = join(dirname(file), match[1]);
      if (!seen.has(chunk)) {
        seen.add(chunk);
        queue.push(chunk);
      }
    }
  }
  const content = Buffer.concat(parts);
  return { bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
}

function runOnce(args, env) {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      const wallMs = performance.now() - start;
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      const report = line ? JSON.parse(line.slice('BENCH_RESULT '.length)) : undefined;
      resolve({ wallMs, code, report, stderr: err.slice(0, 500) });
    });
  });
}

/**
 * Measures each variant `runs` times, interleaved. A variant is `{ name, label, args, bundle?,
 * accepts?, env? }` (`env` replaces the shared environment for that variant); variants with a bundle must report success (`accepts(report)`, by default an Allow),
 * or they are FAILED.
 */
export async function measureColdStart({ variants, runs, env }) {
  const results = variants.map((v) => ({
    ...v,
    wallMs: [],
    rssBytes: [],
    importMs: [],
    invokeMs: [],
    failures: 0,
    error: undefined,
  }));
  for (let r = 0; r < runs; r++) {
    for (const result of results) {
      const res = await runOnce(result.args, result.env ?? env);
      if (result.bundle) {
        const accepts = result.accepts ?? ((report) => report.allowed === true);
        if (res.code !== 0 || !res.report || !accepts(res.report)) {
          result.failures++;
          result.error = res.report
            ? 'the child did not report success (a valid token not allowed)'
            : `exit ${res.code}: ${res.stderr}`;
          continue;
        }
        result.rssBytes.push(res.report.rssBytes);
        result.importMs.push(res.report.importMs);
        result.invokeMs.push(res.report.invokeMs);
      } else if (res.code !== 0) {
        result.failures++;
        result.error = `exit ${res.code}: ${res.stderr}`;
        continue;
      }
      result.wallMs.push(res.wallMs);
    }
  }
  return results.map(({ env: _env, ...r }) => ({
    name: r.name,
    label: r.label,
    runs,
    status: r.failures === 0 ? 'ok' : 'FAILED',
    error: r.error,
    medianMs: r.wallMs.length ? median(r.wallMs) : undefined,
    minMs: r.wallMs.length ? Math.min(...r.wallMs) : undefined,
    maxMs: r.wallMs.length ? Math.max(...r.wallMs) : undefined,
    rssBytes: r.rssBytes.length ? median(r.rssBytes) : undefined,
    importMs: r.importMs.length ? median(r.importMs) : undefined,
    firstCallMs: r.invokeMs.length ? median(r.invokeMs) : undefined,
    size: r.bundle && existsSync(r.bundle) ? bundleSize(r.bundle) : undefined,
    bundle: r.bundle,
  }));
}

export const invokeOnceArgs = (bundle, script = INVOKE_ONCE) => [script, bundle];

export function isFile(path) {
  return existsSync(path) && statSync(path).isFile();
}
