import { join } from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { resolveInvokeConfig } from '../src/config.js';
import { runDeploy } from '../src/deploy.js';
import { runInvoke } from '../src/invoke.js';
import { createHarness, deployConfig, fakeZip, makeTempDir } from './helpers/harness.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';
const event = JSON.stringify({
  type: 'TOKEN',
  authorizationToken: `Bearer ${TOKEN}`,
  methodArn: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets',
});

async function setUp() {
  const harness = createHarness();
  await runDeploy(harness.context, deployConfig(), fakeZip());
  harness.out.length = 0;
  const dir = makeTempDir({ 'event.json': event, 'broken.json': '{"type": "TOKEN", ' });
  const config = (file: string) => resolveInvokeConfig({ event: file }, {}, { repoRoot: dir, cwd: dir });
  return { ...harness, dir, config };
}

describe('runInvoke', () => {
  it('sends the event and prints the policy the function returned', async () => {
    const { aws, context, out, config } = await setUp();
    aws.invokeResult = {
      payload: {
        principalId: 'user',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:*' }],
        },
      },
    };

    const code = await runInvoke(context, config('event.json'));

    expect(code).toBe(0);
    expect(
      new TextDecoder().decode(
        aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array,
      ),
    ).toBe(event);
    expect(out.join('\n')).toContain('"principalId": "user"');
    expect(out).toContain('Policy: Allow on "arn:aws:execute-api:*"');
    expect(out.join('\n')).not.toContain(TOKEN);
  });

  it('prints the error and the status API Gateway would answer when the function fails', async () => {
    const { aws, context, out, config } = await setUp();
    aws.invokeResult = {
      payload: { errorType: 'Error', errorMessage: 'Unauthorized', trace: [] },
      functionError: 'Unhandled',
    };

    const code = await runInvoke(context, config('event.json'));

    expect(code).toBe(1);
    expect(out).toEqual([
      'jwtRsaCustomAuthorizer failed (Unhandled): Error: Unauthorized',
      'API Gateway would answer 401.',
    ]);
  });

  it('says to deploy first when the function does not exist', async () => {
    const { aws, context, config } = await setUp();
    aws.functions.clear();

    await expect(runInvoke(context, config('event.json'))).rejects.toMatchObject({
      code: 'FUNCTION_NOT_FOUND',
    });
  });

  it('rejects an event file that is missing or not JSON without printing its content', async () => {
    const { context, config, dir } = await setUp();

    await expect(runInvoke(context, config('missing.json'))).rejects.toMatchObject({
      code: 'EVENT_INVALID',
      message: `Cannot read the event file ${join(dir, 'missing.json')}: fix --event`,
    });
    const broken = await runInvoke(context, config('broken.json')).catch((error: Error) => error);
    expect(broken).toMatchObject({ code: 'EVENT_INVALID' });
    expect((broken as Error).message).not.toContain('TOKEN');
  });
});
