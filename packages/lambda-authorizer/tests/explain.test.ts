import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  nowSeconds,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthorizer } from '../../authorizer-core/src/index.js';
import { explainRoute, explainToken } from '../../authorizer-core/src/internal.js';
import { EXPLAIN_SCHEMA, PLACEHOLDER_STAGE, routeToArn, runExplain } from '../scripts/explain.mjs';
import { httpApiEvent, PACKAGE_DIR, requestEvent, STAGE_ARN, tokenEvent } from './helpers/index.js';

// `explain` in-process, with a project folder holding the .env, and an empty repository root so a
// developer's own .env files are never read.
const AUDIENCE = 'https://api.example.com';
const ROUTES = '{"GET /pets":["read:pets"],"DELETE /pets/{id}":["admin"],"GET /pets/{id}":["read:pets"]}';
const rsa = generateTestKey('RS256', 'rsa-1');
const ec = generateTestKey('ES256', 'ec-1');
const bare = generateTestKey('RS256', 'rsa-bare');
const { alg: _alg, ...bareJwk } = bare.jwk;
const SECRET_SUB = 'user-secret-7f3a';
const SECRET_EMAIL = 'jane.doe@private.example';
let server: JwksServer;
let project: string;
let emptyRoot: string;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: { keys: [rsa.jwk, ec.jwk, bareJwk] } });
});
afterAll(() => server.close());
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'authorizer-explain-'));
  emptyRoot = mkdtempSync(join(tmpdir(), 'authorizer-explain-root-'));
  writeDotenv();
});
afterEach(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(emptyRoot, { recursive: true, force: true });
});

function writeDotenv(extra = '') {
  writeFileSync(
    join(project, '.env'),
    `TOKEN_ISSUER=${server.issuer}\nAUDIENCE=${AUDIENCE}\nJWT_ALGORITHMS=RS256,ES256\nJWT_ROUTES=${ROUTES}\n${extra}`,
  );
}

const now = nowSeconds();
function mint(key = rsa, options: Parameters<ReturnType<typeof createMinter>>[1] = {}) {
  return createMinter(server.issuer, AUDIENCE)(key, {
    ...options,
    claims: { sub: SECRET_SUB, email: SECRET_EMAIL, ...options.claims },
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function explain(argv: string[], stdin?: string, env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runExplain({
    argv: [...argv, '--env-file', '.env'],
    env,
    cwd: project,
    stdinIsTTY: stdin === undefined,
    readStdin: async () => stdin ?? '',
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    repoRoot: emptyRoot,
  });
  return { code, stdout, stderr };
}

function line(run: Run, check: string): string {
  const found = run.stdout.split('\n').find((text) => new RegExp(`^  . ${check} `).test(text));
  if (found === undefined) throw new Error(`no ${check} line in:\n${run.stdout}`);
  return found.replace(/\s+/g, ' ').trim();
}

describe('explain: one line per check, passing and failing', () => {
  it('passes every check of a good token, names the key and where it came from, and exits 0', async () => {
    const run = await explain([], mint());
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`.env: read ${join(project, '.env')}`);
    expect(line(run, 'alg')).toBe('✓ alg expected one of RS256, ES256, token has RS256');
    expect(line(run, 'kid')).toBe('✓ kid expected present, token has rsa-1');
    expect(line(run, 'iss')).toBe(`✓ iss token has ${server.issuer}, configured ${server.issuer}, accepted`);
    expect(line(run, 'key')).toBe(
      `✓ key kid rsa-1, kty RSA, alg RS256, from OpenID discovery ${server.jwksUri}`,
    );
    expect(line(run, 'key-type')).toBe('✓ key-type expected a key for RS256, token has RSA RS256');
    expect(line(run, 'signature')).toBe('✓ signature verified with kid rsa-1');
    expect(line(run, 'exp')).toMatch(
      /^✓ exp \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, in 60 min \(expected in the future\)$/,
    );
    expect(line(run, 'aud')).toBe(`✓ aud expected ${AUDIENCE}, token has ${AUDIENCE}`);
    expect(run.stdout).toContain('scopes the rules name that the token has: read:pets');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('Decision: allowed [OK]');
  });

  it('an expired token: exp with its time and how long ago, TOKEN_EXPIRED, 401, exit 1', async () => {
    const run = await explain([], mint(rsa, { claims: { exp: now - 720 } }));
    expect(run.code).toBe(1);
    expect(line(run, 'exp')).toBe(
      `✗ exp ${new Date((now - 720) * 1000).toISOString().replace('.000', '')}, 12 min ago (expected in the future) [TOKEN_EXPIRED]`,
    );
    expect(run.stdout).toContain('Decision: refused [TOKEN_EXPIRED]; API Gateway answers 401 Unauthorized');
  });

  it('a token not yet valid: nbf, TOKEN_NOT_YET_VALID', async () => {
    const run = await explain([], mint(rsa, { claims: { nbf: now + 600 } }));
    expect(line(run, 'nbf')).toMatch(
      /^✗ nbf \S+Z, in 10 min \(expected in the past\) \[TOKEN_NOT_YET_VALID\]$/,
    );
  });

  it('a wrong audience: expected and actual', async () => {
    const run = await explain([], mint(rsa, { claims: { aud: 'https://api.example.org' } }));
    expect(line(run, 'aud')).toBe(
      `✗ aud expected ${AUDIENCE}, token has https://api.example.org [AUDIENCE_INVALID]`,
    );
  });

  it('an issuer differing by the trailing slash is accepted, and says so', async () => {
    const run = await explain([], mint(rsa, { claims: { iss: server.origin } }));
    expect(run.code).toBe(0);
    expect(line(run, 'iss')).toBe(
      `✓ iss token has ${server.origin}, configured ${server.issuer}, accepted (trailing slash)`,
    );
  });

  it('an issuer on another host: refused, and the later checks still run, marked', async () => {
    const run = await explain([], mint(rsa, { claims: { iss: 'https://evil.example.com/', exp: now - 60 } }));
    expect(line(run, 'iss')).toBe(
      `✗ iss expected ${server.issuer}, token has https://evil.example.com/; not a configured issuer (different host) [ISSUER_INVALID]`,
    );
    expect(line(run, 'exp')).toMatch(/\[TOKEN_EXPIRED\] \(after the first failure\)$/);
    expect(line(run, 'signature')).toBe('✓ signature verified with kid rsa-1 (after the first failure)');
    expect(run.stdout).toContain('Decision: refused [ISSUER_INVALID]');
  });

  it('an unknown kid: the JWKS it looked in', async () => {
    const run = await explain([], mint(rsa, { header: { kid: 'gone' } }));
    expect(line(run, 'key')).toBe(
      `✗ key expected a kid of ${server.jwksUri}, token has kid gone; The token names a key that is not in the JWKS [KID_UNKNOWN]`,
    );
    expect(line(run, 'signature')).toBe('- signature not run; no key (after the first failure)');
  });

  it('a wrong algorithm: the allowed ones', async () => {
    const run = await explain([], mint(rsa, { header: { alg: 'RS384' } }));
    expect(line(run, 'alg')).toBe('✗ alg expected one of RS256, ES256, token has RS384 [ALG_NOT_ALLOWED]');
  });

  it('a key type that does not fit the algorithm', async () => {
    const run = await explain([], mint(ec, { header: { kid: 'rsa-bare' } }));
    expect(line(run, 'key-type')).toBe(
      '✗ key-type expected a key for ES256, token has RSA; The JWK "rsa-bare" (RSA) does not fit ES256 [KEY_UNUSABLE]',
    );
  });

  it('a missing scope: the route, its rule, the policy and 403', async () => {
    const run = await explain(['--route', 'DELETE /pets/42'], mint());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      [
        'Route DELETE /pets/42',
        '  rules: DELETE /pets/{id}',
        '  decision: refused: missing scope admin [INSUFFICIENT_SCOPE]',
        '  policy:',
      ].join('\n'),
    );
    expect(run.stdout).toContain(
      '      Deny  arn:aws:execute-api:us-east-1:000000000000:api/stage/DELETE/pets/*',
    );
    expect(run.stdout).toContain('  API Gateway answers: 403 Forbidden');
    expect(run.stdout).toContain('Decision: refused [INSUFFICIENT_SCOPE]; API Gateway answers 403 Forbidden');
  });

  it('a route no rule matches: ROUTE_NOT_ALLOWED', async () => {
    const run = await explain(['--route', 'GET /unknown'], mint());
    expect(run.stdout).toContain('  rules: none match\n  decision: refused [ROUTE_NOT_ALLOWED]');
    expect(run.code).toBe(1);
  });
});

describe('explain: token types and claim rules', () => {
  const RULES = '{"GET /pets":["read:pets"],"GET /vets":{"claims":{"groups":{"containsAny":["vets"]}}}}';

  it('a required claim failing its condition: the claim named and its value, CLAIM_INVALID', async () => {
    writeFileSync(
      join(project, '.env'),
      `TOKEN_ISSUER=${server.issuer}\nAUDIENCE=${AUDIENCE}\nJWT_REQUIRED_CLAIMS={"claims":{"email_verified":true}}\n`,
    );
    const refused = await explain([], mint(rsa, { claims: { email_verified: false } }));
    expect(line(refused, 'required-claim')).toBe(
      '✗ required-claim expected email_verified meeting its condition, token has email_verified = false [CLAIM_INVALID]',
    );
    expect(refused.stdout).toContain('Decision: refused [CLAIM_INVALID]');
    const accepted = await explain([], mint(rsa, { claims: { email_verified: true } }));
    expect(line(accepted, 'required-claim')).toBe(
      '✓ required-claim expected email_verified meeting its condition, token has email_verified = true',
    );
  });

  it('an ID token: the typ line, TOKEN_TYPE_INVALID', async () => {
    const run = await explain([], mint(rsa, { header: { typ: 'id_token+jwt' } }));
    expect(line(run, 'typ')).toBe(
      '✗ typ expected an access token (no ID, logout, DPoP proof or other non-access typ), token has typ id_token+jwt [TOKEN_TYPE_INVALID]',
    );
    const good = await explain([], mint());
    expect(line(good, 'typ')).toMatch(/^✓ typ .*token has typ JWT$/);
  });

  it('a route whose claim condition the token fails: the claim, its value, CLAIM_MISMATCH, 403', async () => {
    writeFileSync(
      join(project, '.env'),
      `TOKEN_ISSUER=${server.issuer}\nAUDIENCE=${AUDIENCE}\nJWT_ROUTES=${RULES}\n`,
    );
    const run = await explain(['--route', 'GET /vets'], mint(rsa, { claims: { groups: ['owners'] } }));
    expect(run.stdout).toContain(
      [
        'Route GET /vets',
        '  rules: GET /vets',
        '  claim groups (named in the rules): ["owners"]',
        '  decision: refused: the token fails the condition on groups [CLAIM_MISMATCH]',
      ].join('\n'),
    );
    expect(run.stdout).toContain('Decision: refused [CLAIM_MISMATCH]; API Gateway answers 403 Forbidden');
    // Claims no rule names stay out.
    expect(run.stdout).not.toContain(SECRET_EMAIL);
  });
});

describe('explain --routes', () => {
  it('answers every configured route and says which a cached policy covers (method mode: the classic bug)', async () => {
    writeDotenv('JWT_POLICY_MODE=method\n');
    const run = await explain(['--routes', '--route', 'GET /pets'], mint());
    expect(run.stdout).toContain(
      [
        '  Route              Answer                  Cached from GET /pets',
        '  GET /pets          200                     200 covered',
        '  DELETE /pets/{id}  403 INSUFFICIENT_SCOPE  403 covered',
        '  GET /pets/{id}     200                     403 NOT covered: differs from a fresh call',
      ].join('\n'),
    );
  });

  it('in api mode the cached policy covers every route', async () => {
    const run = await explain(['--routes'], mint(), {});
    expect(run.stdout).not.toContain('NOT covered');
    expect(run.stdout).toContain('  GET /pets/{id}     200                     200 covered');
  });
});

describe('explain --offline', () => {
  it('fetches nothing and reports the key and the signature as not checked', async () => {
    writeDotenv(`JWKS_URI=${server.jwksUri}\n`);
    const before = server.requests;
    const run = await explain(['--offline'], mint());
    expect(server.requests).toBe(before);
    expect(line(run, 'key')).toBe('○ key not checked; kid rsa-1; offline: the JWKS is not fetched');
    expect(line(run, 'signature')).toBe('○ signature not checked; offline');
    expect(run.stdout).toContain('Decision: allowed [OK] (signature not checked: offline)');
    expect(run.code).toBe(0);
    const expired = await explain(['--offline'], mint(rsa, { claims: { exp: now - 60 } }));
    expect(expired.code).toBe(1);
    expect(server.requests).toBe(before);
  });
});

describe('explain with a static JWKS file', () => {
  it('checks the signature offline and says the key came from the static JWKS', async () => {
    writeFileSync(join(project, 'jwks.json'), JSON.stringify({ keys: [rsa.jwk] }));
    writeFileSync(
      join(project, 'authorizer.json'),
      JSON.stringify({ issuers: [{ issuer: server.issuer, audience: AUDIENCE, jwksFile: 'jwks.json' }] }),
    );
    writeFileSync(join(project, '.env'), 'JWT_CONFIG_FILE=authorizer.json\n');
    const before = server.requests;
    const run = await explain(['--offline'], mint());
    expect(line(run, 'key')).toBe(
      '✓ key kid rsa-1, kty RSA, alg RS256, from the static JWKS (jwks or jwksFile setting)',
    );
    expect(line(run, 'signature')).toBe('✓ signature verified with kid rsa-1');
    expect(run.stdout).toContain('Decision: allowed [OK]\n');
    expect(server.requests).toBe(before);
  });
});

describe('explain --json', () => {
  const CHECK_KEYS = ['actual', 'afterFailure', 'check', 'code', 'expected', 'note', 'status'];

  it('prints one document of the documented schema', async () => {
    const run = await explain(['--json', '--route', 'DELETE /pets/1', '--routes'], mint());
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(Object.keys(doc).sort()).toEqual(
      ['checks', 'claims', 'decision', 'envFile', 'key', 'route', 'routes', 'schema', 'scopesInRules'].sort(),
    );
    expect(doc.schema).toBe(EXPLAIN_SCHEMA);
    expect(doc.decision).toEqual({
      allowed: false,
      code: 'INSUFFICIENT_SCOPE',
      status: 403,
      signatureChecked: true,
    });
    for (const check of doc.checks) {
      expect(Object.keys(check).sort()).toEqual(CHECK_KEYS);
      expect(['pass', 'fail', 'skipped', 'not-checked']).toContain(check.status);
      expect(typeof check.afterFailure).toBe('boolean');
    }
    expect(doc.key).toEqual({
      kid: 'rsa-1',
      kty: 'RSA',
      alg: 'RS256',
      source: 'discovery',
      jwksUri: server.jwksUri,
    });
    expect(doc.route).toMatchObject({ code: 'INSUFFICIENT_SCOPE', missingScopes: ['admin'], status: 403 });
    expect(Object.keys(doc.route).sort()).toEqual(
      [
        'methodArn',
        'method',
        'resourcePath',
        'rules',
        'code',
        'allowed',
        'missingScopes',
        'failedClaims',
        'ruleClaims',
        'policy',
        'isAuthorized',
        'status',
      ].sort(),
    );
    expect(Object.keys(doc.routes[0]).sort()).toEqual(
      [...Object.keys(doc.route), 'route', 'cachedStatus', 'coveredByCache'].sort(),
    );
    expect(doc.route.policy.Version).toBe('2012-10-17');
    expect(doc.routes).toHaveLength(3);
    expect(doc.claims).toBeNull();
    expect(doc.scopesInRules).toEqual(['read:pets']);
  });

  it('has null route, routes and key when they do not apply', async () => {
    const doc = JSON.parse((await explain(['--json', '--offline'], mint())).stdout);
    expect({ route: doc.route, routes: doc.routes, key: doc.key }).toEqual({
      route: null,
      routes: null,
      key: null,
    });
    expect(doc.decision).toEqual({ allowed: true, code: 'OK', status: null, signatureChecked: false });
  });
});

describe('explain never prints the token, its signature or unrequested claims', () => {
  it('in every output form, for good and bad tokens', async () => {
    const tokens = [mint(), mint(rsa, { claims: { exp: now - 5 } }), mint(rsa, { header: { kid: 'gone' } })];
    for (const token of tokens) {
      const signature = token.split('.')[2] as string;
      for (const args of [
        [],
        ['--json'],
        ['--routes', '--route', 'GET /pets'],
        ['--json', '--routes'],
        ['--offline'],
      ]) {
        const run = await explain(args, token);
        const output = run.stdout + run.stderr;
        expect(output).not.toContain(signature);
        expect(output).not.toContain(token.split('.')[1] as string);
        expect(output).not.toContain(SECRET_SUB);
        expect(output).not.toContain(SECRET_EMAIL);
      }
    }
  });

  it('escapes line breaks and terminal escapes a token carries in the values it shows', async () => {
    const hostile = 'x\ny\u001b[2J\u2028z';
    const run = await explain([], mint(rsa, { header: { kid: hostile }, claims: { aud: hostile } }));
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).not.toContain('\u2028');
    expect(line(run, 'kid')).toBe('✓ kid expected present, token has x\\u000ay\\u001b[2J\\u2028z');
    expect(line(run, 'aud')).toContain('token has x\\u000ay\\u001b[2J\\u2028z');
    for (const text of run.stdout.split('\n').filter((l) => l.startsWith('  '))) {
      expect(text).toMatch(/^ {2}([✓✗○-] |scopes|Route|rules|decision|policy|API| {4})/);
    }
  });

  it('prints the claims with --show-claims, and still not the signature', async () => {
    const token = mint();
    const run = await explain(['--show-claims'], token);
    expect(run.stdout).toContain(SECRET_EMAIL);
    expect(run.stdout).not.toContain(token.split('.')[2] as string);
  });
});

describe('explain: input and usage', () => {
  it('takes the token as an argument, or from a test event with its methodArn', async () => {
    const token = mint();
    expect((await explain([token])).code).toBe(0);
    writeFileSync(
      join(project, 'event.json'),
      JSON.stringify(tokenEvent(`Bearer ${token}`, `${STAGE_ARN}/DELETE/pets/9`)),
    );
    const run = await explain(['--event', 'event.json']);
    expect(run.stdout).toContain('Route DELETE /pets/9');
    expect(run.stdout).toContain(`      Deny  ${STAGE_ARN}/DELETE/pets/*`);
    expect(run.code).toBe(1);
  });

  it('explains the route of --method-arn in its own stage, and refuses an ARN that is none, exit 2', async () => {
    const run = await explain(['--method-arn', `${STAGE_ARN}/GET/pets/7`], mint());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Route GET /pets/7\n  rules: GET /pets/{id}\n  decision: allowed\n');
    expect(run.stdout).toContain(`      Allow ${STAGE_ARN}/GET/pets/*`);
    expect(run.stdout).toContain(
      'Decision: allowed [OK]; API Gateway answers 200 (the request goes through)',
    );
    const bad = await explain(['--method-arn', 'arn:aws:s3:::bucket'], mint());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*\n$/);
  });

  it('refuses --route with an event whose methodArn is malformed, in one line, exit 2', async () => {
    writeFileSync(join(project, 'event.json'), JSON.stringify(tokenEvent(`Bearer ${mint()}`, 'not-an-arn')));
    const run = await explain(['--event', 'event.json', '--route', 'GET /pets']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(/^error: /);
  });

  it('refuses a REQUEST event when JWT_TOKEN_SOURCE reads the token elsewhere, exit 2', async () => {
    writeDotenv('JWT_TOKEN_SOURCE=query:token\n');
    writeFileSync(
      join(project, 'event.json'),
      JSON.stringify(requestEvent({ headers: { Authorization: `Bearer ${mint()}` } })),
    );
    const run = await explain(['--event', 'event.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "error: JWT_TOKEN_SOURCE is query:token: explain --event reads a REQUEST event's token from the Authorization header only; give the token on stdin instead\n",
    );
    writeDotenv();
    expect((await explain(['--event', 'event.json'])).code).toBe(0);
  });

  it('takes a whole Authorization value on stdin, Bearer and all', async () => {
    const run = await explain([], `Bearer ${mint()}\n`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Decision: allowed [OK]');
  });

  it('answers an HTTP API event with the simple response the handler gives', async () => {
    writeFileSync(
      join(project, 'event.json'),
      JSON.stringify(httpApiEvent({ headers: { authorization: `Bearer ${mint()}` } })),
    );
    const run = await explain(['--event', 'event.json']);
    expect(run.stdout).toContain('  simple answer: {"isAuthorized":true}\n  API Gateway answers: 200');
  });

  it('answers a refused token of an HTTP API event with simple responses as the handler does: 403', async () => {
    const token = mint(rsa, { claims: { exp: now - 5 } });
    writeFileSync(
      join(project, 'event.json'),
      JSON.stringify(httpApiEvent({ headers: { authorization: `Bearer ${token}` } })),
    );
    const run = await explain(['--event', 'event.json']);
    expect(run.stdout).toContain(
      '  simple answer: {"isAuthorized":false}\n  API Gateway answers: 403 Forbidden',
    );
    expect(run.stdout).toContain('Decision: refused [TOKEN_EXPIRED]; API Gateway answers 403 Forbidden');
  });

  it('reads a malformed Authorization value of an event as the handler does', async () => {
    writeFileSync(join(project, 'event.json'), JSON.stringify(tokenEvent(`Basic ${mint()}`)));
    const run = await explain(['--event', 'event.json']);
    expect(line(run, 'bearer')).toMatch(/^✗ bearer .* \[SCHEME_INVALID\]$/);
    expect(run.code).toBe(1);
  });

  it('refuses an unknown flag in one line with the closest one, exit 2', async () => {
    const run = await explain(['--rout', 'GET /pets'], mint());
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: Unknown option --rout for explain: did you mean --route? (see `explain --help`)\n',
    });
  });

  it('asks for the token on stdin when none is given at a terminal, exit 2', async () => {
    const run = await explain([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: no token: pipe it on stdin/);
  });

  it('names the setting at fault, exit 2', async () => {
    writeFileSync(join(project, '.env'), `TOKEN_ISSUER=${server.issuer}\n`);
    const run = await explain([], mint());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: .*AUDIENCE/);
  });

  it('refuses a malformed --route, and two tokens, exit 2', async () => {
    expect((await explain(['--route', 'pets'], mint())).code).toBe(2);
    expect((await explain([mint(), mint()])).stderr).toMatch(/one TOKEN argument/);
  });
});

describe('explain as a process', () => {
  function spawnWithStdin(script: string[], input: string): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--', ...script, '--env-file', '.env'], {
        cwd: project,
        env: { PATH: process.env.PATH },
        stdio: 'pipe',
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(input);
    });
  }

  it('reads the token from stdin (scripts/explain.mjs) and exits 1 for a refused one', async () => {
    const run = await spawnWithStdin(
      [join(PACKAGE_DIR, 'scripts', 'explain.mjs')],
      `${mint(rsa, { claims: { exp: now - 5 } })}\n`,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('[TOKEN_EXPIRED]');
  });

  it('runs as the package bin: jwt-authorizer explain, token on stdin, exit 0', async () => {
    const run = await spawnWithStdin([join(PACKAGE_DIR, 'scripts', 'jwt-authorizer.mjs'), 'explain'], mint());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Decision: allowed [OK]');
  });

  it('the bin refuses an unknown command, exit 2', async () => {
    const run = await spawnWithStdin([join(PACKAGE_DIR, 'scripts', 'jwt-authorizer.mjs'), 'explian'], '');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: Unknown command 'explian': known commands: explain\n");
  });
});

describe('--route with hostile paths', () => {
  const PIECES = [
    'pets',
    '/',
    '42',
    '\n',
    '\r',
    '\t',
    '\u2028',
    '\u2029',
    '%0A',
    '%2F',
    '*',
    '?',
    'ü',
    '🔑',
    '{id}',
    ' ',
  ];
  const path = fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((parts) => parts.join(''));

  it('puts the path into the ARN verbatim, and the explanation agrees with the authorizer on it', async () => {
    const authorizer = createAuthorizer({
      issuer: server.issuer,
      audience: AUDIENCE,
      routes: { 'GET /pets/{id}': ['read:pets'], 'DELETE /pets/{id}': ['admin'], 'ANY /public/*': [] },
      unmatchedRoutes: 'allow',
    });
    const token = mint();
    const explanation = await explainToken(authorizer.options, token);
    const verified = await authorizer.verify(token);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'delete', 'POST'), path, async (verb, tail) => {
        const arn = routeToArn(`${verb} /${tail}`, PLACEHOLDER_STAGE);
        expect(arn).toBe(`${PLACEHOLDER_STAGE}${verb.toUpperCase()}/${tail}`);
        const route = explainRoute(authorizer, explanation, arn);
        const real = authorizer.authorize(verified, arn);
        expect(route.allowed).toBe(real.allowed);
        expect(route.missingScopes).toEqual(real.missingScopes);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a value without a verb, a space and a leading slash', () => {
    for (const bad of ['pets', 'GET pets', '/pets', 'GET\n/pets', 'GET\t/pets', '', 'GET  /pets']) {
      expect(() => routeToArn(bad, PLACEHOLDER_STAGE), JSON.stringify(bad)).toThrow(/--route must look like/);
    }
  });

  it('prints a path holding a line break on one line, escaped', async () => {
    const run = await explain(['--route', 'DELETE /pets/42\n'], mint());
    expect(run.stdout).toContain('Route DELETE /pets/42\\u000a\n  rules: DELETE /pets/{id}\n');
    expect(run.stdout).toContain('refused: missing scope admin [INSUFFICIENT_SCOPE]');
  });
});
