import { defineConfig } from 'vitest/config';

/**
 * Four tiers, each its own project (`npm run test:unit`, `test:infra`, `test:integration`, `test:e2e`),
 * run fastest first when `npm test` runs them all.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/unit-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 2 },
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // Each file starts its own DynamoDB Local (a JVM); two at a time suits a 2-core machine.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'infra',
          sequence: { groupOrder: 1 },
          include: ['test/infra/**/*.test.ts'],
          environment: 'node',
          // The app is synthesised once per run, by the first file that reads it, not by every file.
          globalSetup: ['test/infra/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 3 },
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 180_000,
          // Two files at a time, each with its own stack: the feed-load file (about four minutes, mostly DynamoDB
          // Local) runs beside the others rather than before them. Measured: the tier 495 s one at a time, 344 s two.
          maxWorkers: 2,
        },
      },
    ],
  },
});
