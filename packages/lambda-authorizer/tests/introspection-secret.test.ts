import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import {
  AccessDeniedException,
  GetParameterCommand,
  ParameterNotFound,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { ConfigurationError } from '@jwt-authorizer/authorizer-core';
import { evaluatePolicy } from '@jwt-authorizer/test-fixtures';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHandler } from '../src/cold-start.js';
import { clientSecretFromText, readIntrospectionClientSecret } from '../src/introspection-secret.js';
import { lambdaContext, METHOD_ARN, tokenEvent } from './helpers/index.js';

const secretsManager = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
afterEach(() => {
  secretsManager.reset();
  ssm.reset();
});

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'https://pets.example.com/api';
const CLIENT_ID = 'authorizer';
const SECRET = 'intro-Secret_42';
const OPAQUE = 'opaque-token-value-0123456789';

// An RFC 7662 endpoint on 127.0.0.1 that answers only to client_secret_basic with SECRET.
let endpoint: Server;
let url: string;
let authorizations: string[];
beforeAll(async () => {
  authorizations = [];
  endpoint = createServer((request, response) => {
    authorizations.push(request.headers.authorization ?? '');
    const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        active: true,
        iss: ISSUER,
        aud: AUDIENCE,
        sub: 'user-1',
        scope: 'read:pets',
        exp: Math.floor(Date.now() / 1000) + 600,
      }),
    );
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/introspect`;
});
afterAll(() => endpoint.close());

function env(secretId: string): Record<string, string> {
  return {
    TOKEN_ISSUER: ISSUER,
    AUDIENCE,
    // No JWT here: the cold start's JWKS fetch fails (logged, not fatal); opaque tokens are introspected.
    JWKS_URI: 'http://127.0.0.1:1/keys',
    JWT_INTROSPECTION_URL: url,
    JWT_INTROSPECTION_CLIENT_ID: CLIENT_ID,
    JWT_INTROSPECTION_CLIENT_SECRET_ID: secretId,
  };
}

async function coldStartError(secretId: string): Promise<ConfigurationError> {
  try {
    await startHandler({
      env: env(secretId),
      baseDir: '/nonexistent',
      log: { write: () => {}, metricsNamespace: false },
    });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error('expected the cold start to fail');
}

describe('the introspection client secret from AWS', () => {
  it('reads a Secrets Manager secret holding {"client_secret": ...} and authenticates with it', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'authorizer/introspection' })
      .resolves({ SecretString: JSON.stringify({ client_secret: SECRET, note: 'other keys are ignored' }) });
    const started = await startHandler({
      env: env('authorizer/introspection'),
      baseDir: '/nonexistent',
      log: { write: () => {}, metricsNamespace: false },
    });
    const result = await started.handler(tokenEvent(`Bearer ${OPAQUE}`), lambdaContext());
    expect(evaluatePolicy(result, METHOD_ARN)).toBe('Allow');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads an SSM SecureString with decryption, holding the bare secret', async () => {
    ssm.on(GetParameterCommand, { Name: '/authorizer/introspection-secret', WithDecryption: true }).resolves({
      Parameter: { Name: '/authorizer/introspection-secret', Type: 'SecureString', Value: SECRET },
    });
    const started = await startHandler({
      env: env('ssm:/authorizer/introspection-secret'),
      baseDir: '/nonexistent',
      log: { write: () => {}, metricsNamespace: false },
    });
    const result = await started.handler(tokenEvent(`Bearer ${OPAQUE}`), lambdaContext());
    expect(evaluatePolicy(result, METHOD_ARN)).toBe('Allow');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('sends what the secret holds: another secret is refused by the endpoint and never allowed', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'not-the-secret' });
    const started = await startHandler({
      env: env('authorizer/introspection'),
      baseDir: '/nonexistent',
      log: { write: () => {}, metricsNamespace: false },
    });
    await expect(started.handler(tokenEvent(`Bearer ${OPAQUE}`), lambdaContext())).rejects.toThrow();
    expect(authorizations.at(-1)).toBe(
      `Basic ${Buffer.from(`${CLIENT_ID}:not-the-secret`).toString('base64')}`,
    );
  });

  it.each([
    [
      'a missing Secrets Manager secret',
      'authorizer/gone',
      () =>
        secretsManager.on(GetSecretValueCommand).rejects(
          new ResourceNotFoundException({
            message: "Secrets Manager can't find the specified secret.",
            $metadata: {},
          }),
        ),
      /^JWT_INTROSPECTION_CLIENT_SECRET_ID: the Secrets Manager secret authorizer\/gone cannot be read \(ResourceNotFoundException\): check the name/,
    ],
    [
      'a Secrets Manager secret the role may not read',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:authorizer/introspection-AbCdEf',
      () =>
        // Secrets Manager does not model AccessDeniedException: the SDK gives its service exception so named.
        secretsManager.on(GetSecretValueCommand).rejects(
          new SecretsManagerServiceException({
            name: 'AccessDeniedException',
            $fault: 'client',
            message: 'User is not authorized to perform: secretsmanager:GetSecretValue',
            $metadata: {},
          }),
        ),
      /\(AccessDeniedException\): grant the function's role secretsmanager:GetSecretValue on exactly it$/,
    ],
    [
      'a missing SSM parameter',
      'ssm:/authorizer/gone',
      () => ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} })),
      /^JWT_INTROSPECTION_CLIENT_SECRET_ID: the SSM parameter \/authorizer\/gone cannot be read \(ParameterNotFound\)/,
    ],
    [
      'an SSM parameter the role may not read',
      'ssm:/authorizer/introspection-secret',
      () =>
        ssm.on(GetParameterCommand).rejects(
          new AccessDeniedException({
            Message: 'not authorized',
            message: 'not authorized',
            $metadata: {},
          }),
        ),
      /\(AccessDeniedException\): grant the function's role ssm:GetParameter \(and kms:Decrypt for a customer managed key\)/,
    ],
    [
      'a secret stored as binary',
      'authorizer/introspection',
      () => secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) }),
      /holds binary data/,
    ],
    [
      'a JSON secret without client_secret',
      'authorizer/introspection',
      () =>
        secretsManager
          .on(GetSecretValueCommand)
          .resolves({ SecretString: '{"password": "intro-Secret_42"}' }),
      /is a JSON object without a "client_secret" string/,
    ],
    [
      'a secret that starts like JSON but is not',
      'authorizer/introspection',
      () => secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{intro-Secret_42' }),
      /starts with "\{" but is not valid JSON/,
    ],
    [
      'a secret with a trailing newline',
      'ssm:/authorizer/introspection-secret',
      () => ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'intro-Secret_42\n' } }),
      /must hold the client secret as printable ASCII/,
    ],
    [
      'an SSM parameter without a value',
      'ssm:/authorizer/introspection-secret',
      () => ssm.on(GetParameterCommand).resolves({}),
      /has no value/,
    ],
  ])(
    'fails the cold start on %s, naming the setting and never the secret',
    async (_name, secretId, arrange, message) => {
      arrange();
      const err = await coldStartError(secretId);
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.variable).toBe('JWT_INTROSPECTION_CLIENT_SECRET_ID');
      expect(err.setting).toBe('introspectionClientSecretId');
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain('intro-Secret_42');
    },
  );

  it('loads no AWS SDK and reads nothing without the setting', async () => {
    const { JWT_INTROSPECTION_CLIENT_SECRET_ID: _id, ...withPlainSecret } = env('unused');
    const started = await startHandler({
      env: { ...withPlainSecret, JWT_INTROSPECTION_CLIENT_SECRET: SECRET },
      baseDir: '/nonexistent',
      log: { write: () => {}, metricsNamespace: false },
    });
    const result = await started.handler(tokenEvent(`Bearer ${OPAQUE}`), lambdaContext());
    expect(evaluatePolicy(result, METHOD_ARN)).toBe('Allow');
    expect(secretsManager.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  it('refuses an id that is neither form before calling AWS', async () => {
    await expect(readIntrospectionClientSecret('ssm:/a b')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      variable: 'JWT_INTROSPECTION_CLIENT_SECRET_ID',
    });
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('clientSecretFromText', () => {
  it('takes client_secret from a JSON object and the whole text otherwise', () => {
    expect(clientSecretFromText('{"client_secret": "a b"}', 'x')).toBe('a b');
    expect(clientSecretFromText('  {"client_secret":"s"}', 'x')).toBe('s');
    expect(clientSecretFromText('plain:secret=', 'x')).toBe('plain:secret=');
    // Only an object is JSON here: other text, even valid JSON, is the secret itself.
    expect(clientSecretFromText('[1]', 'x')).toBe('[1]');
  });

  it.each([
    '',
    '{"client_secret": 42}',
    '{"client_secret": ""}',
    '{"Client_Secret": "s"}',
    '{"client_secret": "a\\nb"}',
  ])('refuses %j', (text) => {
    let error: unknown;
    try {
      clientSecretFromText(text, 'the secret');
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', variable: 'JWT_INTROSPECTION_CLIENT_SECRET_ID' });
  });

  it('refuses every text with a hostile character, and never echoes it', () => {
    const hostile = fc.constantFrom('\n', '\r', '\u2028', '\u2029', '\t', '\u00e9', '\u0000', '\u007f');
    fc.assert(
      fc.property(
        fc.string({ maxLength: 16 }),
        hostile,
        fc.string({ maxLength: 16 }),
        fc.boolean(),
        (a, bad, b, json) => {
          const secret = `${a}${bad}${b}`;
          const text = json ? JSON.stringify({ client_secret: secret }) : secret;
          try {
            clientSecretFromText(text, 'the secret');
          } catch (err) {
            expect((err as ConfigurationError).code).toBe('CONFIG_INVALID');
            expect((err as Error).message).not.toContain(secret);
            return;
          }
          throw new Error('accepted a secret with a hostile character');
        },
      ),
    );
  });
});
