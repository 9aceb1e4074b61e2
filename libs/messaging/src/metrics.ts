import { type Counter, type Histogram } from '@opentelemetry/api';
import { o2cCounter, o2cHistogram } from '@o2c/observability';

interface MessagingInstruments {
  readonly published: Counter;
  readonly handled: Counter;
  readonly retried: Counter;
  readonly duration: Histogram;
}

/**
 * Counters and timings of the messaging layer (`O2C_METRICS` of `@o2c/observability`), on `GET /metrics`
 * and wherever the service's OpenTelemetry SDK sends metrics. Made on first use, once the SDK has
 * registered its meter provider.
 */
export function messagingMetrics(): MessagingInstruments {
  return {
    published: o2cCounter('outboxPublished'),
    handled: o2cCounter('inboxMessages'),
    retried: o2cCounter('inboxRetries'),
    duration: o2cHistogram('inboxHandleDuration'),
  };
}
