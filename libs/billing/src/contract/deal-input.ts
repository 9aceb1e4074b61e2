import { Fraction, minorToFraction, parseMoney } from '@o2c/money';
import { amendContract, type LineChangeSpec } from '../amendments/amend-contract';
import { BillingError, BillingErrorCode } from '../billing.errors';
import { CalendarDate } from '../calendar/calendar-date';
import { cancelContract } from '../cancellations/cancel-contract';
import { renewByDeal } from '../renewals/renewals';
import type { PricePeriod } from '../schedule/billing-periods';
import type { ContractVersion, InvoicingFrequency } from './contract';
import { type LineSpec, startContract, type TermSpec } from './start-contract';

/**
 * A closed deal in the canonical form (deal-webhook.md, `o2c.deal.closed.v1`), structurally: strings
 * as they travel. `DealClosedV1` of `@o2c/contracts` fits it.
 */
export interface DealInput {
  dealId: string;
  kind: 'new' | 'amendment' | 'renewal' | 'cancellation';
  /** RFC 3339; places an end-of-term cancellation in the history (`contractHistory`). */
  closedAt?: string;
  currency: string;
  terms?: {
    startDate: string;
    termMonths: number;
    billingFrequency: InvoicingFrequency;
    paymentTermsDays: number;
    autoRenew?: boolean;
    renewalTermMonths?: number;
    renewalUpliftPercent?: string;
  };
  effectiveDate?: string;
  cancellation?: { effective: 'immediate' | 'end_of_term'; date?: string };
  lines: DealLineInput[];
}

export interface DealLineInput {
  id: string;
  /** Absent on an amendment line that changes an existing line. */
  sku?: string;
  quantity?: number;
  unitPrice?: string;
  pricePeriod?: PricePeriod;
  discountPercent?: string;
  segments?: { startDate: string; endDate: string; quantity: number; unitPrice: string }[];
  /** What the catalog says of `sku`; needed for every full line. */
  catalog?: { chargeType: 'recurring' | 'one_time'; defaultPricePeriod?: PricePeriod };
}

function price(value: string, currency: string): Fraction {
  return minorToFraction(parseMoney(value, currency), currency);
}

function termSpec(terms: NonNullable<DealInput['terms']>): TermSpec {
  return {
    startDate: CalendarDate.parse(terms.startDate),
    termMonths: terms.termMonths,
    billingFrequency: terms.billingFrequency,
    paymentTermsDays: terms.paymentTermsDays,
    ...(terms.autoRenew === undefined ? {} : { autoRenew: terms.autoRenew }),
    ...(terms.renewalTermMonths === undefined ? {} : { renewalTermMonths: terms.renewalTermMonths }),
    ...(terms.renewalUpliftPercent === undefined
      ? {}
      : { renewalUpliftPercent: Fraction.parseDecimal(terms.renewalUpliftPercent) }),
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new BillingError(BillingErrorCode.InvalidChange, what);
  return value;
}

function fullLine(line: DealLineInput, currency: string, dealId: string): LineSpec {
  const sku = required(line.sku, `Deal ${dealId}, line ${line.id}: not a line of the contract, and no sku`);
  const catalog = required(line.catalog, `Deal ${dealId}, line ${line.id}: no catalog entry for ${sku}`);
  return {
    id: line.id,
    sku,
    chargeType: catalog.chargeType,
    pricePeriod: line.pricePeriod ?? catalog.defaultPricePeriod ?? 'month',
    ...(line.discountPercent === undefined
      ? {}
      : { discountPercent: Fraction.parseDecimal(line.discountPercent) }),
    ...(line.quantity === undefined ? {} : { quantity: line.quantity }),
    ...(line.unitPrice === undefined ? {} : { unitPrice: price(line.unitPrice, currency) }),
    ...(line.segments === undefined
      ? {}
      : {
          segments: line.segments.map((segment) => ({
            startDate: CalendarDate.parse(segment.startDate),
            endDate: CalendarDate.parse(segment.endDate),
            quantity: segment.quantity,
            unitPrice: price(segment.unitPrice, currency),
          })),
        }),
  };
}

function lineChange(line: DealLineInput, currency: string): LineChangeSpec {
  return {
    id: line.id,
    ...(line.quantity === undefined ? {} : { quantity: line.quantity }),
    ...(line.unitPrice === undefined ? {} : { unitPrice: price(line.unitPrice, currency) }),
    ...(line.discountPercent === undefined
      ? {}
      : { discountPercent: Fraction.parseDecimal(line.discountPercent) }),
  };
}

/**
 * The contract version a deal makes: version 1 from a `new` deal, else the next version of `current`.
 * Throws a `BillingError` naming the rule when the deal cannot apply.
 */
export function applyDeal(current: ContractVersion | undefined, deal: DealInput): ContractVersion {
  const { dealId, currency } = deal;
  if (deal.kind === 'new') {
    if (current !== undefined) {
      throw new BillingError(
        BillingErrorCode.InvalidChange,
        `Deal ${dealId}: a new deal cannot change a contract`,
      );
    }
    return startContract({
      dealId,
      currency,
      terms: termSpec(required(deal.terms, `Deal ${dealId}: a new deal needs terms`)),
      lines: deal.lines.map((line) => fullLine(line, currency, dealId)),
    });
  }
  const contract = required(current, `Deal ${dealId}: the ${deal.kind} names no existing contract`);
  if (currency !== contract.currency) {
    throw new BillingError(
      BillingErrorCode.InvalidChange,
      `Deal ${dealId}: currency ${currency} differs from the contract's ${contract.currency}`,
    );
  }
  switch (deal.kind) {
    case 'amendment': {
      const known = new Set(contract.charges.map((charge) => charge.id));
      return amendContract(contract, {
        dealId,
        effectiveDate: CalendarDate.parse(required(deal.effectiveDate, `Deal ${dealId}: no effectiveDate`)),
        lines: deal.lines.map((line) =>
          known.has(line.id) ? lineChange(line, currency) : fullLine(line, currency, dealId),
        ),
      });
    }
    case 'renewal':
      return renewByDeal(contract, {
        dealId,
        terms: termSpec(required(deal.terms, `Deal ${dealId}: a renewal needs terms`)),
        lines: deal.lines.map((line) => fullLine(line, currency, dealId)),
      });
    case 'cancellation': {
      const cancellation = required(deal.cancellation, `Deal ${dealId}: no cancellation`);
      return cancelContract(
        contract,
        cancellation.effective === 'immediate'
          ? {
              dealId,
              effective: 'immediate',
              date: CalendarDate.parse(required(cancellation.date, `Deal ${dealId}: no cancellation date`)),
            }
          : { dealId, effective: 'end_of_term' },
      );
    }
  }
}
