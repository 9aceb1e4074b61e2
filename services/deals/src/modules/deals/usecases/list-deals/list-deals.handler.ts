import { Injectable } from '@nestjs/common';
import { type DealStatus } from '../../domain/deal';
import { type DealRecord, DealRepository } from '../../infra/deal.repository';

/** The exception queue: the newest revision of each deal, newest deal first, a page at a time. */
@Injectable()
export class ListDealsHandler {
  constructor(private readonly deals: DealRepository) {}

  async execute(query: {
    status?: DealStatus;
    limit: number;
    cursor?: string;
  }): Promise<{ items: DealRecord[]; nextCursor: string | null }> {
    const rows = await this.deals.list({
      status: query.status,
      before: query.cursor,
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? items.at(-1)!.id : null };
  }
}
