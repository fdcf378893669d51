import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@jwt-authorizer/authorizer-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDotenv } from '../src/environment.js';

let root: string;
let packageEnv: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'authorizer-env-'));
  mkdirSync(join(root, 'packages', 'lambda-authorizer'), { recursive: true });
  packageEnv = join(root, 'packages', 'lambda-authorizer', '.env');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('loadDotenv (the one .env rule)', () => {
  it('reads no file when there is none, and says where it looked', () => {
    const loaded = loadDotenv({ env: { TOKEN_ISSUER: 'https://tenant.auth0.com/' }, repoRoot: root });
    expect(loaded.file).toBeUndefined();
    expect(loaded.env).toEqual({ TOKEN_ISSUER: 'https://tenant.auth0.com/' });
    expect(loaded.description).toBe(`.env: none read (looked for ${packageEnv}, ${join(root, '.env')})`);
  });

  it('adds the variables of the .env file, as the tutorial writes it, and names the file', () => {
    writeFileSync(
      packageEnv,
      [
        '# from .env.sample',
        'JWKS_URI=https://tenant.auth0.com/.well-known/jwks.json',
        'AUDIENCE=https://tenant.auth0.com/api/v2/\t',
        'TOKEN_ISSUER="https://tenant.auth0.com/"',
        'JWT_ROUTES=\'{"GET /pets": ["read:pets"]}\'',
      ].join('\n'),
    );
    const loaded = loadDotenv({ env: { PATH: '/bin' }, repoRoot: root });
    expect(loaded.env).toEqual({
      PATH: '/bin',
      JWKS_URI: 'https://tenant.auth0.com/.well-known/jwks.json',
      AUDIENCE: 'https://tenant.auth0.com/api/v2/',
      TOKEN_ISSUER: 'https://tenant.auth0.com/',
      JWT_ROUTES: '{"GET /pets": ["read:pets"]}',
    });
    expect(loaded.description).toBe(`.env: read ${packageEnv}`);
    expect(loaded.origin('AUDIENCE')).toBe(packageEnv);
    expect(loaded.origin('PATH')).toBeUndefined();
  });

  it("prefers the authorizer package's .env over the root's, and reads only one", () => {
    writeFileSync(packageEnv, 'AUDIENCE=package\n');
    writeFileSync(join(root, '.env'), 'AUDIENCE=root\nJWT_ROUTES={}\n');
    const loaded = loadDotenv({ env: {}, repoRoot: root });
    expect(loaded.env).toEqual({ AUDIENCE: 'package' });
    rmSync(packageEnv);
    expect(loadDotenv({ env: {}, repoRoot: root }).env).toEqual({ AUDIENCE: 'root', JWT_ROUTES: '{}' });
  });

  it('lets a variable set in the environment win over the file; an empty one counts as unset', () => {
    writeFileSync(
      packageEnv,
      'AUDIENCE=from-file\nTOKEN_ISSUER=https://file.example.com/\nJWT_ROUTES={}\nJWKS_URI=\n',
    );
    const loaded = loadDotenv({
      env: { AUDIENCE: 'from-env', JWT_ROUTES: '', TOKEN_ISSUER: undefined, JWT_POLICY_MODE: ' ' },
      repoRoot: root,
    });
    expect(loaded.env).toEqual({
      AUDIENCE: 'from-env',
      JWT_ROUTES: '{}',
      TOKEN_ISSUER: 'https://file.example.com/',
    });
    expect(loaded.origin('AUDIENCE')).toBeUndefined();
    expect(loaded.origin('JWT_ROUTES')).toBe(packageEnv);
  });

  it('reads a file named explicitly, relative to cwd, and fails naming it when it is missing', () => {
    writeFileSync(join(root, 'other.env'), 'AUDIENCE=other\n');
    writeFileSync(packageEnv, 'AUDIENCE=package\n');
    expect(loadDotenv({ env: {}, repoRoot: root, path: 'other.env', cwd: root }).env).toEqual({
      AUDIENCE: 'other',
    });
    const error = thrown(() => loadDotenv({ env: {}, repoRoot: root, path: 'missing.env', cwd: root }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toContain(join(root, 'missing.env'));
  });

  it('fails with CONFIG_INVALID naming the file when it exists but cannot be read', () => {
    mkdirSync(packageEnv);
    const error = thrown(() => loadDotenv({ env: {}, repoRoot: root }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toContain(packageEnv);
    expect((error as Error).message).toContain('EISDIR');
  });

  it.each([
    [
      'a line without "=" between two settings',
      'TOKEN_ISSUER=https://x.example.com/\nJWT_REQUIRED_SCOPES read:pets\nAUDIENCE=api\n',
      2,
    ],
    ['a last line without "="', 'AUDIENCE=api\nJWT_REQUIRED_SCOPES', 2],
    ['a name with a space', '# settings\nJWT REQUIRED_SCOPES=read:pets\n', 2],
    ['a name with a dash', 'JWT-ROUTES={}\n', 1],
  ])('refuses %s with CONFIG_INVALID naming the line, not its content', (_name, text, line) => {
    writeFileSync(packageEnv, text);
    const path = packageEnv;
    const error = thrown(() => loadDotenv({ env: {}, repoRoot: root }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toBe(`The .env file ${path}: line ${line} is not NAME=value`);
  });

  it('accepts export, comments, blank lines and a quoted value over several lines', () => {
    writeFileSync(
      packageEnv,
      '# c\n\nexport AUDIENCE=api\nJWT_ROUTES=\'{\n  "GET /x": []\n}\'\n  TOKEN_ISSUER = https://x.example.com/\n',
    );
    const { env } = loadDotenv({ env: {}, repoRoot: root });
    expect(env.AUDIENCE).toBe('api');
    expect(env.TOKEN_ISSUER).toBe('https://x.example.com/');
    expect(JSON.parse(env.JWT_ROUTES as string)).toEqual({ 'GET /x': [] });
  });
});
