// The same decision line and EMF metrics written with Powertools for AWS Lambda: Logger for the
// line (with the Lambda context added per invocation, as its Middy middleware does), Metrics for
// Decisions and Latency under a `decision` dimension, flushed per invocation. Bundled as is for the
// cold-start variant, imported as is for the per-invocation row.
import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Builds the logger and the metrics (init) and returns what one invocation does with them.
 * `{ logger: false }` or `{ metrics: false }` leaves one part out, to see where the time goes.
 */
export function createLogInvocation({ logger: withLogger = true, metrics: withMetrics = true } = {}) {
  const logger = withLogger ? new Logger({ serviceName: 'jwt-authorizer' }) : undefined;
  const metrics = withMetrics
    ? new Metrics({ namespace: 'JwtAuthorizer', serviceName: 'jwt-authorizer' })
    : undefined;
  return function logInvocation({ event, context, verified, decision }) {
    const started = performance.now();
    logger?.addContext(context);
    const outcome = decision.allowed ? 'allow' : 'deny';
    const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    const sub = verified.claims.sub;
    logger?.info('authorizer decision', {
      decision: outcome,
      reason: decision.allowed
        ? 'OK'
        : decision.missingScopes.length > 0
          ? 'INSUFFICIENT_SCOPE'
          : 'ROUTE_NOT_ALLOWED',
      eventKind: event.type === 'TOKEN' ? 'token' : 'request',
      latencyMs,
      kid: verified.header.kid,
      iss: verified.issuer,
      alg: verified.header.alg,
      subHash:
        typeof sub === 'string' ? createHash('sha256').update(sub).digest('hex').slice(0, 16) : undefined,
    });
    if (metrics !== undefined) {
      metrics.addDimension('decision', outcome);
      metrics.addMetric('Decisions', MetricUnit.Count, 1);
      metrics.addMetric('Latency', MetricUnit.Milliseconds, latencyMs);
      metrics.publishStoredMetrics();
    }
    return true;
  };
}
