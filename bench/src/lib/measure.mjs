// Timing loops shared by every throughput measurement.
//
// The clock is the process CPU time (user + system, process.cpuUsage), not the wall clock: on a
// shared machine the process is descheduled at random, which stretches wall time but not CPU time.
// CPU time also charges V8's GC helper threads to the row that made the garbage, as a one-vCPU
// Lambda would. Wall time is recorded next to it. process.cpuUsage costs ~2 us, so it is read only
// when at least CHECK_MS of wall time has passed (the wall clock is read every CHECK_EVERY ops).
const CHECK_EVERY = 32;
const CHECK_MS = 2;

function cpuMsSince(start) {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

/**
 * Runs `fn` over `items` (cycling from `start`) until about `durationMs` of CPU time is spent,
 * synchronously. An operation fails when it throws or returns a falsy value.
 */
export function runSync(fn, items, start, durationMs) {
  const length = items.length;
  let index = start % length;
  let ops = 0;
  let failures = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let nextCheck = wall0 + CHECK_MS;
  let cpuMs = 0;
  for (;;) {
    for (let i = 0; i < CHECK_EVERY; i++) {
      try {
        if (!fn(items[index])) failures++;
      } catch {
        failures++;
      }
      index = index + 1 === length ? 0 : index + 1;
    }
    ops += CHECK_EVERY;
    const now = performance.now();
    if (now >= nextCheck) {
      cpuMs = cpuMsSince(cpu0);
      if (cpuMs >= durationMs) break;
      nextCheck = now + CHECK_MS;
    }
  }
  return {
    ops,
    seconds: cpuMs / 1000,
    wallSeconds: (performance.now() - wall0) / 1000,
    failures,
    next: index,
  };
}

/** As {@link runSync}, awaiting each operation before the next (one request at a time). */
export async function runAsync(fn, items, start, durationMs) {
  const length = items.length;
  let index = start % length;
  let ops = 0;
  let failures = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let nextCheck = wall0 + CHECK_MS;
  let cpuMs = 0;
  for (;;) {
    for (let i = 0; i < CHECK_EVERY; i++) {
      try {
        if (!(await fn(items[index]))) failures++;
      } catch {
        failures++;
      }
      index = index + 1 === length ? 0 : index + 1;
    }
    ops += CHECK_EVERY;
    const now = performance.now();
    if (now >= nextCheck) {
      cpuMs = cpuMsSince(cpu0);
      if (cpuMs >= durationMs) break;
      nextCheck = now + CHECK_MS;
    }
  }
  return {
    ops,
    seconds: cpuMs / 1000,
    wallSeconds: (performance.now() - wall0) / 1000,
    failures,
    next: index,
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, min and max of a list of samples. */
export function summarize(values) {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, samples: [] };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), samples: values };
}

export function gc() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
