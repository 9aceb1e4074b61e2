import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventTypes, type SubscriptionEventData, type SubscriptionEventType } from '@o2c/contracts';
import { type InboxContext } from '@o2c/messaging';
import { RecordContractVersionHandler } from '../usecases/record-contract-version/record-contract-version.handler';

/**
 * Every change of a contract is kept, and what it makes due by today issued at once
 * (`RecordContractVersionHandler`, which also decides what is worth retrying).
 */
@Controller()
export class BillContractWhenSubscriptionChangedConsumer {
  constructor(private readonly recordVersion: RecordContractVersionHandler) {}
  @EventPattern<string>(EventTypes.subscriptionActivated)
  activated(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.record(EventTypes.subscriptionActivated, data, ctx);
  }

  @EventPattern<string>(EventTypes.subscriptionAmended)
  amended(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.record(EventTypes.subscriptionAmended, data, ctx);
  }

  @EventPattern<string>(EventTypes.subscriptionRenewed)
  renewed(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.record(EventTypes.subscriptionRenewed, data, ctx);
  }

  @EventPattern<string>(EventTypes.subscriptionCancelled)
  cancelled(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.record(EventTypes.subscriptionCancelled, data, ctx);
  }

  private record(type: SubscriptionEventType, data: SubscriptionEventData, ctx: InboxContext): Promise<void> {
    return this.recordVersion.execute(ctx.manager, type, data);
  }
}
