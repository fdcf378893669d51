import type { DeployConfig } from './config.js';

/**
 * Why the authorizer's result cache must be off for DPoP, or `undefined` when DPoP is off
 * (`JWT_SENDER_CONSTRAINED=off`). Only `REQUEST` and HTTP API authorizers see the `DPoP` header;
 * their callers apply this.
 *
 * @example
 * ```ts
 * dpopUncacheable(config); // 'DPoP is on (JWT_SENDER_CONSTRAINED is not off): …'
 * ```
 */
export function dpopUncacheable(config: Pick<DeployConfig, 'environment'>): string | undefined {
  const mode = (config.environment.JWT_SENDER_CONSTRAINED ?? 'optional').trim().toLowerCase();
  if (mode === 'off') return undefined;
  // A cached Allow keyed on the Authorization header would admit a copied DPoP token with no proof.
  return 'DPoP is on (JWT_SENDER_CONSTRAINED is not off): each request carries its own proof, which a cached result would skip';
}
