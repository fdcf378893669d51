import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // serverless-offline takes some seconds to start; this bounds a hung start, it measures nothing.
    hookTimeout: 60_000,
    testTimeout: 20_000,
    // A short summary per package, the failures in full; the JSON report is what CI adds up.
    reporters: ['minimal', 'json'],
    outputFile: { json: '.test-results.json' },
  },
});
