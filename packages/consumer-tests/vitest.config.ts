import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The tests start npm, tsc, esbuild and node processes; this bounds a hung one, it measures nothing.
    testTimeout: 60_000,
    // A short summary per package, the failures in full; the JSON report is what CI adds up.
    reporters: ['minimal', 'json'],
    outputFile: { json: '.test-results.json' },
  },
});
