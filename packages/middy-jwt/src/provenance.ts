import type { VerifiedToken } from '@jwt-authorizer/authorizer-core';

// Results this package's jwtAuth produced. requireScopes trusts context.jwt only when it is one of
// them, so a value put on the context by other code is never taken for a verified token.
const issued = new WeakSet<object>();

export function markVerified(verified: VerifiedToken): void {
  issued.add(verified);
}

export function isVerified(value: unknown): value is VerifiedToken {
  return typeof value === 'object' && value !== null && issued.has(value);
}
