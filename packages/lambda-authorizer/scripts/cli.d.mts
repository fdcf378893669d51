export interface FlagSpec {
  readonly value?: string;
  readonly short?: string;
  /** May be given more than once; its values are collected in an array. */
  readonly multiple?: boolean;
  readonly help: string;
}
export type FlagTable = Readonly<Record<string, FlagSpec>>;
export const USAGE_EXIT_CODE: 2;
export class UsageError extends Error {}
export function editDistance(a: string, b: string): number;
export function closestMatch(input: string, candidates: readonly string[]): string | undefined;
export function quoteInput(input: string, maxLength?: number): string;
export function resolveInvocationDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string;
export function formatFlags(flags: FlagTable): string;
export function parseFlags(
  argv: readonly string[],
  flags: FlagTable,
  command: string,
): Record<string, string | true | string[]>;
export function runScript(main: () => Promise<void>): Promise<void>;
export function readCommandLine(
  flags: FlagTable,
  command: string,
  help: string,
): Record<string, string | true | string[]>;
