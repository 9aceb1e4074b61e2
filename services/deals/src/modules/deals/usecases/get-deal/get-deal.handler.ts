import { Injectable } from '@nestjs/common';
import { type DealAttempt, type DealRecord, DealRepository } from '../../infra/deal.repository';

/** One deal for operations: its newest revision and every attempt at each of its revisions; undefined when unknown. */
@Injectable()
export class GetDealHandler {
  constructor(private readonly deals: DealRepository) {}

  async execute(dealId: string): Promise<{ record: DealRecord; history: DealAttempt[] } | undefined> {
    const record = await this.deals.latest(dealId);
    if (!record) return undefined;
    return { record, history: await this.deals.attemptsOf(dealId) };
  }
}
