import { Injectable } from '@nestjs/common';
import { DealRepository } from '../../infra/deal.repository';
import { type StoredDealResult } from '../accept-deal/accept-deal.command';
import { AcceptDealHandler } from '../accept-deal/accept-deal.handler';
import { type ReplayDealsCommand } from './replay-deals.command';

/**
 * Operations' replay: each deal goes through the intake use case again, in a transaction of its own,
 * with its checks and its idempotency (an accepted deal stays as it is; its event is never repeated).
 */
@Injectable()
export class ReplayDealsHandler {
  constructor(
    private readonly acceptDeal: AcceptDealHandler,
    private readonly deals: DealRepository,
  ) {}

  async execute(command: ReplayDealsCommand): Promise<StoredDealResult[]> {
    const ids = 'ids' in command ? [...new Set(command.ids)] : await this.deals.idsWithStatus(command.status);
    const results: StoredDealResult[] = [];
    for (const dealId of ids) results.push(await this.acceptDeal.execute({ source: 'replay', dealId }));
    return results;
  }
}
