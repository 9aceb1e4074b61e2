// Shared jest configuration: swc transpiles TypeScript (with decorator metadata for NestJS)
// and the ESM-only packages (NestJS 12 and friends) so that jest can load them as CommonJS.
const path = require('node:path');
const fs = require('node:fs');

const root = __dirname;
// Each run writes its results here (--outputFile); `npm test` adds them up.
fs.mkdirSync(path.join(root, '.o2c', 'test-results'), { recursive: true });
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, path.join(root, target)]),
);
const esmPackages = [
  '@nestjs',
  'uid',
  'load-esm',
  'nestjs-pino',
  '@opentelemetry',
  'uuid',
  'dinero.js',
  '@dinero.js',
];

/** @param {string} projectDir @param {'unit' | 'integration'} kind */
function jestConfig(projectDir, kind = 'unit') {
  return {
    rootDir: projectDir,
    displayName: `${path.basename(projectDir)}:${kind}`,
    testEnvironment: 'node',
    testMatch: kind === 'unit' ? ['<rootDir>/src/**/*.spec.ts'] : ['<rootDir>/test/**/*.integration-spec.ts'],
    transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { ...swcrc, sourceMaps: 'inline' }] },
    transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
    moduleNameMapper,
    ...(kind === 'integration'
      ? {
          globalSetup: path.join(root, 'libs/testing/src/global-setup.ts'),
          globalTeardown: path.join(root, 'libs/testing/src/global-teardown.ts'),
          testTimeout: 120_000,
          maxWorkers: 1,
        }
      : {}),
  };
}

module.exports = { jestConfig };
