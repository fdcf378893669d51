import { createHash } from 'node:crypto';
import type { Authorizer, JwtClaims, RouteDecision, VerifiedToken } from '@jwt-authorizer/authorizer-core';
import { detectAuthorizerEvent } from '@jwt-authorizer/middy-jwt';

/** What API Gateway was told: Allow, Deny (403), Unauthorized (401) or an error (500). */
export type Decision = 'allow' | 'deny' | 'unauthorized' | 'error';

/**
 * The one line written per invocation. Only non-secret facts: never the token, its signature, the
 * claims set or the event.
 */
export interface DecisionLogLine {
  readonly level: 'info' | 'error';
  readonly msg: 'authorizer decision';
  readonly decision: Decision;
  /** `OK`, a core error code (`TOKEN_EXPIRED`, `INSUFFICIENT_SCOPE`, `JWKS_UNAVAILABLE`…) or `ROUTE_NOT_ALLOWED`. */
  readonly reason: string;
  readonly eventKind?: string;
  readonly latencyMs: number;
  readonly requestId?: string;
  readonly kid?: string;
  readonly iss?: string;
  readonly alg?: string;
  /** First 16 hex digits of the SHA-256 of `sub`: correlates a caller's requests without naming them. */
  readonly subHash?: string;
  /** Scope names the route requires and the token lacks (configuration, not token content). */
  readonly missingScopes?: readonly string[];
  /** For errors: the core error's message (never token content), or the error's name. */
  readonly error?: string;
}

export interface DecisionLogOptions {
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

/** Watches invocations and writes one {@link DecisionLogLine} for each. */
export interface DecisionLog {
  /**
   * Wraps the authorizer so the reason code of a rejected token reaches the log even when the
   * middleware answers `{ isAuthorized: false }` without throwing.
   */
  observe(authorizer: Authorizer): Authorizer;
  /** Records the route decision the handler built its result from. */
  recordDecision(context: object, verified: VerifiedToken, decision: RouteDecision): void;
  /** Middy plugin hooks: they see every outcome, early responses and errors included. */
  readonly hooks: {
    requestStart(request: ObservedRequest): void;
    requestEnd(request: ObservedRequest): void;
  };
}

interface Invocation {
  readonly startedAt: number;
  verifyError: unknown;
  verified: VerifiedToken | undefined;
  decision: RouteDecision | undefined;
}

function codeOf(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function causeCodeOf(err: unknown): string | undefined {
  return codeOf(err) ?? codeOf((err as { cause?: unknown } | null | undefined)?.cause);
}

function codedErrorOf(err: unknown): { code: string; message: string } | undefined {
  for (const candidate of [err, (err as { cause?: unknown } | null | undefined)?.cause]) {
    const code = codeOf(candidate);
    if (code !== undefined) return { code, message: String((candidate as { message?: unknown }).message) };
  }
  return undefined;
}

/** Why the event was refused before verification; read again only on that rare path. */
function refusalCodeOf(event: unknown): string | undefined {
  try {
    detectAuthorizerEvent(event);
    return undefined;
  } catch (err) {
    return codeOf(err);
  }
}

/** The event kind when the middleware could not record it (same order as its detection). */
function kindOf(event: unknown): string | undefined {
  const e = event as { version?: unknown; type?: unknown } | null | undefined;
  if (e?.version === '2.0') return 'http-v2';
  if (e?.type === 'TOKEN') return 'token';
  return e?.type === 'REQUEST' ? 'request' : undefined;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

function hashSubject(sub: unknown): string | undefined {
  return typeof sub === 'string' ? createHash('sha256').update(sub).digest('hex').slice(0, 16) : undefined;
}

function writeStdout(line: string): void {
  // Straight to stdout: Lambda's console prefixes lines with a timestamp and request id, which would
  // stop the line from being JSON (and EMF from being extracted).
  process.stdout.write(`${line}\n`);
}

/**
 * Creates the decision log: one JSON line per invocation with the decision, the reason code, the
 * latency and non-secret token facts (kid, iss, alg, a hash of sub), plus CloudWatch EMF metrics.
 *
 * @example
 * const log = createDecisionLog();
 * const handler = middy(buildResult, log.hooks).use(jwtAuthorizer({ authorizer: log.observe(authorizer) }));
 */
export function createDecisionLog(options: DecisionLogOptions = {}): DecisionLog {
  const write = options.write ?? writeStdout;
  const now = options.now ?? (() => performance.now());
  const namespace = options.metricsNamespace ?? 'JwtAuthorizer';
  const invocations = new WeakMap<object, Invocation>();
  // The invocation whose token is about to be verified. Middy runs requestStart and the middleware's
  // `before` in the same synchronous stretch, and the middleware calls verifyAuthorization before its
  // first await, so the hand-over cannot mix up concurrent invocations.
  let starting: Invocation | undefined;

  function classify(request: ObservedRequest, invocation: Invocation | undefined) {
    const error = request.error;
    if (error !== undefined && error !== null) {
      if ((error as { message?: unknown }).message === 'Unauthorized') {
        const reason = causeCodeOf(error) ?? codeOf(invocation?.verifyError) ?? 'TOKEN_INVALID';
        return { decision: 'unauthorized' as const, reason };
      }
      return { decision: 'error' as const, reason: causeCodeOf(error) ?? 'INTERNAL_ERROR' };
    }
    const decision = invocation?.decision;
    if (decision === undefined) {
      // The middleware answered early (`{ isAuthorized: false }`) because the token was rejected,
      // possibly before verification (two different Authorization headers).
      const reason = codeOf(invocation?.verifyError) ?? refusalCodeOf(request.event) ?? 'TOKEN_INVALID';
      return { decision: 'unauthorized' as const, reason };
    }
    if (decision.allowed) return { decision: 'allow' as const, reason: 'OK' };
    return {
      decision: 'deny' as const,
      reason: decision.missingScopes.length > 0 ? 'INSUFFICIENT_SCOPE' : 'ROUTE_NOT_ALLOWED',
    };
  }

  return {
    observe(authorizer) {
      const verifyAuthorization = <Claims extends JwtClaims>(authorization: string | undefined | null) => {
        const invocation = starting;
        starting = undefined;
        const verifying = authorizer.verifyAuthorization<Claims>(authorization);
        if (invocation === undefined) return verifying;
        return verifying.catch((err: unknown) => {
          invocation.verifyError = err;
          throw err;
        });
      };
      return { ...authorizer, verifyAuthorization };
    },

    recordDecision(context, verified, decision) {
      const invocation = invocations.get(context);
      if (invocation === undefined) return;
      invocation.verified = verified;
      invocation.decision = decision;
    },

    hooks: {
      requestStart(request) {
        const invocation: Invocation = {
          startedAt: now(),
          verifyError: undefined,
          verified: undefined,
          decision: undefined,
        };
        invocations.set(request.context, invocation);
        starting = invocation;
      },

      requestEnd(request) {
        const invocation = invocations.get(request.context);
        invocations.delete(request.context);
        if (starting === invocation) starting = undefined;
        const latencyMs =
          invocation === undefined ? 0 : Math.round((now() - invocation.startedAt) * 1000) / 1000;
        const { decision, reason } = classify(request, invocation);
        const context = request.context as {
          awsRequestId?: unknown;
          authorizerEvent?: { kind?: unknown };
        };
        const verified = invocation?.verified;
        const eventKind =
          typeof context.authorizerEvent?.kind === 'string'
            ? context.authorizerEvent.kind
            : kindOf(request.event);
        const failure = decision === 'error' ? codedErrorOf(request.error) : undefined;
        const missingScopes = invocation?.decision?.missingScopes;
        const line: Record<string, unknown> = {
          level: decision === 'error' ? 'error' : 'info',
          msg: 'authorizer decision',
          decision,
          reason,
          eventKind,
          latencyMs,
          requestId: typeof context.awsRequestId === 'string' ? context.awsRequestId : undefined,
          kid: verified?.header.kid,
          iss: verified?.issuer,
          alg: verified?.header.alg,
          subHash: hashSubject(verified?.claims.sub),
          missingScopes: missingScopes !== undefined && missingScopes.length > 0 ? missingScopes : undefined,
          // Core error messages never hold a token; other errors are reported by name only.
          error: decision === 'error' ? (failure?.message ?? errorName(request.error)) : undefined,
        };
        if (namespace !== false) {
          line.Decisions = 1;
          line.Latency = latencyMs;
          line._aws = {
            Timestamp: Date.now(),
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
          };
        }
        write(JSON.stringify(line));
      },
    },
  };
}
