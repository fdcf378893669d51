import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.mjs'],
    // A short summary, the failures in full; the JSON report is what CI adds up.
    // Some tests start the CLI as a process; on a loaded 2-core machine that can take seconds.
    testTimeout: 30_000,
    reporters: ['minimal', 'json'],
    outputFile: { json: '.test-results.json' },
  },
});
