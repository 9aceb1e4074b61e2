import { formatMinor, formatPrice, Fraction, roundHalfAwayFromZero } from '@o2c/money';
import {
  billingPeriods,
  monthsOf,
  pricePeriodsOf,
  type Period,
  type PricePeriod,
  type ScheduledPeriod,
} from './billing-periods';
import { addDays, type CalendarDate, daysBetween } from './calendar-date';
import type { ChargeSegment, ContractChange, ContractVersion, RecurringCharge } from './contract';

const HUNDRED = Fraction.fromInteger(100n);

export type DocumentKind = 'invoice' | 'credit_note';

/** Which rule of billing-rules.md made a line. */
export type LineRule =
  /** §2–§4: a period billed in advance, a piece per ramp segment and per later change of the line. */
  | 'regular'
  /** §2: a one-time charge, in full. */
  | 'one_time'
  /** §5: a line added by an amendment, from `E` to the end of the billing period. */
  | 'new_charge'
  /** §5: quantity up by Δ. */
  | 'quantity_increase'
  /** §5: quantity down by Δ (to 0 removes the line). */
  | 'quantity_decrease'
  /** §5: a price change credits the old price… */
  | 'price_change_credit'
  /** …and charges the new one. */
  | 'price_change_charge'
  /** §6: an immediate cancellation credits the billed rest of the period. */
  | 'cancellation_credit';

/** Everything finance needs to redo a line by hand (issue: "every computed line explains itself"). */
export interface LineExplanation {
  rule: LineRule;
  quantity: number;
  /** Major units before discount, exact. */
  unitPrice: Fraction;
  discountPercent: Fraction;
  /** `unitPrice × (1 − discountPercent/100)`, exact. */
  netUnitPrice: Fraction;
  /** Recurring lines only: the piece billed, its nominal period and their calendar days. */
  proration?: {
    pricePeriod: PricePeriod;
    /** Months of the nominal period: the billing frequency's, or the price period's when upfront. */
    periodMonths: number;
    nominalPeriod: Period;
    days: number;
    nominalDays: number;
  };
  /** The amount before its one rounding, exact (major units). */
  exactAmount: Fraction;
  /** The computation in one line: `15 × 420 × 12/12 × 195/366 = 3356.557377… → 3356.56`. */
  formula: string;
}

export interface ScheduledLine {
  chargeId: string;
  sku: string;
  chargeType: 'recurring' | 'one_time';
  /** `[start, end)`; a one-time charge's is the day it is billed (`start = end`). */
  servicePeriod: Period;
  /** Positive: what an invoice charges or a credit note credits, rounded once (billing rules §3). */
  amountMinor: bigint;
  /** Recurring lines: the charge segment `[effectiveFrom, effectiveTo)` of the contract version the line bills. */
  segment?: Period;
  explanation: LineExplanation;
}

/**
 * A document the contract's history calls for. `key` identifies it within the contract for ever:
 * `regular:<date>` for a period's invoice, `change:<deal id>:<kind>` for a change's own documents.
 */
export interface ScheduledDocument {
  key: string;
  kind: DocumentKind;
  date: CalendarDate;
  dueDate: CalendarDate;
  currency: string;
  /** The contract version the document bills. */
  contractVersion: number;
  change: ContractChange;
  /** Credit notes: the key of the regular invoice of the period they credit. */
  creditsDocumentKey?: string;
  lines: ScheduledLine[];
}

/** What a piece bills: a segment's quantity, price and discount, or a difference of two, and the segment it is in. */
type PieceAmount = ChargeSegment;

/** A piece `[start, end)` of a charge inside one nominal period. */
interface Piece extends Period {
  nominal: Period;
  periodMonths: number;
}

function netUnitPrice(unitPrice: Fraction, discountPercent: Fraction): Fraction {
  return unitPrice.mul(HUNDRED.sub(discountPercent)).div(HUNDRED);
}

function decimal(value: Fraction): string {
  return value.toDecimalString(6);
}

function priceMonths(pricePeriod: PricePeriod): number {
  return pricePeriod === 'year' ? 12 : 1;
}

/** §3: `net × quantity × periodMonths/priceMonths × days/nominalDays`, exact, then rounded once. */
function recurringLine(
  charge: RecurringCharge,
  piece: Piece,
  amount: PieceAmount,
  rule: LineRule,
  currency: string,
): ScheduledLine {
  const net = netUnitPrice(amount.unitPrice, amount.discountPercent);
  const days = daysBetween(piece.start, piece.end);
  const nominalDays = daysBetween(piece.nominal.start, piece.nominal.end);
  const months = priceMonths(charge.pricePeriod);
  const exactAmount = net
    .mul(Fraction.fromInteger(BigInt(amount.quantity)))
    .mul(Fraction.of(BigInt(piece.periodMonths), BigInt(months)))
    .mul(Fraction.of(BigInt(days), BigInt(nominalDays)));
  const amountMinor = roundHalfAwayFromZero(exactAmount, currency);
  const discount = amount.discountPercent.isZero() ? '' : ` × (1 − ${decimal(amount.discountPercent)} %)`;
  return {
    chargeId: charge.id,
    sku: charge.sku,
    chargeType: 'recurring',
    servicePeriod: { start: piece.start, end: piece.end },
    amountMinor,
    segment: { start: amount.start, end: amount.end },
    explanation: {
      rule,
      quantity: amount.quantity,
      unitPrice: amount.unitPrice,
      discountPercent: amount.discountPercent,
      netUnitPrice: net,
      proration: {
        pricePeriod: charge.pricePeriod,
        periodMonths: piece.periodMonths,
        nominalPeriod: piece.nominal,
        days,
        nominalDays,
      },
      exactAmount,
      formula:
        `${amount.quantity} × ${formatPrice(amount.unitPrice, currency, 6)}${discount} × ${piece.periodMonths}/${months} months` +
        ` × ${days}/${nominalDays} days = ${decimal(exactAmount)} → ${formatMinor(amountMinor, currency)}`,
    },
  };
}

/** Every version of one term, in order, with what the schedule of that term needs. */
class TermHistory {
  readonly final: ContractVersion;
  private readonly upfront: boolean;

  constructor(readonly versions: ContractVersion[]) {
    this.final = versions.at(-1)!;
    this.upfront = this.final.term.billingFrequency === 'upfront';
  }

  get term() {
    return this.final.term;
  }

  /** The periods with a regular invoice each: the billing periods, or the whole term when upfront. */
  regularPeriods(): ScheduledPeriod[] {
    const { term } = this;
    if (term.billingFrequency === 'upfront') {
      const whole = { start: term.start, end: term.end };
      const days = daysBetween(term.start, term.end);
      return [{ index: 0, ...whole, nominal: whole, days, nominalDays: days }];
    }
    return billingPeriods(term.start, term.termMonths, term.billingFrequency);
  }

  /** The version the regular invoice of a period starting on `date` bills (§5): the latest effective by then. */
  versionOn(date: CalendarDate): ContractVersion {
    let chosen = this.versions[0]!;
    for (const version of this.versions) {
      if (!version.change.effectiveDate.isAfter(date)) chosen = version;
    }
    return chosen;
  }

  /**
   * `[from, to)` of a charge cut into pieces at the segment boundaries of the versions billed (§4: only
   * segment boundaries split a line; the versions billed over `[from, to)` were all made by changes
   * effective on or before `from`, so the only boundaries inside are the ramp's), and, when upfront, into
   * the price periods anchored on the term's start; each piece knows its nominal period.
   */
  pieces(
    charge: RecurringCharge,
    from: CalendarDate,
    to: CalendarDate,
    billing: ScheduledPeriod,
    billed: readonly ContractVersion[],
  ): Piece[] {
    const cuts = new Map<number, CalendarDate>();
    for (const version of billed) {
      // An immediate cancellation ends the service; it cuts no line into pieces.
      if (version.status === 'cancelled') continue;
      const same = version.charges.find((candidate) => candidate.id === charge.id);
      if (same?.chargeType !== 'recurring') continue;
      for (const segment of same.segments) {
        for (const date of [segment.start, segment.end]) {
          if (date.isAfter(from) && date.isBefore(to)) cuts.set(date.epochDay, date);
        }
      }
    }
    const windows: Piece[] = this.upfront
      ? pricePeriodsOf(from, to, charge.pricePeriod, this.term.start).map((period) => ({
          start: period.start,
          end: period.end,
          nominal: period.nominal,
          periodMonths: priceMonths(charge.pricePeriod),
        }))
      : [{ start: from, end: to, nominal: billing.nominal, periodMonths: this.billingMonths() }];
    return windows.flatMap((window) => {
      const inside = [...cuts.values()]
        .filter((date) => date.isAfter(window.start) && date.isBefore(window.end))
        .sort((a, b) => a.compare(b));
      const bounds = [window.start, ...inside, window.end];
      return bounds.slice(1).map((end, index) => ({ ...window, start: bounds[index]!, end }));
    });
  }

  private billingMonths(): number {
    const frequency = this.term.billingFrequency;
    return frequency === 'upfront' ? 0 : monthsOf(frequency);
  }
}

function segmentAt(
  version: ContractVersion,
  chargeId: string,
  date: CalendarDate,
): ChargeSegment | undefined {
  const charge = version.charges.find((candidate) => candidate.id === chargeId);
  if (charge?.chargeType !== 'recurring') return undefined;
  return charge.segments.find((segment) => !date.isBefore(segment.start) && date.isBefore(segment.end));
}

function groupByTerm(history: ContractVersion[]): TermHistory[] {
  const groups: ContractVersion[][] = [];
  for (const version of history) {
    const current = groups.at(-1);
    if (current !== undefined && current[0]!.term.start.equals(version.term.start)) current.push(version);
    else groups.push([version]);
  }
  return groups.map((versions) => new TermHistory(versions));
}

function oneTimeLine(
  charge: Extract<ContractVersion['charges'][number], { chargeType: 'one_time' }>,
  currency: string,
): ScheduledLine {
  const net = netUnitPrice(charge.unitPrice, charge.discountPercent);
  const exactAmount = net.mul(Fraction.fromInteger(BigInt(charge.quantity)));
  const amountMinor = roundHalfAwayFromZero(exactAmount, currency);
  const discount = charge.discountPercent.isZero() ? '' : ` × (1 − ${decimal(charge.discountPercent)} %)`;
  return {
    chargeId: charge.id,
    sku: charge.sku,
    chargeType: 'one_time',
    servicePeriod: { start: charge.billedOn, end: charge.billedOn },
    amountMinor,
    explanation: {
      rule: 'one_time',
      quantity: charge.quantity,
      unitPrice: charge.unitPrice,
      discountPercent: charge.discountPercent,
      netUnitPrice: net,
      exactAmount,
      formula: `${charge.quantity} × ${formatPrice(charge.unitPrice, currency, 6)}${discount} = ${decimal(exactAmount)} → ${formatMinor(amountMinor, currency)}`,
    },
  };
}

function document(
  kind: DocumentKind,
  key: string,
  date: CalendarDate,
  version: ContractVersion,
  lines: ScheduledLine[],
  creditsDocumentKey?: string,
): ScheduledDocument {
  return {
    key,
    kind,
    date,
    dueDate: addDays(date, version.term.paymentTermsDays),
    currency: version.currency,
    contractVersion: version.version,
    change: version.change,
    ...(creditsDocumentKey === undefined ? {} : { creditsDocumentKey }),
    lines,
  };
}

function regularKey(date: CalendarDate): string {
  return `regular:${date.toString()}`;
}

/** §2–§4: one invoice per period start, billing the version in effect on that day. */
function regularDocuments(history: TermHistory): ScheduledDocument[] {
  return history.regularPeriods().flatMap((period) => {
    const version = history.versionOn(period.start);
    const lines = version.charges.flatMap((charge): ScheduledLine[] => {
      if (charge.chargeType === 'one_time') {
        return charge.billedOn.equals(period.start) ? [oneTimeLine(charge, version.currency)] : [];
      }
      return history.pieces(charge, period.start, period.end, period, [version]).flatMap((piece) => {
        const segment = segmentAt(version, charge.id, piece.start);
        if (segment === undefined || segment.quantity === 0) return [];
        return [recurringLine(charge, piece, segment, 'regular', version.currency)];
      });
    });
    if (lines.length === 0) return [];
    return [document('invoice', regularKey(period.start), period.start, version, lines)];
  });
}

function samePrice(a: ChargeSegment, b: ChargeSegment): boolean {
  return a.unitPrice.equals(b.unitPrice) && a.discountPercent.equals(b.discountPercent);
}

/**
 * §5 and §6: a change effective on `E` after its period's first day is billed by documents of its own,
 * dated `E`, for `[E, end of the period)` (the rest of the term when upfront): the difference between
 * the contract after and before the change, as invoice lines and credit-note lines.
 */
function changeDocuments(history: TermHistory, index: number): ScheduledDocument[] {
  const after = history.versions[index]!;
  const before = history.versions[index - 1]!;
  const effective = after.change.effectiveDate;
  if (after.status === 'non_renewing' && after.change.kind === 'cancellation') return [];
  const period = history
    .regularPeriods()
    .find((candidate) => !effective.isBefore(candidate.start) && effective.isBefore(candidate.end));
  if (period === undefined || period.start.equals(effective)) return [];
  const currency = after.currency;
  const invoiceLines: ScheduledLine[] = [];
  const creditLines: ScheduledLine[] = [];
  const ids = [...new Set([...before.charges, ...after.charges].map((charge) => charge.id))];
  const cancelling = after.status === 'cancelled';
  for (const id of ids) {
    const charge = after.charges.find((c) => c.id === id) ?? before.charges.find((c) => c.id === id)!;
    if (charge.chargeType === 'one_time') {
      const isNew = !before.charges.some((c) => c.id === id);
      if (isNew && charge.billedOn.equals(effective)) invoiceLines.push(oneTimeLine(charge, currency));
      continue;
    }
    const isNewCharge = !before.charges.some((c) => c.id === id);
    for (const piece of history.pieces(charge, effective, period.end, period, [before, after])) {
      const old = segmentAt(before, id, piece.start);
      const now = segmentAt(after, id, piece.start);
      if (old === undefined && now === undefined) continue;
      const was = old ?? { ...now!, quantity: 0 };
      const is = now ?? { ...old!, quantity: 0 };
      if (samePrice(was, is)) {
        const delta = is.quantity - was.quantity;
        if (delta > 0) {
          const rule = isNewCharge ? 'new_charge' : 'quantity_increase';
          invoiceLines.push(recurringLine(charge, piece, { ...is, quantity: delta }, rule, currency));
        } else if (delta < 0) {
          const rule = cancelling ? 'cancellation_credit' : 'quantity_decrease';
          creditLines.push(recurringLine(charge, piece, { ...was, quantity: -delta }, rule, currency));
        }
        continue;
      }
      if (was.quantity > 0) {
        creditLines.push(recurringLine(charge, piece, was, 'price_change_credit', currency));
      }
      if (is.quantity > 0) {
        invoiceLines.push(recurringLine(charge, piece, is, 'price_change_charge', currency));
      }
    }
  }
  const documents: ScheduledDocument[] = [];
  const key = `change:${after.change.id}`;
  if (creditLines.length > 0) {
    documents.push(
      document('credit_note', `${key}:credit_note`, effective, after, creditLines, regularKey(period.start)),
    );
  }
  if (invoiceLines.length > 0) {
    documents.push(document('invoice', `${key}:invoice`, effective, after, invoiceLines));
  }
  return documents;
}

/**
 * Every invoice and credit note a contract's history calls for (billing rules §2–§7), in date order.
 * `history` is the contract's versions in the order they were made, from version 1; it holds exactly
 * the terms to bill (add automatic renewals with `withAutomaticRenewals`). Pure: the same history
 * always gives the same documents, whenever its changes arrived.
 */
export function scheduleDocuments(history: ContractVersion[]): ScheduledDocument[] {
  const documents = groupByTerm(history).flatMap((term) => [
    ...regularDocuments(term),
    ...term.versions.flatMap((_, index) => (index === 0 ? [] : changeDocuments(term, index))),
  ]);
  return documents
    .map((doc, position) => ({ doc, position }))
    .sort((a, b) => a.doc.date.compare(b.doc.date) || a.position - b.position)
    .map(({ doc }) => doc);
}
