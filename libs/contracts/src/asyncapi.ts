import 'reflect-metadata';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { eventSchemas } from './event-schemas';
import { TopicOfEventType, type EventType } from './topics';

type JsonSchema = Record<string, unknown>;

/** JSON Schema of our own format validators (class-validator-jsonschema only knows the built-in ones). */
const CUSTOM_FORMATS: Record<string, JsonSchema> = {
  isCalendarDate: { type: 'string', format: 'date' },
  isRfc3339Timestamp: { type: 'string', format: 'date-time' },
  isDecimalString: { type: 'string', pattern: '^(0|[1-9]\\d*)(\\.\\d+)?$' },
};

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function customValidator(meta: { constraintCls: Function }): JsonSchema {
  const name = getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls)[0]?.name;
  return (name ? CUSTOM_FORMATS[name] : undefined) ?? {};
}

/** An event class that only inherits its rules (e.g. one contract-state shape for several events) refers to its parent. */
function schemaNameOf(eventClass: new () => object, schemas: Record<string, unknown>): string {
  if (!schemas[eventClass.name]) {
    let parent = Object.getPrototypeOf(eventClass) as { name?: string } | null;
    while (parent?.name && !schemas[parent.name])
      parent = Object.getPrototypeOf(parent) as { name?: string } | null;
    if (!parent?.name) throw new Error(`${eventClass.name} has no validation rules`);
    schemas[eventClass.name] = { allOf: [{ $ref: `#/components/schemas/${parent.name}` }] };
  }
  return eventClass.name;
}

/** The CloudEvents attributes in Kafka headers (binary mode), `ce_type` fixed to the message's type. */
const headersOf = (type: string): JsonSchema => ({
  ...HEADERS,
  properties: { ...(HEADERS['properties'] as JsonSchema), ce_type: { const: type } },
});

const HEADERS: JsonSchema = {
  type: 'object',
  required: ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'content-type'],
  properties: {
    ce_specversion: { const: '1.0' },
    ce_id: { type: 'string', description: 'UUIDv7; consumers deduplicate on it' },
    ce_source: { type: 'string', description: 'The producing service, e.g. o2c/deals' },
    ce_type: { type: 'string' },
    ce_time: { type: 'string', format: 'date-time' },
    ce_subject: { type: 'string' },
    'content-type': { const: 'application/json' },
    traceparent: { type: 'string', description: 'W3C trace context of the transaction that wrote the event' },
    tracestate: { type: 'string' },
  },
};

/**
 * JSON Schema of every class with class-validator rules loaded in the process, by class name, with
 * references as `#/components/schemas/<name>` (the OpenAPI documents take their request bodies from it).
 */
export function validationSchemas(): Record<string, JsonSchema> {
  return validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/components/schemas/',
    additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: customValidator },
  }) as Record<string, JsonSchema>;
}

const REF = /"#\/components\/schemas\/([^"]+)"/g;

/** The schemas `roots` name, with every schema they refer to in turn, and nothing else. */
function reachable(roots: readonly string[], all: Record<string, JsonSchema>): Record<string, JsonSchema> {
  const kept: Record<string, JsonSchema> = {};
  const pending = [...roots];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (kept[name]) continue;
    const schema = all[name];
    if (!schema) throw new Error(`the event contracts refer to ${name}, which has no validation rules`);
    kept[name] = schema;
    pending.push(...[...JSON.stringify(schema).matchAll(REF)].map((m) => m[1]!));
  }
  return Object.fromEntries(
    Object.keys(kept)
      .sort()
      .map((name) => [name, kept[name]!]),
  );
}

/**
 * Where each event's Kafka message key comes from: the customer account id (events.md), `account.id` of a
 * closed deal and `accountId` of every other event.
 */
function keyFieldOf(schema: JsonSchema | undefined, all: Record<string, JsonSchema>): string {
  const properties = (schema?.['properties'] ?? {}) as Record<string, unknown>;
  if ('accountId' in properties) return 'accountId';
  if ('account' in properties) return 'account.id';
  const parent = (schema?.['allOf'] as { $ref: string }[] | undefined)?.[0]?.$ref.split('/').pop();
  if (parent) return keyFieldOf(all[parent], all);
  throw new Error('an event without the customer account id cannot be keyed');
}

/**
 * The AsyncAPI 3.0 document of o2c's events, generated from the same class-validator classes that check
 * every event on produce and on consume, so it cannot drift from them. It holds the event contracts of
 * this library and nothing else (no request bodies or settings of the service that serves it), so every
 * service serves the same document.
 */
export function asyncApiDocument(version: string): JsonSchema {
  const all = validationSchemas();
  const types = [...eventSchemas.keys()] as EventType[];
  const topics = [...new Set(types.map((t) => TopicOfEventType[t]))];
  const payloadOf = new Map(types.map((type) => [type, schemaNameOf(eventSchemas.get(type)!, all)]));
  const schemas = reachable([...payloadOf.values()], all);
  const messageName = (type: string) => type.replace(/\./g, '_');
  const channelName = (topic: string) => topic.replace(/\./g, '_');
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'o2c events',
      version,
      description:
        'CloudEvents 1.0 in Kafka binary mode: the ce_* attributes are headers, the JSON data is the value. ' +
        'The message key is the customer account id, so everything about one customer stays in order on ' +
        'one partition. Money is { amountMinor: integer string, currency }. With KAFKA_TOPIC_NAMESPACE set, ' +
        'every topic name is prefixed with "<namespace>.". A message that still fails after its retries ' +
        'goes to <topic>.<consumer group>.dlq. The contract: docs/specs/events.md.',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '{broker}',
        protocol: 'kafka',
        description: 'The Kafka cluster of KAFKA_BROKERS (comma-separated host:port bootstrap brokers).',
        variables: {
          broker: {
            description: 'host:port of a bootstrap broker, one of KAFKA_BROKERS',
            examples: ['127.0.0.1:9092'],
          },
        },
      },
    },
    channels: Object.fromEntries(
      topics.map((topic) => [
        channelName(topic),
        {
          address: topic,
          title: topic,
          servers: [{ $ref: '#/servers/kafka' }],
          messages: Object.fromEntries(
            types
              .filter((t) => TopicOfEventType[t] === topic)
              .map((t) => [messageName(t), { $ref: `#/components/messages/${messageName(t)}` }]),
          ),
          bindings: { kafka: { topic, bindingVersion: '0.5.0' } },
        },
      ]),
    ),
    operations: Object.fromEntries(
      topics.map((topic) => [
        `publish_${channelName(topic)}`,
        {
          action: 'send',
          title: `Publish to ${topic}`,
          channel: { $ref: `#/channels/${channelName(topic)}` },
          messages: types
            .filter((t) => TopicOfEventType[t] === topic)
            .map((t) => ({ $ref: `#/channels/${channelName(topic)}/messages/${messageName(t)}` })),
        },
      ]),
    ),
    components: {
      messages: Object.fromEntries(
        types.map((type) => {
          const keyField = keyFieldOf(schemas[payloadOf.get(type)!], schemas);
          return [
            messageName(type),
            {
              name: type,
              title: type,
              contentType: 'application/json',
              headers: headersOf(type),
              payload: { $ref: `#/components/schemas/${payloadOf.get(type)!}` },
              bindings: {
                kafka: {
                  key: {
                    type: 'string',
                    description: `The customer account id: ${keyField} of the payload`,
                  },
                  bindingVersion: '0.5.0',
                },
              },
              'x-o2c-key': keyField,
            },
          ];
        }),
      ),
      schemas,
    },
  };
}
