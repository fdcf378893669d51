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
  type CommonConfig,
  DEFAULTS,
  type DeployConfig,
  type DestroyConfig,
  type InvokeConfig,
  type InvokePermissionMode,
  readFunctionEnvironment,
  readSettings,
  resolveDeployConfig,
  resolveDestroyConfig,
  resolveInvokeConfig,
} from './config.js';
export { type DeployResult, runDeploy } from './deploy.js';
export { runDestroy } from './destroy.js';
export { parseDotenv } from './dotenv.js';
export { DeployError, type DeployErrorCode, toDeployError } from './errors.js';
export { runInvoke } from './invoke.js';
export { buildInvokerRoleName } from './invoker-role.js';
export { buildLambdaZip, computeCodeSha256, type LambdaZip, readLambdaZip } from './lambda-zip.js';
export { buildDeployCalls, buildDestroyCalls } from './plan.js';
export {
  buildExecutionTrustPolicy,
  buildInvokePolicy,
  buildInvokerTrustPolicy,
  type InvokerTrustOptions,
  isSamePolicy,
} from './policies.js';
export { createReporter, type Reporter, type StepStatus } from './reporter.js';
export { type CliDependencies, runCli } from './run-cli.js';
export type { PlannedCall } from './step.js';
export { type StepContext, sleepMs } from './step-context.js';
