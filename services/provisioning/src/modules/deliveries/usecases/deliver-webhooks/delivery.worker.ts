import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type Clock } from '@o2c/clock';
import { contextOf, o2cCounter } from '@o2c/observability';
import { DataSource } from 'typeorm';
import { PROVISIONING_SETTINGS, type ProvisioningSettings } from '../../../../config/provisioning-settings';
import { retryDelayMs } from '../../domain/retry-policy';
import { type AttemptRecord, DeliveryRepository, type DueDelivery } from '../../infra/delivery.repository';
import { WALL_CLOCK } from '../../wall-clock';
import { type SendResult, WebhookSender } from './webhook-sender';

const tracer = trace.getTracer('@o2c/provisioning');

/**
 * Sends due deliveries, one at a time, each in a transaction that holds its row while the POST is in
 * flight (`FOR UPDATE SKIP LOCKED`): several instances share the work and never send one twice at once.
 * A crash mid-POST rolls the attempt back and the delivery is sent again, so products get a delivery at
 * least once and recognise a repeat by its `webhook-id`. Each attempt is a span in the trace of the change
 * the delivery announces, and its `traceparent` goes with the POST.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryRepository,
    private readonly sender: WebhookSender,
    @Inject(PROVISIONING_SETTINGS) private readonly settings: ProvisioningSettings,
    @Inject(WALL_CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.deliveryPollMs <= 0) return;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        while (!this.stopping && (await this.deliverNext())) {
          /* until nothing is due */
        }
      } catch (error) {
        this.logger.error({ msg: 'delivering failed; trying again at the next poll', err: error });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.settings.deliveryPollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Makes one attempt at the next due delivery; false when none is due. */
  async deliverNext(): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const delivery = await this.deliveries.claimNext(manager, now);
      if (!delivery) return false;
      const url = this.settings.targets.get(delivery.product);
      const result: SendResult = url
        ? await this.attempt(delivery, () => this.sender.send(url, delivery.id, delivery.payload, now))
        : { durationMs: 0, error: `no endpoint is configured for ${delivery.product}` };
      const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
      const delay = ok
        ? undefined
        : retryDelayMs(this.settings.retry, delivery.roundAttempts + 1, Math.random(), result.retryAfterMs);
      const attempt: AttemptRecord = {
        ...result,
        url: url?.href,
        attemptedAt: now,
        outcome: ok ? 'delivered' : delay === undefined ? 'dead' : 'retry',
        ...(delay === undefined ? {} : { nextAttemptAt: new Date(now.getTime() + delay) }),
      };
      await this.deliveries.recordAttempt(manager, delivery, attempt);
      o2cCounter('licenseDeliveries').add(1, { product: delivery.product, outcome: attempt.outcome });
      if (attempt.outcome === 'dead') {
        this.logger.warn({ msg: 'delivery is dead after its last attempt', delivery: delivery.id });
      }
      return true;
    });
  }

  private attempt(delivery: DueDelivery, send: () => Promise<SendResult>): Promise<SendResult> {
    return context.with(contextOf(delivery.trace), () =>
      tracer.startActiveSpan(
        `deliver ${delivery.type}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'o2c.delivery.id': delivery.id, 'o2c.product': delivery.product },
        },
        async (span) => {
          try {
            const result = await send();
            if (result.statusCode !== undefined)
              span.setAttribute('http.response.status_code', result.statusCode);
            if (result.error !== undefined || (result.statusCode ?? 0) >= 300) {
              span.setStatus({
                code: SpanStatusCode.ERROR,
                message: result.error ?? `answered ${result.statusCode}`,
              });
            }
            return result;
          } finally {
            span.end();
          }
        },
      ),
    );
  }
}
