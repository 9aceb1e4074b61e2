import { CloudEvent, Kafka as KafkaBinding, type KafkaMessage as CloudEventKafkaMessage } from 'cloudevents';
import { type IHeaders, type KafkaMessage, type Message } from 'kafkajs';
import { MalformedEventError } from '../errors';

/** One event as o2c stores it in the outbox and reads it off Kafka. */
export interface EventRecord {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly subject?: string;
  /** RFC 3339 time the change happened. */
  readonly time: string;
  /** Kafka message key: the customer account id. */
  readonly key: string;
  readonly data: unknown;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

const JSON_CONTENT_TYPE = 'application/json';

/**
 * CloudEvents 1.0 in Kafka binary mode: `ce_*` headers and `content-type` come from the
 * cloudevents SDK's Kafka binding; the W3C `traceparent`/`tracestate` headers travel beside
 * them (the SDK would prefix them with `ce_`), and `data` is serialised here because the
 * binding leaves it as an object, which kafkajs cannot send.
 */
export function encodeEvent(record: EventRecord): Message {
  const event = new CloudEvent({
    specversion: '1.0',
    id: record.id,
    type: record.type,
    source: record.source,
    time: record.time,
    datacontenttype: JSON_CONTENT_TYPE,
    data: record.data,
    ...(record.subject ? { subject: record.subject } : {}),
  });
  const binary = KafkaBinding.binary(event);
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(binary.headers)) {
    if (value !== undefined) headers[name] = String(value);
  }
  // In binary mode datacontenttype IS the content-type header (Kafka protocol binding §3.2.1).
  delete headers.ce_datacontenttype;
  headers['content-type'] = JSON_CONTENT_TYPE;
  if (record.traceparent) headers.traceparent = record.traceparent;
  if (record.tracestate) headers.tracestate = record.tracestate;
  return { key: record.key, value: JSON.stringify(record.data), headers };
}

export function headersAsStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

/** Reads a Kafka message back into an EventRecord; anything else is a MalformedEventError. */
export function decodeEvent(message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>): EventRecord {
  const headers = headersAsStrings(message.headers);
  const key = message.key?.toString();
  const value = message.value?.toString();
  if (!key) throw new MalformedEventError('message has no key (the account id)');
  if (!value) throw new MalformedEventError('message has no value');
  if (headers['content-type'] !== JSON_CONTENT_TYPE) {
    throw new MalformedEventError(
      `content-type must be ${JSON_CONTENT_TYPE}, got ${headers['content-type'] ?? 'none'}`,
    );
  }
  let event: CloudEvent<unknown>;
  try {
    event = KafkaBinding.toEvent({
      headers,
      key,
      value,
      body: value,
    } as unknown as CloudEventKafkaMessage<string>) as CloudEvent<unknown>;
    event.validate();
  } catch (error) {
    throw new MalformedEventError(
      `not a CloudEvent in binary mode: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (event.specversion !== '1.0')
    throw new MalformedEventError(`ce_specversion must be 1.0, got ${event.specversion}`);
  if (!event.time) throw new MalformedEventError('ce_time is missing');
  let data: unknown = event.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      throw new MalformedEventError('value is not JSON');
    }
  }
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    time: event.time,
    key,
    data,
    ...(event.subject ? { subject: event.subject } : {}),
    ...(headers.traceparent ? { traceparent: headers.traceparent } : {}),
    ...(headers.tracestate ? { tracestate: headers.tracestate } : {}),
  };
}
