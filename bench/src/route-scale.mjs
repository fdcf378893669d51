// How cost grows with the API: for 10, 100 and 1,000 route rules (scopes only, and scopes with claim
// conditions), the rule compilation at cold start (building the authorizer), the route decision and
// api-mode policy per request, and the size of the api-mode IAM answer and of the simple answer.
// Section `routes` of `pnpm bench`; alone: node --expose-gc src/route-scale.mjs [--quick]
import { createPublicKey, verify as cryptoVerify, sign } from 'node:crypto';
import { createAuthorizer } from '@jwt-authorizer/authorizer-core';
import { generateKey } from './lib/fixtures.mjs';
import { renderMarkdown } from './lib/format.mjs';
import { gc, median, runSync } from './lib/measure.mjs';

export const SIZES = [10, 100, 1000];
const VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ANY'];
const ARN_PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/';

/** `count` rules over distinct resources; every seventh is `ANY` (seven Allow resources). */
export function routeTable(count, withClaims) {
  const routes = {};
  for (let i = 0; i < count; i++) {
    const verb = VERBS[i % VERBS.length];
    const rule = { scopes: i % 3 === 0 ? { anyOf: ['read:pets', 'admin'] } : ['read:pets'] };
    if (withClaims) {
      rule.claims =
        i % 2 === 0
          ? { azp: { oneOf: ['bench-client-id', 'other-client'] }, '/aud/0': 'bench-api' }
          : { 'cognito:groups': { containsAny: ['vets', 'admins'] } };
    }
    routes[`${verb} /service${i % 17}/resource${i}/{id}`] = rule;
  }
  return routes;
}

const claims = {
  iss: 'https://issuer.example.com/',
  sub: 'user-0001',
  aud: ['bench-api'],
  azp: 'bench-client-id',
  scope: 'openid read:pets',
  'cognito:groups': ['vets'],
  exp: 2_000_000_000,
};
const verified = Object.freeze({
  claims,
  header: { alg: 'RS256', kid: 'k1' },
  issuer: claims.iss,
  scopes: ['openid', 'read:pets'],
  droppedScopes: 0,
  context: { sub: claims.sub, scope: claims.scope },
});

function build(routes) {
  return createAuthorizer({
    issuer: claims.iss,
    audience: 'bench-api',
    jwksUri: 'https://issuer.example.com/.well-known/jwks.json',
    routes,
  });
}

function rawVerifyUs(durationMs) {
  const key = generateKey('RS256', 'k1');
  const publicKey = createPublicKey({ key: key.jwk, format: 'jwk' });
  const data = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0');
  const signature = sign('sha256', data, key.privateKey);
  const run = runSync(() => cryptoVerify('sha256', data, publicKey, signature), [0], 0, durationMs);
  return (run.seconds * 1e6) / run.ops;
}

function measure(count, withClaims, reps, durationMs) {
  const routes = routeTable(count, withClaims);
  const compileMs = [];
  let authorizer;
  for (let r = 0; r < reps; r++) {
    gc();
    const t0 = performance.now();
    authorizer = build(routes);
    compileMs.push(performance.now() - t0);
  }
  // One matched and one unmatched route: the policy names every rule for either; from 32 rules on,
  // the decision tests only the rules its index files along the path's segments.
  const arns = [`${ARN_PREFIX}GET/service0/resource0/42`, `${ARN_PREFIX}GET/nowhere/7`];
  const first = authorizer.authorize(verified, arns[0]);
  const iamBytes = Buffer.byteLength(JSON.stringify(first.result));
  const simpleBytes = Buffer.byteLength(JSON.stringify(authorizer.authorizeSimple(verified, arns[0]).result));
  const statements = first.result.policyDocument.Statement.reduce((n, s) => n + s.Resource.length, 0);
  const evalUs = [];
  const simpleUs = [];
  for (let r = 0; r < reps; r++) {
    gc();
    const a = runSync((arn) => authorizer.authorize(verified, arn).result, arns, r, durationMs);
    evalUs.push((a.seconds * 1e6) / a.ops);
    const s = runSync((arn) => authorizer.authorizeSimple(verified, arn).result, arns, r, durationMs);
    simpleUs.push((s.seconds * 1e6) / s.ops);
  }
  return {
    rules: count,
    claims: withClaims,
    compileMs: median(compileMs),
    authorizeUs: median(evalUs),
    simpleUs: median(simpleUs),
    iamBytes,
    resources: statements,
    simpleBytes,
  };
}

/** Every size with and without claim conditions; `reps` medians of `durationMs` CPU-time loops. */
export async function runRouteScale({ reps, durationMs }) {
  const rawUs = rawVerifyUs(durationMs);
  const rows = [];
  for (const withClaims of [false, true]) {
    for (const count of SIZES) rows.push(measure(count, withClaims, reps, durationMs));
  }
  return { rawUs, rows };
}

export const ROUTE_HEADER = [
  'rules',
  'claim conditions',
  'compile (ms)',
  'authorize, api-mode policy (us)',
  'x raw verify',
  'authorizeSimple (us)',
  'IAM answer (bytes)',
  'policy resources',
  'simple answer (bytes)',
];

export function routeRows({ rawUs, rows }) {
  return rows.map((r) => [
    String(r.rules),
    r.claims ? 'yes' : 'no',
    r.compileMs.toFixed(2),
    r.authorizeUs.toFixed(1),
    `${(r.authorizeUs / rawUs).toFixed(2)}x`,
    r.simpleUs.toFixed(2),
    String(r.iamBytes),
    String(r.resources),
    String(r.simpleBytes),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const data = await runRouteScale(quick ? { reps: 3, durationMs: 150 } : { reps: 7, durationMs: 400 });
  console.log(`raw RS256 crypto.verify: ${data.rawUs.toFixed(1)} us per call (ratios below are to it)\n`);
  console.log(renderMarkdown(ROUTE_HEADER, routeRows(data)));
}
