import { context, isSpanContextValid, propagation, SpanKind, trace } from '@opentelemetry/api';
import { type Clock, TopicOfEventType, type EventType } from '@o2c/contracts';
import { type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { validateEventData, type EventSchemas } from '../cloudevents/event-schemas';

export const OUTBOX_CHANNEL = 'o2c_outbox';

const tracer = trace.getTracer('@o2c/messaging');

export interface OutgoingEvent {
  readonly type: string;
  /** The customer account id: the Kafka key that keeps one customer's events in order. */
  readonly key: string;
  readonly subject?: string;
  readonly data: object;
  /** Defaults to the topic of `type` in @o2c/contracts. */
  readonly topic?: string;
}

export interface OutboxOptions {
  /** CloudEvents `source` of this service, e.g. `o2c/deals`. */
  readonly source: string;
  readonly schemas: EventSchemas;
  readonly clock: Clock;
}

/**
 * Records events in the same database transaction as the change they announce; the
 * OutboxRelay publishes them once that transaction has committed. Data is validated
 * against its schema here, so an invalid event rolls the change back with it. Each event
 * keeps the `traceparent` of the active span (the request, message or job that caused it).
 */
export class Outbox {
  constructor(private readonly options: OutboxOptions) {}

  async record(manager: EntityManager, event: OutgoingEvent): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.record needs the EntityManager of an open transaction');
    }
    validateEventData(this.options.schemas, event.type, event.data);
    const topic = event.topic ?? TopicOfEventType[event.type as EventType];
    if (!topic) throw new Error(`no topic is known for event type ${event.type}`);
    const carrier: Record<string, string> = {};
    propagation.inject(tracedContext(event.type), carrier);
    const id = uuidv7();
    await manager.query(
      `INSERT INTO outbox (id, topic, key, type, source, subject, time, data, traceparent, tracestate)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        topic,
        event.key,
        event.type,
        this.options.source,
        event.subject ?? null,
        this.options.clock.now().toISOString(),
        JSON.stringify(event.data),
        carrier.traceparent ?? null,
        carrier.tracestate ?? null,
      ],
    );
    // Delivered to listening relays when (and only if) the transaction commits.
    await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
    return id;
  }
}

/**
 * The active context, or, outside any trace, one of a new trace for this event alone: every event
 * carries a `traceparent` (events.md). Without a registered tracer provider there is none to give.
 */
function tracedContext(type: string) {
  const active = context.active();
  const current = trace.getSpanContext(active);
  if (current && isSpanContextValid(current)) return active;
  const span = tracer.startSpan(`record ${type}`, { kind: SpanKind.PRODUCER, root: true }, active);
  span.end();
  return trace.setSpan(active, span);
}
