import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    env: {
      // Tests never look for real credentials or metadata endpoints, and the SDK's Node-version
      // notice would only repeat in every worker's output.
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    // A short summary per package, the failures in full; the JSON report is what CI adds up.
    // Some tests start the CLI as a process; on a loaded 2-core machine that can take seconds.
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
