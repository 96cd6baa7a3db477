// ESLint flat config. Two project rules matter most (see README "Development"):
// only @kumo/keyspace and the queue connection factory may import ioredis, and only
// @kumo/config (and the test harness) may read process.env.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ioredisMessage =
  'Only @kumo/keyspace and the queue connection factory (packages/queues/src/connection.ts) may import ioredis: every Redis write goes through the key package.';

/** Built-in error classes that carry no kumo code. */
const UNCODED_ERRORS = '/^(Error|TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError)$/';
const uncodedMessage =
  "Throw a coded error (a KumoError subclass from the package's errors.ts, listed in docs/errors.md), not a bare built-in error.";

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '.turbo/**',
      '**/.data/**',
      'test/bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'ioredis', message: ioredisMessage }],
          patterns: [
            { group: ['ioredis/*'], message: ioredisMessage },
            {
              group: ['@kumo/*/src', '@kumo/*/src/*', '@kumo/*/dist/*'],
              message: 'Import a package through its public entry point.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through @kumo/config (loadConfig), never process.env directly.',
        },
      ],
    },
  },
  {
    // Production code throws coded errors only (KumoError subclasses, docs/errors.md): callers branch on `code`,
    // never on a message. Tests and fixtures may throw what they like.
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/__fixtures__/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `ThrowStatement > NewExpression[callee.name=${UNCODED_ERRORS}]`,
          message: uncodedMessage,
        },
        {
          selector: `ThrowStatement > ConditionalExpression > NewExpression[callee.name=${UNCODED_ERRORS}]`,
          message: uncodedMessage,
        },
        {
          selector: `ThrowStatement > CallExpression[callee.name=${UNCODED_ERRORS}]`,
          message: uncodedMessage,
        },
      ],
    },
  },
  {
    // The two places allowed to talk to ioredis directly.
    files: [
      'packages/keyspace/src/**/*.ts',
      'packages/queues/src/connection.ts',
      'packages/queues/src/connection.test.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Configuration is read once, here; the test harness and scripts set up child environments; the image's
    // health check is a dependency-free script that reads the same port settings as the app it probes.
    files: [
      'packages/config/src/**/*.ts',
      'test/**/*.{ts,mjs,js}',
      'packages/local-redis/src/**/*.ts',
      '**/*.test.ts',
      'infra/healthcheck.mjs',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The results page runs in the browser (apps/web), its build script in Node.
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Command-line programs print to their terminal on purpose.
    files: ['apps/cli/src/**/*.ts', 'test/bench/**/*.{ts,mjs}', 'test/scripts/**/*.{ts,mjs}'],
    rules: { 'no-console': 'off' },
  },
);
