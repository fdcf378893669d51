// Where authorizer-core's verify spends its time on distinct RS256 tokens: each step of the
// verifier's uncached path, run alone over the same distinct tokens, next to the whole `verify` call.
// The core's building blocks are called as they are (decodeJws from its dist; JwksCache, readScopes,
// normalizeIssuer from its internal entry; aws-jwt-verify's validateJwtFields); the header, key and
// claim checks (header-policy.ts, signature.ts, claims.ts) are restated here line for line.
import { verify as cryptoVerify } from 'node:crypto';
import { createAuthorizer } from '@jwt-authorizer/authorizer-core';
import {
  createHttpFetcher,
  JwksCache,
  normalizeIssuer,
  readScopes,
} from '@jwt-authorizer/authorizer-core/internal';
import { validateJwtFields } from 'aws-jwt-verify/jwt';
import { safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { runAsync, runSync, summarize } from './lib/measure.mjs';

const FORBIDDEN = ['jwk', 'jku', 'x5u', 'x5c', 'crit'];
const scratch = Buffer.allocUnsafeSlow(16 * 1024);

/** The core's own compact-JWS decoder (private module of its dist), or undefined if it moved. */
async function loadDecodeJws() {
  try {
    const url = new URL('jws.js', import.meta.resolve('@jwt-authorizer/authorizer-core'));
    return (await import(url.href)).decodeJws;
  } catch {
    return undefined;
  }
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
  const decodeJws = await loadDecodeJws();

  // Precomputed inputs of each step, so that each is timed alone.
  const parts = tokens.map((t) => t.split('.'));
  const texts = parts.map(([h, p]) => [
    Buffer.from(h, 'base64url').toString('utf8'),
    Buffer.from(p, 'base64url').toString('utf8'),
  ]);
  const headers = texts.map(([h]) => JSON.parse(h));
  const payloads = texts.map(([, p]) => JSON.parse(p));
  const inputs = tokens.map((t) => Buffer.from(t.slice(0, t.lastIndexOf('.')), 'latin1'));
  const signatures = parts.map(([, , s]) => Buffer.from(s, 'base64url'));
  const key = jwksCache.getCachedKey(server.jwksUri, rsaKey.kid);
  const indexes = tokens.map((_, i) => i);
  // A full result cache (1,000 entries, the default) that the distinct tokens never hit.
  const lookup = new Map();
  for (let i = 0; i < 1000; i++) lookup.set(`other-${i}`, { verified: {}, expiresAtMs: 0 });
  const seenOnce = new Set();
  const isNumber = (v) => v === undefined || Number.isFinite(v);
  const isString = (v) => v === undefined || typeof v === 'string';

  const steps = [
    ['guard: type and size cap', (i) => typeof tokens[i] === 'string' && tokens[i].length <= 8192],
    ['result cache lookup (miss)', (i) => lookup.get(tokens[i]) === undefined],
    decodeJws
      ? ['decodeJws (all of it)', (i) => decodeJws(tokens[i])]
      : ['decodeJws (not found in the core dist)', () => true],
    [
      '  of which signature: base64url decode + re-encoding compared',
      (i) => {
        const s = parts[i][2];
        const bytes = Buffer.from(s, 'base64url');
        return bytes.toString('base64url') === s && bytes;
      },
    ],
    [
      '  of which header+payload base64url -> utf8 strings',
      (i) => {
        const t = tokens[i];
        const dot1 = t.indexOf('.');
        const dot2 = t.indexOf('.', dot1 + 1);
        return (
          Buffer.from(t.slice(0, dot1), 'base64url').toString('utf8') +
          Buffer.from(t.slice(dot1 + 1, dot2), 'base64url').toString('utf8')
        );
      },
    ],
    [
      '  of which "__proto__"/"constructor"/"\\u" scans + JSON.parse x2',
      (i) => {
        const [h, p] = texts[i];
        const risky = (x) => x.includes('__proto__') || x.includes('constructor') || x.includes('\\u');
        return (risky(h) ? safeJsonParse(h) : JSON.parse(h)) && (risky(p) ? safeJsonParse(p) : JSON.parse(p));
      },
    ],
    [
      '  (safeJsonParse x2 with its reviver, for comparison)',
      (i) => safeJsonParse(texts[i][0]) && safeJsonParse(texts[i][1]),
    ],
    [
      '  of which registered-claim type checks',
      (i) => {
        const p = payloads[i];
        return (
          isNumber(p.exp) &&
          isNumber(p.nbf) &&
          isNumber(p.iat) &&
          isString(p.iss) &&
          isString(p.sub) &&
          isString(p.scope) &&
          isString(p.jti) &&
          Array.isArray(p.aud) &&
          p.aud.every((a) => typeof a === 'string')
        );
      },
    ],
    [
      'signing input: latin1 write into a reused buffer (in the signature step)',
      (i) => {
        const t = tokens[i];
        const length = t.lastIndexOf('.');
        scratch.write(t, 0, length, 'latin1');
        return scratch.subarray(0, length);
      },
    ],
    [
      'header checks: alg allowlist, kid, forbidden params',
      (i) => {
        const h = headers[i];
        if (typeof h.alg !== 'string' || !algorithms.has(h.alg)) return false;
        if (typeof h.kid !== 'string' || h.kid === '') return false;
        for (const p of FORBIDDEN) if (h[p] !== undefined) return false;
        return true;
      },
    ],
    ['issuer lookup: normalizeIssuer + Map', (i) => issuers.get(normalizeIssuer(payloads[i].iss))],
    ['key lookup: JwksCache.getCachedKey', (i) => jwksCache.getCachedKey(server.jwksUri, headers[i].kid)],
    [
      'signature: crypto.verify one-shot (RSA-2048)',
      (i) => cryptoVerify('sha256', inputs[i], key.keyObject, signatures[i]),
    ],
    [
      'claims: validateJwtFields + iat check',
      (i) => {
        const p = payloads[i];
        validateJwtFields(p, { issuer: issuerVariants, audience: audiences, graceSeconds: 0 });
        return p.iat <= Date.now() / 1000;
      },
    ],
    [
      'scopes: readScopes + frozen result',
      (i) => {
        const p = payloads[i];
        return Object.freeze({
          claims: p,
          header: Object.freeze({ alg: 'RS256', kid: rsaKey.kid }),
          issuer: server.issuer,
          scopes: Object.freeze(readScopes(p)),
        });
      },
    ],
    [
      'result cache admission: fingerprint + seen-once Set (no insert)',
      (i) => {
        // A distinct token is seen once: fingerprinted and remembered, not cached (core f86ba34).
        const t = tokens[i];
        let hash = 0x811c9dc5;
        for (let k = Math.max(0, t.length - 16); k < t.length; k++) {
          hash = Math.imul(hash ^ t.charCodeAt(k), 0x01000193);
        }
        const fingerprint = hash & 0x3fffffff;
        if (seenOnce.delete(fingerprint)) return true;
        if (seenOnce.size >= 4000) seenOnce.clear();
        seenOnce.add(fingerprint);
        return true;
      },
    ],
  ];

  const authorizer = createAuthorizer({ issuer: server.issuer, audience, jwksUri: server.jwksUri });
  await authorizer.hydrate();
  const verifyToken = (t) => authorizer.verify(t);

  // Each step is timed right next to a run of the whole call, and reported as a share of it: on a
  // shared machine the speed drifts between seconds, which pairing cancels.
  const shares = new Map(steps.map(([name]) => [name, []]));
  const whole = [];
  let start = 0;
  for (let r = 0; r < reps; r++) {
    for (const [name, fn] of steps) {
      const res = runSync(fn, indexes, 0, durationMs);
      if (res.failures > 0) throw new Error(`profile step "${name}" failed ${res.failures} times`);
      const call = await runAsync(verifyToken, tokens, start, durationMs);
      if (call.failures > 0) throw new Error(`core verify failed ${call.failures} times in the profile`);
      start = call.next;
      const callNs = (call.seconds * 1e9) / call.ops;
      whole.push(callNs);
      shares.get(name).push((res.seconds * 1e9) / res.ops / callNs);
    }
  }
  const total = summarize(whole).median;
  const rows = steps.map(([name]) => {
    const share = summarize(shares.get(name)).median;
    return { step: name, ns: share * total, share };
  });
  const counted = rows.filter((r) => !r.step.startsWith('  '));
  const sum = counted.reduce((acc, r) => acc + r.ns, 0);
  rows.push({ step: 'sum of the steps above (indented rows excluded)', ns: sum, share: sum / total });
  rows.push({ step: 'rest: async/await, GC, glue', ns: total - sum, share: (total - sum) / total });
  rows.push({ step: 'authorizer-core verify (whole call)', ns: total, share: 1 });
  return rows;
}
