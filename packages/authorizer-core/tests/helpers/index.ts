// The fixtures live in @jwt-authorizer/test-fixtures. This re-export stays so core tests that import
// `./helpers/index.js` keep compiling; new tests import the package directly. Other packages must not
// import this folder (tests/layout.test.ts in test-fixtures enforces it).
export {
  b64url,
  createMinter,
  generateTestKey,
  iamAllows,
  iamResourceMatches,
  type JwksBehaviour,
  type JwksServer,
  jwksOf,
  type MintOptions,
  mintHs256WithPublicKey,
  nowSeconds,
  signParts,
  startJwksServer,
  type TestKey,
} from '@jwt-authorizer/test-fixtures';
