import type { CommandName } from './args.js';
import { DEFAULTS } from './config.js';

const COMMON = `Common options:
  --region REGION         AWS region (else AWS_REGION, else the profile's region)
  --profile NAME          named profile from ~/.aws/config (else AWS_PROFILE)
  --max-attempts N        attempts per AWS call, throttling retries included (SDK default: 3)
  --function-name NAME    the Lambda function (default ${DEFAULTS.functionName}, env FUNCTION_NAME)
  --dotenv PATH           read settings from this file instead of the default .env
  -h, --help              show this help`;

const HELP: Record<CommandName | 'main', string> = {
  main: `Usage: deploy-scripts <command> [options]

Commands:
  deploy    create or update the IAM role, the Lambda function and the API Gateway authorizer
  invoke    invoke the deployed function with a test event and print the policy or the error
  destroy   remove the authorizer, the permission, the function and the role

Run \`<command> --help\` for the options of each. Through pnpm:
  pnpm --filter deploy-scripts run deploy --dry-run
  pnpm --filter deploy-scripts run deploy -- --dry-run`,

  deploy: `Usage: deploy [options]

Builds the zip (turbo run bundle for lambda-authorizer) unless --zip is given, then creates what is
missing and updates what differs. A second run with nothing changed changes nothing.

Function settings come from the environment and one .env (the environment wins; empty counts as
unset): packages/lambda-authorizer/.env, else the repo root's, as for invoke and the demo. They are
checked as the function's cold start checks them, before any AWS call (--dry-run exits 2 on them).

Options:
  --dry-run                       print the calls it would make; makes none, needs no credentials
  --zip PATH                      upload this zip instead of building one
  --no-build                      use the zip already built, do not run the bundle task
  --role-name NAME                IAM role (default ${DEFAULTS.roleName}, env ROLE_NAME)
  --runtime RUNTIME               Lambda runtime (default ${DEFAULTS.runtime})
  --memory MB                     memory size, 128-10240 (default ${DEFAULTS.memoryMb})
  --timeout SECONDS               function timeout, 1-900 (default ${DEFAULTS.timeoutSeconds})
  --rest-api-id ID                REST API to protect (env REST_API_ID); without it no authorizer is made
  --stage NAME                    stage to deploy (env STAGE_NAME; default: the API's only stage)
  --authorizer-name NAME          authorizer name (default ${DEFAULTS.authorizerName}, env AUTHORIZER_NAME)
  --ttl SECONDS                   authorizer result cache TTL, 0-3600 (default ${DEFAULTS.ttlSeconds})
  --validation-expression REGEX   token validation expression (default ${DEFAULTS.identityValidationExpression})
  --invoke-permission MODE        how API Gateway may invoke the function: role (default; the role is the
                                  authorizer's credentials, with an inline lambda:InvokeFunction policy on
                                  this function) or resource-policy (Lambda AddPermission scoped to the
                                  API's authorizers)
  --attach                        put the authorizer on every method without authorization (not OPTIONS)
  --redeploy                      deploy the stage even when nothing in API Gateway changed

${COMMON}`,

  invoke: `Usage: invoke --event PATH [options]

Invokes the deployed function with a test event (the Lambda console's "Test" button) and prints
the policy it returned, or its error and what API Gateway would answer (401 or 500).

Options:
  --event PATH            JSON event, e.g. {"type":"TOKEN","authorizationToken":"Bearer ...","methodArn":"..."}

${COMMON}`,

  destroy: `Usage: destroy [options]

Removes what deploy created: the authorizer (its methods are set back to no authorization first),
the Lambda permission, the function and the role. Asks for confirmation unless --yes.

Options:
  --dry-run               print the calls it would make; makes none, needs no credentials
  -y, --yes               do not ask for confirmation
  --role-name NAME        IAM role (default ${DEFAULTS.roleName}, env ROLE_NAME)
  --rest-api-id ID        REST API holding the authorizer (env REST_API_ID)
  --authorizer-name NAME  authorizer name (default ${DEFAULTS.authorizerName}, env AUTHORIZER_NAME)

${COMMON}`,
};

/**
 * The help text of a command, or of the CLI as a whole.
 *
 * @example
 * ```ts
 * console.log(formatHelp('deploy'));
 * ```
 */
export function formatHelp(command: CommandName | undefined): string {
  return HELP[command ?? 'main'];
}
