#!/usr/bin/env node
// Validates API documents with the real validators: @apidevtools/swagger-parser for OpenAPI (3.1 included),
// @asyncapi/parser for AsyncAPI 3. Usage: node tools/validate-api-docs.js <file.json>... (default: docs/api/*.json).
// Exit code 1 names every error. Run by `npm run api:docs` and by the API documents tests (in a process of its own:
// both validators are ES modules that plain Node loads and jest does not).
const fs = require('node:fs');
const path = require('node:path');
const SwaggerParser = require('@apidevtools/swagger-parser');
const { Parser, DiagnosticSeverity } = require('@asyncapi/parser');

async function problemsOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const document = JSON.parse(text);
  if (typeof document.openapi === 'string') {
    try {
      await SwaggerParser.validate(structuredClone(document));
      return [];
    } catch (error) {
      return [String(error.message ?? error)];
    }
  }
  if (typeof document.asyncapi === 'string') {
    const diagnostics = await new Parser().validate(text);
    return diagnostics
      .filter((d) => d.severity === DiagnosticSeverity.Error)
      .map((d) => `${d.code}: ${d.message} at /${d.path.join('/')}`);
  }
  return ['neither an OpenAPI nor an AsyncAPI document'];
}

async function main() {
  const root = path.join(__dirname, '..');
  const args = process.argv.slice(2);
  const files = args.length
    ? args
    : fs
        .readdirSync(path.join(root, 'docs', 'api'))
        .filter((name) => name.endsWith('.json'))
        .map((name) => path.join(root, 'docs', 'api', name));
  let failed = false;
  for (const file of files) {
    const problems = await problemsOf(file);
    if (problems.length === 0) {
      console.log(`valid: ${path.relative(root, file)}`);
      continue;
    }
    failed = true;
    console.error(`INVALID: ${path.relative(root, file)}`);
    for (const problem of problems) console.error(`  ${problem}`);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
