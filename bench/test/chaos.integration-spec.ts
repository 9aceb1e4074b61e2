import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ChaosReport } from '../src/chaos';

const run = promisify(execFile);

// `npm run chaos` at a small size: its own PostgreSQL and Kafka, four SIGKILLs (one per service), a restart of
// each server and every misdeed of the proxy while deals of every kind flow; then the checker must find nothing
// lost, doubled or unexpected, and every stage must have moved again after every fault. The full size is
// `npm run chaos`'s default (docs/security.md, "Faults").
describe('the chaos run at a small size', () => {
  const out = mkdtempSync(join(tmpdir(), 'o2c-chaos-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('loses, doubles and invents nothing through kills, restarts and a faulty network', async () => {
    const file = join(out, 'chaos.json');
    const script = join(__dirname, '..', 'dist', 'chaos.js');
    await run(process.execPath, [script, '--stories', '28', '--kills', '4', '--rate', '6', '--out', file], {
      env: process.env,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 1_200_000,
    }).catch((error: { stderr?: string }) => {
      // A report with findings exits 1: its content is what the assertions below show.
      if (!String(error.stderr).includes('FINDINGS')) throw error;
    });
    const report = JSON.parse(readFileSync(file, 'utf8')) as ChaosReport;
    expect(report.kills).toBe(4);
    expect(report.faults.map((f) => `${f.fault} ${f.target}`).sort()).toEqual(
      [
        'kill deals',
        'kill invoicing',
        'kill provisioning',
        'kill subscriptions',
        'proxy-drop kafka',
        'proxy-drop postgres',
        'proxy-latency kafka',
        'proxy-latency postgres',
        'proxy-refuse kafka',
        'proxy-refuse postgres',
        'restart kafka',
        'restart postgres',
      ].sort(),
    );
    // Every fault is recovered from within two minutes (the proxy's windows too: a connection reset in the middle
    // of a response once stalled a consumer for minutes, or ended its process), a kill's stage within the 10 s
    // target.
    expect(report.unexpectedExits).toEqual([]);
    expect(report.faults.filter((f) => f.recovered === null)).toEqual([]);
    expect(report.killRecoveryMaxSeconds).toBeLessThanOrEqual(10);
    expect(report.retryMismatches).toEqual([]);
    expect(report.check).toMatchObject({ ok: true });
    expect(report.ok).toBe(true);
  }, 1_300_000);
});
