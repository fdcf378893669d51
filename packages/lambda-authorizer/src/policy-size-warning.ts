import type { ResolvedOptions } from '@jwt-authorizer/authorizer-core';
import {
  largestApiPolicyBytes,
  MAX_RESOURCE_LENGTH,
  MAX_RESULT_BYTES,
  POLICY_CHECK_BYTES,
} from '@jwt-authorizer/authorizer-core/internal';

/** Most JSON bytes one resource can take: 512 characters, each escaped as `\uXXXX`, quotes, comma. */
const MAX_RESOURCE_JSON_BYTES = MAX_RESOURCE_LENGTH * 6 + 3;

/**
 * The cold-start warning for a route table whose api-mode policy can pass Lambda's 6 MB response
 * limit (less the margin kept for principal and context), or undefined when it cannot. Such answers
 * are narrowed, at request time, to the called method ARN (decision log reason `POLICY_NARROWED`):
 * never wider than the route decision, but correct only with authorizer caching off.
 */
export function oversizedPolicyWarning(options: ResolvedOptions): string | undefined {
  const limit = MAX_RESULT_BYTES - POLICY_CHECK_BYTES;
  // A table this small cannot come near the limit whatever its paths (a route adds at most seven
  // resources): its resources are not even formatted.
  const routes = options.routes?.length ?? 0;
  if ((routes + 3) * 7 * MAX_RESOURCE_JSON_BYTES <= limit) return undefined;
  const largest = largestApiPolicyBytes(options);
  if (largest <= limit) return undefined;
  return JSON.stringify({
    level: 'warn',
    msg: 'route rules can produce a policy past the result size limit',
    reason: 'POLICY_MAY_NARROW',
    largestPolicyBytes: largest,
    limitBytes: limit,
    routes,
    detail: 'such answers cover the called method ARN only: set the cache TTL to 0 or merge rules',
  });
}
