import { context, isSpanContextValid, propagation, SpanKind, trace } from '@opentelemetry/api';
import { type Clock } from '@o2c/clock';
import { TopicOfEventType, type EventType } from '@o2c/contracts';
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
 * Rows and the relay's wake-up are one statement, one round trip, however many events.
 */
export class Outbox {
  constructor(private readonly options: OutboxOptions) {}

  /** Records one event; returns its id. */
  async record(manager: EntityManager, event: OutgoingEvent): Promise<string> {
    const [id] = await this.recordAll(manager, [event]);
    return id!;
  }

  /** Records events in this order (the relay publishes them in it); returns their ids, in the same order. */
  async recordAll(manager: EntityManager, events: readonly OutgoingEvent[]): Promise<string[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.record needs the EntityManager of an open transaction');
    }
    if (events.length === 0) return [];
    const time = this.options.clock.now().toISOString();
    const rows = events.map((event) => {
      validateEventData(this.options.schemas, event.type, event.data);
      const topic = event.topic ?? TopicOfEventType[event.type as EventType];
      if (!topic) throw new Error(`no topic is known for event type ${event.type}`);
      const carrier: Record<string, string> = {};
      propagation.inject(tracedContext(event.type), carrier);
      return {
        id: uuidv7(),
        topic,
        key: event.key,
        type: event.type,
        subject: event.subject ?? null,
        data: JSON.stringify(event.data),
        traceparent: carrier.traceparent ?? null,
        tracestate: carrier.tracestate ?? null,
      };
    });
    const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
    // Inserted in the order given (the relay publishes by `position`, a sequence). The notification is delivered
    // to listening relays when (and only if) the transaction commits. The events' data go as one JSON array, not
    // as a jsonb[]: pg would escape every quote of every event into an array literal, and PostgreSQL unescape it.
    await manager.query(
      `WITH recorded AS (
         INSERT INTO outbox (id, topic, key, type, source, subject, time, data, traceparent, tracestate)
         SELECT e.id, e.topic, e.key, e.type, $5, e.subject, $6, $8::jsonb -> (e.n::int - 1), e.traceparent,
                e.tracestate
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $7::text[], $9::text[], $10::text[])
                WITH ORDINALITY AS e(id, topic, key, type, subject, traceparent, tracestate, n)
          ORDER BY e.n
         RETURNING 1)
       SELECT pg_notify($11, '') FROM (SELECT 1 FROM recorded LIMIT 1) AS any_recorded`,
      [
        column('id'),
        column('topic'),
        column('key'),
        column('type'),
        this.options.source,
        time,
        column('subject'),
        `[${column('data').join(',')}]`,
        column('traceparent'),
        column('tracestate'),
        OUTBOX_CHANNEL,
      ],
    );
    return column('id');
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
