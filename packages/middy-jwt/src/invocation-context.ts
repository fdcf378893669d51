import type { JwtAuthorizerSlots } from './lambda-context.js';

/**
 * The context of one invocation, for a context object that is not new to the slots (see
 * {@link takesSlots}): a new object inheriting every Lambda field from the context the runtime
 * passed, with the middleware's slots as its OWN properties, undefined until this invocation fills
 * them. Middy hands `request.context` to the handler, the `after`/`onError` middlewares and the
 * `requestEnd` hook, so they all see this object once `before` stores it there.
 *
 * Why not write on that object: local runners, tests and some emulators pass one context object to
 * overlapping invocations, and one invocation's verified token would then be read by the other.
 * Own data properties also shadow whatever the shared object carries under these names, a getter or
 * a read-only value included, so nothing set there is ever read as this invocation's.
 *
 * How: the slots are class fields, which are defined (never assigned: no setter or read-only value
 * of the prototype is involved), constructed with a `new.target` whose `prototype` is the shared
 * context; a null prototype (which `new.target` cannot carry) is set afterwards. When the same
 * context object comes back (tests, local runners) this costs a tenth of
 * `Object.create(shared, descriptors)`. It is not the path for a new context object per invocation,
 * as Lambda's runtime passes: V8 would turn each one into a prototype, several microseconds per
 * invocation (measured with a new context per call in the benchmark's Lambda rows).
 */
function withPrototype<T extends object>(shared: T, Slots: new () => object): T {
  if (typeof shared !== 'object' && typeof shared !== 'function') {
    // What Object.create throws for a primitive prototype.
    return Object.create(shared as never) as never;
  }
  if (shared === null) return Object.setPrototypeOf(new Slots(), null) as T;
  if (SharedPrototype.prototype !== shared) SharedPrototype.prototype = shared;
  return Reflect.construct(Slots, [], SharedPrototype) as T;
}

/** The `new.target` of {@link withPrototype}: only its `prototype` matters, set per shared context. */
const SharedPrototype = function SharedPrototype() {} as unknown as new () => object;

/** The slot `jwtAuth` fills. */
class JwtSlot {
  jwt = undefined;
}

/** The slots `jwtAuthorizer` fills: every key of {@link JwtAuthorizerSlots}, checked by the compiler. */
class AuthorizerSlots implements Record<keyof JwtAuthorizerSlots, undefined> {
  jwt = undefined;
  authorizerEvent = undefined;
  authorizerRejection = undefined;
}

const JWT_SLOT_NAMES = ['jwt'] as const;
const AUTHORIZER_SLOT_NAMES = [
  'jwt',
  'authorizerEvent',
  'authorizerRejection',
] as const satisfies readonly (keyof JwtAuthorizerSlots)[];

/**
 * The runtime's object itself when it is new to the slots: an extensible plain-data object where
 * none of the slot names is found, own or inherited. Lambda's runtime builds a new context object
 * per invocation, so this is the path on Lambda, with no object made and none turned into a
 * prototype. Once the slots are on an object, the names are found there, so an object that comes
 * back (a local runner, tests, an emulator passing one object to overlapping invocations) always
 * gets its own derived context, whose own slots shadow the ones set on it earlier.
 */
function takesSlots(shared: object, names: readonly string[]): boolean {
  if (!Object.isExtensible(shared)) return false;
  for (const name of names) if (name in shared) return false;
  return true;
}

/** The context of one `jwtAuth` invocation: its own `jwt` slot. */
export function createJwtContext<T extends object>(shared: T): T {
  if (typeof shared === 'object' && shared !== null && takesSlots(shared, JWT_SLOT_NAMES)) {
    (shared as { jwt?: undefined }).jwt = undefined;
    return shared;
  }
  return withPrototype(shared, JwtSlot);
}

/** The context of one `jwtAuthorizer` invocation: every key of {@link JwtAuthorizerSlots} its own. */
export function createAuthorizerContext<T extends object>(shared: T): T {
  if (typeof shared === 'object' && shared !== null && takesSlots(shared, AUTHORIZER_SLOT_NAMES)) {
    const slots = shared as Record<keyof JwtAuthorizerSlots, undefined>;
    slots.jwt = undefined;
    slots.authorizerEvent = undefined;
    slots.authorizerRejection = undefined;
    return shared;
  }
  return withPrototype(shared, AuthorizerSlots);
}
