// ESLint flat config for the whole workspace (see docs/adr/0004-toolchain-versions.md).
// - TypeScript: typescript-eslint strict-type-checked, type information from tsconfig.json.
// - Architecture: Nx module boundaries by project tag (nx.json / project.json), plus import bans
//   that keep kafkajs inside libs/kafka and frameworks out of domain code, core and contracts.
// - Formatting is Prettier's job: eslint-config-prettier switches off every stylistic rule.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import eslint from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// @nx/enforce-module-boundaries reads Nx's cached project graph and silently skips itself when
// there is none. Under Nx (nx run-many -t lint) the graph is fresh; for a plain `eslint` run,
// refresh it first (about 2 s, offline, no daemon).
if (!process.env.NX_TASK_TARGET_PROJECT) {
  const nxBin = createRequire(import.meta.url).resolve('nx/bin/nx.js');
  execFileSync(process.execPath, [nxBin, 'show', 'projects'], {
    cwd: import.meta.dirname,
    stdio: 'ignore',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  });
}

const TS = ['**/*.ts'];
const JS = ['**/*.js', '**/*.cjs', '**/*.mjs'];
const TESTS = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'];

/** Allowed edges between project tags (README.md, "Development": the direction of dependencies). */
const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:core', 'type:infra', 'type:platform'] },
  // libs/suppression is a platform module built on libs/platform (health registry, Kafka settings).
  {
    sourceTag: 'type:platform',
    onlyDependOnLibsWithTags: ['type:platform', 'type:infra', 'type:contracts', 'type:core'],
  },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:core'] },
  { sourceTag: 'scope:kafka', notDependOnLibsWithTags: ['scope:persistence'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:testing', notDependOnLibsWithTags: ['type:app'] },
];

/** Test code anywhere may also use the test environment (@reclaim/testing). */
const testDepConstraints = depConstraints.map((c) =>
  c.onlyDependOnLibsWithTags ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] } : c,
);

const moduleBoundaries = (constraints) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: constraints,
    // libs/testing builds on libs/kafka, and libs/kafka's own integration tests use libs/testing.
    ignoredCircularDependencies: [['kafka', 'testing']],
  },
];

const kafkajsOnlyInLibsKafka = {
  name: 'kafkajs',
  message: 'kafkajs stays behind libs/kafka: use @reclaim/kafka (EventPublisher, KafkaTransport, ...).',
};

const frameworkFree = {
  paths: [
    kafkajsOnlyInLibsKafka,
    { name: 'typeorm', message: 'Domain code, core and contracts are pure TypeScript: no TypeORM.' },
  ],
  patterns: [
    { group: ['@nestjs/*'], message: 'Domain code, core and contracts are pure TypeScript: no NestJS.' },
    { group: ['typeorm/*'], message: 'Domain code, core and contracts are pure TypeScript: no TypeORM.' },
    { group: ['kafkajs/*'], message: 'Domain code, core and contracts are pure TypeScript: no kafkajs.' },
  ],
};

/** Relative imports of the sibling folder `peer` (not `@reclaim/${peer}`) from `self`. */
const peerBan = (peer, self) => ({
  patterns: [
    {
      regex: `^(\\.\\./)+${peer}(/|$)`,
      message: `${self}/ does not import ${peer}/: move what both need to apps/email/src/addresses (or a lib).`,
    },
  ],
});

const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'AbortController',
    'fetch',
    'structuredClone',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'clearImmediate',
    'queueMicrotask',
  ].map((name) => [name, 'readonly']),
);
const commonJsGlobals = {
  module: 'writable',
  exports: 'writable',
  require: 'readonly',
  __dirname: 'readonly',
  __filename: 'readonly',
};

export default defineConfig(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', '.nx/', '.tooling/', '.local/', '**/*.d.ts'],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  // Plain JavaScript (tools/kafka/broker.mjs, jest.config.js, this file): no type information.
  {
    files: JS,
    extends: [eslint.configs.recommended],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: nodeGlobals },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } },
  },

  // TypeScript: strict, type-checked.
  {
    files: TS,
    extends: [eslint.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(depConstraints),
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [kafkajsOnlyInLibsKafka],
          patterns: [{ group: ['kafkajs/*'], message: kafkajsOnlyInLibsKafka.message }],
        },
      ],
      // Nest modules are decorated empty classes by design.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      // Nest declares option bags (NestApplicationOptions, ...) as classes: object literals are how they are meant to be passed.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // `(resolve) => setTimeout(resolve, ms)` and `() => res.end()` say what they mean.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Numbers in log lines and messages are fine; objects and nullish values are not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },

  // The only places that may talk to kafkajs directly.
  {
    files: ['libs/kafka/**/*.ts', 'libs/testing/**/*.ts', 'tools/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },

  // Pure code: no frameworks, no Kafka client, no ORM.
  {
    files: ['**/domain/**/*.ts', 'libs/core/**/*.ts', 'libs/contracts/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', frameworkFree] },
  },

  // The email app's bounces (reports that come back) and delivery (the hand-off) are peers: what
  // both need (return path, address stops, dead-address statuses) lives in apps/email/src/addresses.
  // The base rule, so it adds to the import bans above instead of replacing them.
  {
    files: ['apps/email/src/bounces/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', peerBan('delivery', 'bounces')] },
  },
  {
    files: ['apps/email/src/delivery/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', peerBan('bounces', 'delivery')] },
  },

  // Tests: the test environment is allowed, and parsed JSON and known-present values may be poked at.
  {
    files: TESTS,
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(testDepConstraints),
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      // Test doubles implement async interfaces without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // Teardown guards (`await app?.close()`) are deliberate: beforeAll may fail before assigning.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },

  prettier,
);
