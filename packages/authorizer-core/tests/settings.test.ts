import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizerOptions,
  ConfigurationError,
  createAuthorizer,
  type ReadSettingsOptions,
  readSettings,
  SETTINGS,
} from '../src/index.js';
import { closestName, parseSecretId, SETTING_VARIABLES } from '../src/internal.js';
import { generateTestKey, jwksOf } from './helpers/index.js';

const BASE = { TOKEN_ISSUER: 'https://tenant.auth0.com/', AUDIENCE: 'https://api.example.com' };
const DIR = '/var/task';

/** An in-memory folder behind the `readFile` seam. */
function files(entries: Record<string, string> = {}): ReadSettingsOptions {
  const store = new Map(Object.entries(entries).map(([path, text]) => [join(DIR, path), text]));
  return {
    baseDir: DIR,
    readFile: (path) => {
      const text = store.get(path);
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
  };
}

function configError(env: Record<string, string | undefined>, options = files()): ConfigurationError {
  try {
    readSettings(env, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

// Introspection needs its URL and credentials together: each of its variables is read with the others.
const INTROSPECTION = {
  url: 'https://idp.example.com/introspect',
  clientId: 'authorizer',
  clientSecret: 'secret',
};
const INTROSPECTION_ENV = {
  JWT_INTROSPECTION_URL: INTROSPECTION.url,
  JWT_INTROSPECTION_CLIENT_ID: INTROSPECTION.clientId,
  JWT_INTROSPECTION_CLIENT_SECRET: INTROSPECTION.clientSecret,
};
const companionsOf = (variable: string) => (variable.startsWith('JWT_INTROSPECT') ? INTROSPECTION_ENV : {});

// A valid value for every variable of the table, and what it becomes (option path → value).
const VALID: Record<string, [string, string, unknown]> = {
  TOKEN_ISSUER: [
    'https://a.example.com/, https://b.example.com/',
    'issuer',
    ['https://a.example.com/', 'https://b.example.com/'],
  ],
  AUDIENCE: ['api-1,api-2', 'audience', ['api-1', 'api-2']],
  JWKS_URI: ['https://tenant.auth0.com/keys', 'jwksUri', 'https://tenant.auth0.com/keys'],
  JWT_CLIENT_ID: ['app-1', 'clientId', 'app-1'],
  JWT_ALGORITHMS: ['RS256, ES256', 'algorithms', ['RS256', 'ES256']],
  JWT_CLOCK_SKEW_SECONDS: ['30', 'clockSkewSeconds', 30],
  JWT_MAX_TOKEN_AGE_SECONDS: ['86400', 'maxTokenAgeSeconds', 86400],
  JWT_MAX_TOKEN_BYTES: ['4096', 'maxTokenBytes', 4096],
  JWT_REQUIRED_SCOPES: ['read:pets write:pets,admin', 'requiredScopes', ['read:pets', 'write:pets', 'admin']],
  JWT_ROUTES: ['{"GET /pets": ["read:pets"]}', 'routes', { 'GET /pets': ['read:pets'] }],
  JWT_ROUTES_FILE: ['routes.json', 'routes', { 'POST /pets': ['write:pets'] }],
  JWT_UNMATCHED_ROUTES: ['allow', 'unmatchedRoutes', 'allow'],
  JWT_POLICY_MODE: ['METHOD', 'policyMode', 'method'],
  JWT_CONTEXT_CLAIMS: ['email,org_id', 'contextClaims', ['email', 'org_id']],
  JWT_REQUIRED_CLAIMS: [
    '{"claims": {"email_verified": true, "/realm_access/roles": {"contains": "user"}}}',
    'requiredClaims',
    { claims: { email_verified: true, '/realm_access/roles': { contains: 'user' } } },
  ],
  JWT_TOKEN_TYPES: ['at+jwt, application/at+jwt', 'tokenTypes', ['at+jwt', 'application/at+jwt']],
  JWT_USAGE_IDENTIFIER_CLAIM: ['azp', 'usageIdentifierClaim', 'azp'],
  JWT_HTTP_API_RESPONSE: ['iam', 'httpApiResponse', 'iam'],
  JWT_TOKEN_SOURCE: [
    'Query:token, protocol',
    'tokenSource',
    [{ kind: 'query', name: 'token' }, { kind: 'protocol' }],
  ],
  JWT_DECISION_LOG: ['Refusals', 'decisionLog', 'refusals'],
  JWT_JWKS_TIMEOUT_MS: ['1500', 'jwks', { timeoutMs: 1500 }],
  JWT_JWKS_MAX_AGE_SECONDS: ['300', 'jwks', { maxAgeSeconds: 300 }],
  JWT_JWKS_COOLDOWN_MS: ['0', 'jwks', { cooldownMs: 0 }],
  JWT_SENDER_CONSTRAINED: ['OFF', 'senderConstrained', 'off'],
  JWT_PUBLIC_BASE_URL: [
    'https://api.example.com/v1',
    'dpop',
    { publicBaseUrl: 'https://api.example.com/v1' },
  ],
  JWT_DPOP_MAX_AGE_SECONDS: ['30', 'dpop', { maxAgeSeconds: 30 }],
  JWT_DPOP_REPLAY_TABLE: ['dpop-replay', 'dpopReplayTable', 'dpop-replay'],
  JWT_INTROSPECTION_URL: [
    'https://idp.example.com/i2',
    'introspection',
    { ...INTROSPECTION, url: 'https://idp.example.com/i2' },
  ],
  JWT_INTROSPECTION_CLIENT_ID: ['other', 'introspection', { ...INTROSPECTION, clientId: 'other' }],
  JWT_INTROSPECTION_CLIENT_SECRET: [
    'other-secret',
    'introspection',
    { ...INTROSPECTION, clientSecret: 'other-secret' },
  ],
  JWT_INTROSPECT: ['ALL', 'introspection', { ...INTROSPECTION, mode: 'all' }],
  JWT_CONFIG_FILE: ['config.json', 'policyMode', 'method'],
};

// Rows the Lambda handler completes at cold start, tested on their own below.
const READ_AT_COLD_START = ['JWT_INTROSPECTION_CLIENT_SECRET_ID'];

// An invalid value for every variable, and the option path the error names.
const INVALID: Record<string, [string, string]> = {
  TOKEN_ISSUER: ['http://tenant.example.com/', 'issuer'],
  AUDIENCE: [' , ', 'audience'],
  JWKS_URI: ['keys.json', 'jwksUri'],
  JWT_CLIENT_ID: [',', 'clientId'],
  JWT_ALGORITHMS: ['HS256', 'algorithms'],
  JWT_CLOCK_SKEW_SECONDS: ['1.5', 'clockSkewSeconds'],
  JWT_MAX_TOKEN_AGE_SECONDS: ['0', 'maxTokenAgeSeconds'],
  JWT_MAX_TOKEN_BYTES: ['10', 'maxTokenBytes'],
  JWT_REQUIRED_SCOPES: [' ,, ', 'requiredScopes'],
  JWT_ROUTES: ['{bad json', 'routes'],
  JWT_ROUTES_FILE: ['nope.json', 'routesFile'],
  JWT_UNMATCHED_ROUTES: ['maybe', 'unmatchedRoutes'],
  JWT_POLICY_MODE: ['stage', 'policyMode'],
  JWT_CONTEXT_CLAIMS: [',', 'contextClaims'],
  JWT_REQUIRED_CLAIMS: ['{"claims": {"role": "^admin.*$"}}', 'requiredClaims'],
  JWT_TOKEN_TYPES: ['logout+jwt', 'tokenTypes'],
  JWT_USAGE_IDENTIFIER_CLAIM: ['/client~2id', 'usageIdentifierClaim'],
  JWT_HTTP_API_RESPONSE: ['xml', 'httpApiResponse'],
  JWT_TOKEN_SOURCE: ['query:token,body:token', 'tokenSource'],
  JWT_DECISION_LOG: ['verbose', 'decisionLog'],
  JWT_JWKS_TIMEOUT_MS: ['0', 'jwks.timeoutMs'],
  JWT_JWKS_MAX_AGE_SECONDS: ['-1', 'jwks.maxAgeSeconds'],
  JWT_JWKS_COOLDOWN_MS: ['2s', 'jwks.cooldownMs'],
  JWT_SENDER_CONSTRAINED: ['always', 'senderConstrained'],
  JWT_PUBLIC_BASE_URL: ['http://api.example.com', 'dpop.publicBaseUrl'],
  JWT_DPOP_MAX_AGE_SECONDS: ['0', 'dpop.maxAgeSeconds'],
  JWT_DPOP_REPLAY_TABLE: ['arn:aws:dynamodb:eu-west-1:1:table/x', 'dpopReplayTable'],
  JWT_INTROSPECTION_URL: ['http://idp.example.com/i', 'introspection.url'],
  JWT_INTROSPECTION_CLIENT_ID: ['caf\u00e9', 'introspection.clientId'],
  JWT_INTROSPECTION_CLIENT_SECRET: ['se\u0001cret', 'introspection.clientSecret'],
  JWT_INTROSPECTION_CLIENT_SECRET_ID: ['ssm:authorizer/secret', 'introspectionClientSecretId'],
  JWT_INTROSPECT: ['jwt', 'introspection.mode'],
  JWT_CONFIG_FILE: ['missing.json', 'configFile'],
};

const FOLDER = files({
  'routes.json': '{"POST /pets": ["write:pets"]}',
  'config.json': '{"policyMode": "method"}',
});

describe('the settings table', () => {
  it('has one entry per variable and per option path, each with a one-line description', () => {
    expect(new Set(SETTING_VARIABLES).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((s) => s.setting)).size).toBe(SETTINGS.length);
    for (const setting of SETTINGS) expect(setting.description).toMatch(/^[^\n]{10,140}$/);
    expect([...Object.keys(VALID), ...READ_AT_COLD_START].sort()).toEqual([...SETTING_VARIABLES].sort());
    expect(Object.keys(INVALID).sort()).toEqual([...SETTING_VARIABLES].sort());
  });

  it.each(Object.entries(VALID))('reads %s', (variable, [value, path, expected]) => {
    const env = { ...BASE, ...companionsOf(variable), [variable]: value };
    const settings = readSettings(env, FOLDER);
    const actual =
      path === 'httpApiResponse' ||
      path === 'tokenSource' ||
      path === 'dpopReplayTable' ||
      path === 'decisionLog'
        ? settings[path]
        : (settings.authorizerOptions as Record<string, unknown>)[path];
    expect(actual).toEqual(expected);
    expect(() => createAuthorizer(settings.authorizerOptions)).not.toThrow();
  });

  it.each(Object.entries(INVALID))(
    'refuses a bad %s, naming the variable and the option path',
    (variable, [value, path]) => {
      const error = configError({ ...BASE, ...companionsOf(variable), [variable]: value }, FOLDER);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.variable).toBe(variable);
      expect(error.setting).toBe(path);
      expect(error.message).toContain(variable);
    },
  );

  it('treats empty and blank values as unset, for known and unknown variables alike', () => {
    const settings = readSettings(
      { ...BASE, JWKS_URI: '', JWT_ALGORITHMS: ' \t', JWT_UNKNOWN_THING: '' },
      files(),
    );
    expect(settings.authorizerOptions).toEqual({ issuer: BASE.TOKEN_ISSUER, audience: BASE.AUDIENCE });
    expect(settings.httpApiResponse).toBe('simple');
  });

  it.each([
    ['JWT_REQUIRED_SCOPE', 'JWT_REQUIRED_SCOPES'],
    ['JWT_ROUTE', 'JWT_ROUTES'],
    ['JWT_JWKS_TIMEOUT', 'JWT_JWKS_TIMEOUT_MS'],
    ['JWT_CLIENTID', 'JWT_CLIENT_ID'],
    ['jwt_policy_mode', undefined],
  ])('refuses the unknown variable %s, suggesting %s', (variable, suggestion) => {
    if (!variable.startsWith('JWT_')) {
      // Only JWT_* is reserved: other names belong to the function.
      expect(() => readSettings({ ...BASE, [variable]: 'x' }, files())).not.toThrow();
      return;
    }
    const error = configError({ ...BASE, [variable]: 'admin' });
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(`did you mean ${suggestion}?`);
  });

  it('refuses an unknown JWT_ variable far from any known one without a suggestion', () => {
    const error = configError({ ...BASE, JWT_SECRET: 'x' });
    expect(error.variable).toBe('JWT_SECRET');
    expect(error.message).not.toContain('did you mean');
  });

  it.each([
    ['TOKEN_ISSUER missing', { AUDIENCE: 'api' }, 'issuer', 'TOKEN_ISSUER'],
    ['AUDIENCE missing', { TOKEN_ISSUER: BASE.TOKEN_ISSUER }, 'audience', 'AUDIENCE'],
    [
      'JWKS_URI with several issuers',
      { ...BASE, TOKEN_ISSUER: 'https://a.example/,https://b.example/', JWKS_URI: 'https://a.example/jwks' },
      'jwksUri',
      'JWKS_URI',
    ],
    [
      'JWT_ROUTES and JWT_ROUTES_FILE',
      { ...BASE, JWT_ROUTES: '{}', JWT_ROUTES_FILE: 'routes.json' },
      'routesFile',
      'JWT_ROUTES_FILE',
    ],
  ])('refuses %s', (_, env, setting, variable) => {
    const error = configError(env, FOLDER);
    expect({ setting: error.setting, variable: error.variable }).toEqual({ setting, variable });
  });

  it('names the .env file a bad value came from', () => {
    const error = configError(
      { ...BASE, JWT_POLICY_MODE: 'stage' },
      { ...files(), origin: () => '/repo/.env' },
    );
    expect(error.message).toContain('JWT_POLICY_MODE (in /repo/.env) must be');
  });

  it('never fails with anything but a ConfigurationError, whatever a variable holds', () => {
    const hostile = fc.constantFrom(
      '\n',
      '\r',
      '\u2028',
      '\u2029',
      '\t',
      '%0A',
      '%',
      '*',
      '?',
      '{',
      '"',
      'é',
      '日本',
      '',
    );
    const value = fc.array(fc.oneof(hostile, fc.string()), { maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.constantFrom(...SETTING_VARIABLES), value, (variable, text) => {
        try {
          readSettings({ ...BASE, [variable]: text }, FOLDER);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigurationError);
          expect((err as ConfigurationError).code).toBe('CONFIG_INVALID');
        }
      }),
    );
  });
});

describe('closestName over the table', () => {
  it('suggests a known name for near misses, nothing for far ones, and never throws', () => {
    expect(closestName('JWT_ALGORITHM', SETTING_VARIABLES)).toBe('JWT_ALGORITHMS');
    expect(closestName('AUDIENCES', SETTING_VARIABLES)).toBe('AUDIENCE');
    expect(closestName('X', SETTING_VARIABLES)).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (input) => {
        const suggestion = closestName(input, SETTING_VARIABLES);
        if (suggestion !== undefined) expect(SETTING_VARIABLES).toContain(suggestion);
      }),
    );
  });
});

describe('JWT_TOKEN_SOURCE', () => {
  const config = (tokenSource: unknown) =>
    files({
      'config.json': JSON.stringify({
        issuers: [{ issuer: BASE.TOKEN_ISSUER, audience: 'api' }],
        tokenSource,
      }),
    });

  it('defaults to the Authorization header, and never reaches the authorizer options', () => {
    const settings = readSettings(BASE, FOLDER);
    expect(settings.tokenSource).toEqual([{ kind: 'header', name: 'authorization' }]);
    const listed = readSettings({ ...BASE, JWT_TOKEN_SOURCE: 'header:X-Token,cookie:at' }, FOLDER);
    expect(listed.tokenSource).toEqual([
      { kind: 'header', name: 'x-token' },
      { kind: 'cookie', name: 'at' },
    ]);
    expect('tokenSource' in listed.authorizerOptions).toBe(false);
    expect(() => createAuthorizer(listed.authorizerOptions)).not.toThrow();
  });

  it.each([
    ['an unknown kind', 'body:token', 'must be a comma-separated list'],
    ['a name with a line break', 'query:to\nken', 'needs a name'],
    ['the same place twice', 'query:token, query:token', 'lists query:token twice'],
    ['protocol with a name', 'protocol:jwt', 'protocol takes no name'],
  ])('refuses %s, naming the variable and the .env file', (_name, value, fragment) => {
    const error = configError(
      { ...BASE, JWT_TOKEN_SOURCE: value },
      { ...FOLDER, origin: (variable) => (variable === 'JWT_TOKEN_SOURCE' ? '/work/.env' : undefined) },
    );
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      variable: 'JWT_TOKEN_SOURCE',
      setting: 'tokenSource',
    });
    expect(error.message).toContain('JWT_TOKEN_SOURCE (in /work/.env)');
    expect(error.message).toContain(fragment);
  });

  it('reads a config file tokenSource as text or as a list of places; the environment wins', () => {
    expect(readSettings({ JWT_CONFIG_FILE: 'config.json' }, config('query:token')).tokenSource).toEqual([
      { kind: 'query', name: 'token' },
    ]);
    const list = [{ kind: 'protocol' }, { kind: 'header', name: 'Authorization' }];
    expect(readSettings({ JWT_CONFIG_FILE: 'config.json' }, config(list)).tokenSource).toEqual([
      { kind: 'protocol' },
      { kind: 'header', name: 'authorization' },
    ]);
    const both = readSettings(
      { JWT_CONFIG_FILE: 'config.json', JWT_TOKEN_SOURCE: 'cookie:at' },
      config('query:token'),
    );
    expect(both.tokenSource).toEqual([{ kind: 'cookie', name: 'at' }]);
  });

  it.each([
    ['a number', 42],
    ['an object', { query: 'token' }],
    ['a malformed list', 'query:token;protocol'],
    ['a list with an unknown kind', [{ kind: 'body', name: 'x' }]],
  ])('refuses a config file tokenSource that is %s, naming the file', (_name, value) => {
    const error = configError({ JWT_CONFIG_FILE: 'config.json' }, config(value));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', setting: 'tokenSource' });
    expect(error.message).toContain(`${join(DIR, 'config.json')}: tokenSource`);
  });
});

describe('origins', () => {
  const config = (content: Record<string, unknown>) =>
    files({
      'config.json': JSON.stringify({
        issuers: [{ issuer: BASE.TOKEN_ISSUER, audience: 'api' }],
        ...content,
      }),
    });
  const file = join(DIR, 'config.json');

  it('names the variable or the config file key each setting came from, as the reader decided', () => {
    const settings = readSettings(
      { JWT_CONFIG_FILE: 'config.json', JWT_SENDER_CONSTRAINED: 'off', JWT_DPOP_MAX_AGE_SECONDS: '30' },
      {
        ...config({ tokenSource: 'query:token', senderConstrained: 'required', dpopReplayTable: 'replay' }),
        origin: (variable) => (variable === 'JWT_SENDER_CONSTRAINED' ? '/work/.env' : undefined),
      },
    );
    expect(settings.origins).toMatchObject({
      tokenSource: `tokenSource (in ${file})`,
      dpopReplayTable: `dpopReplayTable (in ${file})`,
      senderConstrained: 'JWT_SENDER_CONSTRAINED (in /work/.env)',
      'dpop.maxAgeSeconds': 'JWT_DPOP_MAX_AGE_SECONDS',
    });
    expect(settings.authorizerOptions.senderConstrained).toBe('off');
    expect(settings.origins.clockSkewSeconds).toBeUndefined();
  });

  it('names the config file key of a replay table that is not a table name', () => {
    for (const value of ['arn:aws:dynamodb:x/table', 7]) {
      const error = configError({ JWT_CONFIG_FILE: 'config.json' }, config({ dpopReplayTable: value }));
      expect(error).toMatchObject({
        code: 'CONFIG_INVALID',
        setting: 'dpopReplayTable',
        variable: undefined,
      });
      expect(error.message).toMatch(
        new RegExp(`^dpopReplayTable \\(in ${file}\\): the DPoP replay table must be a DynamoDB table name`),
      );
    }
  });
});

describe('JWT_CONFIG_FILE', () => {
  const key = generateTestKey('RS256', 'static-1');
  const twoIssuers = {
    issuers: [
      { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A', clientId: 'app-a' },
      { issuer: 'https://private.example.com/', audience: 'internal', jwksFile: 'keys/private.json' },
    ],
    policyMode: 'method',
    jwks: { timeoutMs: 1000 },
  };
  const folder = (config: unknown, extra: Record<string, string> = {}) =>
    files({
      'conf/authorizer.json': JSON.stringify(config),
      'conf/keys/private.json': JSON.stringify(jwksOf(key)),
      ...extra,
    });

  it('reads several issuers, one with a static JWKS file relative to the config file, and lists the files', () => {
    const settings = readSettings({ JWT_CONFIG_FILE: 'conf/authorizer.json' }, folder(twoIssuers));
    expect(settings.authorizerOptions.issuers).toEqual([
      twoIssuers.issuers[0],
      { issuer: 'https://private.example.com/', audience: 'internal', jwks: jwksOf(key) },
    ]);
    expect(settings.authorizerOptions.policyMode).toBe('method');
    expect(settings.files).toEqual([
      { setting: 'JWT_CONFIG_FILE', path: join(DIR, 'conf/authorizer.json') },
      { setting: 'issuers[1].jwksFile', path: join(DIR, 'conf/keys/private.json') },
    ]);
    const authorizer = createAuthorizer(settings.authorizerOptions);
    expect(authorizer.options.issuers.get('https://private.example.com')?.discover).toBe(false);
  });

  it('lets environment variables override its top-level settings, nested ones included', () => {
    const settings = readSettings(
      {
        JWT_CONFIG_FILE: 'conf/authorizer.json',
        JWT_POLICY_MODE: 'api',
        JWT_JWKS_COOLDOWN_MS: '0',
        AUDIENCE: 'shared',
      },
      folder(twoIssuers),
    );
    expect(settings.authorizerOptions).toMatchObject({
      policyMode: 'api',
      audience: 'shared',
      jwks: { timeoutMs: 1000, cooldownMs: 0 },
    });
  });

  it.each([
    ['TOKEN_ISSUER', 'https://other.example.com/', 'issuer'],
    ['JWKS_URI', 'https://other.example.com/jwks', 'jwksUri'],
  ])('refuses %s next to issuers, naming both', (variable, value, setting) => {
    const error = configError(
      { JWT_CONFIG_FILE: 'conf/authorizer.json', [variable]: value },
      folder(twoIssuers),
    );
    expect({ variable: error.variable, setting: error.setting }).toEqual({ variable, setting });
    expect(error.message).toContain(
      `${variable} conflicts with issuers in ${join(DIR, 'conf/authorizer.json')}`,
    );
  });

  it.each([
    ['not JSON', '{', 'is not valid JSON'],
    ['an array', [], 'must hold a JSON object'],
    ['an unknown key', { policymode: 'api' }, 'did you mean "policyMode"?'],
    ['jwks not an object', { jwks: 'fast' }, 'jwks must be an object'],
    ['an unknown jwks key', { jwks: { timeoutMS: 5 } }, 'did you mean "timeoutMs"?'],
    ['issuers not an array', { issuers: {} }, 'issuers must be an array'],
    ['an issuer entry not an object', { issuers: ['https://a.example/'] }, 'issuers[0] must be an object'],
    [
      'an unknown issuer key',
      { issuers: [{ issuer: 'https://a.example/', audience: 'a', jwksUrl: 'x' }] },
      'did you mean "jwksUri"?',
    ],
    [
      'jwks and jwksFile',
      { issuers: [{ issuer: 'https://a.example/', audience: 'a', jwks: { keys: [] }, jwksFile: 'k.json' }] },
      'both jwks and jwksFile',
    ],
    [
      'a missing jwksFile',
      { issuers: [{ issuer: 'https://a.example/', audience: 'a', jwksFile: 'none.json' }] },
      'cannot be read (ENOENT)',
    ],
    [
      'an http issuer',
      { issuers: [{ issuer: 'http://a.example/', audience: 'a' }] },
      'issuer must use https',
    ],
    ['an issuer without audience', { issuers: [{ issuer: 'https://a.example/' }] }, 'audience is required'],
  ])('refuses a config file with %s, naming the file', (_, config, message) => {
    const options = files({ 'c.json': typeof config === 'string' ? config : JSON.stringify(config) });
    const error = configError({ JWT_CONFIG_FILE: 'c.json' }, options);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(join(DIR, 'c.json'));
    expect(error.message).toContain(message);
  });

  it('refuses, when confined to the bundle, a config file or a JWKS file outside it', () => {
    const outside = { ...folder(twoIssuers), confineToBaseDir: true };
    const error = configError({ ...BASE, JWT_CONFIG_FILE: '../etc/authorizer.json' }, outside);
    expect(error.variable).toBe('JWT_CONFIG_FILE');
    expect(error.message).toContain('outside the function');
    const escaping = {
      ...files({
        'c.json': JSON.stringify({
          issuers: [{ issuer: 'https://a.example/', audience: 'a', jwksFile: '../../k.json' }],
        }),
      }),
      confineToBaseDir: true,
    };
    expect(configError({ JWT_CONFIG_FILE: 'c.json' }, escaping).message).toContain('outside the function');
    expect(() =>
      readSettings(
        { JWT_CONFIG_FILE: 'conf/authorizer.json' },
        { ...folder(twoIssuers), confineToBaseDir: true },
      ),
    ).not.toThrow();
  });

  it('never reads a file outside the bundle when confined, whatever the paths say', () => {
    const hostile = fc.constantFrom(
      '..',
      '/',
      '\\',
      '%2e%2e',
      '%2F',
      '\n',
      '\r',
      '\u2028',
      '\t',
      '*',
      '?',
      '~',
      'é',
      '.',
    );
    const path = fc
      .array(fc.oneof(hostile, fc.string({ maxLength: 4 })), { maxLength: 8 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(path, path, (configPath, jwksPath) => {
        const read: string[] = [];
        const options: ReadSettingsOptions = {
          baseDir: DIR,
          confineToBaseDir: true,
          readFile: (file) => {
            read.push(file);
            return JSON.stringify({
              issuers: [{ issuer: 'https://a.example/', audience: 'a', jwksFile: jwksPath }],
            });
          },
        };
        try {
          readSettings({ JWT_CONFIG_FILE: configPath }, options);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigurationError);
        }
        for (const file of read) expect(file.startsWith(`${DIR}/`)).toBe(true);
      }),
    );
  });

  it('refuses any config file text that is not a valid settings object with a ConfigurationError only', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          readSettings({ ...BASE, JWT_CONFIG_FILE: 'c.json' }, files({ 'c.json': text }));
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigurationError);
        }
      }),
    );
  });
});

describe('sender-constrained and opaque-token settings', () => {
  it('maps each variable to its option', () => {
    const settings = readSettings(
      {
        ...BASE,
        JWT_SENDER_CONSTRAINED: 'Required',
        JWT_PUBLIC_BASE_URL: 'https://api.example.com/v1',
        JWT_DPOP_MAX_AGE_SECONDS: '30',
        JWT_DPOP_REPLAY_TABLE: 'dpop-replay',
        JWT_INTROSPECTION_URL: 'https://tenant.example.com/oauth/introspect',
        JWT_INTROSPECTION_CLIENT_ID: 'authorizer',
        JWT_INTROSPECTION_CLIENT_SECRET: 's3cret',
        JWT_INTROSPECT: 'all',
      },
      files(),
    );
    expect(settings.authorizerOptions).toMatchObject({
      senderConstrained: 'required',
      dpop: { publicBaseUrl: 'https://api.example.com/v1', maxAgeSeconds: 30 },
      introspection: {
        url: 'https://tenant.example.com/oauth/introspect',
        clientId: 'authorizer',
        clientSecret: 's3cret',
        mode: 'all',
      },
    });
    // A handler setting, not an authorizer option.
    expect(settings.dpopReplayTable).toBe('dpop-replay');
    expect(settings.authorizerOptions).not.toHaveProperty('dpopReplayTable');
    expect(readSettings(BASE, files()).dpopReplayTable).toBeUndefined();
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'an unknown mode',
      { JWT_SENDER_CONSTRAINED: 'always' },
      /^JWT_SENDER_CONSTRAINED must be "optional" or "required" or "off"/,
    ],
    [
      'a DPoP window that is not a number',
      { JWT_DPOP_MAX_AGE_SECONDS: '1m' },
      /^JWT_DPOP_MAX_AGE_SECONDS must be a whole/,
    ],
    [
      'a DPoP window of 0',
      { JWT_DPOP_MAX_AGE_SECONDS: '0' },
      /^JWT_DPOP_MAX_AGE_SECONDS: dpop\.maxAgeSeconds must be a number from 1 to 3600/,
    ],
    [
      'a public base URL over http',
      { JWT_PUBLIC_BASE_URL: 'http://api.example.com' },
      /^JWT_PUBLIC_BASE_URL: dpop\.publicBaseUrl must use https/,
    ],
    [
      'a replay table name with a slash',
      { JWT_DPOP_REPLAY_TABLE: 'arn:aws:dynamodb:x/table' },
      /^JWT_DPOP_REPLAY_TABLE: the DPoP replay table must be a DynamoDB table name/,
    ],
    ['introspection without its URL', { JWT_INTROSPECT: 'all' }, /introspection\.url is required/],
    [
      'introspection without a secret',
      { JWT_INTROSPECTION_URL: 'https://idp.example.com/i', JWT_INTROSPECTION_CLIENT_ID: 'a' },
      /introspection\.clientSecret is required/,
    ],
    [
      'an introspection URL over http',
      {
        JWT_INTROSPECTION_URL: 'http://idp.example.com/i',
        JWT_INTROSPECTION_CLIENT_ID: 'a',
        JWT_INTROSPECTION_CLIENT_SECRET: 'b',
      },
      /^JWT_INTROSPECTION_URL: introspection\.url must use https/,
    ],
    ['an unknown introspection mode', { JWT_INTROSPECT: 'jwt' }, /^JWT_INTROSPECT must be "opaque" or "all"/],
    [
      'a secret id that is no Secrets Manager ARN (account of one digit)',
      { JWT_INTROSPECTION_CLIENT_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' },
      /^JWT_INTROSPECTION_CLIENT_SECRET_ID must be a Secrets Manager secret name or ARN, or ssm:\/parameter\/name/,
    ],
    [
      'a secret id without an introspection endpoint',
      { JWT_INTROSPECTION_CLIENT_SECRET_ID: 'authorizer/introspection' },
      /^JWT_INTROSPECTION_CLIENT_SECRET_ID is set but JWT_INTROSPECTION_URL is not/,
    ],
    [
      'a secret id and a plain secret together',
      {
        ...INTROSPECTION_ENV,
        JWT_INTROSPECTION_CLIENT_SECRET: 's3cret',
        JWT_INTROSPECTION_CLIENT_SECRET_ID: 'x/y',
      },
      /^JWT_INTROSPECTION_CLIENT_SECRET_ID and JWT_INTROSPECTION_CLIENT_SECRET are both set/,
    ],
    [
      'a secret id without the introspection client id',
      { JWT_INTROSPECTION_URL: INTROSPECTION.url, JWT_INTROSPECTION_CLIENT_SECRET_ID: 'x/y' },
      /introspection\.clientId is required/,
    ],
  ])('refuses %s, naming the variable', (_name, env, message) => {
    const err = configError({ ...BASE, ...env });
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('s3cret');
  });

  it('never shows the introspection secret in a message', () => {
    const err = configError({
      ...BASE,
      JWT_INTROSPECTION_URL: 'http://idp.example.com/i',
      JWT_INTROSPECTION_CLIENT_ID: 'a',
      JWT_INTROSPECTION_CLIENT_SECRET: 'top-secret-value',
    });
    expect(err.message).not.toContain('top-secret-value');
  });
});

describe('JWT_INTROSPECTION_CLIENT_SECRET_ID', () => {
  const { JWT_INTROSPECTION_CLIENT_SECRET: _plain, ...WITHOUT_SECRET } = INTROSPECTION_ENV;

  it.each([
    'ssm:/authorizer/introspection-secret',
    'ssm:authorizer-secret',
    'authorizer/introspection',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:authorizer/introspection-AbCdEf',
    'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x',
  ])('reads %s, leaving the secret for the cold start to fill in', (secretId) => {
    const settings = readSettings(
      { ...BASE, ...WITHOUT_SECRET, JWT_INTROSPECTION_CLIENT_SECRET_ID: secretId },
      files(),
    );
    expect(settings.introspectionClientSecretId).toBe(secretId);
    expect(settings.authorizerOptions.introspection).toEqual({
      url: INTROSPECTION.url,
      clientId: INTROSPECTION.clientId,
    });
    const introspection = { ...settings.authorizerOptions.introspection, clientSecret: 'from-aws' };
    expect(() =>
      createAuthorizer({ ...settings.authorizerOptions, introspection } as AuthorizerOptions),
    ).not.toThrow();
  });

  it('is unset without the variable', () => {
    expect(
      readSettings({ ...BASE, ...INTROSPECTION_ENV }, files()).introspectionClientSecretId,
    ).toBeUndefined();
  });

  it.each([
    'ssm:',
    'ssm:a/b',
    'ssm:/a//b',
    'ssm:/a b',
    'arn:aws:ssm:eu-west-1:123456789012:parameter/x',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:',
    'a b',
    'caf\u00e9',
    'x'.repeat(513),
  ])('refuses %j as a secret id, naming the variable and the setting', (secretId) => {
    const err = configError({ ...BASE, ...WITHOUT_SECRET, JWT_INTROSPECTION_CLIENT_SECRET_ID: secretId });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.variable).toBe('JWT_INTROSPECTION_CLIENT_SECRET_ID');
    expect(err.setting).toBe('introspectionClientSecretId');
  });

  it('accepts no secret id holding a hostile character', () => {
    const hostile = fc.constantFrom(
      '\n',
      '\r',
      '\u2028',
      '\u2029',
      '\t',
      '%0a',
      '%',
      '*',
      '?',
      ' ',
      '\u00e9',
      ':',
      '\0',
    );
    fc.assert(
      fc.property(
        fc.constantFrom('ssm:/', 'ssm:', '', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:'),
        fc.string({ maxLength: 20 }),
        hostile,
        fc.string({ maxLength: 20 }),
        (prefix, a, bad, b) => {
          expect(parseSecretId(`${prefix}${a}${bad}${b}`)).toBeUndefined();
        },
      ),
    );
  });
});

describe('the rule settings', () => {
  it('reads renames in JWT_CONTEXT_CLAIMS as JSON and a list otherwise', () => {
    const renames = readSettings(
      {
        ...BASE,
        JWT_CONTEXT_CLAIMS: '{"tenant": "https://example.com/tenant", "roles": "/realm_access/roles"}',
      },
      files(),
    );
    expect(renames.authorizerOptions.contextClaims).toEqual({
      tenant: 'https://example.com/tenant',
      roles: '/realm_access/roles',
    });
    expect(() => createAuthorizer(renames.authorizerOptions)).not.toThrow();
  });

  it.each([
    ['JWT_CONTEXT_CLAIMS', '{"tenant": ', 'contextClaims', /JWT_CONTEXT_CLAIMS must be a JSON object/],
    [
      'JWT_CONTEXT_CLAIMS',
      '{"sub": "email"}',
      'contextClaims',
      /JWT_CONTEXT_CLAIMS: .*"sub" is set by the authorizer itself/,
    ],
    ['JWT_REQUIRED_CLAIMS', '{bad', 'requiredClaims', /JWT_REQUIRED_CLAIMS must be a JSON object such as/],
    [
      'JWT_REQUIRED_CLAIMS',
      '["email_verified"]',
      'requiredClaims',
      /JWT_REQUIRED_CLAIMS must be a JSON object/,
    ],
    [
      'JWT_REQUIRED_CLAIMS',
      '{"claims": {"tenant": {"equals": "a"}}}',
      'requiredClaims',
      /JWT_REQUIRED_CLAIMS: requiredClaims\.claims\.tenant: unknown condition "equals"/,
    ],
    [
      'JWT_REQUIRED_CLAIMS',
      '{"claim": {}}',
      'requiredClaims',
      /unknown key "claim"; did you mean "claims"\?/,
    ],
    [
      'JWT_TOKEN_TYPES',
      'dpop+jwt',
      'tokenTypes',
      /JWT_TOKEN_TYPES: tokenTypes\[0\]: "dpop\+jwt" is never an access token/,
    ],
    [
      'JWT_ROUTES',
      '{"GET /pets": {"claims": {"g": {"containsAny": []}}}}',
      'routes',
      /JWT_ROUTES: routes\["GET \/pets"\]\.claims\.g\.containsAny must not be empty/,
    ],
    [
      'JWT_ROUTES',
      '{"GET /pets": {"claims": {"role": "/adm.n/"}}}',
      'routes',
      /looks like a regular expression/,
    ],
  ])('refuses %s=%s, naming the variable and the setting path', (variable, value, setting, message) => {
    const error = configError({ ...BASE, [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(message);
  });

  it('takes the rule settings from JWT_CONFIG_FILE too', () => {
    const config = JSON.stringify({
      requiredClaims: { claims: { email_verified: true } },
      tokenTypes: ['at+jwt'],
      contextClaims: { tenant: 'https://example.com/tenant' },
      usageIdentifierClaim: 'client_id',
      routes: { 'DELETE /pets/{id}': { claims: { 'cognito:groups': { contains: 'vets' } } } },
    });
    const settings = readSettings(
      { ...BASE, JWT_CONFIG_FILE: 'rules.json' },
      files({ 'rules.json': config }),
    );
    expect(settings.authorizerOptions).toMatchObject(JSON.parse(config));
    const bad = JSON.stringify({ requiredClaims: { claims: { tenant: '^acme$' } } });
    const error = configError({ ...BASE, JWT_CONFIG_FILE: 'bad.json' }, files({ 'bad.json': bad }));
    expect(error.setting).toBe('requiredClaims');
    expect(error.message).toMatch(/bad\.json.*looks like a regular expression/);
  });
});

describe('settings errors on hostile values', () => {
  // A value pasted with a Windows line ending, a separator or an invisible character: the error names
  // it with escapes, on one line, whatever the setting.
  const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
  const hostile = fc.constantFrom(
    '\r',
    '\n',
    '\u2028',
    '\u2029',
    '\u202e',
    '\u200b',
    '\u007f',
    '\u0085',
    '\t',
    '%0A',
    '*',
    '?',
    'ü',
  );

  it('every setting refuses or accepts them with a one-line message', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(INVALID)),
        fc.constantFrom(
          '',
          'refusals',
          'simple',
          'required',
          'opaque',
          'https://idp.example.com/x',
          '10',
          'read:pets',
        ),
        hostile,
        (variable, value, tail) => {
          const env = { ...BASE, ...companionsOf(variable), [variable]: `${value}${tail}x` };
          try {
            readSettings(env, FOLDER);
          } catch (err) {
            expect(err).toBeInstanceOf(ConfigurationError);
            expect((err as Error).message).not.toMatch(UNSAFE);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('names a hostile config-file key on one line', () => {
    for (const config of [
      { 'policy\u2028Mode': 'method' },
      { jwks: { 'timeout\u202eMs': 1 } },
      { issuers: [{ issuer: 'https://a.example.com/', 'aud\u0085ience': 'x' }] },
    ]) {
      const message = configError(
        { ...BASE, JWT_CONFIG_FILE: 'hostile.json' },
        files({ 'hostile.json': JSON.stringify(config) }),
      ).message;
      expect(message).toMatch(/is not (?:a|an issuer) setting/);
      expect(message).not.toMatch(UNSAFE);
    }
  });

  it('shows a carriage return inside a value as \\r', () => {
    expect(configError({ ...BASE, JWT_DECISION_LOG: 'refu\rsals' }).message).toContain('got "refu\\rsals"');
  });
});
