import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownReport, type BenchReport } from './report';

const report = (file: string) =>
  JSON.parse(readFileSync(join(__dirname, '..', 'results', file), 'utf8')) as BenchReport;
const row = (markdown: string, figure: string) =>
  markdown.split('\n').find((line) => line.startsWith(`| ${figure} |`));

describe('the Markdown report: memory', () => {
  it('gives memory right after start-up, and idle after start-up and after the bill run against the target', () => {
    const markdown = markdownReport(report('2026-12-08-idle-memory-de212c6.json'));
    expect(row(markdown, 'memory per service right after start-up (RSS)')).toBe(
      '| memory per service right after start-up (RSS) | deals 149, subscriptions 147, invoicing 147, provisioning 149 MiB | — |',
    );
    expect(row(markdown, 'idle memory per service (RSS), 150 s without traffic after start-up')).toBe(
      '| idle memory per service (RSS), 150 s without traffic after start-up | deals 126, subscriptions 126, invoicing 127, provisioning 128 MiB | ≤ 150 MB |',
    );
    expect(row(markdown, 'idle memory per service (RSS), 150 s without traffic after the bill run')).toBe(
      '| idle memory per service (RSS), 150 s without traffic after the bill run | deals 148, subscriptions 132, invoicing 150, provisioning 137 MiB | ≤ 150 MB |',
    );
    // A reading every 10 s and the last: 0, 10, … 150 s.
    expect(markdown).toContain('"deals":[149,149,149,149,149,149,149,149,149,149,125,125,125,125,126,126]');
  });

  it('says "after the load" when the run had no bill run', () => {
    const { billRun: _, ...withoutBillRun } = report('2026-12-08-idle-memory-de212c6.json');
    const markdown = markdownReport(withoutBillRun);
    expect(
      row(markdown, 'idle memory per service (RSS), 150 s without traffic after the load'),
    ).toBeDefined();
    expect(markdown).toContain('from the end of the load:');
    expect(markdown).not.toContain('after the bill run');
  });

  it('labels the one memory reading of an older report as taken right after start-up', () => {
    const markdown = markdownReport(report('2026-12-07-100k-709cf12.json'));
    expect(row(markdown, 'idle memory per service (RSS), right after start-up')).toMatch(
      / MiB \| ≤ 150 MB \|$/,
    );
    expect(markdown).not.toContain('without traffic after start-up');
  });
});

describe('the Markdown report: the bare hop', () => {
  it("sets each consuming service's CPU per deal beside the hop's CPU per event at the same rate", () => {
    const markdown = markdownReport(report('2026-12-08-100k-90e272a.json'));
    expect(markdown).toContain('## A bare hop at o2c’s rates (same run)');
    // 1.8 / 1.505 = 1.2, 2.3 / 1.505 = 1.5, 2.2 / 1.505 = 1.5.
    expect(row(markdown, 'as the flat-out run, 125.3/s, 2000 events')).toBe(
      '| as the flat-out run, 125.3/s, 2000 events | 1.50 ms | subscriptions 1.8, invoicing 2.3, provisioning 2.2 ms | 1.2×, 1.5×, 1.5× | 0.88 / 4.3 ms |',
    );
    // At the target no run of o2c compares.
    expect(row(markdown, 'at the intake’s target, 300.0/s, 2000 events')).toBe(
      '| at the intake’s target, 300.0/s, 2000 events | 0.79 ms | — | — | 0.44 / — ms |',
    );
  });

  it('leaves the section out of a report made before the hop', () => {
    expect(markdownReport(report('2026-12-08-100k-d401f96.json'))).not.toContain('bare hop');
  });
});
