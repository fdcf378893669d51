export {
  type BundledRun,
  type Outcome,
  PACKAGE_DIR,
  runBundled,
  unzipBundle,
  ZIP_PATH,
} from './bundled-handler.js';
export {
  CONNECT_ARN,
  httpApiEvent,
  lambdaContext,
  METHOD_ARN,
  ROUTE_ARN,
  requestEvent,
  STAGE_ARN,
  tokenEvent,
  webSocketConnectEvent,
} from './events.js';
export { evaluatePolicy } from './policy.js';
export { cleanEnv, type ProcessResult, runNode } from './processes.js';
export { extractZip, readZip, type ZipEntry } from './unzip.js';
