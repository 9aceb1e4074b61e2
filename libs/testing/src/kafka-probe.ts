import { randomUUID } from 'node:crypto';
import { Topics } from '@o2c/contracts';
import { eventually } from './eventually';
import { createKafka, decodeEvent, encodeEvent, type EventRecord } from '@o2c/messaging';

const SHARED_TOPICS: ReadonlySet<string> = new Set(Object.values(Topics));

/**
 * Reads `topic` from its beginning, with a group of its own, until an event `matches`; returns it.
 * `topic` is a physical name in the test's namespace (`sut.topic(Topics.deals)`): the services
 * under test never publish on the shared topics.
 */
export async function eventOn(topic: string, matches: (event: EventRecord) => boolean): Promise<EventRecord> {
  if (SHARED_TOPICS.has(topic)) {
    throw new Error(
      `eventOn(${topic}): the services under test publish in their topic namespace; read sut.topic('${topic}')`,
    );
  }
  const consumer = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-test-probe' }).consumer({
    groupId: `o2c-test-probe-${randomUUID()}`,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    return await new Promise<EventRecord>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message }) => {
            const event = decodeEvent(message);
            if (matches(event)) resolve(event);
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Polls `probe` until it gives a value other than undefined, or fails after `timeoutMs` (see `eventually`). */
export function waitForValue<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return eventually(probe, { timeoutMs });
}

export interface TestEvent {
  type: string;
  key: string;
  data: unknown;
  source?: string;
  subject?: string;
  id?: string;
  time?: string;
}

/** Publishes events, in order, to `topic` (a physical name in the test's namespace), as CloudEvents. */
export async function publishEvents(topic: string, events: TestEvent[]): Promise<void> {
  const producer = createKafka({
    brokers: process.env.KAFKA_BROKERS!,
    clientId: 'o2c-test-publisher',
  }).producer({
    idempotent: true,
  });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: events.map((event) =>
        encodeEvent({
          id: event.id ?? randomUUID(),
          type: event.type,
          source: event.source ?? 'o2c/test',
          time: event.time ?? '2026-01-01T00:00:00.000Z',
          key: event.key,
          data: event.data,
          ...(event.subject === undefined ? {} : { subject: event.subject }),
        }),
      ),
    });
  } finally {
    await producer.disconnect();
  }
}
