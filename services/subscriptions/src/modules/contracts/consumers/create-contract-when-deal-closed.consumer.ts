import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CLOCK, type Clock, type DealClosedV1, EventTypes } from '@o2c/contracts';
import { type InboxContext, NonRetryableError, Outbox } from '@o2c/messaging';
import { v7 as uuidv7 } from 'uuid';
import { contractFromNewDeal } from '../domain/contract-from-deal';

/**
 * A new deal becomes a contract (version 1) and `o2c.subscription.activated.v1`, in the
 * transaction that records the deal event in the inbox. Amendments, renewals and
 * cancellations come with the contract lifecycle; until then they are dead-lettered with
 * that reason, so none is lost and each can be replayed once supported.
 */
@Controller()
export class CreateContractWhenDealClosedConsumer {
  constructor(
    private readonly outbox: Outbox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventPattern<string>(EventTypes.dealClosed)
  async handle(@Payload() deal: DealClosedV1, @Ctx() ctx: InboxContext): Promise<void> {
    if (deal.kind !== 'new') {
      throw new NonRetryableError(
        `${deal.kind} deals are not applied to contracts yet (deal ${deal.dealId})`,
      );
    }
    const manager = ctx.manager;
    const existing = await manager.query<unknown[]>(`SELECT 1 FROM contract WHERE contract_id = $1`, [
      deal.contractId,
    ]);
    if (existing.length > 0) {
      throw new NonRetryableError(
        `contract ${deal.contractId} exists already; deal ${deal.dealId} cannot create it again`,
      );
    }
    const contract = contractFromNewDeal(deal, () => uuidv7());
    const state = JSON.stringify(contract);
    await manager.query(
      `INSERT INTO contract (contract_id, account_id, current_version, state) VALUES ($1, $2, 1, $3)`,
      [contract.contractId, contract.accountId, state],
    );
    await manager.query(
      `INSERT INTO contract_version (contract_id, version, deal_id, revision, state, created_at) VALUES ($1, 1, $2, $3, $4, $5)`,
      [contract.contractId, deal.dealId, deal.revision, state, this.clock.now().toISOString()],
    );
    await this.outbox.record(manager, {
      type: EventTypes.subscriptionActivated,
      key: contract.accountId,
      subject: `contract/${contract.contractId}`,
      data: contract,
    });
  }
}
