import { buildAuthorizersSourceArn, buildFunctionArn, buildManagedPolicyArn, getPartition } from './arn.js';
import { CORE_SETTINGS, DEFAULTS, type DeployConfig, type DestroyConfig } from './config.js';
import { buildStatementId } from './invoke-permission.js';
import { buildInvokerRoleName } from './invoker-role.js';
import type { LambdaZip } from './lambda-zip.js';
import { buildExecutionTrustPolicy, buildInvokerTrustPolicy } from './policies.js';

/**
 * What the invoker role's trust conditions rest on, said wherever the plan shows them: the keys are
 * documented for a Lambda resource policy, not for an authorizer's credentials role.
 */
const INVOKER_KEYS_CAVEAT =
  "AWS does not document that it does for an authorizer's credentials role; --invoke-permission resource-policy, scoped to the API's authorizers, is the documented confused-deputy guard";

/** One AWS call a command makes, with the condition under which it makes it. */
export interface PlannedCall {
  service: 'iam' | 'lambda' | 'apigateway';
  /** The API operation, as the SDK command is named without `Command`. */
  operation: string;
  /** When the call is made and with what; never a secret value. */
  note: string;
}

const ACCOUNT_PLACEHOLDER = '<account>';

/**
 * Describes the function's environment for printing: the issuer, audience and JWKS URI with their
 * values, every `JWT_*` setting by name only (its value may be a secret).
 *
 * @example
 * ```ts
 * describeEnvironment({ TOKEN_ISSUER: 'https://t.auth0.com/', JWT_ROUTES: '...' });
 * // 'TOKEN_ISSUER=https://t.auth0.com/, JWT_ROUTES (value not shown)'
 * ```
 */
export function describeEnvironment(environment: Readonly<Record<string, string>>): string {
  const shown = CORE_SETTINGS.filter((name) => environment[name] !== undefined).map(
    (name) => `${name}=${environment[name]}`,
  );
  const hidden = Object.keys(environment)
    .filter((name) => !(CORE_SETTINGS as readonly string[]).includes(name))
    .sort()
    .map((name) => `${name} (value not shown)`);
  return [...shown, ...hidden].join(', ') || '(none)';
}

/**
 * The short plan `deploy` prints before it starts: what it will make, where, with which settings.
 *
 * @example
 * ```ts
 * for (const line of formatDeploySummary(config, 'us-east-1', zip)) console.log(line);
 * ```
 */
export function formatDeploySummary(
  config: DeployConfig,
  region: string,
  zip: LambdaZip | undefined,
): string[] {
  const invokerRoleName = buildInvokerRoleName(config.roleName);
  const invoker =
    config.invokePermission === 'role'
      ? `  invoker role ${invokerRoleName}: trusts apigateway, limited to this account${config.restApiId ? ` and REST API ${config.restApiId}` : ''} when API Gateway supplies ${config.restApiId ? 'aws:SourceAccount and aws:SourceArn' : 'aws:SourceAccount'} (${INVOKER_KEYS_CAVEAT}); inline policy ${DEFAULTS.invokePolicyName} (lambda:InvokeFunction on the function only); the authorizer's credentials`
      : `  invoker role none: the function resource policy lets the REST API's authorizers invoke it (${invokerRoleName} is removed if deploy made it)`;
  const lines = [
    `Deploy plan (region ${region}${config.profile ? `, profile ${config.profile}` : ''})`,
    `  role         ${config.roleName}: execution role, trusts lambda only; logs via AWSLambdaBasicExecutionRole`,
    invoker,
    `  function     ${config.functionName}: ${config.runtime}, ${config.handler}, ${config.timeoutSeconds} s, ${config.memoryMb} MB`,
    `  code         ${zip ? `${zip.path} (CodeSha256 ${zip.sha256})` : `${config.zipPath} (not available)`}`,
    `  environment  ${describeEnvironment(config.environment)}`,
  ];
  if (config.restApiId) {
    lines.push(
      `  authorizer   ${config.authorizerName} on REST API ${config.restApiId}: TOKEN, ${DEFAULTS.identitySource}, /${config.identityValidationExpression}/, TTL ${config.ttlSeconds} s`,
      `  stage        ${config.stageName ?? "(the API's only stage)"}${config.attach ? '; attach to every method without authorization' : ''}`,
    );
  } else {
    lines.push('  authorizer   none: pass --rest-api-id (or set REST_API_ID) to create one');
  }
  return lines;
}

/**
 * Lists, in order, every AWS call `deploy` may make for this configuration. `--dry-run` prints it.
 *
 * @example
 * ```ts
 * buildDeployCalls(config, 'us-east-1', zip).map((call) => call.operation);
 * ```
 */
export function buildDeployCalls(
  config: DeployConfig,
  region: string,
  zip: LambdaZip | undefined,
): PlannedCall[] {
  const partition = getPartition(region);
  const functionArn = buildFunctionArn({
    partition,
    region,
    accountId: ACCOUNT_PLACEHOLDER,
    functionName: config.functionName,
  });
  const { restApiId } = config;
  const calls: PlannedCall[] = [];
  if (restApiId) {
    calls.push(
      { service: 'apigateway', operation: 'GetRestApi', note: `restApiId=${restApiId}, before any change` },
      {
        service: 'apigateway',
        operation: 'GetStages',
        note: `to check stage ${config.stageName ?? '(the only one)'}`,
      },
    );
  }
  const invokerRoleName = buildInvokerRoleName(config.roleName);
  calls.push(
    { service: 'iam', operation: 'GetRole', note: `RoleName=${config.roleName}` },
    {
      service: 'iam',
      operation: 'CreateRole',
      note: 'if the role is missing, with the execution trust policy below',
    },
    { service: 'iam', operation: 'ListAttachedRolePolicies', note: 'if the role existed' },
    {
      service: 'iam',
      operation: 'AttachRolePolicy',
      note: `if not attached: ${buildManagedPolicyArn(partition, DEFAULTS.basicExecutionPolicyName)}`,
    },
    {
      service: 'iam',
      operation: 'GetRolePolicy',
      note: `if the role existed: ${DEFAULTS.invokePolicyName} left by a single-role deploy?`,
    },
    { service: 'iam', operation: 'GetRole', note: `RoleName=${invokerRoleName}` },
  );
  if (config.invokePermission === 'role') {
    calls.push(
      {
        service: 'iam',
        operation: 'CreateRole',
        note: `if ${invokerRoleName} is missing, with the invoker trust policy below`,
      },
      {
        service: 'iam',
        operation: 'UpdateAssumeRolePolicy',
        note: `if ${invokerRoleName} trusts anything else`,
      },
      {
        service: 'iam',
        operation: 'GetRolePolicy',
        note: `${invokerRoleName}: ${DEFAULTS.invokePolicyName}`,
      },
      {
        service: 'iam',
        operation: 'PutRolePolicy',
        note: `if missing or different: lambda:InvokeFunction on ${functionArn}`,
      },
    );
  }
  const settings = `${config.runtime}, ${config.handler}, ${config.timeoutSeconds} s, ${config.memoryMb} MB, the environment above`;
  calls.push(
    { service: 'lambda', operation: 'GetFunction', note: `FunctionName=${config.functionName}` },
    {
      service: 'lambda',
      operation: 'CreateFunction',
      note: `if missing: ${settings}; retried up to 60 s while a new role propagates; then waitUntilFunctionActiveV2`,
    },
    {
      service: 'lambda',
      operation: 'UpdateFunctionCode',
      note: `if CodeSha256 differs from ${zip?.sha256 ?? '(the zip, not built)'}; then waitUntilFunctionUpdatedV2`,
    },
    {
      service: 'lambda',
      operation: 'UpdateFunctionConfiguration',
      note: 'if runtime, handler, timeout, memory, role, description or environment differ; then waitUntilFunctionUpdatedV2',
    },
  );
  if (!restApiId) return [...calls, ...buildLeftoverCalls(config.roleName)];
  if (config.invokePermission === 'resource-policy') {
    const sourceArn = buildAuthorizersSourceArn({ region, accountId: ACCOUNT_PLACEHOLDER, restApiId });
    calls.push(
      { service: 'lambda', operation: 'GetPolicy', note: `FunctionName=${config.functionName}` },
      {
        service: 'lambda',
        operation: 'AddPermission',
        note: `if missing: ${buildStatementId(restApiId)}, apigateway.amazonaws.com, SourceArn=${sourceArn}`,
      },
    );
  }
  calls.push(
    { service: 'apigateway', operation: 'GetAuthorizers', note: `to find ${config.authorizerName}` },
    {
      service: 'apigateway',
      operation: 'CreateAuthorizer',
      note: `if missing: TOKEN, authorizerUri for ${functionArn}, authorizerCredentials ${config.invokePermission === 'role' ? invokerRoleName : 'none'}`,
    },
    { service: 'apigateway', operation: 'UpdateAuthorizer', note: 'if a field differs' },
  );
  if (config.attach) {
    calls.push(
      { service: 'apigateway', operation: 'GetResources', note: 'embed=methods' },
      {
        service: 'apigateway',
        operation: 'UpdateMethod',
        note: 'for each method with no authorization (not OPTIONS)',
      },
    );
  }
  calls.push({
    service: 'apigateway',
    operation: 'CreateDeployment',
    note: config.redeploy
      ? 'always (--redeploy)'
      : 'if the authorizer or a method changed, or a role is being retired; 10 s after a new invoker role',
  });
  if (config.invokePermission === 'resource-policy') {
    calls.push(...buildRoleRemovalCalls(invokerRoleName, 'if deploy created it (its description says so)'));
  }
  calls.push(...buildLeftoverCalls(config.roleName));
  return calls;
}

function buildLeftoverCalls(roleName: string): PlannedCall[] {
  return [
    {
      service: 'iam',
      operation: 'UpdateAssumeRolePolicy',
      note: `if ${roleName} trusts anything but lambda (single-role deploy), after the stage moved off it`,
    },
    {
      service: 'iam',
      operation: 'DeleteRolePolicy',
      note: `if ${roleName} still has ${DEFAULTS.invokePolicyName}, after the stage moved off it`,
    },
  ];
}

function buildRoleRemovalCalls(roleName: string, condition: string): PlannedCall[] {
  return [
    { service: 'iam', operation: 'ListAttachedRolePolicies', note: `${roleName}, ${condition}` },
    { service: 'iam', operation: 'DetachRolePolicy', note: 'for each attached policy' },
    { service: 'iam', operation: 'ListRolePolicies', note: 'inline policies' },
    { service: 'iam', operation: 'DeleteRolePolicy', note: 'for each inline policy' },
    { service: 'iam', operation: 'DeleteRole', note: `RoleName=${roleName}` },
  ];
}

/**
 * Lists, in order, every AWS call `destroy` may make.
 *
 * @example
 * ```ts
 * buildDestroyCalls(config);
 * ```
 */
export function buildDestroyCalls(config: DestroyConfig): PlannedCall[] {
  const calls: PlannedCall[] = [];
  const { restApiId } = config;
  if (restApiId) {
    calls.push(
      { service: 'apigateway', operation: 'GetRestApi', note: `restApiId=${restApiId}, before any change` },
      { service: 'apigateway', operation: 'GetAuthorizers', note: `to find ${config.authorizerName}` },
      { service: 'apigateway', operation: 'GetResources', note: 'to find the methods that use it' },
      { service: 'apigateway', operation: 'UpdateMethod', note: 'for each: authorization back to NONE' },
      { service: 'apigateway', operation: 'DeleteAuthorizer', note: config.authorizerName },
      { service: 'lambda', operation: 'GetPolicy', note: `FunctionName=${config.functionName}` },
      {
        service: 'lambda',
        operation: 'RemovePermission',
        note: `if present: ${buildStatementId(restApiId)}`,
      },
    );
  }
  const invokerRoleName = buildInvokerRoleName(config.roleName);
  calls.push(
    { service: 'lambda', operation: 'DeleteFunction', note: `FunctionName=${config.functionName}` },
    { service: 'iam', operation: 'GetRole', note: `RoleName=${invokerRoleName}` },
    ...buildRoleRemovalCalls(invokerRoleName, 'if deploy created it (its description says so)'),
    ...buildRoleRemovalCalls(config.roleName, 'the execution role'),
  );
  return calls;
}

/**
 * Formats planned calls as aligned lines.
 *
 * @example
 * ```ts
 * formatCalls(buildDestroyCalls(config));
 * ```
 */
export function formatCalls(calls: readonly PlannedCall[]): string[] {
  return calls.map(
    (call, index) =>
      `  ${String(index + 1).padStart(2)}. ${`${call.service}:${call.operation}`.padEnd(39)} ${call.note}`,
  );
}

function indent(document: unknown): string[] {
  return JSON.stringify(document, null, 2)
    .split('\n')
    .map((line) => `  ${line}`);
}

/**
 * The trust policies deploy writes, pretty-printed with a heading each, for the dry run.
 *
 * @example
 * ```ts
 * formatTrustPolicies(config, 'us-east-1');
 * ```
 */
export function formatTrustPolicies(config: DeployConfig, region: string): string[] {
  const lines = [
    `Trust policy of ${config.roleName} (execution role):`,
    ...indent(buildExecutionTrustPolicy()),
  ];
  if (config.invokePermission === 'role') {
    const invoker = buildInvokerTrustPolicy({
      partition: getPartition(region),
      region,
      accountId: ACCOUNT_PLACEHOLDER,
      restApiId: config.restApiId,
    });
    lines.push(
      `Trust policy of ${buildInvokerRoleName(config.roleName)} (invoker role):`,
      ...indent(invoker),
      `  Its conditions apply when API Gateway supplies the keys (${INVOKER_KEYS_CAVEAT}).`,
    );
  }
  return lines;
}
