import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EventTypes, type SubscriptionEventData, type SubscriptionEventType } from '@o2c/contracts';
import { type InboxContext } from '@o2c/messaging';
import { RecordContractVersionHandler } from '../usecases/record-contract-version/record-contract-version.handler';

/**
 * Every change of a contract (activation, amendment, renewal, cancellation) is kept and applied to its
 * entitlements on its day: at once when that day has come, else by the provisioning run of that day.
 */
@Controller()
export class ProvisionEntitlementsWhenSubscriptionChangedConsumer {
  constructor(private readonly record: RecordContractVersionHandler) {}

  @EventPattern<string>(EventTypes.subscriptionActivated)
  activated(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.handle(EventTypes.subscriptionActivated, data, ctx);
  }

  @EventPattern<string>(EventTypes.subscriptionAmended)
  amended(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.handle(EventTypes.subscriptionAmended, data, ctx);
  }

  @EventPattern<string>(EventTypes.subscriptionRenewed)
  renewed(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.handle(EventTypes.subscriptionRenewed, data, ctx);
  }

  @EventPattern<string>(EventTypes.subscriptionCancelled)
  cancelled(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.handle(EventTypes.subscriptionCancelled, data, ctx);
  }

  private handle(type: SubscriptionEventType, data: SubscriptionEventData, ctx: InboxContext): Promise<void> {
    return this.record.execute(ctx.manager, type, data, ctx.event.id);
  }
}
