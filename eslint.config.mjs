// @ts-check
// ESLint (flat config): typescript-eslint's type-checked recommended rules over the TypeScript sources,
// tuned where they fight a deliberate style of this codebase. Formatting is Prettier's (.prettierrc.json);
// eslint-config-prettier comes last and switches off every rule that would disagree with it.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'coverage/',
      'test-results/',
      'bench-results/',
      'models/',
      'storage/',
      '**/__fixtures__/**/*.html',
      '**/__fixtures__/**/*.json',
      // Generated from apps/api/openapi.json by `npm run api:types` (scripts/web-api-types.ts).
      'apps/web/src/api/schema.ts',
    ],
  },
  {
    files: ['{apps,libs,test,scripts,bench}/**/*.ts', 'apps/web/**/*.tsx', 'vitest.config.ts'],
    extends: [eslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // tsconfig.json covers apps, libs, scripts, bench and test; the web page (apps/web/src) has its own,
        // apps/web/tsconfig.json (DOM, Preact's JSX), which the project service finds by itself.
        // vitest.config.ts and apps/web/vite.config.ts (Node code, outside both) get tsconfig.json's options.
        projectService: {
          allowDefaultProject: ['vitest.config.ts', 'apps/web/vite.config.ts'],
          defaultProject: 'tsconfig.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `_name` marks a parameter or binding kept on purpose (e.g. `const { cookie: _cookie, ...headers } = …`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Nest's HttpException.getStatus() returns number; comparing it with HttpStatus members is the framework's idiom.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // Not in the recommended set, added because they catch real bugs and the tree already passes them:
      // a `return promise` inside try/catch/finally skips the catch and the finally's ordering ...
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // ... and a switch over a union (task status, error code, platform) that misses a member.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Configuration is read in one place: libs/config (loadConfig validates every variable; childProcessEnv hands
    // the environment on to child processes). Tests, the bench and their fixtures read their own settings.
    files: ['{apps,libs,scripts}/**/*.ts', 'apps/web/**/*.tsx'],
    ignores: ['libs/config/**', '**/*.spec.ts', '**/__fixtures__/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'Read configuration from HarkConfig (libs/config); hand the environment to a child with childProcessEnv().',
        },
      ],
    },
  },
  {
    // Tests and the bench read JSON response bodies untyped (`ApiResponse<T = any>`, `body: any`) on purpose:
    // they assert on the wire format, so typing every body would only restate the DTOs.
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  prettier,
);
