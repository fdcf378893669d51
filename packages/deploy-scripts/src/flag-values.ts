/** The value of each parsed flag, by its long name. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

/**
 * Reads a string flag's value.
 */
export function getStringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads a boolean flag's value (`false` when absent).
 */
export function getBooleanFlag(values: FlagValues, name: string): boolean {
  return values[name] === true;
}
