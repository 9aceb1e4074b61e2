import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BenchReport } from '../src/report';

const run = promisify(execFile);

// `npm run bench` at a smoke size, on the tests' PostgreSQL and Kafka: every scenario runs and the report is
// written with a measured value in every figure. (How fast it is, is the report's business, not the test's.)
describe('the benchmark at a smoke size', () => {
  const out = mkdtempSync(join(tmpdir(), 'o2c-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every scenario and writes the report', async () => {
    const args = [
      join(__dirname, '..', 'dist', 'main.js'),
      ...[
        '--deals',
        '15',
        '--concurrency',
        '4',
        '--serial',
        '2',
        '--contracts',
        '60',
        '--previews',
        '5',
        '--event-checks',
        '20',
      ],
      ...['--limit-seconds', '2', '--idle-seconds', '2', '--label', 'smoke', '--out', out],
    ];
    const { stdout } = await run(process.execPath, args, {
      env: { ...process.env, BENCH_LOG_LEVEL: 'warn' },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 600_000,
    });
    const files = readdirSync(out).sort();
    expect(files).toEqual([expect.stringMatching(/-smoke\.json$/), expect.stringMatching(/-smoke\.md$/)]);
    const report = JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as BenchReport;

    const { flatOut, fixedRate, serial, scaleOut } = report.intake;
    for (const intake of [flatOut, fixedRate, scaleOut!]) {
      expect(intake.rejected).toBe(0);
      expect(intake.webhookMs.count).toBe(intake.deals);
      expect(intake.toInvoiceMs.count).toBe(intake.deals);
      expect(intake.toLicenceMs.count).toBe(intake.deals);
      expect(intake.endToEndPerSecond).toBeGreaterThan(0);
    }
    expect(flatOut.deals).toBe(15);
    expect(serial!.toInvoiceMs.count).toBe(2);
    // CPU was read from /proc for every process group, PostgreSQL and Kafka included.
    expect(Object.keys(flatOut.cpuMsPerDeal).sort()).toEqual(
      ['deals', 'invoicing', 'kafka', 'postgresql', 'provisioning', 'subscriptions'].sort(),
    );
    for (const ms of Object.values(flatOut.cpuMsPerDeal)) expect(ms).toBeGreaterThan(0);
    // Every copied contract had its first document issued by the bill run.
    expect(report.billRun!.contracts).toBe(60);
    expect(report.billRun!.documentsIssued).toBeGreaterThanOrEqual(60);
    // The run's CPU per document, for every process group; invoicing did the issuing.
    expect(Object.keys(report.billRun!.cpuMsPerDocument).sort()).toEqual(
      ['deals', 'invoicing', 'kafka', 'postgresql', 'provisioning', 'subscriptions'].sort(),
    );
    expect(report.billRun!.cpuMsPerDocument.invoicing).toBeGreaterThan(0);
    expect(report.preview!.documents).toBeGreaterThan(5);
    expect(report.perDeal.rowsWrittenPerDeal).toBeGreaterThan(0);
    expect(report.perDeal.messagesPerDeal).toBeGreaterThanOrEqual(4);
    expect(report.limits.postgres.batchedDealsPerSecond).toBeGreaterThan(0);
    expect(report.limits.kafka.produceMessagesPerSecond).toBeGreaterThan(0);
    expect(report.limits.kafka.consumeMessagesPerSecond).toBeGreaterThan(0);
    // The bare hop was offered one event per deal at each intake run's rate, and every event came back out.
    const hop = report.limits.hop!;
    expect(hop.flatOut.messages).toBe(flatOut.deals);
    expect(hop.flatOut.ratePerSecond).toBe(flatOut.endToEndPerSecond);
    expect(hop.fixedRate.messages).toBe(fixedRate.deals);
    expect(hop.fixedRate.ratePerSecond).toBe(fixedRate.ratePerSecond);
    expect(hop.atTarget!.ratePerSecond).toBe(300);
    expect(hop.atTarget!.messages).toBe(flatOut.deals);
    for (const run of [hop.flatOut, hop.fixedRate, hop.atTarget!]) {
      // Offered in an open loop, the last event leaves (n - 1) / rate seconds after the first, at the earliest.
      expect(run.seconds).toBeGreaterThanOrEqual((run.messages - 1) / run.ratePerSecond);
      // Read from /proc, whose clock ticks every 10 ms: a few events at a smoke size may cost less than a tick.
      for (const ms of [run.cpuMsPerMessage.hop, run.cpuMsPerMessage.postgresql!]) {
        expect(Number.isFinite(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(0);
      }
    }
    // The bare intake took the flat-out run's deals at its rate, and published every one's event.
    const intakeFloor = report.limits.intake!;
    expect(intakeFloor.deals).toBe(flatOut.deals);
    expect(intakeFloor.ratePerSecond).toBe(flatOut.endToEndPerSecond);
    expect(intakeFloor.seconds).toBeGreaterThanOrEqual((intakeFloor.deals - 1) / intakeFloor.ratePerSecond);
    for (const ms of [intakeFloor.cpuMsPerDeal.intake, intakeFloor.cpuMsPerDeal.postgresql!]) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
    // Memory right after start-up, then once a second over 2 s without traffic, after start-up and after the load.
    const { memory } = report;
    expect(memory.idleSeconds).toBe(2);
    for (const reading of [
      memory.startedRssMiB!,
      memory.idleRssMiB,
      memory.afterLoadRssMiB,
      memory.afterLoadIdleRssMiB!,
    ])
      expect(Object.keys(reading).sort()).toEqual(['deals', 'invoicing', 'provisioning', 'subscriptions']);
    for (const series of [memory.idleRssSeriesMiB!, memory.afterLoadRssSeriesMiB!])
      for (const values of Object.values(series)) {
        expect(values).toHaveLength(3);
        for (const mib of values) expect(mib).toBeGreaterThan(0);
      }
    for (const [service, values] of Object.entries(memory.idleRssSeriesMiB!))
      expect(memory.idleRssMiB[service]).toBe(values[2]);
    for (const [service, values] of Object.entries(memory.afterLoadRssSeriesMiB!)) {
      expect(memory.afterLoadRssMiB[service]).toBe(values[0]);
      expect(memory.afterLoadIdleRssMiB![service]).toBe(values[2]);
    }
    // Measured from /proc: a number for each service (a process that did nothing at all would show 0).
    expect(Object.keys(report.memory.idleCpuMsPerSecond ?? {}).sort()).toEqual([
      'deals',
      'invoicing',
      'provisioning',
      'subscriptions',
    ]);
    for (const ms of Object.values(report.memory.idleCpuMsPerSecond ?? {}))
      expect(Number.isFinite(ms)).toBe(true);

    expect(report.eventChecks!.map((row) => row.type)).toHaveLength(12);
    for (const row of report.eventChecks!) {
      for (const micros of [row.classValidatorMicros, row.keyedContainerMicros, row.validateEventDataMicros])
        expect(micros).toBeGreaterThan(0);
    }
    expect(stdout).toContain("## Checking an event's data against its schema");
    expect(stdout).toContain('| deals end to end (webhook → invoice and licence), flat out |');
    expect(stdout).toContain('## A bare hop at o2c’s rates (same run)');
    expect(stdout).toContain('The same for the webhook intake: a bare intake');
    expect(stdout).toContain('| idle memory per service (RSS), 2 s without traffic after the bill run |');
    expect(readFileSync(join(out, files[1]!), 'utf8')).toBe(stdout);
  }, 600_000);
});
