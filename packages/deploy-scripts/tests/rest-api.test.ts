import { describe, expect, it } from 'vitest';
import { runDeploy } from '../src/deploy.js';
import { resolveStage } from '../src/rest-api.js';
import { createHarness, deployConfig, fakeZip } from './helpers/harness.js';

describe('resolveStage', () => {
  it('uses the named stage when the API has it', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi('a1', { stages: ['dev', 'prod'] });
    await expect(resolveStage(context, 'a1', 'dev')).resolves.toEqual({ stageName: 'dev', exists: true });
  });

  it('rejects a named stage the API lacks, listing the ones it has', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi('a1', { stages: ['dev', 'prod'] });
    await expect(resolveStage(context, 'a1', 'prd')).rejects.toMatchObject({
      code: 'STAGE_NOT_FOUND',
      message: "Stage 'prd' not found on REST API a1 (it has: dev, prod): fix --stage or STAGE_NAME",
    });
  });

  it('asks for a stage name when the API has none yet', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi('a1', { stages: [] });
    await expect(resolveStage(context, 'a1', undefined)).rejects.toMatchObject({
      code: 'STAGE_NOT_FOUND',
      message: 'REST API a1 has no stage yet: pass --stage NAME to create one',
    });
  });

  it('creates the first stage of an API through the deployment', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi('a1', { stages: [] });

    const result = await runDeploy(context, deployConfig({ 'rest-api-id': 'a1', stage: 'prod' }), fakeZip());

    expect(aws.restApis.get('a1')?.stages).toEqual(['prod']);
    expect(result.stageUrl).toBe('https://a1.execute-api.us-east-1.amazonaws.com/prod');
  });
});
