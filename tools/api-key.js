#!/usr/bin/env node
// `npm run api-key -- --id <id> --scopes <scope,scope>`: makes a new operations API key and prints it once, with
// the entry to add to the API_KEYS setting of the services that should accept it (only its SHA-256 is stored).
const { createHash, randomBytes } = require('node:crypto');
const { parseArgs } = require('node:util');

const usage = 'usage: npm run api-key -- --id <id> --scopes <scope>[,<scope>...]  (docs/operations.md)';
let values;
try {
  ({ values } = parseArgs({ options: { id: { type: 'string' }, scopes: { type: 'string' } } }));
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
if (!values.id || !values.scopes) {
  console.error(usage);
  process.exit(2);
}
const key = `o2c_${randomBytes(32).toString('base64url')}`;
const entry = {
  id: values.id,
  sha256: createHash('sha256').update(key).digest('hex'),
  scopes: values.scopes
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean),
};
// The services check the entry the same way at start-up; check it here too, so a typo shows now.
try {
  require('../libs/platform/dist/http/api-keys.js').parseApiKeys(JSON.stringify([entry]));
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') {
    console.error(error.message.replaceAll('API_KEYS[0].', '--'));
    process.exit(2);
  }
}
console.log(`key (give it to its holder; it is not stored anywhere): ${key}`);
console.log(`API_KEYS entry: ${JSON.stringify(entry)}`);
