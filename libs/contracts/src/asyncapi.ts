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
 * The AsyncAPI 3.0 document of o2c's events, generated from the same class-validator
 * classes that check every event on produce and on consume, so it cannot drift from them.
 */
export function asyncApiDocument(version: string): JsonSchema {
  const schemas = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/components/schemas/',
    additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: customValidator },
  });
  const types = [...eventSchemas.keys()] as EventType[];
  const topics = [...new Set(types.map((t) => TopicOfEventType[t]))];
  const messageName = (type: string) => type.replace(/\./g, '_');
  const channelName = (topic: string) => topic.replace(/\./g, '_');
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'o2c events',
      version,
      description:
        'CloudEvents 1.0 in Kafka binary mode. The message key is the customer account id. ' +
        'Money is { amountMinor: integer string, currency }.',
    },
    defaultContentType: 'application/json',
    channels: Object.fromEntries(
      topics.map((topic) => [
        channelName(topic),
        {
          address: topic,
          messages: Object.fromEntries(
            types
              .filter((t) => TopicOfEventType[t] === topic)
              .map((t) => [messageName(t), { $ref: `#/components/messages/${messageName(t)}` }]),
          ),
        },
      ]),
    ),
    operations: Object.fromEntries(
      topics.map((topic) => [
        `publish_${channelName(topic)}`,
        { action: 'send', channel: { $ref: `#/channels/${channelName(topic)}` } },
      ]),
    ),
    components: {
      messages: Object.fromEntries(
        types.map((type) => [
          messageName(type),
          {
            name: type,
            title: type,
            headers: HEADERS,
            payload: { $ref: `#/components/schemas/${schemaNameOf(eventSchemas.get(type)!, schemas)}` },
          },
        ]),
      ),
      schemas,
    },
  };
}
