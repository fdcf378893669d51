import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  createMinter,
  generateTestKey,
  httpApiEvent,
  type JwksServer,
  jwksOf,
  restEvent,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'http-api');
const AUDIENCE = 'https://api.example.com';
const key = generateTestKey('RS256');
const outsider = generateTestKey('RS256');
let server: JwksServer;
let mint: ReturnType<typeof createMinter>;
let bundle: { outfile: string; bytes: number; gzipBytes: number };

interface Invocation {
  result: { statusCode: number; headers?: Record<string, string>; body?: string };
  stderr: string;
}

/** Runs the bundled handler in a fresh `node` process, the event on stdin, as a cold start would. */
function invokeBundled(event: unknown, env: Record<string, string> = {}): Promise<Invocation> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(exampleDir, 'invoke.mjs')], {
      env: { PATH: process.env.PATH ?? '', TOKEN_ISSUER: server.issuer, AUDIENCE, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`invoke.mjs exited with ${code}: ${stderr}`));
      else resolve({ result: JSON.parse(stdout), stderr });
    });
    child.stdin.end(JSON.stringify(event));
  });
}

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(exampleDir, 'bundle.mjs')]);
  bundle = JSON.parse(stdout);
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(server.issuer, AUDIENCE);
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('the bundled example HTTP Lambda', () => {
  it('is one ESM file importing only Node built-ins', () => {
    const code = readFileSync(bundle.outfile, 'utf8');
    const imports = [...code.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1] as string);
    expect(imports.length).toBeGreaterThan(0);
    const builtins = new Set(builtinModules);
    expect(imports.filter((name) => !builtins.has(name.replace(/^node:/, '')))).toEqual([]);
    expect(bundle.bytes).toBe(code.length);
    expect(bundle.gzipBytes).toBeLessThan(bundle.bytes);
  });

  it('answers 200 to a valid token on an HTTP API event', async () => {
    const { result } = await invokeBundled(
      httpApiEvent({ headers: { authorization: `Bearer ${mint(key)}` } }),
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({ owner: 'user-123', org: null });
  });

  it('answers 401 with a bare challenge to a request without a token', async () => {
    const { result } = await invokeBundled(restEvent());
    expect(result.statusCode).toBe(401);
    expect(result.headers?.['WWW-Authenticate']).toBe('Bearer realm="api"');
  });

  it('answers 401 invalid_token to a forged token and logs no part of it', async () => {
    const forged = mint(outsider, { header: { kid: key.kid } });
    const { result, stderr } = await invokeBundled(
      restEvent({ headers: { Authorization: `Bearer ${forged}` } }),
    );
    expect(result.statusCode).toBe(401);
    expect(result.headers?.['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    expect(stderr).toContain('SIGNATURE_INVALID');
    for (const part of forged.split('.')) expect(stderr).not.toContain(part);
  });

  it('answers 403 when JWT_REQUIRED_SCOPES asks for a scope the token lacks', async () => {
    const { result } = await invokeBundled(restEvent({ headers: { Authorization: `Bearer ${mint(key)}` } }), {
      JWT_REQUIRED_SCOPES: 'read:pets write:pets',
    });
    expect(result.statusCode).toBe(403);
    expect(result.headers?.['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="write:pets"',
    );
  });
});
