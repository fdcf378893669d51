import { jwtAuth } from './jwt-auth.js';

export type { JwtClaims, TokenLocation, VerifiedToken } from '@jwt-authorizer/authorizer-core';
export { TOKEN_SUBPROTOCOL } from '@jwt-authorizer/authorizer-core/internal';
export {
  type AuthorizerEvent,
  type DetectedAuthorizerEvent,
  detectAuthorizerEvent,
  detectAuthorizerEventKind,
  type HttpApiAuthorizerEventV2,
  type RequestAuthorizerEvent,
  type TokenAuthorizerEvent,
} from './authorizer-events.js';
export { type Environment, type FromEnvOptions, fromEnv } from './from-env.js';
export { JwtHttpError, type JwtHttpErrorCode, type JwtHttpStatus } from './http-error.js';
export { type JwtAuthOptions, jwtAuth } from './jwt-auth.js';
export {
  type JwtAuthorizerOptions,
  jwtAuthorizer,
  type UnauthorizedSimpleResult,
} from './jwt-authorizer.js';
export type {
  AuthorizerEventInfo,
  AuthorizerEventKind,
  JwtAuthorizerContext,
  JwtAuthorizerSlots,
  JwtContext,
  LambdaContext,
  OptionalJwtContext,
} from './lambda-context.js';
export { type RequireScopesOptions, requireScopes } from './require-scopes.js';
export type { TokenSource } from './token-source.js';
export { isUnauthorizedError, UNAUTHORIZED } from './unauthorized.js';

/** Middy middlewares are default exports too: `import jwtAuth from '@jwt-authorizer/middy-jwt'`. */
export default jwtAuth;
