// The benchmark's sections, each a function from the shared fixtures to plain data (no printing
// beyond progress lines): run.mjs calls them, render.mjs prints their data, ../targets.mjs judges it.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startJwksServer } from '@jwt-authorizer/test-fixtures';
import { handlerBundlePath, prepareHandlerEnv } from './adapters.mjs';
import {
  bundleBaseline,
  bundleBaselineBuiltin,
  invokeOnceArgs,
  isFile,
  measureColdStart,
} from './cold-start.mjs';
import { measureJwksBehaviour } from './jwks-behaviour.mjs';
import { generateKey, jwksOf, mintTokens } from './lib/fixtures.mjs';
import { startIntrospectionServer } from './lib/introspection-server.mjs';
import { measureLogCost } from './log-cost.mjs';
import { profileCore } from './profile.mjs';
import { runRouteScale } from './route-scale.mjs';
import { bindTokens, soak } from './soak.mjs';
import { ALGS, buildCells, measureCells, ROWS } from './throughput.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Sections in run order, and the key of each one's data in results.json. */
export const SECTIONS = ['profile', 'throughput', 'cold', 'jwks', 'soak', 'log', 'routes'];
export const RESULT_KEYS = {
  profile: 'profile',
  throughput: 'throughput',
  cold: 'coldStart',
  jwks: 'jwks',
  soak: 'soak',
  log: 'log',
  routes: 'routes',
};

export const SETTINGS = {
  quick: {
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
  },
  full: {
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
  },
};

/** Sections a run includes: those named, or all but the profile in quick mode. */
export function sectionsToRun({ quick, only }) {
  return SECTIONS.filter((s) => (only ? only.includes(s) : s !== 'profile' || !quick));
}

export const AUDIENCE = 'https://api.example.com';
// Not 2,000: the core's result cache admits a token on its second sight within 4x its size, so a
// cycle of 2,000 would be partly served from the cache; 10,000 keeps every cache missing (checked
// per run).
export const DISTINCT = 10_000;
export const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/pets';

/** The machine a run was made on. */
export function describeMachine() {
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

/** The commit measured, marked when packages or bench have uncommitted changes. */
export function describeCommit() {
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

/**
 * One RSA-2048 and one P-256 key, their JWKS on loopback, an RFC 7662 introspection endpoint on
 * loopback, DISTINCT tokens per algorithm, and the handler's environment. Call `close()` when done.
 */
export async function createFixtures() {
  const keys = { RS256: generateKey('RS256', 'rsa-2048'), ES256: generateKey('ES256', 'ec-p256') };
  const jwks = jwksOf(keys.RS256, keys.ES256);
  // Connection: close: the timed loops block the event loop for long stretches, during which a pooled
  // keep-alive socket's server-side timeout goes overdue and the next JWKS request on it would be reset.
  const server = await startJwksServer({ kind: 'jwks', body: jwks }, { connectionClose: true });
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
  const introspection = await startIntrospectionServer();
  return {
    keys,
    jwks,
    server,
    introspection,
    audience: AUDIENCE,
    tokens,
    methodArn: METHOD_ARN,
    close: async () => {
      await introspection.close();
      await server.close();
    },
  };
}

/**
 * Each section: `(fixtures, { settings, rows, progress }) => data`. `rows` filters the throughput
 * rows (raw is always kept: every ratio is to it); `progress` receives progress lines.
 */
export const RUNNERS = {
  profile: (fx, { settings }) =>
    profileCore({
      server: fx.server,
      rsaKey: fx.keys.RS256,
      tokens: fx.tokens.RS256.distinct,
      audience: fx.audience,
      reps: settings.profileReps,
      durationMs: settings.profileMs,
    }),

  async throughput(fx, { settings, rows: only, progress }) {
    const rows = only ? ROWS.filter((r) => r.id === 'raw' || only.includes(r.id)) : ROWS;
    const cells = await buildCells(fx, rows);
    return measureCells(cells, {
      reps: settings.reps,
      durationMs: settings.durationMs,
      warmupMs: settings.warmupMs,
      onProgress: (rep, reps) => progress(`  repetition ${rep}/${reps} done`),
    });
  },

  async cold(fx, { settings }) {
    const baseline = await bundleBaseline();
    const baselineBuiltin = await bundleBaselineBuiltin();
    const handlerBundle = handlerBundlePath();
    const event = {
      type: 'TOKEN',
      authorizationToken: `Bearer ${fx.tokens.RS256.distinct[0]}`,
      methodArn: fx.methodArn,
    };
    const env = {
      PATH: process.env.PATH,
      TOKEN_ISSUER: fx.server.issuer,
      AUDIENCE: fx.audience,
      JWKS_URI: fx.server.jwksUri,
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
      {
        name: 'aws-jwt-verify-builtin',
        label: 'the same, node:http by process.getBuiltinModule',
        args: invokeOnceArgs(baselineBuiltin),
        bundle: baselineBuiltin,
      },
    ];
    const handlerBuilt = isFile(handlerBundle);
    if (handlerBuilt) {
      variants.push({
        name: 'handler',
        label: 'lambda-authorizer bundle',
        args: invokeOnceArgs(handlerBundle),
        bundle: handlerBundle,
      });
      // No JWKS_URI: the cold start finds the JWKS by OpenID discovery (one more request).
      const { JWKS_URI: _jwksUri, ...discoveryEnv } = env;
      variants.push({
        name: 'handler-discovery',
        label: 'lambda-authorizer bundle, JWKS by discovery',
        args: invokeOnceArgs(handlerBundle),
        bundle: handlerBundle,
        env: discoveryEnv,
      });
    }
    const cold = await measureColdStart({ variants, runs: settings.coldRuns, env });
    if (!handlerBuilt) {
      cold.push({
        name: 'handler',
        label: 'lambda-authorizer bundle',
        status: 'n/a',
        error: `not available yet (${handlerBundle} missing)`,
      });
    }
    return cold;
  },

  jwks: (fx, { settings }) =>
    measureJwksBehaviour({
      key: fx.keys.RS256,
      tokens: fx.tokens.RS256.distinct,
      issuer: fx.server.issuer,
      audience: fx.audience,
      floodMs: settings.floodMs,
      rotationCapMs: settings.rotationCapMs,
    }),

  async soak(fx, { settings }) {
    let distinct = fx.tokens.RS256.distinct;
    if (settings.soakTokens > distinct.length) {
      const more = mintTokens(fx.keys.RS256, {
        issuer: fx.server.issuer,
        audience: fx.audience,
        count: settings.soakTokens - distinct.length,
        tag: 'soak',
      });
      distinct = [...distinct, ...more];
    }
    // The DPoP + rules stream: the same tokens bound to a client's EC key (cnf.jkt), re-signed.
    const proofKey = generateKey('ES256', 'soak-dpop-client');
    const boundTokens = bindTokens(distinct, fx.keys.RS256, proofKey);
    return soak({
      distinctTokens: distinct,
      boundTokens,
      proofKey,
      total: settings.soakTotal,
      issuer: fx.server.issuer,
      audience: fx.audience,
      jwksUri: fx.server.jwksUri,
      methodArn: fx.methodArn,
    });
  },

  routes: (_fx, { settings }) =>
    runRouteScale({ reps: Math.min(settings.reps, 5), durationMs: Math.min(settings.durationMs, 200) }),

  log: (fx, { settings }) =>
    measureLogCost({
      key: fx.keys.RS256,
      tokens: fx.tokens.RS256.distinct,
      issuer: fx.server.issuer,
      reps: settings.reps,
      durationMs: settings.durationMs,
      warmupMs: settings.warmupMs,
      coldRuns: settings.coldRuns,
    }),
};
