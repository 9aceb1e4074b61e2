import { BaseRpcContext } from '@nestjs/microservices';
import { type EntityManager } from 'typeorm';
import { type EventRecord } from '../cloudevents/cloud-event-codec';

export interface MessageCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * What a handler gets beside the event's data (`@Ctx()`): the event's envelope, where it was
 * read from, and the EntityManager of the transaction that also records it in the inbox.
 * Everything the handler writes through `manager` commits or rolls back with that record.
 */
export class InboxContext extends BaseRpcContext<[EventRecord, MessageCoordinates, EntityManager]> {
  get event(): EventRecord {
    return this.args[0];
  }

  get coordinates(): MessageCoordinates {
    return this.args[1];
  }

  get manager(): EntityManager {
    return this.args[2];
  }
}
