import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  createMinter,
  generateDpopKey,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signDpopProof,
  startJwksServer,
  thumbprintOf,
} from '@jwt-authorizer/test-fixtures';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHandler } from '../src/cold-start.js';
import { lambdaContext, METHOD_ARN } from './helpers/index.js';

// The handler configured through the settings table: JWT_SENDER_CONSTRAINED, JWT_PUBLIC_BASE_URL
// and JWT_DPOP_REPLAY_TABLE (against aws-sdk-client-mock with the real exception class).
const AUDIENCE = 'https://pets.example.com/api';
const key = generateTestKey('RS256', 'bound-key');
const proofKey = generateDpopKey('ES256');
const dynamo = mockClient(DynamoDBClient);
let server: JwksServer;
let dir: string;
let token: string;

beforeAll(async () => {
  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  token = createMinter(server.issuer, AUDIENCE)(key, { claims: { cnf: { jkt: thumbprintOf(proofKey) } } });
  dir = mkdtempSync(join(tmpdir(), 'authorizer-bound-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => dynamo.reset());

const PUBLIC_URL = 'https://api.example.com/v1';

function start(env: Record<string, string>) {
  return startHandler({
    env: {
      TOKEN_ISSUER: server.issuer,
      AUDIENCE,
      JWKS_URI: server.jwksUri,
      JWT_PUBLIC_BASE_URL: PUBLIC_URL,
      ...env,
    },
    baseDir: dir,
    log: { write: () => undefined, metricsNamespace: false },
  });
}

/** A REST REQUEST event for GET /pets/42 with the DPoP scheme and a fresh proof. */
function dpopEvent(
  proof = signDpopProof(proofKey, { htm: 'GET', htu: `${PUBLIC_URL}/pets/42`, accessToken: token }),
) {
  return {
    type: 'REQUEST' as const,
    methodArn: METHOD_ARN,
    resource: '/pets/{id}',
    path: '/pets/42',
    httpMethod: 'GET',
    headers: { Authorization: `DPoP ${token}`, DPoP: proof },
    multiValueHeaders: null,
    pathParameters: { id: '42' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123def4',
      stage: 'prod',
      domainName: 'x.execute-api.amazonaws.com',
    },
  };
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    const result = (await promise) as { policyDocument: { Statement: { Effect: string }[] } };
    return result.policyDocument.Statement[0]?.Effect ?? 'none';
  } catch (err) {
    return `${(err as Error).message}:${String(((err as Error).cause as { code?: string } | undefined)?.code)}`;
  }
}

describe('the handler with DPoP settings', () => {
  it('allows a DPoP request, checking htu against JWT_PUBLIC_BASE_URL, and refuses its replay', async () => {
    const { handler } = await start({});
    const event = dpopEvent();
    expect(await outcome(handler(event, lambdaContext()))).toBe('Allow');
    expect(await outcome(handler(event, lambdaContext()))).toBe('Unauthorized:DPOP_REPLAYED');
  });

  it('remembers proofs in the JWT_DPOP_REPLAY_TABLE table: a replay seen by another container is refused', async () => {
    const seen = new Set<string>();
    dynamo.on(PutItemCommand).callsFake((input: PutItemCommand['input']) => {
      expect(input.TableName).toBe('dpop-replay');
      const jti = input.Item?.jti?.S as string;
      if (seen.has(jti))
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
        });
      seen.add(jti);
      return {};
    });
    const first = await start({ JWT_DPOP_REPLAY_TABLE: 'dpop-replay' });
    const second = await start({ JWT_DPOP_REPLAY_TABLE: 'dpop-replay' });
    const event = dpopEvent();
    expect(await outcome(first.handler(event, lambdaContext()))).toBe('Allow');
    expect(await outcome(second.handler(event, lambdaContext()))).toBe('Unauthorized:DPOP_REPLAYED');
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(2);
  });

  it('answers 500, never an Allow, when the replay table cannot be written', async () => {
    dynamo.on(PutItemCommand).rejects(new Error('AccessDeniedException'));
    const { handler } = await start({ JWT_DPOP_REPLAY_TABLE: 'dpop-replay' });
    expect(await outcome(handler(dpopEvent(), lambdaContext()))).toBe(
      'Authorizer unavailable:REPLAY_STORE_UNAVAILABLE',
    );
  });

  it('with JWT_SENDER_CONSTRAINED=required refuses an unbound token', async () => {
    const { handler } = await start({ JWT_SENDER_CONSTRAINED: 'required' });
    const plain = createMinter(server.issuer, AUDIENCE)(key);
    const event = { ...dpopEvent(), headers: { Authorization: `Bearer ${plain}` } };
    expect(await outcome(handler(event, lambdaContext()))).toBe('Unauthorized:TOKEN_UNBOUND');
  });
});
