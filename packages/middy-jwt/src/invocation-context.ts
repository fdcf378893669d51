import type { JwtAuthorizerSlots } from './lambda-context.js';

/** Own, writable, initially undefined properties for {@link createInvocationContext}. */
export type SlotDescriptors = Readonly<Record<string, PropertyDescriptor>>;

function describeSlots(names: readonly string[]): SlotDescriptors {
  const descriptors: Record<string, PropertyDescriptor> = {};
  for (const name of names) {
    descriptors[name] = { value: undefined, writable: true, enumerable: true, configurable: true };
  }
  return Object.freeze(descriptors);
}

/** The slot `jwtAuth` fills. */
export const JWT_SLOT = describeSlots(['jwt']);
/** The slots `jwtAuthorizer` fills: every key of {@link JwtAuthorizerSlots}, checked by the compiler. */
export const AUTHORIZER_SLOTS = describeSlots(
  Object.keys({
    jwt: true,
    authorizerEvent: true,
    authorizerRejection: true,
  } satisfies Record<keyof JwtAuthorizerSlots, true>),
);

/**
 * The context of one invocation: a new object inheriting every Lambda field from the context the
 * runtime passed, with the given slots as its OWN properties, undefined until this invocation fills
 * them. Middy hands `request.context` to the handler, the `after`/`onError` middlewares and the
 * `requestEnd` hook, so they all see this object once `before` stores it there.
 *
 * Why not write on the runtime's object: local runners, tests and some emulators pass one context
 * object to overlapping invocations, and one invocation's verified token would then be read by the
 * other. Own data properties also shadow whatever the shared object carries under these names, a
 * getter or a read-only value included, so nothing set there is ever read as this invocation's.
 */
export function createInvocationContext<T extends object>(shared: T, slots: SlotDescriptors): T {
  return Object.create(shared, slots) as T;
}
