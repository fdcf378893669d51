import type { VerifiedToken } from '@jwt-authorizer/authorizer-core';

/** How this package tells the results its jwtAuth produced from any other value. */
export interface Provenance {
  mark(verified: VerifiedToken): void;
  has(value: unknown): value is VerifiedToken;
}

/** A base class whose constructor returns its argument, so a subclass's fields land on that object. */
const Returning = class {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the subclass's private field is put on `target`.
    return target;
  }
} as new (
  target: object,
) => object;

/**
 * A private field put on each result: invisible to every other code (no key, no descriptor, no
 * proxy trap), found by `#issued in value`, and costing a hidden-class transition on an object the
 * core just made. A WeakSet holding one entry per distinct token costs more per request in a
 * stream of distinct tokens (its table grows and every scavenge walks it). Engines that refuse new
 * private fields on a frozen object (the core's results are frozen) get the WeakSet instead: see
 * {@link provenance}.
 */
class Issued extends Returning {
  #issued = true;
  static mark(value: object): void {
    // A cached result comes back for a repeated token: a second initialisation would throw.
    if (!(#issued in value)) new Issued(value);
  }
  static has(value: object): boolean {
    return #issued in value;
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

const byField: Provenance = {
  mark: (verified) => Issued.mark(verified),
  has: (value): value is VerifiedToken => isObject(value) && Issued.has(value),
};

function bySet(): Provenance {
  const issued = new WeakSet<object>();
  return {
    mark: (verified) => {
      issued.add(verified);
    },
    has: (value): value is VerifiedToken => isObject(value) && issued.has(value),
  };
}

/** Whether this engine puts a private field on a frozen object (checked once, at load). */
function fieldsOnFrozen(): boolean {
  try {
    const probe = Object.freeze({});
    Issued.mark(probe);
    return Issued.has(probe);
  } catch {
    return false;
  }
}

/** The provenance record: private fields where the engine allows them on frozen objects, else a WeakSet. */
export function provenance(useFields: boolean): Provenance {
  return useFields ? byField : bySet();
}

// Results this package's jwtAuth produced. requireScopes trusts context.jwt only when it is one of
// them, so a value put on the context by other code is never taken for a verified token.
const issued = provenance(fieldsOnFrozen());

export const markVerified: (verified: VerifiedToken) => void = issued.mark;
export const isVerified: (value: unknown) => value is VerifiedToken = issued.has;
