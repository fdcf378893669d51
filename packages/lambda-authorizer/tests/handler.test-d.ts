import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { describe, expectTypeOf, it } from 'vitest';
import type { AuthorizerHandler, AuthorizerHandlerResult } from '../src/handler.js';
import type { handler } from '../src/index.js';

describe('the Lambda handler type', () => {
  it('is the exported index.handler', () => {
    expectTypeOf<typeof handler>().toEqualTypeOf<AuthorizerHandler>();
  });

  it('takes each API Gateway authorizer event with a Lambda context', () => {
    expectTypeOf<AuthorizerHandler>().toBeCallableWith({} as APIGatewayTokenAuthorizerEvent, {} as Context);
    expectTypeOf<AuthorizerHandler>().toBeCallableWith({} as APIGatewayRequestAuthorizerEvent, {} as Context);
    expectTypeOf<AuthorizerHandler>().toBeCallableWith(
      {} as APIGatewayRequestAuthorizerEventV2,
      {} as Context,
    );
  });

  it('resolves results that fit the aws-lambda authorizer result types', () => {
    expectTypeOf<Extract<AuthorizerHandlerResult, { principalId: string }>>().not.toBeNever();
    expectTypeOf<Extract<AuthorizerHandlerResult, { isAuthorized: boolean }>>().not.toBeNever();
    expectTypeOf<
      Extract<AuthorizerHandlerResult, { principalId: string }>
    >().toExtend<APIGatewayAuthorizerResult>();
    expectTypeOf<Extract<AuthorizerHandlerResult, { isAuthorized: boolean }>>().toExtend<
      APIGatewaySimpleAuthorizerWithContextResult<Record<string, string | number | boolean>>
    >();
  });
});
