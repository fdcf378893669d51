import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The tests start npm, tsc, esbuild and node processes; this bounds a hung one, it measures nothing.
    testTimeout: 60_000,
  },
});
