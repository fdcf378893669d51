import type { DeployConfig } from './config.js';

/**
 * Why the authorizer's result cache must be off for DPoP, or `undefined` when DPoP is off
 * (`JWT_SENDER_CONSTRAINED=off`, or `senderConstrained: "off"` in the config file, whichever the
 * function reads). Only `REQUEST` and HTTP API authorizers see the `DPoP` header; their callers
 * apply this.
 *
 * @example
 * ```ts
 * dpopUncacheable(config); // 'DPoP is on (JWT_SENDER_CONSTRAINED is not off): …'
 * ```
 */
export function dpopUncacheable(config: Pick<DeployConfig, 'senderConstrained'>): string | undefined {
  const setting = config.senderConstrained;
  if (setting?.value === 'off') return undefined;
  // A cached Allow keyed on the Authorization header would admit a copied DPoP token with no proof.
  const why =
    setting === undefined ? 'JWT_SENDER_CONSTRAINED is not off' : `${setting.origin} is ${setting.value}`;
  return `DPoP is on (${why}): each request carries its own proof, which a cached result would skip`;
}
