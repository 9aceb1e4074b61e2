import { namespacedTopic, parseTopicNamespace } from './topic-namespace';

describe(namespacedTopic.name, () => {
  it('puts a topic under the namespace', () => {
    expect(namespacedTopic('o2c.deals.v1', 'test-deals-1a2b')).toBe('test-deals-1a2b.o2c.deals.v1');
  });

  it.each([undefined, ''])('leaves the topic as it is without a namespace (%p)', (namespace) => {
    expect(namespacedTopic('o2c.deals.v1', namespace)).toBe('o2c.deals.v1');
  });
});

describe(parseTopicNamespace.name, () => {
  it.each(['a', 'test-deals-1a2b', 'ci.run-42', 'x'.repeat(64)])('accepts "%s"', (namespace) => {
    expect(parseTopicNamespace(namespace)).toBe(namespace);
  });

  it.each(['Upper', 'a_b', 'a..b', 'a.-b', '.a', 'a-', 'a/b', ' a', 'x'.repeat(65)])(
    'refuses "%s"',
    (namespace) => {
      expect(() => parseTopicNamespace(namespace)).toThrow(
        /^KAFKA_TOPIC_NAMESPACE must be at most 64 lowercase/,
      );
    },
  );
});
