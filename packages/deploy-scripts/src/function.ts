import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  type FunctionConfiguration,
  GetFunctionCommand,
  type Runtime,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { DeployError, getErrorName, handleAwsError } from './errors.js';
import type { LambdaZip } from './lambda-zip.js';
import type { StepStatus } from './reporter.js';
import { retryWhileRoleNotAssumable } from './role-propagation.js';
import type { StepContext } from './step-context.js';

/** The function as deploy wants it: its configuration, role and environment (not the CLI's settings). */
export interface WantedFunction {
  functionName: string;
  description: string;
  runtime: string;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  roleArn: string;
  roleName: string;
  environment: Readonly<Record<string, string>>;
}

/** What {@link ensureFunction} found or made. */
export interface EnsureFunctionResult {
  functionArn: string;
  status: StepStatus;
  /** What GetFunction found (the last three only for a function that existed). */
  found: { exists: boolean; busy: boolean; codeDiffers: boolean; configurationDiffers: boolean };
}

/**
 * Lists the configuration fields that differ between the deployed function and the wanted settings,
 * by name only (never values: the environment may hold secrets).
 *
 * @example
 * ```ts
 * diffFunctionConfiguration(output.Configuration ?? {}, settings); // ['Timeout', 'Environment']
 * ```
 */
export function diffFunctionConfiguration(current: FunctionConfiguration, wanted: WantedFunction): string[] {
  const changed: string[] = [];
  if (current.Runtime !== wanted.runtime) changed.push('Runtime');
  if (current.Handler !== wanted.handler) changed.push('Handler');
  if (current.Timeout !== wanted.timeoutSeconds) changed.push('Timeout');
  if (current.MemorySize !== wanted.memoryMb) changed.push('MemorySize');
  if (current.Role !== wanted.roleArn) changed.push('Role');
  if ((current.Description ?? '') !== wanted.description) changed.push('Description');
  const deployed = current.Environment?.Variables ?? {};
  const names = new Set([...Object.keys(deployed), ...Object.keys(wanted.environment)]);
  if ([...names].some((name) => deployed[name] !== wanted.environment[name])) changed.push('Environment');
  return changed;
}

function describeWaiterFailure(error: unknown, maxWaitSeconds: number): string {
  if (getErrorName(error) === 'TimeoutError') return `still not ready after ${maxWaitSeconds} s`;
  // The waiter's message is the whole GetFunction response as JSON, environment values included:
  // pick out the status reasons and print nothing else.
  try {
    const parsed = JSON.parse(error instanceof Error ? error.message : '') as {
      reason?: { Configuration?: FunctionConfiguration; name?: string };
    };
    const configuration = parsed.reason?.Configuration;
    return (
      configuration?.LastUpdateStatusReason ??
      configuration?.StateReason ??
      parsed.reason?.name ??
      'the function is in a failed state'
    );
  } catch {
    return 'the function is in a failed state';
  }
}

async function waitForFunction(context: StepContext, functionName: string, until: 'active' | 'updated') {
  const waiter = until === 'active' ? waitUntilFunctionActiveV2 : waitUntilFunctionUpdatedV2;
  try {
    await waiter(
      { client: context.clients.lambda, maxWaitTime: context.waiterMaxWaitSeconds },
      { FunctionName: functionName },
    );
  } catch (error) {
    throw new DeployError(
      'FUNCTION_NOT_READY',
      `Function ${functionName} did not become ${until === 'active' ? 'active' : 'ready after the update'}: ${describeWaiterFailure(error, context.waiterMaxWaitSeconds)}`,
      { cause: error },
    );
  }
}

/** Runs an update; on ResourceConflictException (an update already in progress) waits for it, then retries once. */
async function updateAfterConflict<T>(context: StepContext, functionName: string, run: () => Promise<T>) {
  try {
    return await run();
  } catch (error) {
    if (getErrorName(error) !== 'ResourceConflictException') throw error;
    await waitForFunction(context, functionName, 'updated');
    return run();
  }
}

async function getFunctionConfiguration(context: StepContext, functionName: string) {
  const output = await context.clients.lambda
    .send(new GetFunctionCommand({ FunctionName: functionName }))
    .catch(handleAwsError('lambda:GetFunction', { ResourceNotFoundException: () => undefined }));
  return output?.Configuration;
}

async function createFunction(context: StepContext, settings: WantedFunction, zip: LambdaZip) {
  const { lambda } = context.clients;
  const created = await retryWhileRoleNotAssumable(context, settings.roleName, () =>
    lambda.send(
      new CreateFunctionCommand({
        FunctionName: settings.functionName,
        Description: settings.description,
        Runtime: settings.runtime as Runtime,
        Handler: settings.handler,
        Role: settings.roleArn,
        Timeout: settings.timeoutSeconds,
        MemorySize: settings.memoryMb,
        Environment: { Variables: { ...settings.environment } },
        PackageType: 'Zip',
        Code: { ZipFile: zip.bytes },
      }),
    ),
  ).catch(
    // Created by someone else since our GetFunction: fall back to updating it.
    handleAwsError('lambda:CreateFunction', { ResourceConflictException: () => undefined }),
  );
  if (created) await waitForFunction(context, settings.functionName, 'active');
  return created;
}

/**
 * Makes sure the function exists with this zip and configuration. A new function is created (retrying
 * while a new role propagates); an existing one gets its code uploaded only when the zip's SHA-256
 * differs from `CodeSha256`, and its configuration updated only when a field differs, with the SDK
 * waiters between the two updates (Lambda rejects an update while another is in progress).
 *
 * @throws DeployError `ROLE_NOT_ASSUMABLE`, `FUNCTION_NOT_READY`, `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function ensureFunction(
  context: StepContext,
  settings: WantedFunction,
  zip: LambdaZip,
): Promise<EnsureFunctionResult> {
  const { lambda } = context.clients;
  const { functionName } = settings;
  const subject = `function ${functionName}`;

  let current = await getFunctionConfiguration(context, functionName);
  const found = {
    exists: current !== undefined,
    busy: false,
    codeDiffers: false,
    configurationDiffers: false,
  };
  if (!current) {
    const created = await createFunction(context, settings, zip);
    if (created?.FunctionArn) {
      context.reporter.step('created', subject, `${settings.runtime}, code ${zip.sha256}`);
      return { functionArn: created.FunctionArn, status: 'created', found };
    }
    current = await getFunctionConfiguration(context, functionName);
    if (!current)
      throw new DeployError('AWS_ERROR', `lambda:CreateFunction returned no function for ${functionName}`);
  }
  found.busy = current.State === 'Pending' || current.LastUpdateStatus === 'InProgress';
  if (found.busy) await waitForFunction(context, functionName, 'updated');

  const changes: string[] = [];
  found.codeDiffers = current.CodeSha256 !== zip.sha256;
  if (found.codeDiffers) {
    await updateAfterConflict(context, functionName, () =>
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zip.bytes })),
    ).catch(handleAwsError('lambda:UpdateFunctionCode'));
    await waitForFunction(context, functionName, 'updated');
    changes.push(`code ${zip.sha256}`);
  }
  const changedFields = diffFunctionConfiguration(current, settings);
  found.configurationDiffers = changedFields.length > 0;
  if (found.configurationDiffers) {
    await updateAfterConflict(context, functionName, () =>
      retryWhileRoleNotAssumable(context, settings.roleName, () =>
        lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: functionName,
            Description: settings.description,
            Runtime: settings.runtime as Runtime,
            Handler: settings.handler,
            Role: settings.roleArn,
            Timeout: settings.timeoutSeconds,
            MemorySize: settings.memoryMb,
            Environment: { Variables: { ...settings.environment } },
          }),
        ),
      ),
    ).catch(handleAwsError('lambda:UpdateFunctionConfiguration'));
    await waitForFunction(context, functionName, 'updated');
    changes.push(`configuration: ${changedFields.join(', ')}`);
  }
  const functionArn = current.FunctionArn;
  if (!functionArn)
    throw new DeployError('AWS_ERROR', `lambda:GetFunction returned no ARN for ${functionName}`);
  const status: StepStatus = changes.length > 0 ? 'updated' : 'unchanged';
  context.reporter.step(status, subject, changes.length > 0 ? changes.join('; ') : undefined);
  return { functionArn, status, found };
}

/**
 * Deletes the function; one that is already gone is not an error.
 *
 * @returns `false` when there was no function to delete
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function deleteFunction(context: StepContext, functionName: string): Promise<boolean> {
  return context.clients.lambda
    .send(new DeleteFunctionCommand({ FunctionName: functionName }))
    .then(() => true)
    .catch(handleAwsError('lambda:DeleteFunction', { ResourceNotFoundException: () => false }));
}
