import { CreateDeploymentCommand, GetRestApiCommand, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import { DeployError, handleAwsError } from './errors.js';
import type { StepContext } from './step-context.js';

/**
 * Checks that the REST API exists before anything is created, so a wrong id fails first and cleanly.
 *
 * @returns the API's name
 * @throws DeployError `REST_API_NOT_FOUND` for an unknown id; `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function checkRestApi(context: StepContext, restApiId: string): Promise<string> {
  const api = await context.clients.apiGateway.send(new GetRestApiCommand({ restApiId })).catch(
    handleAwsError('apigateway:GET /restapis/{id}', {
      NotFoundException: (error) => {
        throw new DeployError(
          'REST_API_NOT_FOUND',
          `REST API '${restApiId}' not found in ${context.region}: check --rest-api-id (or REST_API_ID) and --region`,
          { cause: error },
        );
      },
    }),
  );
  return api.name ?? restApiId;
}

/** Which stage to deploy, and whether it exists yet. */
export interface StageChoice {
  stageName: string;
  exists: boolean;
}

/**
 * Picks the stage to deploy: the one named, else the API's only stage. A named stage that does not
 * exist is created by the deployment only when the API has no stage at all (a typo must not add one).
 *
 * @throws DeployError `STAGE_NOT_FOUND` when the stage is unknown or cannot be chosen
 */
export async function resolveStage(
  context: StepContext,
  restApiId: string,
  stageName: string | undefined,
): Promise<StageChoice> {
  const output = await context.clients.apiGateway
    .send(new GetStagesCommand({ restApiId }))
    .catch(handleAwsError('apigateway:GET /restapis/{id}/stages'));
  const names = (output.item ?? []).flatMap((stage) => (stage.stageName ? [stage.stageName] : []));
  if (stageName) {
    if (names.includes(stageName)) return { stageName, exists: true };
    if (names.length === 0) return { stageName, exists: false };
    throw new DeployError(
      'STAGE_NOT_FOUND',
      `Stage '${stageName}' not found on REST API ${restApiId} (it has: ${names.join(', ')}): fix --stage or STAGE_NAME`,
    );
  }
  const [only, ...others] = names;
  if (only && others.length === 0) return { stageName: only, exists: true };
  throw new DeployError(
    'STAGE_NOT_FOUND',
    names.length === 0
      ? `REST API ${restApiId} has no stage yet: pass --stage NAME to create one`
      : `REST API ${restApiId} has several stages (${names.join(', ')}): pass --stage NAME or set STAGE_NAME`,
  );
}

/**
 * Deploys the REST API to the stage: authorizer and method changes take effect only after this.
 *
 * @returns the new deployment's id
 * @throws DeployError `ACCESS_DENIED`, `THROTTLED`, `AWS_ERROR`
 */
export async function createStageDeployment(
  context: StepContext,
  restApiId: string,
  stageName: string,
): Promise<string | undefined> {
  const deployment = await context.clients.apiGateway
    .send(
      new CreateDeploymentCommand({
        restApiId,
        stageName,
        description: 'Authorizer update (jwt-authorizer deploy-scripts)',
      }),
    )
    .catch(handleAwsError('apigateway:POST /restapis/{id}/deployments'));
  context.reporter.step('created', `deployment of stage ${stageName}`, deployment.id);
  return deployment.id;
}
