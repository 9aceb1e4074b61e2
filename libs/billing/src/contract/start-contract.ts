import { Fraction } from '@o2c/money';
import type { CalendarDate } from '../calendar/calendar-date';
import { termOf } from '../calendar/period';
import { requireCoverage } from '../ramps/segments';
import type { PricePeriod } from '../schedule/billing-periods';
import type {
  ChargeSegment,
  ContractCharge,
  ContractTerm,
  ContractVersion,
  InvoicingFrequency,
} from './contract';
import { invalid, requirePercent, requirePrice, requireQuantity } from './validation';

/** A deal's terms as the CRM sends them; absent renewal settings default as billing rules §7 says. */
export interface TermSpec {
  startDate: CalendarDate;
  termMonths: number;
  billingFrequency: InvoicingFrequency;
  paymentTermsDays: number;
  /** Absent means no automatic renewal. */
  autoRenew?: boolean;
  renewalTermMonths?: number;
  renewalUpliftPercent?: Fraction;
}

export interface SegmentSpec {
  startDate: CalendarDate;
  endDate: CalendarDate;
  quantity: number;
  unitPrice: Fraction;
}

/** A full deal line: a new contract's, a renewal's, or a line an amendment adds. */
export interface LineSpec {
  id: string;
  sku: string;
  chargeType: 'recurring' | 'one_time';
  /** Resolved from the line or the catalog; ignored for one-time lines. */
  pricePeriod: PricePeriod;
  discountPercent?: Fraction;
  /** With `unitPrice`, unless the line is ramped. */
  quantity?: number;
  unitPrice?: Fraction;
  /** A ramp: contiguous segments covering the line's service period (billing rules §4). */
  segments?: SegmentSpec[];
}

export interface NewContractSpec {
  dealId: string;
  currency: string;
  terms: TermSpec;
  lines: LineSpec[];
}

/** Every default of a deal's terms resolved (billing rules §1, §7). */
export function resolveTerm(spec: TermSpec): ContractTerm {
  const period = termOf(spec.startDate, spec.termMonths);
  return {
    ...period,
    termMonths: spec.termMonths,
    billingFrequency: spec.billingFrequency,
    paymentTermsDays: spec.paymentTermsDays,
    autoRenew: spec.autoRenew ?? false,
    renewalTermMonths: spec.renewalTermMonths ?? spec.termMonths,
    renewalUpliftPercent: spec.renewalUpliftPercent ?? Fraction.ZERO,
  };
}

/** The charge a full line makes over `[from, to)`: a ramp's segments, or one segment. */
export function chargeOf(line: LineSpec, from: CalendarDate, to: CalendarDate): ContractCharge {
  const where = `Line ${line.id}`;
  const discountPercent = line.discountPercent ?? Fraction.ZERO;
  requirePercent(discountPercent, where);
  if (line.chargeType === 'one_time') {
    if (line.segments !== undefined) invalid(`${where}: a one-time line has no segments`);
    if (line.quantity === undefined || line.unitPrice === undefined) {
      invalid(`${where}: a one-time line needs a quantity and a unit price`);
    }
    requireQuantity(line.quantity, where);
    requirePrice(line.unitPrice, where);
    return {
      chargeType: 'one_time',
      id: line.id,
      sku: line.sku,
      billedOn: from,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discountPercent,
    };
  }
  let segments: ChargeSegment[];
  if (line.segments !== undefined) {
    if (line.quantity !== undefined || line.unitPrice !== undefined) {
      invalid(`${where}: a ramped line carries quantity and unit price in its segments only`);
    }
    segments = line.segments.map((segment) => ({
      start: segment.startDate,
      end: segment.endDate,
      quantity: segment.quantity,
      unitPrice: segment.unitPrice,
      discountPercent,
    }));
    requireCoverage(segments, from, to, where);
  } else {
    if (line.quantity === undefined || line.unitPrice === undefined) {
      invalid(`${where}: a recurring line needs a quantity and a unit price, or segments`);
    }
    segments = [
      { start: from, end: to, quantity: line.quantity, unitPrice: line.unitPrice, discountPercent },
    ];
  }
  for (const segment of segments) {
    requireQuantity(segment.quantity, where);
    requirePrice(segment.unitPrice, where);
  }
  return { chargeType: 'recurring', id: line.id, sku: line.sku, pricePeriod: line.pricePeriod, segments };
}

export function chargesOf(lines: LineSpec[], term: ContractTerm): ContractCharge[] {
  if (lines.length === 0) invalid('A contract needs at least one line');
  const ids = new Set<string>();
  return lines.map((line) => {
    if (ids.has(line.id)) invalid(`Line id ${line.id} appears twice`);
    ids.add(line.id);
    return chargeOf(line, term.start, term.end);
  });
}

/** Version 1 of a contract, from a new deal. */
export function startContract(spec: NewContractSpec): ContractVersion {
  const term = resolveTerm(spec.terms);
  return {
    version: 1,
    change: { kind: 'new', id: spec.dealId, effectiveDate: term.start },
    currency: spec.currency,
    status: 'active',
    term,
    charges: chargesOf(spec.lines, term),
  };
}
