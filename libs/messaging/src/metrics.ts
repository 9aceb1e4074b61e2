import { metrics, type Counter, type Histogram } from '@opentelemetry/api';

interface MessagingInstruments {
  readonly published: Counter;
  readonly handled: Counter;
  readonly retried: Counter;
  readonly duration: Histogram;
}

let instruments: MessagingInstruments | undefined;

/**
 * Counters and timings of the messaging layer, exported wherever the service's OpenTelemetry
 * SDK sends metrics. Created on first use, once the SDK has registered its meter provider.
 */
export function messagingMetrics(): MessagingInstruments {
  if (instruments) return instruments;
  const meter = metrics.getMeter('@o2c/messaging');
  instruments = {
    published: meter.createCounter('o2c.outbox.published', {
      description: 'Events the outbox relay published to Kafka',
    }),
    handled: meter.createCounter('o2c.inbox.messages', {
      description:
        'Messages the inbox consumer finished, by outcome: applied, duplicate, ignored, dead_lettered',
    }),
    retried: meter.createCounter('o2c.inbox.retries', { description: 'Failed attempts that were retried' }),
    duration: meter.createHistogram('o2c.inbox.handle.duration', {
      description: 'Time to validate and apply one event, database transaction included',
      unit: 'ms',
    }),
  };
  return instruments;
}
