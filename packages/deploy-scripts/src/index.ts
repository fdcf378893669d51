export { type CommandName, type FlagValues, type ParsedArgs, parseCliArgs } from './args.js';
export {
  buildAuthorizersSourceArn,
  buildAuthorizerUri,
  buildFunctionArn,
  buildStageUrl,
  getPartition,
  type Partition,
  parseAccountId,
} from './arn.js';
export {
  type AwsClientOptions,
  type AwsClients,
  createAwsClients,
  destroyAwsClients,
  resolveRegion,
} from './aws-clients.js';
export {
  type BundledFile,
  type CommonConfig,
  DEFAULTS,
  type DeployConfig,
  type DestroyConfig,
  type InvokeConfig,
  type InvokePermissionMode,
  type LoadedSettings,
  loadSettings,
  readFunctionEnvironment,
  readSettings,
  resolveDeployConfig,
  resolveDestroyConfig,
  resolveInvokeConfig,
} from './config.js';
export { type DeployResult, runDeploy } from './deploy.js';
export { runDestroy } from './destroy.js';
export { DeployError, type DeployErrorCode, toDeployError } from './errors.js';
export { runInvoke } from './invoke.js';
export { buildLambdaZip, computeCodeSha256, type LambdaZip, readLambdaZip } from './lambda-zip.js';
export { buildDeployCalls, buildDestroyCalls, type PlannedCall } from './plan.js';
export { buildInvokePolicy, buildTrustPolicy, isSamePolicy } from './policies.js';
export { createReporter, type Reporter, type StepStatus } from './reporter.js';
export { type CliDependencies, runCli } from './run-cli.js';
export { type StepContext, sleepMs } from './step-context.js';
export { addFilesToZip } from './zip-files.js';
