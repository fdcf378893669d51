import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createMinter,
  generateTestKey,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '../../../packages/authorizer-core/tests/helpers/index.js';

const EXAMPLE_DIR = resolve(import.meta.dirname, '..');
const ZIP = resolve(EXAMPLE_DIR, '../../packages/lambda-authorizer/dist/custom-authorizer.zip');
const SERVERLESS = join(EXAMPLE_DIR, 'node_modules/serverless/bin/serverless.js');
const AUDIENCE = 'https://api.example.com';
const key = generateTestKey('RS256', 'example-key');
const otherKey = generateTestKey('RS256', 'example-key');

let jwks: JwksServer;
let mint: ReturnType<typeof createMinter>;
let offline: ChildProcess;
let output = '';
let http: string;
let ws: string;

/** A port free on 127.0.0.1 now (the OS picks it; serverless-offline binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/** What serverless needs to run offline, and nothing that reaches the network or real AWS. */
function offlineEnv(issuer: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DEPRECATION_DISABLE: '*',
    SLS_INTERACTIVE_SETUP_DISABLE: '1',
    CI: 'true',
    AWS_ACCESS_KEY_ID: 'AKIAOFFLINEEXAMPLE00',
    AWS_SECRET_ACCESS_KEY: 'offline-example-secret',
    AWS_REGION: 'us-east-1',
    TOKEN_ISSUER: issuer,
    AUDIENCE,
  };
}

async function startOffline(issuer: string): Promise<void> {
  const [httpPort, websocketPort, lambdaPort] = [await freePort(), await freePort(), await freePort()];
  http = `http://127.0.0.1:${httpPort}`;
  ws = `ws://127.0.0.1:${websocketPort}`;
  const args = ['offline', 'start', '--httpPort', `${httpPort}`, '--websocketPort', `${websocketPort}`];
  offline = spawn(process.execPath, [SERVERLESS, ...args, '--lambdaPort', `${lambdaPort}`], {
    cwd: EXAMPLE_DIR,
    env: offlineEnv(issuer),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((ready, fail) => {
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      // The HTTP server says it is ready after the WebSocket server listens.
      if (output.includes('Server ready:')) ready();
    };
    offline.stdout?.on('data', listen);
    offline.stderr?.on('data', listen);
    offline.once('exit', (code) => fail(new Error(`serverless offline exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  if (!existsSync(ZIP)) throw new Error(`${ZIP} is missing: run the lambda-authorizer bundle task`);
  jwks = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(jwks.issuer, AUDIENCE);
  await startOffline(jwks.issuer);
});

afterAll(async () => {
  if (offline?.exitCode === null) {
    const exited = new Promise((done) => offline.once('exit', done));
    offline.kill('SIGTERM');
    await exited;
  }
  await jwks?.close();
  // serverless-offline unzips the artifact here for every run.
  rmSync(join(EXAMPLE_DIR, '.serverless-offline'), { recursive: true, force: true });
});

async function get(path: string, token?: string) {
  const response = await fetch(`${http}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    body: response.ok ? (JSON.parse(text) as Record<string, unknown>) : text,
  };
}

describe.each([
  ['REST API (http event, TOKEN authorizer)', '/rest'],
  ['HTTP API (httpApi event, payload 2.0, simple responses)', '/http'],
])('%s under serverless-offline', (_name, prefix) => {
  it('answers 200 with a good token, the authorizer context reaching the backend', async () => {
    const { status, body } = await get(`${prefix}/pets`, mint(key, { claims: { scope: 'read:pets' } }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ authorizer: { sub: 'user-123', scope: 'read:pets' } });
  });

  it('answers 401 without a token', async () => {
    expect((await get(`${prefix}/pets`)).status).toBe(401);
  });

  it('answers 403 when the token lacks the route scope', async () => {
    expect((await get(`${prefix}/pets`, mint(key, { claims: { scope: 'other' } }))).status).toBe(403);
    expect((await get(`${prefix}/admin`, mint(key, { claims: { scope: 'read:pets' } }))).status).toBe(403);
  });

  it('refuses a token signed by a key outside the JWKS', async () => {
    const { status } = await get(`${prefix}/pets`, mint(otherKey, { claims: { scope: 'read:pets' } }));
    // REST: the thrown Unauthorized is a 401. Simple responses cannot say 401: { isAuthorized: false } is a 403.
    expect(status).toBe(prefix === '/rest' ? 401 : 403);
  });
});

type Connection =
  | { readonly open: true; readonly socket: WebSocket; readonly protocol: string }
  | { readonly open: false; readonly status: number | undefined };

function connect(options: { headers?: Record<string, string>; protocols?: string[]; query?: string }) {
  return new Promise<Connection>((done) => {
    const socket = new WebSocket(`${ws}${options.query ?? ''}`, options.protocols ?? [], {
      headers: options.headers ?? {},
    });
    socket.once('open', () => done({ open: true, socket, protocol: socket.protocol }));
    socket.once('unexpected-response', (_request, response) => {
      done({ open: false, status: response.statusCode });
      socket.terminate();
    });
    socket.once('error', () => done({ open: false, status: undefined }));
  });
}

function firstMessage(socket: WebSocket, send: string): Promise<Record<string, unknown>> {
  return new Promise((done, fail) => {
    socket.once('message', (data) => done(JSON.parse(data.toString()) as Record<string, unknown>));
    socket.once('error', fail);
    socket.send(send);
  });
}

describe('WebSocket API (websocket event, $connect REQUEST authorizer) under serverless-offline', () => {
  it('connects with a good token in ?token=, and every message of the connection carries the context', async () => {
    const token = mint(key, { claims: { scope: 'chat read:pets' } });
    const connection = await connect({ query: `?token=${token}` });
    expect(connection.open).toBe(true);
    if (!connection.open) return;
    try {
      const reply = await firstMessage(connection.socket, JSON.stringify({ action: 'hello' }));
      expect(reply).toMatchObject({
        api: 'websocket',
        authorizer: { principalId: 'user-123', sub: 'user-123', scope: 'chat read:pets' },
      });
      expect(JSON.stringify(reply)).not.toContain(token);
    } finally {
      connection.socket.close();
    }
  });

  // API Gateway answers a thrown Unauthorized with 401; serverless-offline turns every error an
  // authorizer throws on $connect into a 500.
  it('refuses the connection without a token', async () => {
    const connection = await connect({});
    expect(connection.open ? 'open' : connection.status).toBe(500);
  });

  it('refuses the connection when the query and the Authorization header carry different tokens', async () => {
    const connection = await connect({
      query: `?token=${mint(key, { claims: { scope: 'chat' } })}`,
      headers: { Authorization: `Bearer ${mint(key, { claims: { scope: 'chat', sub: 'someone-else' } })}` },
    });
    expect(connection.open ? 'open' : connection.status).toBe(500);
  });

  it('answers 403 when the token lacks the $connect scope', async () => {
    const connection = await connect({ query: `?token=${mint(key, { claims: { scope: 'read:pets' } })}` });
    expect(connection.open ? 'open' : connection.status).toBe(403);
  });
});
