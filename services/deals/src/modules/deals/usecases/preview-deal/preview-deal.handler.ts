import { Inject, Injectable } from '@nestjs/common';
import { applyTax, BillingError, CalendarDate, taxTreatment } from '@o2c/billing';
import { CLOCK, type Clock } from '@o2c/contracts';
import { SERVICE_ENV } from '@o2c/platform';
import { type DealsEnv } from '../../../../config/env.schema';
import { type AcceptedChange, previewSchedule, type SchedulePreview } from '../../domain/billing-preview';
import { closedEventOf, type ContractLine } from '../../domain/contract-lines';
import { DealRepository } from '../../infra/deal.repository';
import { TaxRatesRepository } from '../../infra/tax-rates.repository';
import { CheckDealHandler } from '../check-deal/check-deal.handler';
import { type PreviewDealCommand, type PreviewDealResult } from './preview-deal.command';

/** The contract id a new deal stands under in its preview: it gets its own only when accepted. */
const NEW_CONTRACT = 'preview';

const dateOf = (at: Date): CalendarDate => CalendarDate.parse(at.toISOString().slice(0, 10));

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
      const { problems, contract, lines } = await this.checkDeal.execute(manager, deal);
      if (problems.length > 0) return { ok: false, problems };
      if (deal.kind !== 'new' && !contract) {
        const message = `deal ${deal.amends} is not accepted yet: there is no contract to preview the change against`;
        return { ok: false, problems: [{ path: 'amends', message }] };
      }
      // No problems: every line's SKU and catalog entry is known.
      const input = closedEventOf(deal, contract?.contractId ?? NEW_CONTRACT, lines as ContractLine[]);
      const accepted: AcceptedChange[] = (contract?.accepted ?? []).map((a) => ({
        deal: a.event,
        acceptedOn: dateOf(a.acceptedAt),
      }));
      let schedule: SchedulePreview;
      try {
        schedule = previewSchedule(accepted, input, dateOf(this.clock.now()));
      } catch (error) {
        if (!(error instanceof BillingError)) throw error;
        // What the checks above do not see yet (amendments out of effective-date order, a renewal that does
        // not start where the term ends, a line listed twice): the subscriptions service would refuse it.
        const path = deal.kind === 'new' ? 'lines' : 'amends';
        return {
          ok: false,
          problems: [{ path, message: `billing cannot apply the deal: ${error.message}` }],
        };
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
