// Cold start of the unzipped handler next to a bare Node start, in the same run:
//   node scripts/cold-start.mjs [--runs 15] [--zip PATH] [--jwks-uri]   (--help for more)
// Each run starts a fresh `node` process: `node -e ''`, then a process that imports the zip's
// index.mjs (reading the settings, OpenID discovery and the JWKS fetch from a local issuer; with
// --jwks-uri, JWKS_URI is set and discovery skipped) and authorizes one token. Prints medians;
// measures, asserts nothing.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { formatFlags, readCommandLine, resolveInvocationDir } from './cli.mjs';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FLAGS = {
  runs: { value: 'N', help: 'fresh processes per variant (default 15)' },
  zip: {
    value: 'PATH',
    help: 'the zip to measure (default packages/lambda-authorizer/dist/custom-authorizer.zip)',
  },
  'jwks-uri': { help: 'set JWKS_URI, so the cold start skips OpenID discovery' },
  help: { short: 'h', help: 'show this help' },
};
const values = readCommandLine(
  FLAGS,
  'cold-start',
  `Usage: node packages/lambda-authorizer/scripts/cold-start.mjs [options]

Times fresh node processes: a bare start, and an import of the zip's index.mjs plus one
authorization against a local issuer (OpenID discovery, then the JWKS; with --jwks-uri the JWKS
only). Prints medians; asserts nothing.

Options:
${formatFlags(FLAGS)}

Relative paths are read from the directory the command was run in.
Exit codes: 0 measured, 1 a run failed, 2 bad input.`,
);
const runs = Number(values.runs ?? '15');
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('error: --runs must be a whole number of at least 1 (see `cold-start --help`)\n');
  process.exit(2);
}
const zipPath = values.zip
  ? resolve(resolveInvocationDir(process.env, process.cwd()), values.zip)
  : join(packageDir, 'dist', 'custom-authorizer.zip');
if (!existsSync(zipPath)) {
  process.stderr.write(`error: ${zipPath} not found: run pnpm --filter lambda-authorizer run bundle first\n`);
  process.exit(2);
}

function unzip(zip, dir) {
  for (const [name, data] of Object.entries(unzipSync(zip))) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
}

function time(args, options) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) fail(new Error(`${args.join(' ')} exited with ${code}`));
      else done({ wallMs, stdout });
    });
  });
}

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = JSON.stringify({
  keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'cold-1', alg: 'RS256', use: 'sig' }],
});
// The discovery document at its standard path; the JWKS at every other path (the default one too).
const server = createServer((req, res) =>
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(
      req.url === '/.well-known/openid-configuration'
        ? JSON.stringify({ issuer, jwks_uri: `${issuer}keys` })
        : jwks,
    ),
);
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const issuer = `http://127.0.0.1:${server.address().port}/`;
const audience = 'https://cold-start.example.com';
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const signingInput = `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'cold-1' })}.${b64url({ iss: issuer, aud: audience, sub: 'cold', iat: now, exp: now + 3600, scope: 'read:pets' })}`;
const token = `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;

const dir = mkdtempSync(join(tmpdir(), 'authorizer-cold-start-'));
try {
  unzip(readFileSync(zipPath), dir);
  writeFileSync(
    join(dir, 'measure.mjs'),
    `const started = performance.now();
const { handler } = await import('./index.mjs');
const imported = performance.now();
const result = await handler(
  { type: 'TOKEN', authorizationToken: 'Bearer ' + process.env.COLD_START_TOKEN, methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets' },
  { awsRequestId: 'cold-start', getRemainingTimeInMillis: () => 10000 },
);
const decided = performance.now();
if (result.policyDocument.Statement[0].Effect !== 'Allow') process.exit(2);
console.log('@@cold ' + JSON.stringify({ importMs: imported - started, firstAuthorizeMs: decided - imported, sinceProcessStartMs: decided }));
`,
  );
  const env = {
    PATH: process.env.PATH,
    TOKEN_ISSUER: issuer,
    AUDIENCE: audience,
    COLD_START_TOKEN: token,
    ...(values['jwks-uri'] ? { JWKS_URI: `${issuer}keys` } : {}),
  };
  writeFileSync(join(dir, 'empty.mjs'), '');
  const bare = [];
  const bareModule = [];
  const handler = [];
  const inside = [];
  await time(['measure.mjs'], { cwd: dir, env });
  for (let i = 0; i < runs; i++) {
    bare.push((await time(['-e', ''], { cwd: dir, env: { PATH: process.env.PATH } })).wallMs);
    bareModule.push((await time(['empty.mjs'], { cwd: dir, env: { PATH: process.env.PATH } })).wallMs);
    const run = await time(['measure.mjs'], { cwd: dir, env });
    handler.push(run.wallMs);
    const line = run.stdout.split('\n').find((text) => text.startsWith('@@cold '));
    inside.push(JSON.parse(line.slice(7)));
  }
  const zipBytes = readFileSync(zipPath).length;
  const ms = (value) => `${value.toFixed(1)} ms`;
  process.stdout.write(
    [
      `Node ${process.version}, ${runs} fresh processes each, medians (zip ${zipBytes} bytes, ${values['jwks-uri'] ? 'JWKS_URI set' : 'TOKEN_ISSUER and AUDIENCE only'}):`,
      `  node -e ''                                   ${ms(median(bare))}`,
      `  node empty.mjs (ESM entry, nothing in it)    ${ms(median(bareModule))}`,
      `  node: import unzipped index.mjs + 1st verify ${ms(median(handler))}`,
      `  difference to node -e ''                     ${ms(median(handler) - median(bare))}`,
      `  inside the process: import (settings + keys) ${ms(median(inside.map((x) => x.importMs)))}, first authorize ${ms(median(inside.map((x) => x.firstAuthorizeMs)))}`,
      '',
    ].join('\n'),
  );
} finally {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
