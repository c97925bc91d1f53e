import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const libs = ['config', 'database', 'tasks', 'asr-engine', 'media', 'crawlers', 'errors', 'http'];

export default defineConfig({
  resolve: { alias: Object.fromEntries(libs.map((lib) => [`@app/${lib}`, resolve(__dirname, `libs/${lib}/src`)])) },
  test: {
    // Two cores: e2e files start real api/processor processes, so files run one at a time.
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'scripts/**/*.spec.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.e2e-spec.ts'], testTimeout: 180_000, hookTimeout: 120_000 },
      },
    ],
  },
});
