import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Pure code (`layer:core`: money, billing) does no I/O, uses no framework and never reads the clock or a
// random source; it takes an as-of date or the injected `Clock` instead. The roots of the projects tagged
// `layer:core` come from their project.json, so a new core library gets these rules with its tag.
const coreRoots = ['libs', 'services'].flatMap((dir) =>
  readdirSync(join(import.meta.dirname, dir)).flatMap((name) => {
    const file = join(import.meta.dirname, dir, name, 'project.json');
    if (!existsSync(file)) return [];
    const { tags = [] } = JSON.parse(readFileSync(file, 'utf8'));
    return tags.includes('layer:core') ? [`${dir}/${name}`] : [];
  }),
);

// npm packages that do I/O or belong to a framework; `@nx/enforce-module-boundaries` bans them in layer:core.
const impureExternalImports = [
  '@nestjs/*',
  'typeorm',
  'typeorm/*',
  'pg',
  'pg/*',
  'pg-*',
  'kafkajs',
  'kafkajs/*',
  '@opentelemetry/*',
  'nestjs-pino',
  'pino',
  'pino-*',
  'class-validator',
  'class-validator-*',
  'class-transformer',
  'reflect-metadata',
  'rxjs',
  'rxjs/*',
  'testcontainers',
  '@testcontainers/*',
];

const readsTheClock = (what) =>
  `${what} reads the clock; pure code takes an as-of date or the injected Clock (CLOCK) instead.`;
const isRandom = (what) => `${what} is random; pure code is deterministic: take the value as an argument.`;
const isNode = 'Pure code does no I/O and runs anywhere: no Node built-in module.';
const isNodeGlobal = 'Pure code does no I/O and runs anywhere: no Node global.';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '.tools/**', '.o2c/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // A service never imports another service; libraries never import services.
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            // Journeys across services start them as processes; they import libraries only.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            // Pure domain code depends on nothing of ours but other pure code, and on no framework or I/O
            // package. Node built-ins are not in the project graph, so the rule skips them: the
            // `no-restricted-imports` of the layer:core block below bans those.
            {
              sourceTag: 'layer:core',
              onlyDependOnLibsWithTags: ['layer:core'],
              bannedExternalImports: impureExternalImports,
            },
            { sourceTag: 'layer:contracts', onlyDependOnLibsWithTags: ['layer:core', 'layer:contracts'] },
            {
              sourceTag: 'layer:infra',
              onlyDependOnLibsWithTags: ['layer:core', 'layer:contracts', 'layer:infra'],
            },
            // Test helpers are for tests only: nothing but tests may import them (see the override below).
            {
              sourceTag: 'layer:test',
              onlyDependOnLibsWithTags: ['layer:core', 'layer:contracts', 'layer:infra', 'layer:test'],
            },
            {
              sourceTag: 'layer:app',
              onlyDependOnLibsWithTags: ['layer:core', 'layer:contracts', 'layer:infra', 'layer:test'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/src/**/*.ts'],
    // The benchmark is a harness like the tests: it starts the services as they do.
    ignores: ['**/*.spec.ts', 'libs/testing/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: '@o2c/testing', message: '@o2c/testing is for tests only.' }] },
      ],
    },
  },
  {
    // layer:core's source (not its specs): no Node built-in, no clock, no randomness, no process.
    files: coreRoots.map((root) => `${root}/src/**/*.ts`),
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: isNode })),
          patterns: [{ group: ['node:*'], message: isNode }],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'require', 'module', '__dirname', '__filename', 'Buffer', 'global', 'globalThis'].map(
          (name) => ({
            name,
            message: isNodeGlobal,
          }),
        ),
        { name: 'performance', message: readsTheClock('performance') },
        { name: 'crypto', message: isRandom('crypto') },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: readsTheClock('new Date()'),
        },
        { selector: "CallExpression[callee.name='Date']", message: readsTheClock('Date()') },
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: readsTheClock('Date.now'),
        },
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: isRandom('Math.random'),
        },
        {
          selector: 'ImportExpression',
          message: 'Pure code loads no module at run time: no dynamic import().',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  prettier,
);
