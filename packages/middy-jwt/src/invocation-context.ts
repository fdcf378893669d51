import type { JwtAuthorizerSlots } from './lambda-context.js';

/**
 * The context of one invocation: a new object inheriting every Lambda field from the context the
 * runtime passed, with the middleware's slots as its OWN properties, undefined until this invocation
 * fills them. Middy hands `request.context` to the handler, the `after`/`onError` middlewares and the
 * `requestEnd` hook, so they all see this object once `before` stores it there.
 *
 * Why not write on the runtime's object: local runners, tests and some emulators pass one context
 * object to overlapping invocations, and one invocation's verified token would then be read by the
 * other. Own data properties also shadow whatever the shared object carries under these names, a
 * getter or a read-only value included, so nothing set there is ever read as this invocation's.
 *
 * The slots are written as object-literal properties with `__proto__`: a literal defines its
 * properties (as `Object.create(shared, descriptors)` would: writable, enumerable, configurable)
 * and never assigns them, so no setter or read-only value on the shared object is involved, at a
 * fifth of the cost of `Object.create` with descriptors (that was measurable per invocation).
 */
function assertPrototype(shared: unknown): void {
  // `__proto__` in a literal ignores a primitive where `Object.create` throws: keep the throw.
  if (typeof shared !== 'object' && typeof shared !== 'function') Object.create(shared as never);
}

/** The context of one `jwtAuth` invocation: its own `jwt` slot. */
export function createJwtContext<T extends object>(shared: T): T {
  assertPrototype(shared);
  return { __proto__: shared, jwt: undefined } as unknown as T;
}

/** The context of one `jwtAuthorizer` invocation: every key of {@link JwtAuthorizerSlots} its own. */
export function createAuthorizerContext<T extends object>(shared: T): T {
  assertPrototype(shared);
  return {
    __proto__: shared,
    jwt: undefined,
    authorizerEvent: undefined,
    authorizerRejection: undefined,
  } satisfies { __proto__: T } & Record<keyof JwtAuthorizerSlots, undefined> as unknown as T;
}
