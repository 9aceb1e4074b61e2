import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { applyTax, taxTreatment } from '@o2c/billing';
import { SERVICE_ENV } from '@o2c/platform';
import { type DealsEnv } from '../../../../config/env.schema';
import { DealRepository } from '../../infra/deal.repository';
import { TaxRatesRepository } from '../../infra/tax-rates.repository';
import { CheckDealHandler } from '../check-deal/check-deal.handler';
import { type PreviewDealCommand, type PreviewDealResult } from './preview-deal.command';

/**
 * A deal billed on paper: the webhook's checks, then the billing engine on the contract rebuilt from
 * its accepted deals (billing-rules.md), taxed for the deal's customer. Reads in a read-only
 * transaction: it stores nothing and records no event.
 */
@Injectable()
export class PreviewDealHandler {
  constructor(
    private readonly deals: DealRepository,
    private readonly checkDeal: CheckDealHandler,
    private readonly taxRates: TaxRatesRepository,
    @Inject(SERVICE_ENV) private readonly env: DealsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ deal }: PreviewDealCommand): Promise<PreviewDealResult> {
    return this.deals.readOnlyTransaction(async (manager): Promise<PreviewDealResult> => {
      const { problems, contract, schedule } = await this.checkDeal.execute(manager, deal);
      if (problems.length > 0) return { ok: false, problems };
      if (!schedule) {
        const message = `deal ${deal.amends} is not accepted yet: there is no contract to preview the change against`;
        return { ok: false, problems: [{ path: 'amends', message }] };
      }
      const tax = taxTreatment(
        { country: this.env.SELLER_COUNTRY },
        { country: deal.account.country, taxId: deal.account.taxId },
        this.taxRates.table,
      );
      const { version } = schedule;
      return {
        ok: true,
        preview: {
          dealId: deal.id,
          kind: deal.kind,
          contractId: contract?.contractId ?? null,
          currency: deal.currency,
          from: schedule.from,
          term: { start: version.term.start, end: version.term.end, autoRenew: version.term.autoRenew },
          sellerCountry: this.env.SELLER_COUNTRY,
          tax,
          documents: schedule.documents.map((document) => applyTax(document, tax)),
          ...(schedule.withoutDeal
            ? { withoutDeal: schedule.withoutDeal.map((document) => applyTax(document, tax)) }
            : {}),
          skipped: schedule.skipped,
        },
      };
    });
  }
}
