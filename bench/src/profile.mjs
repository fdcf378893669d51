// Where authorizer-core's verify spends its time on distinct RS256 tokens: each step of the
// verifier's uncached path, run in isolation over the same 2,000 tokens with the same building
// blocks the core uses (aws-jwt-verify's decomposeUnverifiedJwt and validateJwtFields, the core's
// JwksCache, readScopes and normalizeIssuer), next to the whole `verify` call. The header, signature
// and key checks are private to the core; they are restated here line for line from verifier.ts.
import { verify as cryptoVerify } from 'node:crypto';
import {
  createAuthorizer,
  createHttpFetcher,
  JwksCache,
  normalizeIssuer,
  readScopes,
} from '@jwt-authorizer/authorizer-core';
import { decomposeUnverifiedJwt, validateJwtFields } from 'aws-jwt-verify/jwt';
import { safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { runAsync, runSync, summarize } from './lib/measure.mjs';

const FORBIDDEN = ['jwk', 'jku', 'x5u', 'x5c', 'crit'];
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const JWT_REGEX = /^[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]+={0,2}$/;

function decodeSignature(signatureB64) {
  const rest = signatureB64.length % 4;
  const last = B64URL.indexOf(signatureB64.charAt(signatureB64.length - 1));
  if (rest === 1 || (rest === 2 && (last & 0x0f) !== 0) || (rest === 3 && (last & 0x03) !== 0)) {
    throw new Error('not canonical');
  }
  return Buffer.from(signatureB64, 'base64url');
}

/**
 * Profiles the core's verify for distinct RS256 tokens. Returns the steps with their median cost in
 * nanoseconds per token and their share of the whole call.
 */
export async function profileCore({ server, rsaKey, tokens, audience, reps, durationMs }) {
  const jwksCache = new JwksCache({ fetcher: createHttpFetcher() });
  await jwksCache.refresh(server.jwksUri);
  const issuers = new Map([[normalizeIssuer(server.issuer), { jwksUri: server.jwksUri }]]);
  const algorithms = new Set(['RS256']);
  const issuerVariants = [server.issuer, normalizeIssuer(server.issuer)];
  const audiences = [audience];

  // Precomputed inputs of each step, so each is timed alone.
  const decomposed = tokens.map((t) => decomposeUnverifiedJwt(t));
  const parts = tokens.map((t) => t.split('.'));
  const strings = parts.map(([h, p]) => [
    Buffer.from(h, 'base64').toString(),
    Buffer.from(p, 'base64').toString(),
  ]);
  const signatures = decomposed.map((d) => decodeSignature(d.signatureB64));
  const inputs = tokens.map((t, i) =>
    Buffer.from(t.slice(0, t.length - decomposed[i].signatureB64.length - 1), 'latin1'),
  );
  const key = jwksCache.getCachedKey(server.jwksUri, rsaKey.kid);
  const indexes = tokens.map((_, i) => i);
  // Two maps of 1,000 entries (the default cache size): one only looked up, one only written.
  const lookup = new Map();
  const lru = new Map();
  for (let i = 0; i < 1000; i++) {
    lookup.set(`other-${i}`, { verified: {}, expiresAtMs: 0 });
    lru.set(`other-${i}`, { verified: {}, expiresAtMs: 0 });
  }

  const steps = [
    [
      'guard: type, size cap, "=" padding scan',
      (i) => typeof tokens[i] === 'string' && tokens[i].length <= 8192 && !tokens[i].includes('='),
    ],
    ['result cache lookup (miss)', (i) => lookup.get(tokens[i]) === undefined],
    ['decomposeUnverifiedJwt (all of it)', (i) => decomposeUnverifiedJwt(tokens[i])],
    ['  of which JWT_REGEX test', (i) => JWT_REGEX.test(tokens[i])],
    [
      '  of which split + 2 base64 decodes',
      (i) => {
        const [h, p] = tokens[i].split('.');
        return (
          Buffer.from(h, 'base64').toString('utf8').length + Buffer.from(p, 'base64').toString('utf8').length
        );
      },
    ],
    [
      '  of which safeJsonParse x2 (reviver)',
      (i) => safeJsonParse(strings[i][0]) && safeJsonParse(strings[i][1]),
    ],
    [
      '  (plain JSON.parse x2, for comparison)',
      (i) => JSON.parse(strings[i][0]) && JSON.parse(strings[i][1]),
    ],
    [
      'header checks: alg allowlist, kid, forbidden params',
      (i) => {
        const h = decomposed[i].header;
        if (typeof h.alg !== 'string' || !algorithms.has(h.alg)) return false;
        if (typeof h.kid !== 'string' || h.kid === '') return false;
        for (const p of FORBIDDEN) if (h[p] !== undefined) return false;
        return true;
      },
    ],
    ['issuer lookup: normalizeIssuer + Map', (i) => issuers.get(normalizeIssuer(decomposed[i].payload.iss))],
    ['signature decode: canonical check + base64url', (i) => decodeSignature(decomposed[i].signatureB64)],
    [
      'key lookup: JwksCache.getCachedKey',
      (i) => jwksCache.getCachedKey(server.jwksUri, decomposed[i].header.kid),
    ],
    [
      'signing input: slice + Buffer latin1',
      (i) => {
        const t = tokens[i];
        return Buffer.from(t.slice(0, t.length - decomposed[i].signatureB64.length - 1), 'latin1');
      },
    ],
    [
      'signature: crypto.verify one-shot (RSA-2048)',
      (i) => cryptoVerify('sha256', inputs[i], key.keyObject, signatures[i]),
    ],
    [
      'claims: validateJwtFields + iat check',
      (i) => {
        const p = decomposed[i].payload;
        validateJwtFields(p, { issuer: issuerVariants, audience: audiences, graceSeconds: 0 });
        return p.iat <= Date.now() / 1000;
      },
    ],
    [
      'scopes: readScopes + freeze result',
      (i) => {
        const p = decomposed[i].payload;
        return { claims: p, header: { alg: 'RS256', kid: rsaKey.kid }, scopes: Object.freeze(readScopes(p)) };
      },
    ],
    [
      'result cache insert: evict oldest + set',
      (i) => {
        lru.delete(lru.keys().next().value);
        lru.set(tokens[i], { verified: decomposed[i], expiresAtMs: 1 });
        return true;
      },
    ],
  ];

  const authorizer = createAuthorizer({ issuer: server.issuer, audience, jwksUri: server.jwksUri });
  await authorizer.hydrate();
  const verifyToken = (t) => authorizer.verify(t);

  const samples = new Map(steps.map(([name]) => [name, []]));
  const whole = [];
  let start = 0;
  for (let r = 0; r < reps; r++) {
    for (const [name, fn] of steps) {
      const res = runSync(fn, indexes, 0, durationMs);
      if (res.failures > 0) throw new Error(`profile step "${name}" failed ${res.failures} times`);
      samples.get(name).push((res.seconds * 1e9) / res.ops);
    }
    const res = await runAsync(verifyToken, tokens, start, durationMs * 2);
    if (res.failures > 0) throw new Error(`core verify failed ${res.failures} times in the profile`);
    start = res.next;
    whole.push((res.seconds * 1e9) / res.ops);
  }
  const total = summarize(whole).median;
  const rows = steps.map(([name]) => {
    const ns = summarize(samples.get(name)).median;
    return { step: name, ns, share: ns / total };
  });
  const counted = rows.filter((r) => !r.step.startsWith('  '));
  const sum = counted.reduce((acc, r) => acc + r.ns, 0);
  rows.push({ step: 'sum of the steps above', ns: sum, share: sum / total });
  rows.push({
    step: 'rest: async/await, error wrapping, glue',
    ns: total - sum,
    share: (total - sum) / total,
  });
  rows.push({ step: 'authorizer-core verify (whole call)', ns: total, share: 1 });
  return rows;
}

export function formatProfile(rows) {
  const lines = [];
  const width = Math.max(...rows.map((r) => r.step.length));
  lines.push(`${'step'.padEnd(width)}  ${'ns/token'.padStart(9)}  ${'share'.padStart(6)}`);
  for (const r of rows) {
    lines.push(
      `${r.step.padEnd(width)}  ${r.ns.toFixed(0).padStart(9)}  ${`${(r.share * 100).toFixed(1)}%`.padStart(6)}`,
    );
  }
  return lines.join('\n');
}
