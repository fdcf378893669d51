import { describe, expectTypeOf, it } from 'vitest';
import type * as Public from '../src/index.js';
import type * as Internal from '../src/internal.js';

// The package's promise: adding a value to src/index.ts, or dropping one, fails this test until the
// list below is changed with it. Type-only exports are pinned by tests/public-api.test.ts.
type PublicValue =
  | 'createAuthorizer'
  | 'AuthorizerError'
  | 'ClaimError'
  | 'ConfigurationError'
  | 'EventError'
  | 'KeysUnavailableError'
  | 'ScopeError'
  | 'TokenError'
  | 'readSettings'
  | 'SETTINGS';

describe('the public API', () => {
  it('exports exactly the values users call: createAuthorizer, the error classes, the settings reader and table', () => {
    expectTypeOf<keyof typeof Public>().toEqualTypeOf<PublicValue>();
  });

  it('exports no value of the internal entry', () => {
    expectTypeOf<Extract<keyof typeof Public, keyof typeof Internal>>().toEqualTypeOf<never>();
  });

  it('names every type a public signature uses', () => {
    expectTypeOf<Public.Authorizer['options']>().toEqualTypeOf<Public.ResolvedOptions>();
    expectTypeOf<Public.ResolvedOptions['routes']>().toEqualTypeOf<
      readonly Public.CompiledRoute[] | undefined
    >();
    expectTypeOf<ReturnType<Public.Authorizer['authorize']>>().toEqualTypeOf<
      Public.Authorization<Public.IamAuthorizerResult>
    >();
    expectTypeOf<ReturnType<Public.Authorizer['buildContext']>>().toEqualTypeOf<Public.AuthorizerContext>();
    expectTypeOf<NonNullable<Public.AuthorizerOptions['jwks']>>().toEqualTypeOf<Public.JwksOptions>();
    expectTypeOf<NonNullable<Public.JwksOptions['fetcher']>>().toEqualTypeOf<Public.Fetcher>();
    expectTypeOf<NonNullable<Public.IssuerOptions['jwks']>>().toEqualTypeOf<Public.Jwks>();
    expectTypeOf<Public.TokenError['code']>().toEqualTypeOf<Public.TokenErrorCode>();
    expectTypeOf<ConstructorParameters<typeof Public.ConfigurationError>[1]>().toEqualTypeOf<
      Public.ConfigurationErrorOptions | undefined
    >();
    expectTypeOf<typeof Public.readSettings>().parameters.toEqualTypeOf<
      [Public.Environment, Public.ReadSettingsOptions]
    >();
    expectTypeOf<typeof Public.readSettings>().returns.toEqualTypeOf<Public.Settings>();
    expectTypeOf<Public.Settings['httpApiResponse']>().toEqualTypeOf<Public.HttpApiResponse>();
    expectTypeOf<Public.Settings['files']>().toEqualTypeOf<readonly Public.SettingFile[]>();
    expectTypeOf<typeof Public.SETTINGS>().toEqualTypeOf<readonly Public.SettingDefinition[]>();
  });
});
