import { hash } from 'node:crypto';
import type {
  Authorization,
  DecisionLogLevel,
  RouteDecision,
  VerifiedToken,
} from '@jwt-authorizer/authorizer-core';
import { ConfigurationError } from '@jwt-authorizer/authorizer-core';
import {
  detectAuthorizerEventKind,
  isUnauthorizedError,
  type JwtAuthorizerSlots,
  type LambdaContext,
} from '@jwt-authorizer/middy-jwt';

/** What API Gateway was told: Allow, Deny (403), Unauthorized (401) or an error (500). */
export type Decision = 'allow' | 'deny' | 'unauthorized' | 'error';

/**
 * The one line written per invocation, fields in this order, absent ones left out. Only non-secret
 * facts: never the token, its signature, the claims set or the event.
 */
export interface DecisionLogLine {
  /** `error` for a 500; `warn` for a refusal under `refusals` (so Lambda's WARN filter keeps it); else `info`. */
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: 'authorizer decision';
  readonly decision: Decision;
  /**
   * `OK`, a core error code (`TOKEN_EXPIRED`, `CLAIM_INVALID`, `INSUFFICIENT_SCOPE`,
   * `CLAIM_MISMATCH`, `JWKS_UNAVAILABLE`…), `ROUTE_NOT_ALLOWED`, `RESULT_TOO_LARGE` (a WebSocket
   * `$connect` answer past 8 KB), or `POLICY_NARROWED` (an Allow whose api-mode policy would have
   * passed Lambda's 6 MB response limit, answered for the called method ARN only; at `warn`).
   */
  readonly reason: string;
  readonly eventKind?: string;
  readonly latencyMs: number;
  readonly requestId?: string;
  readonly kid?: string;
  readonly iss?: string;
  readonly alg?: string;
  /** First 16 hex digits of the SHA-256 of `sub`: correlates a caller's requests without naming them. */
  readonly subHash?: string;
  /**
   * How many values of the token's `scope`, `scp` and `permissions` were dropped for not being
   * RFC 6749 scope-tokens (e.g. holding a tab); only when some were. A count, never the values.
   */
  readonly droppedScopes?: number;
  /** Scope names the route requires and the token lacks (configuration, not token content). */
  readonly missingScopes?: readonly string[];
  /** Names of the claims whose route conditions the token fails (configuration, never values). */
  readonly failedClaims?: readonly string[];
  /** For `CLAIM_INVALID` from `requiredClaims`: the claim's configured name, never its value. */
  readonly claim?: string;
  /** For errors: the core error's message (never token content), or the error's name. */
  readonly error?: string;
  /** EMF metric values and the `_aws` block, unless `metricsNamespace` is false. */
  readonly Decisions?: 1;
  readonly Latency?: number;
  readonly _aws?: unknown;
}

export type { DecisionLogLevel };

export interface DecisionLogOptions {
  /**
   * Which decisions get a line (and so EMF metrics): `all` (default), `refusals` (Deny, 401 and
   * errors: an Allow writes and builds nothing) or `off` (no line, no hooks).
   */
  level?: DecisionLogLevel;
  /** Receives each line, without its newline (default: stdout). */
  write?: (line: string) => void;
  /** CloudWatch namespace of the embedded metrics (EMF); `false` leaves them out. Default `JwtAuthorizer`. */
  metricsNamespace?: string | false;
  /** Clock in milliseconds for the latency (default `performance.now`). */
  now?: () => number;
}

/** The slice of a Middy request the hooks read. */
export interface ObservedRequest {
  readonly event?: unknown;
  readonly context: object;
  readonly response?: unknown;
  readonly error?: unknown;
}

/** The route decision a result was built from, and why it denies when the decision allowed. */
type LoggedDecision = RouteDecision & Pick<Authorization<unknown>, 'refusal' | 'policyNarrowed'>;

/** Watches invocations and writes one {@link DecisionLogLine} for each. */
export interface DecisionLog {
  /** Records, on the invocation's context, the route decision the handler built its result from. */
  recordDecision(context: object, verified: VerifiedToken, decision: LoggedDecision): void;
  /**
   * Middy plugin hooks: they see every outcome, early responses and errors included. The reason a
   * token was refused comes from `context.authorizerRejection`, which middy-jwt's `jwtAuthorizer`
   * sets even when it answers `{ isAuthorized: false }` without an error.
   */
  readonly hooks: {
    requestStart(request: ObservedRequest): void;
    requestEnd(request: ObservedRequest): void;
  };
}

// Per-invocation state lives on objects the invocation already has, under private symbols: the
// start time on Middy's request (the hooks' argument), the route decision on the context the handler
// received, which middy-jwt makes this invocation's own: the runtime's object itself when it is new
// to middy-jwt's slots (Lambda's runtime passes a new one per invocation), else a context derived
// from it. A context object that already carried the slots when the invocation started (a local
// runner or an emulator passing one object again, possibly to overlapping invocations) is noted on
// the request, and nothing recorded on it is read as this invocation's; nothing on it is cleared
// either, since it may be another invocation's own. No per-invocation map entry or record object.
const startedAtSlot = Symbol('decisionLog.startedAt');
const sharedContextSlot = Symbol('decisionLog.sharedContext');
const verifiedSlot = Symbol('decisionLog.verified');
const decisionSlot = Symbol('decisionLog.decision');

interface TimedRequest extends ObservedRequest {
  [startedAtSlot]?: number;
  /** The context object the invocation started with, when it already carried middy-jwt's slots. */
  [sharedContextSlot]?: object | undefined;
}

/** What the hooks read instead of a context that is not the invocation's own: nothing recorded. */
const NO_SLOTS: ObservedContext = Object.freeze(Object.create(null) as ObservedContext);

/**
 * The context as the hooks see it: middy-jwt's slots, each unset when the invocation ended before
 * `jwtAuthorizer` filled it, plus this log's own. Values are still checked where read: the hooks
 * also see invocations that no middleware prepared.
 */
interface ObservedContext extends Partial<JwtAuthorizerSlots & Pick<LambdaContext, 'awsRequestId'>> {
  [verifiedSlot]?: VerifiedToken | undefined;
  [decisionSlot]?: LoggedDecision | undefined;
}

const INFO_LEVEL = '{"level":"info"';
const WARN_LEVEL = '{"level":"warn"';
const HEAD = `${INFO_LEVEL},"msg":"authorizer decision","decision":`;
const ALLOW_HEAD = `${HEAD}"allow","reason":"OK"`;
const INSUFFICIENT_SCOPE_HEAD = `${HEAD}"deny","reason":"INSUFFICIENT_SCOPE"`;
const ROUTE_NOT_ALLOWED_HEAD = `${HEAD}"deny","reason":"ROUTE_NOT_ALLOWED"`;
const RESULT_TOO_LARGE_HEAD = `${HEAD}"deny","reason":"RESULT_TOO_LARGE"`;
const POLICY_NARROWED_HEAD = `${WARN_LEVEL},"msg":"authorizer decision","decision":"allow","reason":"POLICY_NARROWED"`;
const CLAIM_MISMATCH_HEAD = `${HEAD}"deny","reason":"CLAIM_MISMATCH"`;
const UNAUTHORIZED_HEAD = `${HEAD}"unauthorized","reason":`;
const ERROR_HEAD = '{"level":"error","msg":"authorizer decision","decision":"error","reason":';

/** Slots of the table of subs seen once (for {@link createDecisionLog}'s facts cache): a power of two. */
const SUB_SLOTS = 4096;

/** FNV-1a (32 bits) of the last 32 characters of a sub. */
function subFingerprint(sub: string): number {
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, sub.length - 32); i < sub.length; i++) {
    hash = Math.imul(hash ^ sub.charCodeAt(i), 0x01000193);
  }
  return hash;
}

const EVENT_KINDS: Readonly<Record<string, string>> = {
  token: ',"eventKind":"token"',
  request: ',"eventKind":"request"',
  'http-v2': ',"eventKind":"http-v2"',
};

function codeOf(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function codedErrorOf(err: unknown): { code: string; message: string; claim: unknown } | undefined {
  for (const candidate of [err, (err as { cause?: unknown } | null | undefined)?.cause]) {
    const code = codeOf(candidate);
    if (code !== undefined) {
      const { message, claim } = candidate as { message?: unknown; claim?: unknown };
      return { code, message: String(message), claim };
    }
  }
  return undefined;
}

/** `,"claim":…` for a token refused by a required-claims rule: the configured name, never the value. */
function claimField(request: ObservedRequest, context: ObservedContext): string {
  const error = request.error;
  const claim =
    error !== undefined && error !== null
      ? codedErrorOf(error)?.claim
      : (context.authorizerRejection as { claim?: unknown } | undefined)?.claim;
  return typeof claim === 'string' ? `,"claim":${JSON.stringify(claim)}` : '';
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

function eventKindField(request: ObservedRequest, context: ObservedContext): string {
  const recorded: unknown = context.authorizerEvent?.kind;
  // When the middleware could not record it (a malformed event), the kind its detection would tell.
  const kind = typeof recorded === 'string' ? recorded : detectAuthorizerEventKind(request.event);
  if (kind === undefined) return '';
  return EVENT_KINDS[kind] ?? `,"eventKind":${JSON.stringify(kind)}`;
}

function numberText(value: number): string {
  // What JSON.stringify writes for a number.
  return Number.isFinite(value) ? String(value) : 'null';
}

/** `,"kid":…,"iss":…,"alg":…`, each field only when present. */
function buildKeyFacts(kid: string | undefined, iss: string | undefined, alg: string | undefined): string {
  let facts = '';
  if (kid !== undefined) facts += `,"kid":${JSON.stringify(kid)}`;
  if (iss !== undefined) facts += `,"iss":${JSON.stringify(iss)}`;
  if (alg !== undefined) facts += `,"alg":${JSON.stringify(alg)}`;
  return facts;
}

/** `,"subHash":…,"droppedScopes":…` for one verified token, each field only when present. */
function buildSubjectFacts(verified: VerifiedToken): string {
  const sub = verified.claims.sub;
  let facts = '';
  if (typeof sub === 'string') {
    // The one-shot `hash` (no Hash object per token): a third of `createHash().update().digest()`.
    facts += `,"subHash":"${hash('sha256', sub, 'hex').slice(0, 16)}"`;
  }
  const dropped = verified.droppedScopes;
  if (typeof dropped === 'number' && dropped > 0) facts += `,"droppedScopes":${dropped}`;
  return facts;
}

/**
 * The EMF tail after `"Timestamp":<ms>`, with the brace that closes the line, built once per log:
 * only the timestamp and values vary.
 */
function buildMetricsTail(namespace: string): string {
  const metrics = JSON.stringify({
    CloudWatchMetrics: [
      {
        Namespace: namespace,
        Dimensions: [['decision']],
        Metrics: [
          { Name: 'Decisions', Unit: 'Count' },
          { Name: 'Latency', Unit: 'Milliseconds' },
        ],
      },
    ],
  });
  return `,${metrics.slice(1)}}`;
}

/** The log of `level: 'off'`: records nothing, hooks nothing (Middy runs no plugin code per invocation). */
const OFF: DecisionLog = {
  recordDecision() {},
  hooks: {} as DecisionLog['hooks'],
};

/**
 * The level Lambda's advanced logging controls ask for (`AWS_LAMBDA_LOG_LEVEL`), for when
 * `JWT_DECISION_LOG` is not set: `TRACE`, `DEBUG` and `INFO` log every decision; `WARN`, `ERROR` and
 * `FATAL` log refusals only (a refusal is what an operator reads the log for; an Allow is routine).
 * Unset or unknown: `all`. Under `refusals` a Deny or 401 line says `"level":"warn"` and a 500 line
 * `"level":"error"`: with the JSON log format Lambda drops lines below its level, so at `ERROR` only
 * the 500s reach CloudWatch (and with them their EMF metrics).
 *
 * @example
 * decisionLogLevelFromLambda('WARN'); // 'refusals'
 */
export function decisionLogLevelFromLambda(logLevel: string | undefined): DecisionLogLevel {
  switch (logLevel?.trim().toUpperCase()) {
    case 'WARN':
    case 'ERROR':
    case 'FATAL':
      return 'refusals';
    default:
      return 'all';
  }
}

/** Writes one line straight to stdout (the default writer of the decision log and the cold start). */
export function writeStdout(line: string): void {
  // Straight to stdout: Lambda's console prefixes lines with a timestamp and request id, which would
  // stop the line from being JSON (and EMF from being extracted).
  process.stdout.write(`${line}\n`);
}

/**
 * Creates the decision log: one JSON line per invocation with the decision, the reason code, the
 * latency and non-secret token facts (kid, iss, alg, a hash of sub), plus CloudWatch EMF metrics.
 * The line is written as text in {@link DecisionLogLine}'s field order, without an intermediate
 * object; the facts of a verified token are kept with its object once its `sub` was seen before (the
 * core hands the same object back for a repeated token).
 *
 * @example
 * const log = createDecisionLog();
 * const handler = middy(buildResult, log.hooks).use(jwtAuthorizer({ authorizer }));
 * // in buildResult: log.recordDecision(context, context.jwt, authorizer.authorize(context.jwt, arn));
 */
export function createDecisionLog(options: DecisionLogOptions = {}): DecisionLog {
  const level = options.level ?? 'all';
  if (level !== 'all' && level !== 'refusals' && level !== 'off') {
    throw new ConfigurationError(`log.level must be "all", "refusals" or "off", got "${String(level)}"`);
  }
  if (level === 'off') return OFF;
  const refusalsOnly = level === 'refusals';
  const write = options.write ?? writeStdout;
  const now = options.now ?? (() => performance.now());
  const namespace = options.metricsNamespace ?? 'JwtAuthorizer';
  const metricsTail = namespace === false ? undefined : buildMetricsTail(namespace);
  const tokenFacts = new WeakMap<VerifiedToken, string>();
  const subsSeenOnce = new Int32Array(SUB_SLOTS);

  // kid, iss and alg repeat from token to token (one issuer, a few keys): their part of the facts is
  // built again only when one of them differs from the previous token's.
  let lastKid: string | undefined;
  let lastIss: string | undefined;
  let lastAlg: string | undefined;
  let lastKeyFacts: string | undefined;

  /** `,"kid":…,"iss":…,"alg":…,"subHash":…,"droppedScopes":…` for one verified token. */
  function factsOf(verified: VerifiedToken): string {
    let facts = tokenFacts.get(verified);
    if (facts === undefined) {
      const { kid, alg } = verified.header;
      const iss = verified.issuer;
      if (lastKeyFacts === undefined || kid !== lastKid || iss !== lastIss || alg !== lastAlg) {
        lastKeyFacts = buildKeyFacts(kid, iss, alg);
        lastKid = kid;
        lastIss = iss;
        lastAlg = alg;
      }
      facts = lastKeyFacts + buildSubjectFacts(verified);
      if (keepsFacts(verified)) tokenFacts.set(verified, facts);
    }
    return facts;
  }

  /**
   * Whether the facts of a token object are worth keeping. The core hands the same object back only
   * for a token it verified before (its result cache takes a token on its second verification), so
   * the object of a first sight never returns: a WeakMap entry for each one-off token would cost more
   * than it saves (ephemeron bookkeeping on every GC). Seen twice, judged by `sub`, the facts are
   * kept. The subs seen once are remembered by fingerprint in a fixed table (no allocation, unlike a
   * Set of strings): a collision or an overwritten slot only keeps or drops one token's facts, which
   * are the token object's own either way.
   */
  function keepsFacts(verified: VerifiedToken): boolean {
    const sub = verified.claims.sub;
    if (typeof sub !== 'string') return false;
    // Never 0, the empty slot.
    const fingerprint = subFingerprint(sub) | 1;
    const slot = fingerprint & (SUB_SLOTS - 1);
    if (subsSeenOnce[slot] === fingerprint) {
      subsSeenOnce[slot] = 0;
      return true;
    }
    subsSeenOnce[slot] = fingerprint;
    return false;
  }

  /** `{"level":…,"reason":…` for the outcome, and the message of an error. */
  function headOf(request: ObservedRequest, context: ObservedContext, decision: LoggedDecision | undefined) {
    const error = request.error;
    if (error !== undefined && error !== null) {
      if (isUnauthorizedError(error)) {
        const reason = codedErrorOf(error)?.code ?? codeOf(context.authorizerRejection) ?? 'TOKEN_INVALID';
        return `${UNAUTHORIZED_HEAD}${JSON.stringify(reason)}`;
      }
      return `${ERROR_HEAD}${JSON.stringify(codedErrorOf(error)?.code ?? 'INTERNAL_ERROR')}`;
    }
    if (decision === undefined) {
      // No error and no route decision: the middleware answered `{ isAuthorized: false }` early and
      // recorded why on the context.
      return `${UNAUTHORIZED_HEAD}${JSON.stringify(codeOf(context.authorizerRejection) ?? 'TOKEN_INVALID')}`;
    }
    if (decision.allowed) return decision.policyNarrowed === true ? POLICY_NARROWED_HEAD : ALLOW_HEAD;
    if (decision.refusal === 'RESULT_TOO_LARGE') return RESULT_TOO_LARGE_HEAD;
    if (decision.failedClaims !== undefined && decision.failedClaims.length > 0) return CLAIM_MISMATCH_HEAD;
    return decision.missingScopes.length > 0 ? INSUFFICIENT_SCOPE_HEAD : ROUTE_NOT_ALLOWED_HEAD;
  }

  return {
    recordDecision(context, verified, decision) {
      const slots = context as ObservedContext;
      slots[verifiedSlot] = verified;
      slots[decisionSlot] = decision;
    },

    hooks: {
      requestStart(request) {
        const timed = request as TimedRequest;
        timed[startedAtSlot] = now();
        const context: unknown = request.context;
        // Already used: it carries middy-jwt's slots, or this log's record of an invocation that ran
        // without the middleware.
        timed[sharedContextSlot] =
          typeof context === 'object' &&
          context !== null &&
          ('authorizerEvent' in context || decisionSlot in context || verifiedSlot in context)
            ? context
            : undefined;
      },

      requestEnd(request) {
        const context = request.context as ObservedContext;
        // The slots of this invocation's own context only (see sharedContextSlot).
        const slots = context === (request as TimedRequest)[sharedContextSlot] ? NO_SLOTS : context;
        const decision = Object.hasOwn(slots, decisionSlot) ? slots[decisionSlot] : undefined;
        if (
          refusalsOnly &&
          decision?.allowed === true &&
          decision.policyNarrowed !== true &&
          (request.error === undefined || request.error === null)
        ) {
          // An Allow, which `refusals` leaves out (a narrowed one is a warning and is written):
          // nothing is built and nothing written.
          return;
        }
        const startedAt = (request as TimedRequest)[startedAtSlot];
        const latency = numberText(
          startedAt === undefined ? 0 : Math.round((now() - startedAt) * 1000) / 1000,
        );
        const verified = Object.hasOwn(slots, verifiedSlot) ? slots[verifiedSlot] : undefined;
        let line = headOf(request, slots, decision);
        if (refusalsOnly && line.startsWith(INFO_LEVEL)) {
          // Under `refusals` every line written is a refusal: at `warn`, so Lambda's log-level
          // filtering (JSON log format, application level WARN) keeps it.
          line = WARN_LEVEL + line.slice(INFO_LEVEL.length);
        }
        line += eventKindField(request, slots);
        line += `,"latencyMs":${latency}`;
        if (typeof context.awsRequestId === 'string')
          line += `,"requestId":${JSON.stringify(context.awsRequestId)}`;
        if (verified !== undefined) line += factsOf(verified);
        if (decision !== undefined && decision.missingScopes.length > 0) {
          line += `,"missingScopes":${JSON.stringify(decision.missingScopes)}`;
        }
        if (decision?.failedClaims !== undefined && decision.failedClaims.length > 0) {
          line += `,"failedClaims":${JSON.stringify(decision.failedClaims)}`;
        }
        if (decision?.policyNarrowed === true) line += ',"policyNarrowed":true';
        if (decision === undefined) line += claimField(request, slots);
        const error = request.error;
        if (error !== undefined && error !== null && !isUnauthorizedError(error)) {
          // Core error messages never hold a token; other errors are reported by name only.
          line += `,"error":${JSON.stringify(codedErrorOf(error)?.message ?? errorName(error))}`;
        }
        if (metricsTail === undefined) {
          write(`${line}}`);
        } else {
          write(`${line},"Decisions":1,"Latency":${latency},"_aws":{"Timestamp":${Date.now()}${metricsTail}`);
        }
      },
    },
  };
}
