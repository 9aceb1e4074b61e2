import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { type Clock } from '@o2c/clock';
import { CalendarDate } from '@o2c/billing';
import { o2cCounter, o2cGauge } from '@o2c/observability';

const tracer = trace.getTracer('@o2c/platform');

/**
 * A job that runs for "today" (the injected clock's UTC date) at start-up and then every interval, one run at
 * a time. Jobs are idempotent per as-of date, so running them more often than daily only catches up sooner;
 * the same work runs for any date through the service's admin endpoint. An interval of 0 disables it.
 * Each run is a trace of its own, which the events it produces carry. Each run is counted by outcome
 * (`o2c_job_runs_total`), timed (`o2c_job_last_duration_seconds`), and a success is stamped with the clock's
 * time (`o2c_job_last_success_timestamp_seconds`), all labelled `periodic_job` with `jobName`.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  protected readonly logger = new Logger(this.constructor.name);
  /** The job's name in its metrics: the class name without `Job`, kebab-case (`BillRunJob` is `bill-run`). */
  readonly jobName = this.constructor.name
    .replace(/Job$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

  protected constructor(
    private readonly clock: Clock,
    private readonly intervalMinutes: number,
  ) {}

  /** Does the job's work for `asOf` (`YYYY-MM-DD`); returns what to log. */
  protected abstract runFor(asOf: string): Promise<Record<string, unknown>>;

  onApplicationBootstrap(): void {
    if (this.intervalMinutes <= 0) return;
    this.timer = setInterval(() => this.tick(), this.intervalMinutes * 60_000);
    this.timer.unref();
    setImmediate(() => this.tick());
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    const asOf = CalendarDate.ofInstant(this.clock.now()).toString();
    const started = performance.now();
    const ran = (outcome: 'success' | 'failure') => {
      const labels = { periodic_job: this.jobName };
      o2cCounter('jobRuns').add(1, { ...labels, outcome });
      o2cGauge('jobLastDuration').record((performance.now() - started) / 1_000, { ...labels, outcome });
      if (outcome === 'success')
        o2cGauge('jobLastSuccess').record(this.clock.now().getTime() / 1_000, labels);
    };
    this.running = tracer
      .startActiveSpan(`job ${this.constructor.name}`, { root: true }, (span) =>
        this.runFor(asOf)
          .then((outcome) => {
            ran('success');
            this.logger.log({ msg: 'periodic job ran', asOf, ...outcome });
          })
          .catch((error: unknown) => {
            ran('failure');
            span.setStatus({ code: SpanStatusCode.ERROR });
            this.logger.error({
              msg: 'periodic job failed; it runs again at the next interval',
              asOf,
              err: error,
            });
          })
          .finally(() => span.end()),
      )
      .finally(() => {
        this.running = undefined;
      });
  }
}
