import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { CalendarDate } from '@o2c/billing';
import { MessageRetention } from '@o2c/messaging';
import { type ServiceEnv } from '../config/service-env';
import { SERVICE_ENV } from '../service-env.token';
import { PeriodicJob } from './periodic-job';

const DAY_MS = 86_400_000;

/**
 * Prunes the outbox and the inbox every `MESSAGE_RETENTION_INTERVAL_MINUTES`: what was published or handled more
 * than `MESSAGE_RETENTION_DAYS` before the start of the as-of day (`MessageRetention` says what is safe to go).
 */
@Injectable()
export class MessageRetentionJob extends PeriodicJob {
  private readonly days: number;

  constructor(
    private readonly retention: MessageRetention,
    @Inject(CLOCK) clock: Clock,
    @Inject(SERVICE_ENV) env: ServiceEnv,
  ) {
    super(clock, env.MESSAGE_RETENTION_DAYS > 0 ? env.MESSAGE_RETENTION_INTERVAL_MINUTES : 0);
    this.days = env.MESSAGE_RETENTION_DAYS;
  }

  protected async runFor(asOf: string): Promise<Record<string, unknown>> {
    const before = new Date((CalendarDate.parse(asOf).epochDay - this.days) * DAY_MS);
    const pruned = await this.retention.prune(before);
    return { job: 'message-retention', before: before.toISOString(), ...pruned };
  }
}
