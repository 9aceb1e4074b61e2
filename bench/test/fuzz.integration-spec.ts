import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type FuzzReport } from '../src/fuzz';

const run = promisify(execFile);

// `npm run fuzz` at a smoke size against the running stack (real PostgreSQL and Kafka): every kind of bad input
// is sent, nothing answers 5xx or refuses without a problem naming what was wrong, and no refused webhook stored
// anything. The full size (100,000 cases) is `npm run fuzz`'s default.
describe('the fuzzer at a smoke size', () => {
  const out = mkdtempSync(join(tmpdir(), 'o2c-fuzz-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('sends every kind of bad input and finds nothing wrong', async () => {
    const script = join(__dirname, '..', 'dist', 'fuzz.js');
    await run(process.execPath, [script, '--cases', '400', '--seed', '20261206', '--out', out], {
      env: { ...process.env, BENCH_LOG_LEVEL: 'warn' },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 600_000,
    });
    const [file] = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, file!), 'utf8')) as FuzzReport;
    expect(report.cases).toBe(400);
    expect(Object.keys(report.byKind).sort()).toEqual(
      ['hubspot', 'operations', 'salesforce', 'webhook-body', 'webhook-bytes', 'webhook-headers'].sort(),
    );
    // Refusals of each kind were reached: bad signatures (401) and bad bodies (400).
    expect(report.byStatus['400']).toBeGreaterThan(0);
    expect(report.byStatus['401']).toBeGreaterThan(0);
    expect(report.findings).toEqual([]);
    expect(report.refusedButStored).toBe(0);
  });
});
