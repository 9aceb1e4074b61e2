import { randomUUID } from 'node:crypto';
import { createKafka } from '@o2c/messaging';
import { type Consumer } from 'kafkajs';

/**
 * Watches topics from their beginning and notes, per message key (the customer account) and event type,
 * when the first such event arrived here. The benchmark's clock is `now` (milliseconds, monotonic).
 */
export class EventWatch {
  private readonly firstSeen = new Map<string, number>();
  private readonly waiters = new Map<string, Array<(at: number) => void>>();
  private consumer?: Consumer;
  private ready?: Promise<void>;
  messages = 0;
  bytes = 0;

  constructor(
    private readonly brokers: string,
    private readonly now: () => number,
  ) {}

  async start(topics: readonly string[]): Promise<void> {
    const consumer = createKafka({ brokers: this.brokers, clientId: 'o2c-bench-watch' }).consumer({
      groupId: `o2c-bench-watch-${randomUUID()}`,
      maxWaitTimeInMs: 50,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    this.ready = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachBatch: ({ batch }) => {
        const at = this.now();
        for (const message of batch.messages) {
          this.messages++;
          this.bytes += message.value?.length ?? 0;
          const key = message.key?.toString() ?? '';
          const type = message.headers?.['ce_type']?.toString() ?? '';
          this.note(`${key} ${type}`, at);
        }
        return Promise.resolve();
      },
    });
    await this.ready;
  }

  private note(id: string, at: number): void {
    if (this.firstSeen.has(id)) return;
    this.firstSeen.set(id, at);
    for (const resolve of this.waiters.get(id) ?? []) resolve(at);
    this.waiters.delete(id);
  }

  /** When the first event of `type` keyed `key` arrived (waits for it). */
  seen(key: string, type: string): Promise<number> {
    const id = `${key} ${type}`;
    const at = this.firstSeen.get(id);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  /** How many (key, type) pairs are still awaited. */
  get pending(): number {
    return this.waiters.size;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
