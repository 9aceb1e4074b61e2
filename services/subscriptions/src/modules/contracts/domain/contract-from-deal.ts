import { addMonths, CalendarDate } from '@o2c/billing';
import { type ContractChargeV1, type DealClosedV1, type SubscriptionActivatedV1 } from '@o2c/contracts';
import { NonRetryableError } from '@o2c/messaging';

/**
 * The first version of the contract a new deal creates: its term, and one charge per deal line
 * with effective-dated segments (the line's own for a ramp, else one for the whole term).
 * `chargeIds` gives each line's charge id (kept stable across later versions).
 */
export function contractFromNewDeal(
  deal: DealClosedV1,
  chargeIds: (lineId: string) => string,
): SubscriptionActivatedV1 {
  if (deal.kind !== 'new' || !deal.terms)
    throw new NonRetryableError(`a ${deal.kind} deal does not create a contract`);
  const start = CalendarDate.parse(deal.terms.startDate);
  const end = addMonths(start, deal.terms.termMonths).toString();
  const charges = deal.lines.map((line, i): ContractChargeV1 => {
    const recurring = line.catalog.chargeType === 'recurring';
    const segments =
      line.segments?.map((s) => ({
        effectiveFrom: s.startDate,
        effectiveTo: s.endDate,
        quantity: s.quantity,
        unitPrice: s.unitPrice,
      })) ??
      (line.quantity !== undefined && line.unitPrice !== undefined
        ? [
            {
              effectiveFrom: start.toString(),
              effectiveTo: end,
              quantity: line.quantity,
              unitPrice: line.unitPrice,
            },
          ]
        : undefined);
    if (!segments)
      throw new NonRetryableError(`lines.${i} of a new deal needs a quantity and a unitPrice, or segments`);
    const pricePeriod = line.pricePeriod ?? line.catalog.defaultPricePeriod;
    return {
      chargeId: chargeIds(line.id),
      dealLineId: line.id,
      sku: line.sku,
      chargeType: line.catalog.chargeType,
      ...(recurring && pricePeriod ? { pricePeriod } : {}),
      discountPercent: line.discountPercent ?? '0',
      catalog: line.catalog,
      segments,
    };
  });
  return {
    contractId: deal.contractId,
    accountId: deal.account.id,
    currency: deal.currency,
    version: 1,
    status: 'active',
    term: {
      startDate: start.toString(),
      endDate: end,
      termMonths: deal.terms.termMonths,
      billingFrequency: deal.terms.billingFrequency,
      paymentTermsDays: deal.terms.paymentTermsDays,
      autoRenew: deal.terms.autoRenew,
      renewalTermMonths: deal.terms.renewalTermMonths ?? deal.terms.termMonths,
      renewalUpliftPercent: deal.terms.renewalUpliftPercent ?? '0',
    },
    source: { kind: 'deal', dealId: deal.dealId, revision: deal.revision },
    charges,
  };
}
