import { eventSchemas } from './event-schemas';
import { EventTypes, TopicOfEventType, type EventType } from './topics';

describe('eventSchemas', () => {
  it('has a schema for every event type, and nothing else', () => {
    expect([...eventSchemas.keys()].sort()).toEqual(Object.values(EventTypes).sort());
  });

  it.each(Object.values(EventTypes))('maps %s to a class published on its own topic', (type: EventType) => {
    const schema = eventSchemas.get(type) as unknown as { ceType: string; topic: string };
    expect(schema.ceType).toBe(type);
    expect(schema.topic).toBe(TopicOfEventType[type]);
  });
});
