import { deadLetterTopic, EventTypes, TopicOfEventType, Topics } from './topics';

describe('topics', () => {
  it('keeps the wire names of docs/specs/events.md', () => {
    expect(Object.values(Topics).sort()).toEqual([
      'o2c.deals.v1',
      'o2c.invoices.v1',
      'o2c.licenses.v1',
      'o2c.subscriptions.v1',
    ]);
  });

  it('routes every event type to the topic of its producer', () => {
    expect(TopicOfEventType[EventTypes.dealClosed]).toBe('o2c.deals.v1');
    expect(TopicOfEventType[EventTypes.creditNoteIssued]).toBe('o2c.invoices.v1');
    expect(TopicOfEventType[EventTypes.licenseRevoked]).toBe('o2c.licenses.v1');
    expect(Object.keys(TopicOfEventType)).toHaveLength(Object.keys(EventTypes).length);
  });

  it('names a dead-letter topic after the topic and the consumer group', () => {
    expect(deadLetterTopic('o2c.deals.v1', 'subscriptions')).toBe('o2c.deals.v1.subscriptions.dlq');
  });
});
