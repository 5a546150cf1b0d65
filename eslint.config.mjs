import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './tools/eslint/layers.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'deploy/kafka/target/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // apps → libs → contracts, no app imports another app, libs by alias only (tools/eslint/layers.mjs;
    // proven by test/layers.int-spec.ts). Tests included.
    plugins: { layers },
    rules: {
      'layers/imports': [
        'error',
        {
          // In-process entry points of apps/cli that the integration tests start. Everything else of
          // an app is reached by spawning its built CLI.
          appEntries: [
            'apps/cli/src/runtime',
            'apps/cli/src/policy',
            'apps/cli/src/demo/story',
            'apps/cli/src/demo/demo-policy',
          ],
        },
      ],
    },
  },
  {
    // kafkajs' createTopics (waitForLeaders) gives up when a loaded broker answers "does not host
    // this topic-partition" for a topic it has just created; ensureTopics polls for leaders instead.
    ignores: ['libs/kafka/src/topic-admin.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='createTopics']",
          message:
            'Create topics with ensureTopics (@app/kafka), which waits for leaders the way a loaded broker needs.',
        },
      ],
    },
  },
  {
    // The domain stays free of `any` and of IO (DESIGN.md: libs/retention is a pure fold).
    files: ['libs/retention/**/*.ts', 'libs/contracts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Specs may read fixtures (the RFC 8785 vectors); the code under test may not.
    files: ['libs/retention/**/*.ts', 'libs/contracts/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['fs', 'node:*', '@nestjs/*', 'kafkajs', 'better-sqlite3', 'pg'] },
      ],
    },
  },
);
