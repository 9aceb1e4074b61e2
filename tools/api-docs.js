#!/usr/bin/env node
// `npm run api:docs`: writes docs/api/<service>.openapi.json (four) and docs/api/asyncapi.json from the code.
// Each is made by the same test that checks it (`describeApiDocuments` of @o2c/testing, a spec in every
// service), run here with O2C_API_DOCS=write, so what is written and what CI compares come from one place.
// Nothing needs to run: the services' module graphs are built in preview mode, without a database or Kafka.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const specs = [
  ['services/deals/jest.config.js', 'src/api-docs.spec.ts'],
  ['services/invoicing/jest.config.js', 'src/api-docs.spec.ts'],
  ['services/provisioning/jest.config.js', 'src/api-docs.spec.ts'],
  ['services/subscriptions/jest.config.js', 'src/api-docs.spec.ts'],
];

for (const [config, spec] of specs) {
  const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  const result = spawnSync(
    process.execPath,
    [jest, '-c', config, '--runTestsByPath', path.join(path.dirname(config), spec)],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, O2C_API_DOCS: 'write' },
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
const validation = spawnSync(process.execPath, [path.join(__dirname, 'validate-api-docs.js')], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(validation.status ?? 1);
