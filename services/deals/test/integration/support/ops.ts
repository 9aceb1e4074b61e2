import { randomBytes, randomUUID } from 'node:crypto';
import { createKafka, decodeEvent, type EventRecord } from '@o2c/messaging';
import { type RunningService, startServiceForTest } from '@o2c/testing';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { dealsService } from '../../../src/app.module';
import { type DealsEnv } from '../../../src/config/env.schema';
import { SECRET } from './deal-webhook';

/** The deals service's ADMIN_TOKEN in the tests that call its operations endpoints through `admin`. */
export const ADMIN_TOKEN = randomBytes(32).toString('hex');

/** The deals service under test and a client on its database. */
export interface DealsUnderTest {
  readonly sut: RunningService<DealsEnv>;
  readonly db: Client;
}

/**
 * Starts the deals service with the webhook's SECRET and ADMIN_TOKEN, and connects to its database;
 * `stopDeals` undoes both.
 */
export async function startDeals(): Promise<DealsUnderTest> {
  const sut = await startServiceForTest(dealsService, { DEALS_WEBHOOK_SECRETS: SECRET, ADMIN_TOKEN });
  const db = new Client({ connectionString: sut.database.url });
  await db.connect();
  return { sut, db };
}

export async function stopDeals({ sut, db }: DealsUnderTest): Promise<void> {
  await db.end();
  await sut.stop();
}

/** The body of a response that must have `status`. */
export async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect({ status: response.status, body }).toEqual({ status, body: expect.anything() as unknown });
  return body;
}

/** Calls an operations endpoint with the admin token (or the `authorization` given, `null` for none). */
export function admin(
  baseUrl: string,
  path: string,
  init: { method?: string; body?: unknown; authorization?: string | null } = {},
): Promise<Response> {
  const authorization = init.authorization === undefined ? `Bearer ${ADMIN_TOKEN}` : init.authorization;
  return fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(authorization !== null ? { authorization } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

export interface RawSignOptions {
  readonly secret?: string;
  readonly timestamp?: Date;
  /** Changes the body after it was signed. */
  readonly tamper?: (raw: string) => string;
  /** Headers left out. */
  readonly omit?: readonly ('webhook-id' | 'webhook-timestamp' | 'webhook-signature')[];
  /** Replaces the `v1,` of the signature. */
  readonly scheme?: string;
}

/** POSTs `raw` to the deals webhook, signed as Standard Webhooks says unless told otherwise. */
export function postRaw(baseUrl: string, raw: string, options: RawSignOptions = {}): Promise<Response> {
  const id = `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? new Date();
  let signature = new Webhook(options.secret ?? SECRET).sign(id, timestamp, raw);
  if (options.scheme) signature = signature.replace(/^v1,/, options.scheme);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signature,
  };
  for (const name of options.omit ?? []) delete headers[name];
  return fetch(`${baseUrl}/v1/webhooks/deals`, {
    method: 'POST',
    headers,
    body: options.tamper ? options.tamper(raw) : raw,
  });
}

/**
 * Reads `topic` from its beginning until an event `isLast`; returns every event read, in the order of
 * their partitions (one account's events share a partition, so they come in the order they were published).
 */
export async function eventsUntil(
  topic: string,
  isLast: (event: EventRecord) => boolean,
): Promise<EventRecord[]> {
  const consumer = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-deals-test' }).consumer({
    groupId: `o2c-deals-test-${randomUUID()}`,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const events: EventRecord[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message }) => {
            const event = decodeEvent(message);
            events.push(event);
            if (isLast(event)) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return events;
}

/**
 * Reads `topic` from its beginning until an event of every subject in `subjects` has come, from any
 * partition; returns every event read.
 */
export function eventsWithSubjects(topic: string, subjects: readonly string[]): Promise<EventRecord[]> {
  const missing = new Set(subjects);
  return eventsUntil(topic, (event) => {
    if (event.subject !== undefined) missing.delete(event.subject);
    return missing.size === 0;
  });
}
