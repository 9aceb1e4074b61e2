// Adds up the jest result files of one `npm test` run into one closing line, after naming every test that failed
// (the end of a long CI log is what gets read).
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const result = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
  skipped += result.numPendingTests + result.numTodoTests;
  for (const suite of result.testResults ?? []) {
    const where = path.relative(process.cwd(), suite.name);
    const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const test of failedTests) {
      failures.push(`${where} › ${test.fullName}\n${firstLines(test.failureMessages.join('\n'))}`);
    }
    if (failedTests.length === 0 && suite.status === 'failed') {
      failures.push(`${where} (the suite did not run)\n${firstLines(suite.message ?? '')}`);
    }
  }
}
for (const failure of failures) console.log(`FAILED ${failure}\n`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

function firstLines(text) {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  return plain
    .split('\n')
    .slice(0, 25)
    .map((line) => `    ${line}`)
    .join('\n');
}
