import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '../../authorizer-core/tests/helpers/index.js';
import { bundle } from '../scripts/bundle.mjs';
import { evaluatePolicy, METHOD_ARN, runBundled, tokenEvent, unzipBundle } from './helpers/index.js';

// Two issuers from JWT_CONFIG_FILE inside the zip: one found through discovery on a live server,
// one with a static JWKS file next to the config (a function without internet egress).
const online = generateTestKey('RS256', 'online-1');
const offline = generateTestKey('RS256', 'offline-1');
const STATIC_ISSUER = 'https://idp.internal.example.com/';
let server: JwksServer;
let work: string;
let zipPath: string;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(online) });
  work = mkdtempSync(join(tmpdir(), 'authorizer-config-file-'));
  writeFileSync(
    join(work, 'authorizer.json'),
    JSON.stringify({
      issuers: [
        { issuer: server.issuer, audience: 'https://online.example.com' },
        { issuer: STATIC_ISSUER, audience: 'https://internal.example.com', jwksFile: 'internal-keys.json' },
      ],
      policyMode: 'method',
    }),
  );
  writeFileSync(join(work, 'internal-keys.json'), JSON.stringify(jwksOf(offline)));
  ({ zipPath } = await bundle({
    outdir: join(work, 'dist'),
    include: [join(work, 'authorizer.json'), join(work, 'internal-keys.json')],
  }));
}, 60_000);

afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

describe('JWT_CONFIG_FILE in the bundle', () => {
  it('verifies tokens of both issuers, the static one without any request', async () => {
    const unzipped = unzipBundle(zipPath);
    try {
      const events = [
        tokenEvent(`Bearer ${createMinter(server.issuer, 'https://online.example.com')(online)}`),
        tokenEvent(`Bearer ${createMinter(STATIC_ISSUER, 'https://internal.example.com')(offline)}`),
        tokenEvent(`Bearer ${createMinter(STATIC_ISSUER, 'https://online.example.com')(offline)}`),
      ];
      // LAMBDA_TASK_ROOT: the handler confines files to its folder, as on Lambda.
      const run = await runBundled(unzipped.dir, events, {
        JWT_CONFIG_FILE: 'authorizer.json',
        LAMBDA_TASK_ROOT: unzipped.dir,
      });
      expect(run.stderr).toBe('');
      const [fromOnline, fromStatic, wrongAudience] = run.outcomes;
      expect(fromOnline?.ok && evaluatePolicy(fromOnline.result, METHOD_ARN)).toBe('Allow');
      expect(fromStatic?.ok && evaluatePolicy(fromStatic.result, METHOD_ARN)).toBe('Allow');
      expect(wrongAudience).toMatchObject({ ok: false, message: 'Unauthorized', code: 'AUDIENCE_INVALID' });
      expect(server.requests).toBe(1);
    } finally {
      unzipped.remove();
    }
  });

  it.each([
    [
      'a config file outside the function folder',
      { JWT_CONFIG_FILE: '../authorizer.json' },
      'outside the function',
    ],
    [
      'TOKEN_ISSUER next to the issuers of the file',
      { JWT_CONFIG_FILE: 'authorizer.json', TOKEN_ISSUER: 'https://other.example.com/' },
      'TOKEN_ISSUER conflicts with issuers',
    ],
  ])('fails the cold start for %s', async (_, settings, message) => {
    const unzipped = unzipBundle(zipPath);
    try {
      const run = await runBundled(unzipped.dir, [], { ...settings, LAMBDA_TASK_ROOT: unzipped.dir });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('ConfigurationError');
      expect(run.stderr).toContain(message);
    } finally {
      unzipped.remove();
    }
  });
});
