/** What a step found or did. */
export type StepStatus = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent' | 'skipped' | 'waiting';

const MUTATIONS: ReadonlySet<StepStatus> = new Set(['created', 'updated', 'deleted']);

/** Where the CLI's output goes. */
export interface OutputStreams {
  /** Normal output (plan, steps, results). */
  out: (line: string) => void;
  /** Warnings and errors. */
  err: (line: string) => void;
}

/** Prints the plan and each step as it happens, and remembers what was changed. */
export interface Reporter {
  /** Prints one line of normal output. */
  line(text: string): void;
  /** Prints one step: `  created    role jwtRsaCustomAuthorizerRole`. */
  step(status: StepStatus, subject: string, detail?: string): void;
  /** Prints a warning line. */
  warn(text: string): void;
  /** Every step of this run that created, updated or deleted something, in order. */
  readonly changes: readonly string[];
}

/**
 * Creates a reporter writing to the given streams. Callers pass only non-secret facts: names, ARNs,
 * hashes, the issuer and audience; never the values of `JWT_*` settings or of a token.
 *
 * @example
 * ```ts
 * const reporter = createReporter({ out: console.log, err: console.error });
 * reporter.step('created', 'role jwtRsaCustomAuthorizerRole');
 * ```
 */
export function createReporter(streams: OutputStreams): Reporter {
  const changes: string[] = [];
  return {
    line: (text) => streams.out(text),
    step(status, subject, detail) {
      if (MUTATIONS.has(status)) changes.push(`${status} ${subject}`);
      streams.out(`  ${status.padEnd(10)} ${subject}${detail ? ` (${detail})` : ''}`);
    },
    warn: (text) => streams.err(`warning: ${text}`),
    changes,
  };
}
