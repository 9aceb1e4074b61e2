import { type HopLimit, type IntakeLimit } from './floors';
import { type KafkaLimit, type PostgresLimit, type DatabaseWork, type TableScans } from './limits';
import { type EventCheckRow } from './event-check';
import { type BillRunResult, type IntakeResult, type PreviewResult } from './scenarios';
import { type LatencySummary } from './stats';

export interface BenchReport {
  readonly startedAt: string;
  readonly commit: string;
  readonly label: string;
  readonly machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    loadAverageAtStart: number[];
    node: string;
    /** Absent in reports made before it was recorded. */
    postgres?: { version: string; autovacuum: string };
  };
  readonly options: object;
  readonly intake: {
    flatOut: IntakeResult;
    fixedRate: IntakeResult;
    serial?: { deals: number; toInvoiceMs: LatencySummary; toLicenceMs: LatencySummary };
    scaleOut?: IntakeResult;
  };
  readonly perDeal: DatabaseWork & { messagesPerDeal: number; messageBytes: number };
  readonly preview?: PreviewResult;
  readonly billRun?: BillRunResult;
  /** Absent in reports made before it was measured. */
  readonly eventChecks?: EventCheckRow[];
  readonly memory: {
    /**
     * RSS after `idleSeconds` without traffic from start-up; in reports made before `startedRssMiB` was
     * recorded, the RSS right after start-up.
     */
    idleRssMiB: Record<string, number>;
    /** RSS right after start-up (absent in reports made before it was recorded: see `idleRssMiB`). */
    startedRssMiB?: Record<string, number>;
    /** Seconds without traffic before the idle readings (absent in reports made before they were taken). */
    idleSeconds?: number;
    /** RSS right after the load (the bill run, the last scenario before the scale-out). */
    afterLoadRssMiB: Record<string, number>;
    /** RSS after `idleSeconds` without traffic from the end of the load. */
    afterLoadIdleRssMiB?: Record<string, number>;
    /** The readings behind those two, one a second from the first. */
    idleRssSeriesMiB?: Record<string, number[]>;
    afterLoadRssSeriesMiB?: Record<string, number[]>;
    /** CPU ms per second of each service without traffic (absent in reports made before it was measured). */
    idleCpuMsPerSecond?: Record<string, number>;
  };
  /** The tables read most by sequential scans over the whole run (before the scale-out run). */
  readonly tableScans: TableScans[];
  readonly limits: {
    postgres: PostgresLimit;
    kafka: KafkaLimit;
    kafkaDealsPerSecond: number;
    /**
     * The bare hop offered the flat-out run's rate, the fixed rate and the intake's target (absent in reports made
     * before it). In reports before 90e272a only `flatOut` is sound: the runs shared their topics.
     */
    hop?: { flatOut: HopLimit; fixedRate: HopLimit; atTarget?: HopLimit };
    /** The bare intake offered the flat-out run's deals at its rate (absent in reports made before it). */
    intake?: IntakeLimit;
  };
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);
const fixed = (n: number | undefined, digits = 1) =>
  n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits);
/** `21.3 ms (deals 3.7, subscriptions 2.7, …)`: CPU per item, all processes together, then each. */
const cpuSplit = (ms: Record<string, number>, digits = 1) =>
  `${fixed(sum(ms), digits)} ms (${Object.entries(ms)
    .map(([k, v]) => `${k} ${fixed(v, digits)}`)
    .join(', ')})`;

const mib = (values: Record<string, number>) =>
  Object.entries(values)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') + ' MiB';

/** Each series' readings at 0, 10, 20 … s and its last. */
const everyTenth = (series: Record<string, number[]>) =>
  Object.fromEntries(
    Object.entries(series).map(([k, values]) => [
      k,
      values.filter((_, i) => i % 10 === 0 || i === values.length - 1),
    ]),
  );

/** The last load is the bill run, unless the run had none. */
const lastLoad = (r: BenchReport) => (r.billRun ? 'bill run' : 'load');

/** Memory against the target: read idle after start-up and after the load, or (older reports) once, at start-up. */
function memoryRows(r: BenchReport): [string, string, string][] {
  const m = r.memory;
  if (!m.startedRssMiB)
    return [['idle memory per service (RSS), right after start-up', mib(m.idleRssMiB), '≤ 150 MB']];
  return [
    ['memory per service right after start-up (RSS)', mib(m.startedRssMiB), '—'],
    [
      `idle memory per service (RSS), ${m.idleSeconds} s without traffic after start-up`,
      mib(m.idleRssMiB),
      '≤ 150 MB',
    ],
    [
      `idle memory per service (RSS), ${m.idleSeconds} s without traffic after the ${lastLoad(r)}`,
      m.afterLoadIdleRssMiB ? mib(m.afterLoadIdleRssMiB) : '—',
      '≤ 150 MB',
    ],
  ];
}

const CONSUMERS = ['subscriptions', 'invoicing', 'provisioning'] as const;

/** o2c's consuming services beside the bare hop offered the same rate: CPU per deal against CPU per event. */
function hopSection(r: BenchReport): string[] {
  const hop = r.limits.hop;
  if (!hop) return [];
  const row = (name: string, intake: IntakeResult | undefined, h: HopLimit) => {
    if (!intake)
      return `| ${name}, ${fixed(h.ratePerSecond)}/s, ${h.messages} events | ${fixed(h.cpuMsPerMessage.hop, 2)} ms | — | — | ${fixed(h.cpuMsPerMessage.postgresql, 2)} / — ms |`;
    const o2c = CONSUMERS.map((c) => intake.cpuMsPerDeal[c] ?? Number.NaN);
    return (
      `| ${name}, ${fixed(h.ratePerSecond)}/s, ${h.messages} events | ${fixed(h.cpuMsPerMessage.hop, 2)} ms | ` +
      `${CONSUMERS.map((c, i) => `${c} ${fixed(o2c[i])}`).join(', ')} ms | ` +
      `${o2c.map((ms) => `${fixed(ms / h.cpuMsPerMessage.hop)}×`).join(', ')} | ` +
      `${fixed(h.cpuMsPerMessage.postgresql, 2)} / ${fixed(intake.cpuMsPerDeal.postgresql)} ms |`
    );
  };
  return [
    '## A bare hop at o2c’s rates (same run)',
    '',
    'A consumer with o2c’s guarantees and none of its work (`bench/src/hop.ts`: an inbox row and an outbox row ' +
      'per event in one transaction, the events produced with acks=all, marked published, the offset committed; ' +
      'kafkajs and pg, no framework), run alone and offered one event per deal at each intake run’s rate, each ' +
      `event ${hop.flatOut.messageBytes} B. Each of o2c’s consuming services takes one event per deal.`,
    '',
    '| offered | the hop, CPU per event | o2c’s consuming services, CPU per deal | o2c as a multiple of the hop | PostgreSQL: per event of the hop / per deal of o2c (four databases) |',
    '| --- | --- | --- | --- | --- |',
    row('as the flat-out run', r.intake.flatOut, hop.flatOut),
    row('as the fixed-rate run', r.intake.fixedRate, hop.fixedRate),
    ...(hop.atTarget ? [row('at the intake’s target', undefined, hop.atTarget)] : []),
    '',
    ...intakeFloorLines(r),
  ];
}

/** o2c's deals service beside the bare intake offered the same deals at the same rate. */
function intakeFloorLines(r: BenchReport): string[] {
  const floor = r.limits.intake;
  if (!floor) return [];
  const deals = r.intake.flatOut.cpuMsPerDeal.deals ?? Number.NaN;
  return [
    'The same for the webhook intake: a bare intake (`bench/src/bare-intake.ts`: the signature checked, the deal ' +
      'and its event written in one transaction, 202, the event produced and marked; node:http, pg and kafkajs, ' +
      `no framework) offered the flat-out run’s ${floor.deals} deals at ${fixed(floor.ratePerSecond)}/s cost ` +
      `${fixed(floor.cpuMsPerDeal.intake, 2)} ms of CPU a deal (PostgreSQL ${fixed(floor.cpuMsPerDeal.postgresql, 2)} ms); ` +
      `o2c’s deals service cost ${fixed(deals)} ms a deal in that run: ${fixed(deals / floor.cpuMsPerDeal.intake)}× the bare intake.`,
    '',
  ];
}

/** The report as Markdown: the issue's figures beside their targets, then the detail. */
export function markdownReport(r: BenchReport): string {
  const f = r.intake.flatOut;
  const rows: [string, string, string][] = [
    [
      'deals end to end (webhook → invoice and licence), flat out',
      `${fixed(f.endToEndPerSecond)}/s`,
      '≥ 300/s',
    ],
    ['CPU per deal, all processes together', cpuSplit(f.cpuMsPerDeal), '≤ 6 ms'],
    [
      `webhook latency p50 / p99, concurrency ${f.concurrency ?? '—'}`,
      `${fixed(f.webhookMs.p50)} / ${fixed(f.webhookMs.p99)} ms`,
      '≤ 20 / ≤ 100 ms',
    ],
    [
      'end-to-end latency p50, one deal at a time (to invoice / to licence)',
      r.intake.serial
        ? `${fixed(r.intake.serial.toInvoiceMs.p50)} / ${fixed(r.intake.serial.toLicenceMs.p50)} ms`
        : '—',
      '≤ 50 ms',
    ],
    [
      `bill run, documents issued per second (${r.billRun?.documentsIssued ?? 0} documents, ${r.billRun?.contracts ?? 0} contracts)`,
      r.billRun ? `${fixed(r.billRun.documentsPerSecond)}/s in ${fixed(r.billRun.seconds)} s` : '—',
      '≥ 2,000/s over 100 k contracts',
    ],
    [
      'bill run, CPU per document issued, all processes together',
      r.billRun ? cpuSplit(r.billRun.cpuMsPerDocument, 2) : '—',
      '—',
    ],
    ...memoryRows(r),
    [
      'idle CPU per service (ms of CPU per second)',
      r.memory.idleCpuMsPerSecond
        ? Object.entries(r.memory.idleCpuMsPerSecond)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')
        : '—',
      '—',
    ],
  ];
  const limitRows: [string, string, string][] = [
    [
      'PostgreSQL: a deal’s rows, 50 deals a transaction (pgbench)',
      `${fixed(r.limits.postgres.batchedDealsPerSecond)} deals/s`,
      ratio(f.endToEndPerSecond, r.limits.postgres.batchedDealsPerSecond),
    ],
    [
      `PostgreSQL: a deal’s rows in o2c’s ${fixed(r.perDeal.commitsPerDeal)} commits (pgbench)`,
      `${fixed(r.limits.postgres.unbatchedDealsPerSecond)} deals/s`,
      ratio(f.endToEndPerSecond, r.limits.postgres.unbatchedDealsPerSecond),
    ],
    [
      `Kafka: ${r.perDeal.messagesPerDeal} messages of ${r.perDeal.messageBytes} B per deal (producer/consumer perf tools)`,
      `${r.limits.kafkaDealsPerSecond} deals/s (produce ${fixed(r.limits.kafka.produceMessagesPerSecond, 0)}, consume ${fixed(r.limits.kafka.consumeMessagesPerSecond, 0)} msg/s)`,
      ratio(f.endToEndPerSecond, r.limits.kafkaDealsPerSecond),
    ],
  ];
  const intakeRow = (name: string, x: IntakeResult | undefined) =>
    x
      ? `| ${name} | ${x.deals} | ${x.rejected} | ${fixed(x.acceptedPerSecond)} | ${fixed(x.endToEndPerSecond)} | ${fixed(x.webhookMs.p50)} / ${fixed(x.webhookMs.p95)} / ${fixed(x.webhookMs.p99)} | ${fixed(x.toInvoiceMs.p50)} / ${fixed(x.toInvoiceMs.p99)} | ${fixed(x.toLicenceMs.p50)} / ${fixed(x.toLicenceMs.p99)} | ${fixed(x.drainSeconds)} | ${fixed(sum(x.cpuMsPerDeal))} |`
      : '';
  return [
    `# o2c benchmark, ${r.startedAt.slice(0, 10)} (${r.label})`,
    '',
    `Commit ${r.commit}; ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB; Node ${r.machine.node}; ` +
      (r.machine.postgres
        ? `PostgreSQL ${r.machine.postgres.version}, autovacuum ${r.machine.postgres.autovacuum}; `
        : '') +
      `load average at start ${r.machine.loadAverageAtStart.join(' / ')}. Everything below was measured in this one run.` +
      settingsOf(r.options),
    '',
    '| figure | measured | target |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    '## Against the machine’s own limits (same run)',
    '',
    '| limit | measured | o2c flat out as a share of it |',
    '| --- | --- | --- |',
    ...limitRows.map((row) => `| ${row.join(' | ')} |`),
    '',
    `Per deal, from PostgreSQL’s own statistics: ${fixed(r.perDeal.rowsWrittenPerDeal)} rows written, ` +
      `${fixed(r.perDeal.rowsReadPerDeal)} rows read, ${fixed(r.perDeal.commitsPerDeal)} commits; ` +
      `${r.perDeal.messagesPerDeal} Kafka messages.`,
    '',
    ...hopSection(r),
    '## Intake',
    '',
    '| run | deals | rejected | accepted/s | end to end/s | webhook p50 / p95 / p99 ms | to invoice p50 / p99 ms | to licence p50 / p99 ms | drain s | CPU ms/deal |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    intakeRow(`flat out, concurrency ${f.concurrency}`, f),
    intakeRow(`fixed rate, ${r.intake.fixedRate.ratePerSecond}/s`, r.intake.fixedRate),
    intakeRow('flat out, 2 instances of each consuming service', r.intake.scaleOut),
    '',
    r.preview
      ? `Preview of a five-year ramped deal (${r.preview.documents} documents): ${fixed(r.preview.requestsPerSecond)} requests/s at concurrency ${r.preview.concurrency}, p50 ${fixed(r.preview.latencyMs.p50)} ms, p99 ${fixed(r.preview.latencyMs.p99)} ms.`
      : '',
    '',
    ...eventCheckSection(r.eventChecks),
    '## Where PostgreSQL reads (sequential scans over the run, before the scale-out run)',
    '',
    '| database | table | sequential scans | rows they read | index scans | live rows |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.tableScans.map(
      (t) =>
        `| ${t.database} | ${t.table} | ${t.seqScans} | ${t.seqRowsRead} | ${t.indexScans} | ${t.rows} |`,
    ),
    '',
    r.memory.idleRssSeriesMiB && r.memory.afterLoadRssSeriesMiB
      ? `Memory (RSS, MiB) without traffic, a reading every 10 s (every second in the JSON report), from start-up: ${JSON.stringify(everyTenth(r.memory.idleRssSeriesMiB))}; from the end of the ${lastLoad(r)}: ${JSON.stringify(everyTenth(r.memory.afterLoadRssSeriesMiB))}.`
      : `Memory (RSS, MiB) idle: ${JSON.stringify(r.memory.idleRssMiB)}; after the load: ${JSON.stringify(r.memory.afterLoadRssMiB)}.`,
    '',
  ].join('\n');
}

function eventCheckSection(rows: readonly EventCheckRow[] | undefined): string[] {
  if (!rows) return [];
  return [
    "## Checking an event's data against its schema (the benchmark's own process, before the stack starts)",
    '',
    'µs per event, the example of each type as parsed JSON: class-validator alone (plainToInstance and validateSync) with its own container, the same with the keyed container the services install, and validateEventData as the services run it (the quick check; class-validator only for data it declines).',
    '',
    '| event type | class-validator | … keyed container | validateEventData |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.type} | ${fixed(row.classValidatorMicros)} | ${fixed(row.keyedContainerMicros)} | ${fixed(row.validateEventDataMicros)} |`,
    ),
    '',
  ];
}

function ratio(measured: number, limit: number): string {
  if (!limit) return '—';
  return `${((measured / limit) * 100).toFixed(1)} %`;
}

/** The settings `--env` gave every service, if any. */
function settingsOf(options: object): string {
  const env = (options as { env?: Record<string, string> }).env ?? {};
  const settings = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  return settings.length === 0 ? '' : ` Every service ran with ${settings.join(', ')}.`;
}
