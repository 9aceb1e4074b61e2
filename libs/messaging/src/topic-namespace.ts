/**
 * A topic namespace puts every topic a service produces to and consumes from under a prefix
 * (`<namespace>.o2c.deals.v1`, and so `<namespace>.o2c.deals.v1.<group>.dlq` for its dead
 * letters), so that services started for a test share a broker with a demo or other test runs
 * without reading or publishing each other's events. Only the physical topic name changes: the
 * event types (`ce_type`) and the topics in @o2c/contracts do not. No namespace (production)
 * means the topics as @o2c/contracts names them.
 */
const NAMESPACE = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** Long enough for `test-<service>-<random>`, short enough to leave room for topic and group (Kafka allows 249). */
export const MAX_TOPIC_NAMESPACE_LENGTH = 64;

/**
 * Checks a `KAFKA_TOPIC_NAMESPACE`: empty or absent is no namespace; otherwise lowercase letters
 * and digits, separated by single dots or dashes. Returns the namespace, or undefined for none.
 */
export function parseTopicNamespace(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_TOPIC_NAMESPACE_LENGTH || !NAMESPACE.test(value)) {
    throw new Error(
      `KAFKA_TOPIC_NAMESPACE must be at most ${MAX_TOPIC_NAMESPACE_LENGTH} lowercase letters and digits, ` +
        `separated by single dots or dashes (e.g. test-deals-1a2b), got "${value}"`,
    );
  }
  return value;
}

/** The physical name of `topic` in `namespace`: the topic itself when there is no namespace. */
export function namespacedTopic(topic: string, namespace: string | undefined): string {
  const checked = parseTopicNamespace(namespace);
  return checked === undefined ? topic : `${checked}.${topic}`;
}
