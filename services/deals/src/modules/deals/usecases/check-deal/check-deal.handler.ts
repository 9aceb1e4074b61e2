import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { billabilityProblems } from '../../domain/billability';
import { type ContractLine, resolveLine } from '../../domain/contract-lines';
import { type BillabilityProblem, type ClosedDeal } from '../../domain/deal';
import { CatalogRepository } from '../../infra/catalog.repository';
import { DealRepository, type StoredContract } from '../../infra/deal.repository';
import { TaxRatesRepository } from '../../infra/tax-rates.repository';

/** What the checks of a deal found, with what they looked up. */
export interface DealCheck {
  /** Every reason the deal cannot be billed (deal-webhook.md, 422); empty when it can. */
  readonly problems: BillabilityProblem[];
  /** The contract a change names, once the deal that creates it is accepted. */
  readonly contract?: StoredContract;
  /**
   * Each line's SKU and catalog entry, by the line's position: from the catalog as it is now, or, for an
   * amendment's line named by id only, from the contract. All known when there are no problems and the
   * deal is new or its contract exists.
   */
  readonly lines: readonly (ContractLine | undefined)[];
}

/**
 * The billability checks of one deal, against the catalog, the tax table and the contract it names, in
 * the caller's transaction: the same for intake (webhook, CRM adapters, replay, release) and the preview.
 */
@Injectable()
export class CheckDealHandler {
  constructor(
    private readonly deals: DealRepository,
    private readonly catalog: CatalogRepository,
    private readonly taxRates: TaxRatesRepository,
  ) {}

  async execute(manager: EntityManager, deal: ClosedDeal): Promise<DealCheck> {
    const skus = [...new Set(deal.lines.flatMap((line) => (line.sku === undefined ? [] : [line.sku])))];
    const catalog = await this.catalog.current(manager, skus);
    const contract =
      deal.kind === 'new' || deal.amends === undefined
        ? undefined
        : await this.deals.contractOf(manager, deal.amends);
    const problems = billabilityProblems(deal, { catalog, taxRates: this.taxRates.table, contract });
    const lines = deal.lines.map((line) => resolveLine(line, catalog, contract?.lines));
    return { problems, ...(contract ? { contract } : {}), lines };
  }
}
