export {
  type AuthorizerEvent,
  type DetectedAuthorizerEvent,
  detectAuthorizerEvent,
  type HttpApiAuthorizerEventV2,
  type RequestAuthorizerEvent,
  type TokenAuthorizerEvent,
} from './authorizer-events.js';
export { type Environment, fromEnv } from './from-env.js';
export {
  type JwtAuthorizerOptions,
  jwtAuthorizer,
  type UnauthorizedSimpleResult,
} from './jwt-authorizer.js';
export type {
  AuthorizerEventInfo,
  AuthorizerEventKind,
  JwtAuthorizerContext,
  JwtContext,
  LambdaContext,
  OptionalJwtContext,
} from './lambda-context.js';
