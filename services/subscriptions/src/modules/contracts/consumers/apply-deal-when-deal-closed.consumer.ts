import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type DealClosedV1, EventTypes } from '@o2c/contracts';
import { type InboxContext } from '@o2c/messaging';
import { ApplyDealHandler } from '../usecases/apply-deal/apply-deal.handler';

/** Every accepted deal changes its contract, in the transaction that records the deal event in the inbox. */
@Controller()
export class ApplyDealWhenDealClosedConsumer {
  constructor(private readonly applyDeal: ApplyDealHandler) {}

  @EventPattern<string>(EventTypes.dealClosed)
  async handle(@Payload() deal: DealClosedV1, @Ctx() ctx: InboxContext): Promise<void> {
    await this.applyDeal.execute(ctx.manager, deal);
  }
}
