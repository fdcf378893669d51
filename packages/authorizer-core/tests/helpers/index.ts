export { iamAllows, iamResourceMatches } from './iam.js';
export { type JwksBehaviour, type JwksServer, startJwksServer } from './jwks-server.js';
export { generateTestKey, jwksOf, type TestKey } from './keys.js';
export {
  b64url,
  createMinter,
  type MintOptions,
  mintHs256WithPublicKey,
  nowSeconds,
  signParts,
} from './tokens.js';
