// Says why the authorizer refuses a token, check by check, and what every route would answer:
//   echo "$TOKEN" | pnpm explain [--route "GET /pets"] [--routes] [--offline] [--json]
// Settings are the handler's, read through the core's settings table with the .env rule of invoke
// and the deploy: --env-file, else packages/lambda-authorizer/.env, else the repository root's .env.
// The checks are the verifier's own (authorizer-core explainToken); this file only formats them.
// Nothing here is imported by the handler: the deployed bundle does not carry it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatFlags, parseFlags, quoteInput, resolveInvocationDir, runScript, UsageError } from './cli.mjs';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultRepoRoot = resolve(packageDir, '..', '..');

/** The version of the `--json` document; it changes only when a field changes meaning or goes. */
export const EXPLAIN_SCHEMA = 'jwt-authorizer.explain/1';

/** A placeholder stage for `--route` without an event or `--method-arn`: the policy names it. */
export const PLACEHOLDER_STAGE = 'arn:aws:execute-api:us-east-1:000000000000:api/stage/';

export const FLAGS = {
  event: { value: 'PATH', help: 'take the token and the method ARN from an authorizer test event' },
  route: { value: '"VERB /path"', help: 'explain one route, e.g. --route "GET /pets/42"' },
  'method-arn': { value: 'ARN', help: 'explain the route of this methodArn (or HTTP API routeArn)' },
  routes: { help: 'a table of every configured route with the answer this token gets' },
  offline: { help: 'no network: the signature is not checked (unless the JWKS is a static file)' },
  'show-claims': { help: "also print the token's claims (off by default: they may be personal data)" },
  json: { help: `print one JSON document (schema ${EXPLAIN_SCHEMA}) instead of text` },
  'env-file': {
    value: 'PATH',
    help: "settings file (default: packages/lambda-authorizer/.env, else the repository root's .env)",
  },
  help: { short: 'h', help: 'show this help' },
};

export const HELP = `Usage: explain [TOKEN] [options]
       echo "$TOKEN" | pnpm explain --routes
       jwt-authorizer explain --event event.json

Runs every check the authorizer runs on a token, in its order, and prints one line per check with
what the settings expect and what the token has, the key used, and the decision with its reason
code. It goes on after the first failure: the later checks are marked "after the first failure".
With --route, --method-arn or --routes it also says what API Gateway would answer.

Give the token on stdin (recommended: it then stays out of the shell history), as an argument,
or in a test event (--event). The token and its signature are never printed; claims only
with --show-claims, except the values the checks compare (iss, aud, exp, nbf, iat) and the scopes
the rules name.

Options:
${formatFlags(FLAGS)}

Settings are the handler's, from the environment and one .env file (the environment wins); files
the .env names are read relative to it. Relative paths on the command line are read from the
directory the command was run in. Without an event or --method-arn, routes
are placed in the stage ${PLACEHOLDER_STAGE}.
Exit codes: 0 allowed, 1 refused, 2 bad usage or settings.`;

const MARKS = { pass: '✓', fail: '✗', skipped: '-', 'not-checked': '○' };

const SOURCES = {
  static: 'the static JWKS (jwks or jwksFile setting)',
  'jwks-uri': 'JWKS URI',
  discovery: 'OpenID discovery',
};

/** Splits the positional TOKEN from the flags; a value flag's value is never taken for it. */
function splitArguments(argv) {
  const args = argv.filter((arg) => arg !== '--');
  const flags = [];
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('-') && arg !== '-') {
      flags.push(arg);
      const spec = FLAGS[arg.replace(/^--/, '')];
      if (spec?.value && !arg.includes('=') && i + 1 < args.length) flags.push(args[++i]);
    } else positional.push(arg);
  }
  if (positional.length > 1) {
    throw new UsageError('explain takes one TOKEN argument (better: give it on stdin; see `explain --help`)');
  }
  return { values: parseFlags(flags, FLAGS, 'explain'), token: positional[0] };
}

/**
 * The method ARN of a `--route "VERB /path"` value in a stage: the verb is upper-cased, the path is
 * taken as it is after the space, line breaks, tabs, `%`-sequences and wildcards included, as API
 * Gateway puts a decoded path into the ARN: a hostile path is explained, not tidied away.
 *
 * @throws UsageError when the value is not a verb, one space and a path starting with `/`
 */
export function routeToArn(value, stage) {
  const match = /^([A-Za-z*]+) \/(.*)$/s.exec(value);
  if (!match) throw new UsageError(`--route must look like "GET /pets", got '${quoteInput(value)}'`);
  return `${stage}${match[1].toUpperCase()}/${match[2]}`;
}

function readEvent(path) {
  if (!existsSync(path)) throw new UsageError(`--event ${path} not found`);
  try {
    const event = JSON.parse(readFileSync(path, 'utf8'));
    if (event === null || typeof event !== 'object') throw new Error('not an object');
    return event;
  } catch (err) {
    throw new UsageError(`--event ${path} is not a JSON authorizer event (${err.message})`);
  }
}

/** The Authorization value and ARN of a REST TOKEN, REST REQUEST or HTTP API 2.0 event. */
function fromEvent(event) {
  if (event.type === 'TOKEN')
    return { authorization: event.authorizationToken, arn: event.methodArn, v2: false };
  const headers = event.headers && typeof event.headers === 'object' ? event.headers : {};
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'authorization');
  const v2 = event.version === '2.0';
  return { authorization: name ? headers[name] : undefined, arn: v2 ? event.routeArn : event.methodArn, v2 };
}

// Values come from the token (kid, iss, aud): shown escaped and cut short, so a line break or a
// terminal escape sequence in a claim can neither split a line nor reach the terminal.
const shown = (value) => quoteInput(String(value), 200);

function checkText(check) {
  const expected = check.expected === undefined ? undefined : shown(check.expected);
  const actual = check.actual === undefined ? undefined : shown(check.actual);
  const note = check.note ? shown(check.note) : undefined;
  const parts = [];
  if (check.check === 'iss' && check.status === 'pass') {
    parts.push(`token has ${actual}, configured ${expected}, ${note}`);
  } else if (expected !== undefined && actual !== undefined) {
    parts.push(
      ['exp', 'nbf', 'iat'].includes(check.check)
        ? `${actual} (expected ${expected})`
        : `expected ${expected}, token has ${actual}`,
    );
    if (note) parts.push(note);
  } else {
    if (actual !== undefined) parts.push(actual);
    if (note) parts.push(note);
  }
  return parts.join('; ');
}

function keyText(key) {
  const where = key.jwksUri === undefined ? '' : ` ${key.jwksUri}`;
  return `kid ${shown(key.kid)}, kty ${shown(key.kty)}, alg ${shown(key.alg ?? 'not set')}, from ${SOURCES[key.source]}${where}`;
}

/** The plain-text lines of a check list. */
export function formatChecks(explanation) {
  const width = Math.max(...explanation.checks.map((check) => check.check.length));
  return explanation.checks.map((check) => {
    const text =
      check.check === 'key' && check.status === 'pass' && explanation.key
        ? keyText(explanation.key)
        : checkText(check);
    const status =
      check.status === 'not-checked' ? 'not checked; ' : check.status === 'skipped' ? 'not run; ' : '';
    const code = check.code ? `  [${check.code}]` : '';
    const after = check.afterFailure ? '  (after the first failure)' : '';
    return `  ${MARKS[check.status]} ${check.check.padEnd(width)}  ${status}${text}${code}${after}`;
  });
}

function statusText(status) {
  return {
    200: '200 (the request goes through)',
    401: '401 Unauthorized',
    403: '403 Forbidden',
    500: '500 (authorizer error)',
  }[status];
}

function policyText(policy) {
  return policy.Statement.flatMap((statement) =>
    statement.Resource.map((resource) => `      ${statement.Effect.padEnd(5)} ${quoteInput(resource, 600)}`),
  );
}

function routeLines(route) {
  const lines = [`Route ${route.method} /${quoteInput(route.resourcePath, 200)}`];
  lines.push(`  rules: ${route.rules.length > 0 ? route.rules.join('; ') : 'none match'}`);
  const why = route.allowed
    ? 'allowed'
    : route.code === 'CLAIM_MISMATCH'
      ? `refused: the token fails the condition on ${route.failedClaims.map(shown).join(', ')} [CLAIM_MISMATCH]`
      : route.code === 'INSUFFICIENT_SCOPE'
        ? `refused: missing scope ${route.missingScopes.join(' ')} [INSUFFICIENT_SCOPE]`
        : `refused [${route.code}]`;
  for (const claim of route.ruleClaims) {
    const value = claim.value === undefined ? 'absent' : shown(JSON.stringify(claim.value));
    lines.push(`  claim ${shown(claim.name)} (named in the rules): ${value}`);
  }
  lines.push(`  decision: ${why}`);
  if (route.policy) lines.push('  policy:', ...policyText(route.policy));
  if (route.isAuthorized !== undefined) lines.push(`  simple answer: {"isAuthorized":${route.isAuthorized}}`);
  lines.push(`  API Gateway answers: ${statusText(route.status)}`);
  return lines;
}

function tableLines(rows, first) {
  const header = ['Route', 'Answer', `Cached from ${first}`];
  const cells = rows.map((row) => [
    row.route,
    `${row.status}${row.code === 'OK' ? '' : ` ${row.code}`}`,
    row.cachedStatus === undefined
      ? '-'
      : `${row.cachedStatus} ${row.coveredByCache ? 'covered' : 'NOT covered: differs from a fresh call'}`,
  ]);
  const widths = header.map((_, i) => Math.max(header[i].length, ...cells.map((cell) => cell[i].length)));
  return [header, ...cells].map((cell) =>
    `  ${cell.map((text, i) => text.padEnd(widths[i])).join('  ')}`.trimEnd(),
  );
}

/** A route explanation as the JSON document has it: every field present, absent values null. */
function jsonRoute(route) {
  return { ...route, policy: route.policy ?? null, isAuthorized: route.isAuthorized ?? null };
}

/** Scope names the rules use that the token holds: configuration names, shown because they are the point. */
function scopesInRules(options, verified) {
  const named = new Set([
    ...options.requiredScopes,
    ...(options.requiredAnyScopes ?? []),
    ...(options.routes ?? []).flatMap((route) => [...route.rule.allOf, ...route.rule.anyOf]),
  ]);
  return verified.scopes.filter((scope) => named.has(scope));
}

/**
 * Runs `explain` with the given I/O and returns its exit code: 0 allowed, 1 refused, 2 usage or
 * settings error.
 */
export async function runExplain(io) {
  const out = (text) => io.stdout(`${text}\n`);
  let parsed;
  try {
    parsed = splitArguments(io.argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`error: ${err.message}\n`);
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    out(HELP);
    return 0;
  }
  const fail = (message) => {
    io.stderr(`error: ${message}\n`);
    return 2;
  };
  const invocationDir = resolveInvocationDir(io.env, io.cwd);
  const given = [parsed.token !== undefined, values.event !== undefined].filter(Boolean).length;
  if (given > 1) return fail('give the token once: as TOKEN or in --event (see `explain --help`)');
  if (values.route && values['method-arn']) return fail('--route and --method-arn exclude each other');

  let authorization;
  let eventArn;
  let v2 = false;
  let tokenEvent = false;
  if (values.event !== undefined) {
    try {
      const event = readEvent(resolve(invocationDir, values.event));
      tokenEvent = event.type === 'TOKEN';
      ({ authorization, arn: eventArn, v2 } = fromEvent(event));
    } catch (err) {
      if (err instanceof UsageError) return fail(err.message);
      throw err;
    }
  } else if (parsed.token !== undefined) {
    authorization = parsed.token;
  } else if (io.stdinIsTTY) {
    return fail('no token: pipe it on stdin (echo "$TOKEN" | pnpm explain), or see `explain --help`');
  } else {
    authorization = (await io.readStdin()).trim();
  }

  const distDir = join(io.packageDir ?? packageDir, 'dist');
  let settings;
  let description;
  let core;
  try {
    core = await import(pathToFileURL(join(distDir, 'explain.js')).href);
    const loaded = core.loadDotenv({
      env: io.env,
      repoRoot: io.repoRoot ?? defaultRepoRoot,
      path: values['env-file'],
      cwd: invocationDir,
    });
    description = loaded.description;
    // Files the settings name are read relative to the .env file that named them, as the deploy does.
    const baseDir = loaded.file ? dirname(loaded.file) : invocationDir;
    settings = core.readHandlerSettings(loaded.env, { baseDir, confineToBaseDir: false });
    settings = { ...settings, authorizer: core.createAuthorizer(settings.authorizerOptions) };
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND')
      return fail(`${err.message}: run pnpm --filter lambda-authorizer run build first`);
    if (err?.code !== 'CONFIG_INVALID') throw err;
    if (description) out(description);
    return fail(`${err.message}${err.variable ? ` (${err.variable})` : ''}`);
  }
  const { authorizer } = settings;
  const options = authorizer.options;
  const source = core.formatTokenSource(settings.tokenSource);
  if (values.event !== undefined && !tokenEvent && source !== 'header:authorization') {
    // The handler reads a REQUEST event's token where JWT_TOKEN_SOURCE says; explain reads only the
    // Authorization header, so it says so rather than explain a token the handler would not see.
    return fail(
      `JWT_TOKEN_SOURCE is ${source}: explain --event reads a REQUEST event's token from the Authorization header only; give the token on stdin instead`,
    );
  }

  let token;
  let bearerFailure;
  // A bare token or a full `Bearer …` value are both accepted; the event's value is read as the handler reads it.
  const raw = typeof authorization === 'string' ? authorization : '';
  try {
    token =
      values.event !== undefined || /^bearer\s/i.test(raw) ? authorizer.extractToken(authorization) : raw;
  } catch (err) {
    if (!(err instanceof core.TokenError)) throw err;
    bearerFailure = err;
  }
  const explanation = bearerFailure
    ? {
        checks: [
          {
            check: 'bearer',
            status: 'fail',
            code: bearerFailure.code,
            note: bearerFailure.message,
            afterFailure: false,
          },
        ],
        code: bearerFailure.code,
        authenticated: false,
        key: undefined,
        verified: undefined,
      }
    : await core.explainToken(options, token, { offline: Boolean(values.offline) });

  let routeArn = values['method-arn'] ?? eventArn;
  if (values.route) {
    try {
      const stage = eventArn ? core.stageArnPrefix(core.parseMethodArn(eventArn)) : PLACEHOLDER_STAGE;
      routeArn = routeToArn(values.route, stage);
    } catch (err) {
      if (err instanceof UsageError || err?.code === 'EVENT_INVALID') return fail(err.message);
      throw err;
    }
  }
  const format = v2 && settings.httpApiResponse === 'simple' ? 'simple' : 'iam';
  let route;
  let rows;
  try {
    if (routeArn !== undefined && (values.route || values['method-arn'] || values.event)) {
      route = core.explainRoute(authorizer, explanation, routeArn, format);
    }
    if (values.routes) {
      const stage = routeArn ? core.stageArnPrefix(core.parseMethodArn(routeArn)) : PLACEHOLDER_STAGE;
      rows = core.explainRoutes(authorizer, explanation, stage, routeArn);
    }
  } catch (err) {
    if (err?.code === 'EVENT_INVALID') return fail(err.message);
    throw err;
  }

  const allowed = explanation.authenticated && (route === undefined || route.allowed);
  const code = explanation.authenticated ? (route?.code ?? 'OK') : explanation.code;
  const status =
    route?.status ??
    (explanation.authenticated ? undefined : explanation.code.startsWith('JWKS_') ? 500 : 401);
  const signatureChecked = explanation.checks.some(
    (check) => check.check === 'signature' && check.status === 'pass',
  );
  const shownScopes = explanation.verified ? scopesInRules(options, explanation.verified) : [];

  if (values.json) {
    const document = {
      schema: EXPLAIN_SCHEMA,
      envFile: description,
      decision: { allowed, code, status: status ?? null, signatureChecked },
      checks: explanation.checks.map((check) => ({
        check: check.check,
        status: check.status,
        code: check.code ?? null,
        expected: check.expected ?? null,
        actual: check.actual ?? null,
        note: check.note ?? null,
        afterFailure: check.afterFailure,
      })),
      key: explanation.key ?? null,
      scopesInRules: shownScopes,
      route: route ? jsonRoute(route) : null,
      routes: rows
        ? rows.map((row) => ({
            ...jsonRoute(row),
            cachedStatus: row.cachedStatus ?? null,
            coveredByCache: row.coveredByCache ?? null,
          }))
        : null,
      claims: values['show-claims'] && explanation.verified ? explanation.verified.claims : null,
    };
    out(JSON.stringify(document, null, 2));
    return allowed ? 0 : 1;
  }

  out(description);
  out('Token checks, in the order the authorizer runs them:');
  for (const line of formatChecks(explanation)) out(line);
  if (shownScopes.length > 0) out(`  scopes the rules name that the token has: ${shownScopes.join(' ')}`);
  if (values['show-claims'] && explanation.verified) {
    out('Claims (--show-claims):');
    out(JSON.stringify(explanation.verified.claims, null, 2));
  }
  if (route) for (const line of routeLines(route)) out(line);
  if (rows) {
    const first =
      rows.length > 0
        ? `${route?.method ?? rows[0].method} /${route?.resourcePath ?? rows[0].resourcePath}`
        : '-';
    out(
      rows.length > 0
        ? 'Routes (sample path: {param} and * as x):'
        : 'Routes: none configured (every route gets the same answer)',
    );
    if (rows.length > 0) for (const line of tableLines(rows, first)) out(line);
  }
  const offline = explanation.authenticated && !signatureChecked ? ' (signature not checked: offline)' : '';
  out(
    allowed
      ? `Decision: allowed [${code}]${offline}${status ? `; API Gateway answers ${statusText(status)}` : ''}`
      : `Decision: refused [${code}]${status ? `; API Gateway answers ${statusText(status)}` : ''}`,
  );
  return allowed ? 0 : 1;
}

/**
 * The failed checks of the token in an authorizer event, as `explain` prints them: the detail of
 * `invoke`'s refusal line (local only; the handler's decision log keeps the reason code alone).
 */
export async function explainRefusal({ env, event, baseDir, distDir = join(packageDir, 'dist') }) {
  const core = await import(pathToFileURL(join(distDir, 'explain.js')).href);
  const settings = core.readHandlerSettings(env, { baseDir, confineToBaseDir: false });
  // Another token source than the Authorization header: the handler's token is not the one read here.
  if (event?.type !== 'TOKEN' && core.formatTokenSource(settings.tokenSource) !== 'header:authorization')
    return [];
  const authorizer = core.createAuthorizer(settings.authorizerOptions);
  let token;
  try {
    token = authorizer.extractToken(fromEvent(event).authorization);
  } catch {
    // A missing or malformed Authorization value: its reason code says all there is.
    return [];
  }
  const explanation = await core.explainToken(authorizer.options, token);
  return formatChecks({
    ...explanation,
    checks: explanation.checks.filter((check) => check.status === 'fail'),
  });
}

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The command as a process: stdin, stdout, stderr, exit code. */
export async function main(argv = process.argv.slice(2)) {
  process.exitCode = await runExplain({
    argv,
    env: process.env,
    cwd: process.cwd(),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    readStdin: () => readAll(process.stdin),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runScript(() => main());
