import type { Authorization, Authorizer } from './authorizer.js';
import { assertClaimsAccepted, findTrustedIssuer } from './claims.js';
import { buildContext } from './context.js';
import { deepFreeze } from './deep-freeze.js';
import { createJwksLocator } from './discovery.js';
import { AuthorizerError } from './errors.js';
import { createHttpFetcher } from './fetcher.js';
import { acceptHeader } from './header-policy.js';
import { policyAllows } from './iam-policy.js';
import { IssuerKeys } from './issuer-keys.js';
import type { JwksKey } from './jwks-cache.js';
import { type DecodedJws, decodeJws } from './jws.js';
import { parseMethodArn } from './method-arn.js';
import type { ResolvedIssuer, ResolvedOptions } from './options.js';
import { type PolicyDocument, routeMatches } from './policy.js';
import { assertRequiredClaims } from './rules.js';
import { readScopeClaims } from './scopes.js';
import { assertKeyFitsAlg, assertSignatureValid } from './signature.js';
import { assertAccessTokenType } from './token-types.js';
import type { JwtClaims, VerifiedToken } from './verifier.js';

/**
 * The outcome of one check: `pass`, `fail`, `skipped` (it cannot run, e.g. the key is unknown so
 * the signature cannot be checked), or `not-checked` (left out on purpose: `offline`).
 */
export type CheckStatus = 'pass' | 'fail' | 'skipped' | 'not-checked';

/** One line of an explanation. Values are configuration or the registered claim being checked. */
export interface CheckResult {
  /**
   * `size`, `format`, `alg`, `kid`, `header`, `iss`, `key`, `key-type`, `signature`, `exp`, `nbf`,
   * `aud`, `iat`, `max-age`, `claims`, `typ`, `required-claim` (once per required claim condition).
   */
  readonly check: string;
  readonly status: CheckStatus;
  /** The reason code the authorizer gives when this check fails. */
  readonly code?: string;
  /** What the configuration accepts. */
  readonly expected?: string;
  /** What the token has. */
  readonly actual?: string;
  /** A remark: `accepted (trailing slash)`, `12 min ago`, `offline`. */
  readonly note?: string;
  /** The check ran after an earlier one had already refused the token. */
  readonly afterFailure: boolean;
}

/** Where the verification key came from. */
export type KeySource = 'static' | 'jwks-uri' | 'discovery';

/** The key a token was (or would be) checked with; public facts only. */
export interface KeyFacts {
  readonly kid: string;
  readonly kty: string;
  readonly alg: string | undefined;
  readonly source: KeySource;
  /** Where the JWKS was fetched; undefined for a static JWKS (a `jwks` or `jwksFile` setting). */
  readonly jwksUri: string | undefined;
}

/** What {@link explainToken} found: every check in the verifier's order, and its decision. */
export interface TokenExplanation {
  readonly checks: readonly CheckResult[];
  /** `OK`, or the reason code of the first failed check (the code the authorizer refuses with). */
  readonly code: string;
  /** Whether the token is authenticated: every check passed (the signature not checked when offline). */
  readonly authenticated: boolean;
  readonly key: KeyFacts | undefined;
  /** The token as the authorizer would hand it on; undefined unless authenticated. */
  readonly verified: VerifiedToken | undefined;
}

export interface ExplainTokenOptions {
  /** No network: keys come only from a static JWKS; otherwise the signature is `not-checked`. */
  offline?: boolean;
}

// The claims check throws at its first failure; each code names the claim it failed on. To find the
// next failure too, the claim is replaced by a passing value and the same check runs again.
const CLAIM_OF_CODE: Readonly<Record<string, string>> = {
  EXP_MISSING: 'exp',
  TOKEN_EXPIRED: 'exp',
  TOKEN_NOT_YET_VALID: 'nbf',
  ISSUER_INVALID: 'iss',
  AUDIENCE_INVALID: 'aud',
  IAT_INVALID: 'iat',
  TOKEN_TOO_OLD: 'max-age',
};

function codeOf(err: unknown): string {
  if (err instanceof AuthorizerError) return err.code;
  throw err;
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `12 min ago`, `in 3 h 5 min`, `40 s ago`. */
export function relativeTime(seconds: number, nowSeconds: number): string {
  const delta = Math.round(seconds - nowSeconds);
  const size = Math.abs(delta);
  const text =
    size < 120
      ? `${size} s`
      : size < 7200
        ? `${Math.round(size / 60)} min`
        : size < 172_800
          ? `${Math.floor(size / 3600)} h ${Math.round((size % 3600) / 60)} min`
          : `${Math.round(size / 86_400)} days`;
  return delta < 0 ? `${text} ago` : delta === 0 ? 'now' : `in ${text}`;
}

function timeOf(value: unknown, nowSeconds: number): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? `${isoTime(value)}, ${relativeTime(value, nowSeconds)}`
    : `${JSON.stringify(value) ?? 'absent'} (not a number)`;
}

function listOf(value: unknown): string {
  if (value === undefined) return 'none';
  if (Array.isArray(value)) return value.map((item) => String(item)).join(', ');
  return String(value);
}

/**
 * Runs the claims check again and again, each time with the claim that failed replaced by one that
 * passes, so every failing claim is found, each with the code the verifier refuses with.
 */
function findClaimFailures(
  payload: Record<string, unknown>,
  issuer: ResolvedIssuer,
  nowSeconds: number,
  options: ResolvedOptions,
): Map<string, string> {
  const failures = new Map<string, string>();
  const probe: Record<string, unknown> = { ...payload };
  for (let round = 0; round < 8; round++) {
    try {
      assertClaimsAccepted(probe, issuer, nowSeconds, options);
      return failures;
    } catch (err) {
      const code = codeOf(err);
      const claim = CLAIM_OF_CODE[code];
      if (claim === undefined || failures.has(claim)) {
        failures.set('claims', code);
        return failures;
      }
      failures.set(claim, code);
      if (claim === 'exp') probe.exp = Math.ceil(nowSeconds) + 3600;
      else if (claim === 'nbf') delete probe.nbf;
      else if (claim === 'iss') probe.iss = issuer.issuer;
      else if (claim === 'iat' || claim === 'max-age') probe.iat = Math.floor(nowSeconds);
      else if (claim === 'aud') {
        if (issuer.audiences.length > 0) probe.aud = issuer.audiences[0];
        else {
          delete probe.aud;
          probe.token_use = 'access';
          probe.client_id = issuer.clientIds[0];
        }
      }
    }
  }
  failures.set('claims', 'CLAIM_INVALID');
  return failures;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** How an untrusted `iss` differs from the configured issuers: by host, or by path on the same host. */
function issuerDifference(iss: unknown, configured: readonly string[]): string {
  if (typeof iss !== 'string') return '';
  const host = hostOf(iss);
  if (host === undefined) return ' (not a URL)';
  return configured.some((c) => hostOf(c) === host) ? ' (same host, different path)' : ' (different host)';
}

/**
 * Where an issuer's JWKS is, for the message only: a discovered location is looked up again (the
 * key finder keeps it to itself); the decision never depends on this.
 */
async function jwksLabel(
  options: ResolvedOptions,
  issuer: ResolvedIssuer,
  fallback: string,
): Promise<string> {
  if (issuer.jwks) return 'the static JWKS';
  if (!issuer.discover) return issuer.jwksUri;
  const fetcher =
    options.jwks.fetcher ??
    createHttpFetcher({ timeoutMs: options.jwks.timeoutMs, maxBytes: options.jwks.maxBytes });
  try {
    return (await createJwksLocator({ fetcher, cooldownMs: 0 }).locate(issuer)).jwksUri;
  } catch {
    return fallback;
  }
}

function sourceOf(issuer: ResolvedIssuer): KeySource {
  if (issuer.jwks) return 'static';
  return issuer.discover ? 'discovery' : 'jwks-uri';
}

/**
 * Explains what the verifier decides about `token`, one {@link CheckResult} per check in the
 * verifier's order, each computed by the verifier's own check functions (`acceptHeader`,
 * `findTrustedIssuer`, `assertKeyFitsAlg`, `assertSignatureValid`, `assertClaimsAccepted`). It does
 * not stop at the first failure: the checks that can still run are reported with `afterFailure`.
 * Check values are configuration, header facts and the registered claims checked (`iss`, `aud`,
 * `exp`, `nbf`, `iat`); never the token, its signature or any other claim.
 *
 * @throws {KeysUnavailableError} never: an unavailable JWKS is a failed `key` check (`JWKS_UNAVAILABLE`).
 * @example
 * const { code, checks } = await explainToken(authorizer.options, token);
 */
export async function explainToken(
  options: ResolvedOptions,
  token: string,
  explainOptions: ExplainTokenOptions = {},
): Promise<TokenExplanation> {
  const checks: CheckResult[] = [];
  let firstCode: string | undefined;
  const add = (result: Omit<CheckResult, 'afterFailure'>) => {
    checks.push({ ...result, afterFailure: firstCode !== undefined });
    if (result.status === 'fail' && firstCode === undefined) firstCode = result.code;
  };
  const done = (key?: KeyFacts, verified?: VerifiedToken): TokenExplanation => ({
    checks,
    code: firstCode ?? 'OK',
    authenticated: firstCode === undefined,
    key,
    verified: firstCode === undefined ? verified : undefined,
  });

  if (typeof token !== 'string' || token === '') {
    add({ check: 'size', status: 'fail', code: 'TOKEN_MISSING', actual: 'no token' });
    return done();
  }
  const size = `${token.length} bytes`;
  const limit = `at most ${options.maxTokenBytes} bytes`;
  if (token.length > options.maxTokenBytes) {
    add({ check: 'size', status: 'fail', code: 'TOKEN_TOO_LARGE', expected: limit, actual: size });
    return done();
  }
  add({ check: 'size', status: 'pass', expected: limit, actual: size });

  let decoded: DecodedJws;
  try {
    decoded = decodeJws(token);
  } catch (err) {
    add({ check: 'format', status: 'fail', code: codeOf(err), note: (err as Error).message });
    return done();
  }
  add({ check: 'format', status: 'pass', actual: 'compact JWS' });

  // The header check stops at its first failure; a copy with the failing field made acceptable finds the next.
  const { header, payload } = decoded;
  const allowed = [...options.algorithms].join(', ');
  const alg = typeof header.alg === 'string' ? header.alg : undefined;
  const kid = typeof header.kid === 'string' && header.kid !== '' ? header.kid : undefined;
  const headerProbe: Record<string, unknown> = { ...header };
  const headerFailures = new Map<string, string>();
  for (let round = 0; round < 3; round++) {
    try {
      acceptHeader(headerProbe, options.algorithms);
      break;
    } catch (err) {
      const code = codeOf(err);
      if (code === 'ALG_NOT_ALLOWED') {
        headerFailures.set('alg', code);
        headerProbe.alg = [...options.algorithms][0];
      } else if (code === 'KID_MISSING') {
        headerFailures.set('kid', code);
        headerProbe.kid = 'kid';
      } else {
        headerFailures.set('header', code);
        break;
      }
    }
  }
  const algCode = headerFailures.get('alg');
  add({
    check: 'alg',
    status: algCode ? 'fail' : 'pass',
    ...(algCode ? { code: algCode } : {}),
    expected: `one of ${allowed}`,
    actual: alg ?? `${JSON.stringify(header.alg) ?? 'absent'}`,
  });
  const kidCode = headerFailures.get('kid');
  add({
    check: 'kid',
    status: kidCode ? 'fail' : 'pass',
    ...(kidCode ? { code: kidCode } : {}),
    expected: 'present',
    actual: kid ?? 'absent',
  });
  const headerCode = headerFailures.get('header');
  const forbidden = ['jwk', 'jku', 'x5u', 'x5c', 'crit'].filter((name) => header[name] !== undefined);
  add({
    check: 'header',
    status: headerCode ? 'fail' : 'pass',
    ...(headerCode ? { code: headerCode } : {}),
    expected: 'no jwk, jku, x5u, x5c or crit',
    actual: forbidden.length > 0 ? `has ${forbidden.join(', ')}` : 'none of them',
  });

  // The issuer picks the keys; when it is not trusted, the rest is checked against the first
  // configured issuer (said so in the line) so the remaining failures still show.
  const iss = payload.iss;
  const configured = [...options.issuers.values()].map((issuer) => issuer.issuer);
  let issuer: ResolvedIssuer;
  try {
    issuer = findTrustedIssuer(payload, options.issuers);
    const exact = issuer.issuer === iss;
    add({
      check: 'iss',
      status: 'pass',
      expected: issuer.issuer,
      actual: String(iss),
      note: exact ? 'accepted' : 'accepted (trailing slash)',
    });
  } catch (err) {
    issuer = options.issuers.values().next().value as ResolvedIssuer;
    add({
      check: 'iss',
      status: 'fail',
      code: codeOf(err),
      expected: configured.join(' or '),
      actual: typeof iss === 'string' ? iss : 'absent',
      note: `not a configured issuer${issuerDifference(iss, configured)}`,
    });
  }

  // The key: the same locator and JWKS cache the verifier builds, with a static JWKS only when offline.
  let key: JwksKey | undefined;
  let keyFacts: KeyFacts | undefined;
  const keyKid = kid ?? '';
  if (kid === undefined) {
    add({ check: 'key', status: 'skipped', note: 'the token names no kid' });
  } else if (explainOptions.offline && !issuer.jwks) {
    add({
      check: 'key',
      status: 'not-checked',
      actual: `kid ${kid}`,
      note: 'offline: the JWKS is not fetched',
    });
  } else {
    // The verifier's own key finder (discovery or the configured URI, then the JWKS), fresh: no cool-down from earlier calls.
    const keys = new IssuerKeys(options, () => undefined);
    const source = sourceOf(issuer);
    const where = source === 'discovery' ? 'the JWKS found by OpenID discovery' : issuer.jwksUri;
    try {
      const found = await keys.fetchKey(issuer, keyKid);
      key = found.key;
      const fetchedFrom = source === 'static' ? undefined : found.jwksUri;
      keyFacts = { kid: key.kid, kty: key.kty, alg: key.alg, source, jwksUri: fetchedFrom };
      add({
        check: 'key',
        status: 'pass',
        actual: `kid ${key.kid}`,
        note: fetchedFrom === undefined ? 'from the static JWKS' : `from ${fetchedFrom}`,
      });
    } catch (err) {
      const code = codeOf(err);
      add({
        check: 'key',
        status: 'fail',
        code,
        ...(code === 'KID_UNKNOWN'
          ? { expected: `a kid of ${await jwksLabel(options, issuer, where)}` }
          : {}),
        actual: `kid ${kid}`,
        note: (err as Error).message,
      });
    }
  }

  // Key type and signature: by the verifier's own functions.
  if (key === undefined || alg === undefined || algCode !== undefined) {
    const why = key === undefined ? 'no key' : 'the algorithm is not allowed';
    add({ check: 'key-type', status: 'skipped', note: why });
    add({
      check: 'signature',
      status: explainOptions.offline && key === undefined ? 'not-checked' : 'skipped',
      note: explainOptions.offline && key === undefined ? 'offline' : why,
    });
  } else {
    let fits = true;
    try {
      assertKeyFitsAlg(key, alg);
      add({
        check: 'key-type',
        status: 'pass',
        expected: `a key for ${alg}`,
        actual: `${key.kty}${key.crv ? ` ${key.crv}` : ''}${key.alg ? ` ${key.alg}` : ''}`,
      });
    } catch (err) {
      fits = false;
      add({
        check: 'key-type',
        status: 'fail',
        code: codeOf(err),
        expected: `a key for ${alg}`,
        actual: `${key.kty}${key.crv ? ` ${key.crv}` : ''}${key.alg ? ` ${key.alg}` : ''}`,
        note: (err as Error).message,
      });
    }
    if (!fits) add({ check: 'signature', status: 'skipped', note: 'the key does not fit the algorithm' });
    else {
      try {
        assertSignatureValid(decoded, alg, key);
        add({ check: 'signature', status: 'pass', note: `verified with kid ${key.kid}` });
      } catch (err) {
        add({ check: 'signature', status: 'fail', code: codeOf(err), note: 'does not match the key' });
      }
    }
  }

  // The claims: the failing ones first, in the order the claims check refuses them (the first is
  // the verifier's reason), then the passing ones.
  const nowSeconds = Date.now() / 1000;
  const failures = findClaimFailures(payload, issuer, nowSeconds, options);
  const skew = options.clockSkewSeconds > 0 ? ` (clock skew ${options.clockSkewSeconds} s)` : '';
  const byClientId = payload.aud === undefined && issuer.clientIds.length > 0;
  const claimLines = new Map<string, Pick<CheckResult, 'expected' | 'actual' | 'note'>>();
  claimLines.set('exp', {
    expected: `in the future${skew}`,
    actual: payload.exp === undefined ? 'absent' : timeOf(payload.exp, nowSeconds),
  });
  claimLines.set(
    'aud',
    byClientId
      ? {
          expected: `client_id ${issuer.clientIds.join(' or ')} with token_use access`,
          actual: `client_id ${listOf(payload.client_id)}, token_use ${listOf(payload.token_use)}`,
        }
      : { expected: issuer.audiences.join(' or ') || 'none configured', actual: listOf(payload.aud) },
  );
  if (payload.nbf !== undefined) {
    claimLines.set('nbf', { expected: `in the past${skew}`, actual: timeOf(payload.nbf, nowSeconds) });
  }
  if (payload.iat !== undefined || options.maxTokenAgeSeconds !== undefined) {
    claimLines.set('iat', {
      expected: options.maxTokenAgeSeconds === undefined ? 'not in the future' : 'present, not in the future',
      actual: payload.iat === undefined ? 'absent' : timeOf(payload.iat, nowSeconds),
    });
  }
  if (options.maxTokenAgeSeconds !== undefined) {
    claimLines.set('max-age', {
      expected: `issued at most ${options.maxTokenAgeSeconds} s ago`,
      actual: typeof payload.iat === 'number' ? `${Math.round(nowSeconds - payload.iat)} s ago` : 'no iat',
    });
  }
  for (const [check, code] of failures) {
    // The issuer was reported above, from the same check.
    if (check === 'iss') continue;
    const line = claimLines.get(check) ?? { note: 'a registered claim is malformed' };
    add({ check, status: 'fail', code, ...line });
  }
  for (const [check, line] of claimLines) {
    if (!failures.has(check)) add({ check, status: 'pass', ...line });
  }

  // The access token type, then the required claim conditions, each by the verifier's function.
  const typ = header.typ;
  const idMarks = [
    payload.token_use === 'id' ? 'token_use id' : undefined,
    payload.typ === 'ID' || payload.typ === 'Refresh' ? `typ claim ${String(payload.typ)}` : undefined,
  ].filter((mark) => mark !== undefined);
  const typeFields = {
    expected:
      options.tokenTypes.accepted === undefined
        ? 'an access token (no ID, logout, DPoP proof or other non-access typ)'
        : `typ ${[...options.tokenTypes.accepted].join(' or ')}`,
    actual: `${typ === undefined ? 'no typ' : `typ ${typeof typ === 'string' ? typ : JSON.stringify(typ)}`}${idMarks.length > 0 ? `, ${idMarks.join(', ')}` : ''}`,
  };
  try {
    assertAccessTokenType(options.tokenTypes, header, payload);
    add({ check: 'typ', status: 'pass', ...typeFields });
  } catch (err) {
    add({ check: 'typ', status: 'fail', code: codeOf(err), ...typeFields });
  }
  for (const check of options.requiredClaims) {
    // Claims named in the rules are shown: they are what the rule is about.
    const value = check.read(payload);
    const fields = {
      expected: `${check.name} meeting its condition`,
      actual: value === undefined ? `${check.name} absent` : `${check.name} = ${JSON.stringify(value)}`,
    };
    try {
      assertRequiredClaims([check], payload);
      add({ check: 'required-claim', status: 'pass', ...fields });
    } catch (err) {
      add({ check: 'required-claim', status: 'fail', code: codeOf(err), ...fields });
    }
  }

  // The token as the verifier hands it on: deep-frozen claims, scope-tokens, its context.
  const claims = deepFreeze(payload as unknown as JwtClaims);
  const { scopes, dropped } = readScopeClaims(claims);
  const verified: VerifiedToken = Object.freeze({
    claims,
    header: Object.freeze({ alg: alg ?? '', kid: keyKid }),
    issuer: issuer.issuer,
    scopes: Object.freeze(scopes),
    droppedScopes: dropped,
    context: Object.freeze(buildContext({ claims, scopes }, options.contextClaims)),
  });
  return done(keyFacts, verified);
}

/** The route part of an explanation: what the authorizer answers for one method ARN. */
export interface RouteExplanation {
  readonly methodArn: string;
  readonly method: string;
  readonly resourcePath: string;
  /** `OK`, `INSUFFICIENT_SCOPE`, `CLAIM_MISMATCH`, `ROUTE_NOT_ALLOWED`, or the token's refusal code. */
  readonly code: string;
  readonly allowed: boolean;
  readonly missingScopes: readonly string[];
  /** The claims (names as configured) whose conditions the token fails for this route. */
  readonly failedClaims: readonly string[];
  /** The claims the matching rules name, with the token's values: they are what the rules are about. */
  readonly ruleClaims: readonly { readonly name: string; readonly value: unknown }[];
  /** The configured rules that match the route (`GET /pets/{id}`). */
  readonly rules: readonly string[];
  /** The IAM policy document, or the simple answer, when the token was authenticated. */
  readonly policy: PolicyDocument | undefined;
  readonly isAuthorized: boolean | undefined;
  /** What API Gateway answers the caller: 200, 401, 403 or 500. */
  readonly status: 200 | 401 | 403 | 500;
}

/** The HTTP status API Gateway answers for a refused token: 500 when the keys could not be had. */
function refusalStatus(code: string): 401 | 500 {
  return code === 'JWKS_UNAVAILABLE' || code === 'JWKS_INVALID' ? 500 : 401;
}

/**
 * Explains the answer for one route with the authorizer's own `authorize` (or `authorizeSimple`),
 * and evaluates the returned policy on the ARN as IAM does.
 *
 * @throws {EventError} `EVENT_INVALID` when `methodArn` is not an execute-api ARN.
 * @example
 * explainRoute(authorizer, explanation, 'arn:aws:execute-api:us-east-1:1:api/prod/GET/pets')
 */
export function explainRoute(
  authorizer: Authorizer,
  explanation: TokenExplanation,
  methodArn: string,
  format: 'iam' | 'simple' = 'iam',
): RouteExplanation {
  const arn = parseMethodArn(methodArn);
  const matching = (authorizer.options.routes ?? []).filter((route) =>
    routeMatches(route, arn.method, arn.resourcePath),
  );
  const base = {
    methodArn,
    method: arn.method,
    resourcePath: arn.resourcePath,
    rules: matching.map((route) => route.route),
  };
  const verified = explanation.verified;
  if (!explanation.authenticated || verified === undefined) {
    const status = refusalStatus(explanation.code);
    // HTTP API simple responses answer a refused token with `{ isAuthorized: false }`: 403, not 401.
    const simple = format === 'simple' && status === 401;
    return {
      ...base,
      code: explanation.code,
      allowed: false,
      missingScopes: [],
      failedClaims: [],
      ruleClaims: [],
      policy: undefined,
      isAuthorized: simple ? false : undefined,
      status: simple ? 403 : status,
    };
  }
  const ruleClaims: { name: string; value: unknown }[] = [];
  for (const route of matching) {
    for (const check of route.rule.claims) {
      if (!ruleClaims.some((claim) => claim.name === check.name)) {
        ruleClaims.push({ name: check.name, value: check.read(verified.claims) });
      }
    }
  }
  const decided = (authorization: Authorization<unknown>) => {
    const failedClaims = authorization.failedClaims ?? [];
    return {
      ...base,
      code: authorization.allowed
        ? 'OK'
        : failedClaims.length > 0
          ? 'CLAIM_MISMATCH'
          : authorization.missingScopes.length > 0
            ? 'INSUFFICIENT_SCOPE'
            : 'ROUTE_NOT_ALLOWED',
      allowed: authorization.allowed,
      missingScopes: authorization.missingScopes,
      failedClaims,
      ruleClaims,
    };
  };
  if (format === 'simple') {
    const authorization = authorizer.authorizeSimple(verified, methodArn);
    return {
      ...decided(authorization),
      policy: undefined,
      isAuthorized: authorization.result.isAuthorized,
      status: authorization.result.isAuthorized ? 200 : 403,
    };
  }
  const authorization = authorizer.authorize(verified, methodArn);
  return {
    ...decided(authorization),
    policy: authorization.result.policyDocument,
    isAuthorized: undefined,
    status: policyAllows(authorization.result.policyDocument, methodArn) ? 200 : 403,
  };
}

/** One row of the route table. */
export interface RouteTableRow extends RouteExplanation {
  /** The configured rule the row stands for. */
  readonly route: string;
  /** What API Gateway answers when it replays the first route's cached policy on this one. */
  readonly cachedStatus: 200 | 401 | 403 | 500 | undefined;
  /** The cached policy gives the same answer as a fresh call. */
  readonly coveredByCache: boolean | undefined;
}

/** A concrete path for a rule: `{id}` and `*` become `x`, so the row stands for a real request. */
function samplePath(arnPath: string): string {
  return arnPath.replace(/\*/g, 'x');
}

/**
 * Every configured route (an `ANY` rule once per HTTP method is too many lines; it is shown for
 * `GET`) with the answer this token gets, and what the policy cached from the first call
 * (`firstArn`, default the first row) answers for it when API Gateway replays it.
 *
 * @example
 * explainRoutes(authorizer, explanation, 'arn:aws:execute-api:us-east-1:1:api/prod/')
 */
export function explainRoutes(
  authorizer: Authorizer,
  explanation: TokenExplanation,
  stagePrefix: string,
  firstArn?: string,
): RouteTableRow[] {
  const routes = authorizer.options.routes ?? [];
  const arns = routes.map(
    (route) => `${stagePrefix}${route.method === '*' ? 'GET' : route.method}/${samplePath(route.arnPath)}`,
  );
  const first = firstArn ?? arns[0];
  const cached = first === undefined ? undefined : explainRoute(authorizer, explanation, first);
  return routes.map((route, i) => {
    const row = explainRoute(authorizer, explanation, arns[i] as string);
    let cachedStatus: RouteTableRow['cachedStatus'];
    if (cached !== undefined) {
      cachedStatus =
        cached.policy === undefined ? cached.status : policyAllows(cached.policy, row.methodArn) ? 200 : 403;
    }
    return {
      ...row,
      route: route.route,
      cachedStatus,
      coveredByCache: cachedStatus === undefined ? undefined : cachedStatus === row.status,
    };
  });
}
