import { readFileSync } from 'node:fs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { InvokeConfig } from './config.js';
import { DeployError, handleAwsError } from './errors.js';
import type { StepContext } from './step-context.js';

/**
 * Reads a test event: a JSON file such as the tutorial's `event.json`. Its content (a token) is never
 * printed, not even in an error.
 *
 * @throws DeployError `EVENT_INVALID` when the file is missing or not JSON
 */
export function readEvent(path: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DeployError('EVENT_INVALID', `Cannot read the event file ${path}: fix --event`, {
      cause: error,
    });
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new DeployError('EVENT_INVALID', `The event file ${path} is not valid JSON: fix its syntax`, {
      cause: error,
    });
  }
  return new TextEncoder().encode(text);
}

interface FunctionErrorPayload {
  errorType?: string;
  errorMessage?: string;
}

interface AuthorizerResultPayload {
  policyDocument?: { Statement?: { Effect?: string; Resource?: unknown }[] };
  isAuthorized?: boolean;
}

function summarizeResult(result: AuthorizerResultPayload): string | undefined {
  if (typeof result.isAuthorized === 'boolean') return `isAuthorized: ${result.isAuthorized}`;
  const statements = result.policyDocument?.Statement;
  if (!statements) return undefined;
  return statements
    .map((statement) => `${statement.Effect ?? '?'} on ${JSON.stringify(statement.Resource)}`)
    .join('; ');
}

/**
 * Invokes the deployed function with a test event (the console's "Test" button) and prints the
 * authorizer's result, or the error it failed with and what API Gateway would answer.
 *
 * @returns the exit code: 0 for a result, 1 when the function failed
 * @throws DeployError `EVENT_INVALID`, `FUNCTION_NOT_FOUND`, `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function runInvoke(context: StepContext, config: InvokeConfig): Promise<number> {
  const { reporter } = context;
  const payload = readEvent(config.eventPath);
  const output = await context.clients.lambda
    .send(new InvokeCommand({ FunctionName: config.functionName, Payload: payload }))
    .catch(
      handleAwsError('lambda:InvokeFunction', {
        ResourceNotFoundException: (error) => {
          throw new DeployError(
            'FUNCTION_NOT_FOUND',
            `Function ${config.functionName} not found in ${context.region}: run deploy first, or fix --function-name / --region`,
            { cause: error },
          );
        },
      }),
    );
  const text = output.Payload ? new TextDecoder().decode(output.Payload) : '';
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // A non-JSON payload is printed as it is.
  }
  if (output.FunctionError) {
    const failure = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as FunctionErrorPayload;
    const message = failure.errorMessage ?? (typeof parsed === 'string' ? parsed : 'unknown error');
    // API Gateway maps exactly "Unauthorized" to 401 and every other failure to 500.
    const status = message === 'Unauthorized' ? 401 : 500;
    reporter.line(
      `${config.functionName} failed (${output.FunctionError}): ${failure.errorType ?? 'Error'}: ${message}`,
    );
    reporter.line(`API Gateway would answer ${status}.`);
    return 1;
  }
  reporter.line(`${config.functionName} returned:`);
  reporter.line(typeof parsed === 'string' ? parsed : JSON.stringify(parsed, null, 2));
  const summary = typeof parsed === 'object' && parsed !== null ? summarizeResult(parsed) : undefined;
  if (summary) reporter.line(`Policy: ${summary}`);
  return 0;
}
