import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // A short summary per package, the failures in full; the JSON report is what CI adds up.
    // Property tests and spawned processes are CPU-bound: on a loaded 2-core machine 5 s is too short.
    testTimeout: 30_000,
    reporters: ['minimal', 'json'],
    outputFile: { json: '.test-results.json' },
    // The type tests (tests/*.test-d.ts) run in the typecheck task (tsc -p tsconfig.test.json),
    // which turbo runs before the tests; vitest's own typecheck mode would type-check the package a
    // second time and print its experimental-feature notice on every run.
    // Coverage on demand: pnpm exec vitest run --coverage.
    coverage: {
      provider: 'v8',
      include: ['src/**'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
