import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { CalendarDate } from '@o2c/billing';
import { type Clock } from '@o2c/contracts';

const tracer = trace.getTracer('@o2c/platform');

/**
 * A job that runs for "today" (the injected clock's UTC date) at start-up and then every interval, one run at
 * a time. Jobs are idempotent per as-of date, so running them more often than daily only catches up sooner;
 * the same work runs for any date through the service's admin endpoint. An interval of 0 disables it.
 * Each run is a trace of its own, which the events it produces carry.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  protected readonly logger = new Logger(this.constructor.name);

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
    this.running = tracer
      .startActiveSpan(`job ${this.constructor.name}`, { root: true }, (span) =>
        this.runFor(asOf)
          .then((outcome) => this.logger.log({ msg: 'periodic job ran', asOf, ...outcome }))
          .catch((error: unknown) => {
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
