import type { TokenExplanation } from '@jwt-authorizer/authorizer-core/internal';
import type { FlagTable } from './cli.mjs';

export interface ExplainIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdinIsTTY: boolean;
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The repository root the .env search order is relative to (default: this repository's). */
  readonly repoRoot?: string;
  /** The package folder whose dist/ holds the built settings reader (default: this package). */
  readonly packageDir?: string;
}
export const EXPLAIN_SCHEMA: string;
export const PLACEHOLDER_STAGE: string;
export const FLAGS: FlagTable;
export const HELP: string;
export function routeToArn(value: string, stage: string): string;
export function formatChecks(explanation: TokenExplanation): string[];
export function runExplain(io: ExplainIo): Promise<0 | 1 | 2>;
export function main(argv?: readonly string[]): Promise<void>;
