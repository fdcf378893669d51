import { describe, expect, it } from 'vitest';
import { resolveDestroyConfig } from '../src/config.js';
import { runDeploy } from '../src/deploy.js';
import { runDestroy } from '../src/destroy.js';
import { createHarness, deployConfig, fakeZip } from './helpers/harness.js';

const destroyConfig = (values: Record<string, string | boolean> = {}) =>
  resolveDestroyConfig({ yes: true, ...values }, {});

describe('runDestroy', () => {
  it('removes the authorizer, permission, function and role that deploy created', async () => {
    const { aws, context, out, err } = createHarness();
    aws.addRestApi('a1b2c3d4e5', { methods: { '/pets': { GET: { authorizationType: 'NONE' } } } });
    await runDeploy(
      context,
      deployConfig({ 'rest-api-id': 'a1b2c3d4e5', attach: true, 'invoke-permission': 'resource-policy' }),
      fakeZip(),
    );
    aws.resetHistory();

    await runDestroy(context, destroyConfig({ 'rest-api-id': 'a1b2c3d4e5' }));

    expect(aws.roles.size).toBe(0);
    expect(aws.functions.size).toBe(0);
    expect(aws.restApis.get('a1b2c3d4e5')?.authorizers.size).toBe(0);
    expect(aws.restApis.get('a1b2c3d4e5')?.resources[0]?.resourceMethods.GET?.authorizationType).toBe('NONE');
    expect(aws.mutatingOperations()).toEqual([
      'UpdateMethod',
      'DeleteAuthorizer',
      'DeleteGatewayResponse',
      'DeleteGatewayResponse',
      'DeleteGatewayResponse',
      'DeleteGatewayResponse',
      'RemovePermission',
      'DeleteFunction',
      'DetachRolePolicy',
      'DeleteRole',
    ]);
    expect(out).toContain('  deleted    function jwtRsaCustomAuthorizer');
    expect(out).toContain('  deleted    role jwtRsaCustomAuthorizerRole');
    expect(err.join('\n')).toContain('1 method(s) now have no authorization');
  });

  it('deletes the invoker role, then the execution role, each after its policies (IAM refuses otherwise)', async () => {
    const { aws, context } = createHarness();
    await runDeploy(context, deployConfig(), fakeZip());
    aws.resetHistory();

    await runDestroy(context, destroyConfig());

    expect(aws.mutatingOperations()).toEqual([
      'DeleteFunction',
      'DeleteRolePolicy',
      'DeleteRole',
      'DetachRolePolicy',
      'DeleteRole',
    ]);
  });

  it('reports what is already gone as absent and succeeds', async () => {
    const { aws, context, out } = createHarness();

    await runDestroy(context, destroyConfig());

    expect(aws.mutatingOperations()).toEqual(['DeleteFunction']);
    expect(out).toContain('  absent     function jwtRsaCustomAuthorizer');
    expect(out).toContain('  absent     role jwtRsaCustomAuthorizerRole-invoker');
    expect(out).toContain('  absent     role jwtRsaCustomAuthorizerRole');
    expect(out.join('\n')).toContain('skipped    authorizer (no REST API id');
  });

  it('stops before deleting anything when the REST API id is unknown', async () => {
    const { aws, context } = createHarness();
    await runDeploy(context, deployConfig(), fakeZip());
    aws.resetHistory();

    await expect(runDestroy(context, destroyConfig({ 'rest-api-id': 'nope' }))).rejects.toMatchObject({
      code: 'REST_API_NOT_FOUND',
    });
    expect(aws.mutatingOperations()).toEqual([]);
    expect(aws.functions.size).toBe(1);
  });
});

describe('runDestroy with the invoker role', () => {
  it('removes the execution role and the invoker role with their policies, and nothing else', async () => {
    const { aws, context } = createHarness();
    aws.addRestApi('a1b2c3d4e5');
    aws.addRole('unrelatedRole', {
      trust: { Version: '2012-10-17', Statement: [] },
      inline: { keep: { Version: '2012-10-17', Statement: [] } },
    });
    await runDeploy(context, deployConfig({ 'rest-api-id': 'a1b2c3d4e5' }), fakeZip());
    expect(aws.roles.has('jwtRsaCustomAuthorizerRole-invoker')).toBe(true);

    await runDestroy(context, destroyConfig({ 'rest-api-id': 'a1b2c3d4e5' }));

    expect([...aws.roles.keys()]).toEqual(['unrelatedRole']);
    expect(aws.roles.get('unrelatedRole')?.inline.size).toBe(1);
  });

  it('leaves a role named like the invoker role that deploy did not create, with a warning', async () => {
    const { aws, context, err, out } = createHarness();
    await runDeploy(context, deployConfig({ 'invoke-permission': 'resource-policy' }), fakeZip());
    aws.addRole('jwtRsaCustomAuthorizerRole-invoker', {
      trust: { Version: '2012-10-17', Statement: [] },
      description: 'made by hand',
    });

    await runDestroy(context, destroyConfig());

    expect([...aws.roles.keys()]).toEqual(['jwtRsaCustomAuthorizerRole-invoker']);
    expect(out).toContain('  skipped    role jwtRsaCustomAuthorizerRole-invoker (not created by deploy)');
    expect(err).toEqual([
      'warning: role jwtRsaCustomAuthorizerRole-invoker was not created by deploy: left as it is',
    ]);
  });
});
