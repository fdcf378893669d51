// What `explain` (scripts/explain.mjs) and `invoke` load from the build, on demand only: nothing in
// the handler's import graph (src/index.ts) imports this module, so the deployed bundle does not
// carry the explanation code.
export { createAuthorizer, TokenError } from '@jwt-authorizer/authorizer-core';
export {
  explainRoute,
  explainRoutes,
  explainToken,
  formatTokenSource,
  parseMethodArn,
  stageArnPrefix,
} from '@jwt-authorizer/authorizer-core/internal';
export { loadDotenv } from './environment.js';
export { readHandlerSettings } from './settings.js';
