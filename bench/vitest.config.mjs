import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.mjs'],
    // A short summary, the failures in full; the JSON report is what CI adds up.
    reporters: ['minimal', 'json'],
    outputFile: { json: '.test-results.json' },
  },
});
