import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = { '@common': fileURLToPath(new URL('./common', import.meta.url)) };

/**
 * Five projects, all of which `npm test` runs: unit (pure code, fake electron), components (the
 * renderer's React components in happy-dom), integration (real servers on loopback, real files),
 * e2e (real Chromium against the browser host) and reliability (stress runs: kill -9 loops,
 * faulty platforms), which `npm run test:reliability` also runs alone.
 *
 * They run in three groups, one after the other (sequence.groupOrder): first unit, components and
 * integration side by side, then e2e alone, then reliability alone, each of the last two one
 * file at a time, because their pages, peers and kill loops measure what the machine gives them.
 * Integration files make their own folders, ports and platforms, so they share the first group.
 * At least two workers even on two cores (vitest's default there is one). Note: a project with
 * one worker in group 0 would run last, in a group of its own (vitest's groupSpecs).
 */
export default defineConfig({
  resolve: { alias },
  test: {
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['tests/unit/**/*.test.{ts,tsx}'], environment: 'node', sequence: { groupOrder: 0 } },
      },
      {
        // The renderer's components in a simulated DOM, against a fake window.examiner.
        resolve: { alias },
        test: {
          name: 'components',
          include: ['tests/components/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['tests/components/setup.ts'],
          testTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
          globalSetup: ['tests/support/global-loopback-ice.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          globalSetup: ['tests/support/global-loopback-ice.ts'],
        },
      },
      {
        // Stress runs (kill -9 loops, faulty platforms): in `npm test`, and alone by `npm run test:reliability`.
        resolve: { alias },
        test: {
          name: 'reliability',
          include: ['tests/reliability/**/*.test.ts'],
          testTimeout: 20 * 60_000,
          hookTimeout: 5 * 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
