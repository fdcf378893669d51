import type { AwsClients } from './aws-clients.js';
import type { Reporter } from './reporter.js';

/** What every step gets: the clients, the reporter and the time seams. */
export interface StepContext {
  clients: AwsClients;
  reporter: Reporter;
  region: string;
  /** Waits `ms` milliseconds; tests pass a fake so backoff costs no real time. */
  sleep: (ms: number) => Promise<void>;
  /** Upper bound for each SDK waiter, in seconds. */
  waiterMaxWaitSeconds: number;
}

/**
 * The real sleep.
 */
export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
