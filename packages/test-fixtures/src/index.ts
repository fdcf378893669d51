export { type ClientCertificate, createClientCertificate } from './certificates.js';
export {
  athOf,
  type DpopKey,
  generateDpopKey,
  type ProofOptions,
  signDpopProof,
  thumbprintOf,
} from './dpop.js';
export { albEvent, CONNECT_ARN, httpApiEvent, restEvent, webSocketConnectEvent } from './http-events.js';
export { evaluatePolicy, iamAllows, iamResourceMatches, type PolicyDocument } from './iam.js';
export { type JwksBehaviour, type JwksServer, startJwksServer } from './jwks-server.js';
export { generateTestKey, type Json, type Jwk, type Jwks, jwksOf, type TestKey } from './keys.js';
export { createLambdaContext, type FakeLambdaContext } from './lambda-context.js';
export {
  arnSuffix,
  type Outcome,
  type Provider,
  RECIPE_CASES,
  type RecipeCase,
  readRecipe,
} from './recipes.js';
export {
  b64url,
  createMinter,
  type MintOptions,
  mintHs256WithPublicKey,
  nowSeconds,
  signParts,
} from './tokens.js';
export { extractZip, readZip, type ZipEntry } from './zip.js';
