import { ConfigurationError } from '@jwt-authorizer/authorizer-core';
import { isScopeToken } from '@jwt-authorizer/authorizer-core/internal';

// RFC 6750 §3: scope tokens are %x21 / %x23-5B / %x5D-7E, realm a quoted-string; both are written
// into WWW-Authenticate unescaped, so anything that would need escaping is refused at start-up.
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** @throws {ConfigurationError} `CONFIG_INVALID` naming `setting`. */
export function assertScopeNames(scopes: readonly unknown[], setting: string): asserts scopes is string[] {
  for (const scope of scopes) {
    if (!isScopeToken(scope)) {
      throw new ConfigurationError(
        `${setting} must hold scope names of visible ASCII characters without spaces, quotes or backslashes, got "${String(scope)}"`,
      );
    }
  }
}

/** @throws {ConfigurationError} `CONFIG_INVALID` naming `setting`. */
export function assertRealm(realm: unknown, setting: string): asserts realm is string {
  if (typeof realm !== 'string' || !REALM.test(realm)) {
    throw new ConfigurationError(
      `${setting} must be a non-empty string of visible ASCII characters without quotes or backslashes`,
    );
  }
}
