import { DeployError, getErrorName } from './errors.js';
import type { StepContext } from './step-context.js';

const MAX_WAIT_MS = 60_000;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 10_000;

/**
 * Tells whether Lambda refused a role only because IAM has not propagated it yet.
 */
export function isRoleNotYetAssumable(error: unknown): boolean {
  return (
    getErrorName(error) === 'InvalidParameterValueException' &&
    error instanceof Error &&
    /cannot be assumed by Lambda/i.test(error.message)
  );
}

/**
 * Runs a Lambda call that names a role, retrying with exponential backoff (1 s doubling to 10 s, at most
 * one minute in all) while Lambda answers that the role cannot be assumed: a new IAM role takes a few
 * seconds to propagate. Every other error is rethrown as it is.
 *
 * @throws DeployError `ROLE_NOT_ASSUMABLE` when the role is still refused after a minute
 * @example
 * ```ts
 * await retryWhileRoleNotAssumable(context, roleName, () => lambda.send(new CreateFunctionCommand(input)));
 * ```
 */
export async function retryWhileRoleNotAssumable<T>(
  context: StepContext,
  roleName: string,
  run: () => Promise<T>,
): Promise<T> {
  let waitedMs = 0;
  let delayMs = FIRST_DELAY_MS;
  for (;;) {
    try {
      return await run();
    } catch (error) {
      if (!isRoleNotYetAssumable(error)) throw error;
      if (waitedMs >= MAX_WAIT_MS) {
        throw new DeployError(
          'ROLE_NOT_ASSUMABLE',
          `Lambda still cannot assume role ${roleName} after ${waitedMs / 1000} s: check that its trust policy allows lambda.amazonaws.com, then run deploy again`,
          { cause: error },
        );
      }
      const wait = Math.min(delayMs, MAX_WAIT_MS - waitedMs);
      context.reporter.step(
        'waiting',
        `role ${roleName}`,
        `IAM has not propagated it yet; retrying in ${wait / 1000} s`,
      );
      await context.sleep(wait);
      waitedMs += wait;
      delayMs = Math.min(delayMs * 2, MAX_DELAY_MS);
    }
  }
}
