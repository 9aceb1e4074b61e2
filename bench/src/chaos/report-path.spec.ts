import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chaosReportPath } from './report-path';

describe('chaosReportPath', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'o2c-chaos-out-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes into bench/results by default', () => {
    expect(chaosReportPath(undefined, '2026-12-07', '/repo')).toBe(
      '/repo/bench/results/chaos-2026-12-07.json',
    );
  });

  it('writes chaos-<date>.json inside a directory that exists', () => {
    expect(chaosReportPath(dir, '2026-12-07', '/repo')).toBe(join(dir, 'chaos-2026-12-07.json'));
  });

  it('writes to the file named, whether it exists or not', () => {
    const existing = join(dir, 'existing.json');
    writeFileSync(existing, '{}');
    expect(chaosReportPath(existing, '2026-12-07', '/repo')).toBe(existing);
    expect(chaosReportPath(join(dir, 'new.json'), '2026-12-07', '/repo')).toBe(join(dir, 'new.json'));
  });

  it('refuses an empty --out', () => {
    expect(() => chaosReportPath(' ', '2026-12-07', '/repo')).toThrow(
      '--out must name a file or a directory, not an empty string',
    );
  });
});
