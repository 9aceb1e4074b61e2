import { Injectable } from '@nestjs/common';
import { type KafkaInboxServer } from './kafka-inbox.server';

/**
 * The application's inbox consumer, once `connectInboxConsumer` has made it: what readiness and the
 * consumer gauges ask about it. Before that, or in an application that handles no event, there is none.
 */
@Injectable()
export class InboxConsumer {
  private server?: KafkaInboxServer;

  attach(server: KafkaInboxServer): void {
    this.server = server;
  }

  /** Its group and topics when it consumes anything; undefined when the service handles no event. */
  get consuming(): { readonly groupId: string; readonly topics: readonly string[] } | undefined {
    const topics = this.server?.topics ?? [];
    return this.server && topics.length > 0 ? { groupId: this.server.groupId, topics } : undefined;
  }

  get isJoined(): boolean {
    return this.server?.isJoined ?? false;
  }

  /** True once joined, waiting at most `timeoutMs`; true at once when there is nothing to consume. */
  async whenJoined(timeoutMs: number): Promise<boolean> {
    if (!this.consuming) return true;
    return this.server!.whenJoined(timeoutMs);
  }
}
