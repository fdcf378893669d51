import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@jwt-authorizer/authorizer-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEnvironment } from '../src/environment.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'authorizer-env-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadEnvironment', () => {
  it('returns the environment unchanged when there is no .env file', () => {
    const env = { TOKEN_ISSUER: 'https://tenant.auth0.com/' };
    expect(loadEnvironment(env, { dotenvPath: join(dir, '.env') })).toBe(env);
  });

  it('adds the variables of the .env file, as the tutorial writes it', () => {
    const path = join(dir, '.env');
    writeFileSync(
      path,
      [
        '# from .env.sample',
        'JWKS_URI=https://tenant.auth0.com/.well-known/jwks.json',
        'AUDIENCE=https://tenant.auth0.com/api/v2/\t',
        'TOKEN_ISSUER="https://tenant.auth0.com/"',
        'JWT_ROUTES=\'{"GET /pets": ["read:pets"]}\'',
      ].join('\n'),
    );
    expect(loadEnvironment({ PATH: '/bin' }, { dotenvPath: path })).toEqual({
      PATH: '/bin',
      JWKS_URI: 'https://tenant.auth0.com/.well-known/jwks.json',
      AUDIENCE: 'https://tenant.auth0.com/api/v2/',
      TOKEN_ISSUER: 'https://tenant.auth0.com/',
      JWT_ROUTES: '{"GET /pets": ["read:pets"]}',
    });
  });

  it('lets a variable set in the environment win over the .env file, even an empty one', () => {
    const path = join(dir, '.env');
    writeFileSync(path, 'AUDIENCE=from-file\nTOKEN_ISSUER=https://file.example.com/\nJWT_ROUTES={}\n');
    const env = loadEnvironment(
      { AUDIENCE: 'from-env', JWT_ROUTES: '', TOKEN_ISSUER: undefined },
      { dotenvPath: path },
    );
    expect(env).toEqual({ AUDIENCE: 'from-env', JWT_ROUTES: '', TOKEN_ISSUER: 'https://file.example.com/' });
  });

  it('fails with CONFIG_INVALID naming the file when it exists but cannot be read', () => {
    const error = (() => {
      try {
        loadEnvironment({}, { dotenvPath: dir });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toContain(dir);
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
    const path = join(dir, '.env');
    writeFileSync(path, text);
    let error: unknown;
    try {
      loadEnvironment({}, { dotenvPath: path });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toBe(`The .env file ${path}: line ${line} is not NAME=value`);
  });

  it('accepts export, comments, blank lines and a quoted value over several lines', () => {
    const path = join(dir, '.env');
    writeFileSync(
      path,
      '# c\n\nexport AUDIENCE=api\nJWT_ROUTES=\'{\n  "GET /x": []\n}\'\n  TOKEN_ISSUER = https://x.example.com/\n',
    );
    const env = loadEnvironment({}, { dotenvPath: path });
    expect(env.AUDIENCE).toBe('api');
    expect(env.TOKEN_ISSUER).toBe('https://x.example.com/');
    expect(JSON.parse(env.JWT_ROUTES as string)).toEqual({ 'GET /x': [] });
  });
});
