import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { BillingError, CalendarDate } from '@o2c/billing';
import { type EntityManager } from 'typeorm';
import { billabilityProblems } from '../../domain/billability';
import { type AcceptedChange, previewSchedule, type SchedulePreview } from '../../domain/billing-preview';
import { closedEventOf, type ContractLine, resolveLine } from '../../domain/contract-lines';
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
  /** What billing makes of the deal, when it passes every check. */
  readonly schedule?: SchedulePreview;
}

/** The contract id a new deal stands under until it is accepted. */
const NEW_CONTRACT = 'preview';

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
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(manager: EntityManager, deal: ClosedDeal): Promise<DealCheck> {
    const skus = [...new Set(deal.lines.flatMap((line) => (line.sku === undefined ? [] : [line.sku])))];
    const catalog = await this.catalog.current(manager, skus);
    const contract =
      deal.kind === 'new' || deal.amends === undefined
        ? undefined
        : await this.deals.contractOf(manager, deal.amends);
    const problems = billabilityProblems(deal, { catalog, taxRates: this.taxRates.table, contract });
    // A signed deal is final: a later revision of an accepted deal would bill it a second time. It goes to
    // operations instead; the change itself reaches billing as an amendment, renewal or cancellation.
    const signed = await this.deals.acceptedOtherRevision(manager, deal.id, deal.revision);
    if (signed) {
      problems.push({
        path: 'revision',
        message: `revision ${signed.revision} of deal ${deal.id} was accepted already (contract ${signed.contractId ?? '?'}); change a signed deal with a deal that amends it`,
      });
    }
    const lines = deal.lines.map((line) => resolveLine(line, catalog, contract?.lines));
    const checked = { problems, ...(contract ? { contract } : {}), lines };
    if (problems.length > 0 || (deal.kind !== 'new' && !contract)) return checked;
    // Last, the billing engine itself on the contract rebuilt from its accepted deals: what the checks above
    // do not see (amendments out of effective-date order, a renewal that does not start where the term
    // ends, a line listed twice) is refused here rather than by the subscriptions service after acceptance.
    const input = closedEventOf(deal, contract?.contractId ?? NEW_CONTRACT, lines as ContractLine[]);
    const accepted: AcceptedChange[] = (contract?.accepted ?? []).map((a) => ({ deal: a.event }));
    try {
      return {
        ...checked,
        schedule: previewSchedule(accepted, input, CalendarDate.ofInstant(this.clock.now())),
      };
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      const path = deal.kind === 'new' ? 'lines' : 'amends';
      return { ...checked, problems: [{ path, message: `billing cannot apply the deal: ${error.message}` }] };
    }
  }
}
