import { Fraction } from '@o2c/money';
import type { PricePeriod } from './billing-periods';
import { termOf } from './billing-periods';
import { BillingError, BillingErrorCode } from './billing.errors';
import { type CalendarDate } from './calendar-date';
import type {
  ChargeSegment,
  ContractChange,
  ContractCharge,
  ContractTerm,
  ContractVersion,
  InvoicingFrequency,
  RecurringCharge,
} from './contract';

const HUNDRED = Fraction.fromInteger(100n);

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

/** What an amendment changes on an existing line (billing rules §5). */
export interface LineChangeSpec {
  id: string;
  quantity?: number;
  unitPrice?: Fraction;
  discountPercent?: Fraction;
}

export interface NewContractSpec {
  dealId: string;
  currency: string;
  terms: TermSpec;
  lines: LineSpec[];
}

export interface AmendmentSpec {
  dealId: string;
  effectiveDate: CalendarDate;
  /** Changes of existing lines (by id) and new lines (ids the contract does not have, with a `sku`). */
  lines: (LineChangeSpec | LineSpec)[];
}

export type CancellationSpec =
  | { dealId: string; effective: 'immediate'; date: CalendarDate }
  | { dealId: string; effective: 'end_of_term' };

export interface RenewalSpec {
  dealId: string;
  terms: TermSpec;
  lines: LineSpec[];
}

function invalid(message: string): never {
  throw new BillingError(BillingErrorCode.InvalidChange, message);
}

function resolveTerm(spec: TermSpec): ContractTerm {
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

function requireQuantity(quantity: number, where: string): void {
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    invalid(`${where}: quantity ${quantity} must be a whole number, 0 or more`);
  }
}

function requirePrice(price: Fraction, where: string): void {
  if (price.isNegative()) invalid(`${where}: unit price ${price.toDecimalString(6)} must not be negative`);
}

function requirePercent(percent: Fraction, where: string): void {
  if (percent.isNegative() || percent.compare(HUNDRED) > 0) {
    invalid(`${where}: discount ${percent.toDecimalString(6)} % must be between 0 and 100`);
  }
}

/** The charge a full line makes over `[from, to)`: a ramp's segments, or one segment. */
function chargeOf(line: LineSpec, from: CalendarDate, to: CalendarDate): ContractCharge {
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

/** Segments must be contiguous, non-empty and cover exactly `[from, to)` (billing rules §4). */
function requireCoverage(
  segments: ChargeSegment[],
  from: CalendarDate,
  to: CalendarDate,
  where: string,
): void {
  if (segments.length === 0) invalid(`${where}: a ramp needs at least one segment`);
  let expected = from;
  for (const [index, segment] of segments.entries()) {
    if (!segment.start.equals(expected)) {
      const what = index === 0 ? 'the service period starts' : `segment ${index - 1} ends`;
      const problem = segment.start.isBefore(expected) ? 'overlaps' : 'leaves a gap';
      invalid(
        `${where}: segment ${index} starts on ${segment.start.toString()} but ${what} on ${expected.toString()} (it ${problem})`,
      );
    }
    if (!segment.start.isBefore(segment.end)) {
      invalid(`${where}: segment ${index} [${segment.start.toString()}, ${segment.end.toString()}) is empty`);
    }
    expected = segment.end;
  }
  if (!expected.equals(to)) {
    invalid(`${where}: the segments end on ${expected.toString()}, the service period on ${to.toString()}`);
  }
}

function chargesOf(lines: LineSpec[], term: ContractTerm): ContractCharge[] {
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

/**
 * Billing rules §6: a change dated on or after an immediate cancellation bills nothing. It is part of the
 * history (a version that changes nothing); one dated before it belongs before it (`contractHistory`).
 */
function afterCancellation(current: ContractVersion, change: ContractChange, what: string): ContractVersion {
  const endsOn = current.endsOn!;
  if (change.effectiveDate.isBefore(endsOn)) {
    invalid(
      `${what}: effective ${change.effectiveDate.toString()}, before the cancellation on ${endsOn.toString()}; apply the contract's changes in effective-date order`,
    );
  }
  return { ...current, version: current.version + 1, change };
}

/**
 * Changes apply in effective-date order (`contractHistory` sorts them): one dated before the version it
 * applies to would undo part of it. An end-of-term cancellation takes effect at the term's end, so
 * changes inside the term still follow it.
 */
function requireInOrder(current: ContractVersion, date: CalendarDate, what: string): void {
  if (current.change.kind === 'cancellation') return;
  if (date.isBefore(current.change.effectiveDate)) {
    invalid(
      `${what}: effective ${date.toString()}, before the change in effect on ${current.change.effectiveDate.toString()}; apply the contract's changes in effective-date order`,
    );
  }
}

function requireInsideTerm(current: ContractVersion, date: CalendarDate, what: string): void {
  const { start, end } = current.term;
  if (date.isBefore(start) || !date.isBefore(end)) {
    invalid(
      `${what}: ${date.toString()} is outside the current term [${start.toString()}, ${end.toString()})`,
    );
  }
}

/** Splits a charge's segments at `date` so that one starts on it (when `date` is inside one). */
function cutAt(segments: ChargeSegment[], date: CalendarDate): ChargeSegment[] {
  return segments.flatMap((segment) =>
    segment.start.isBefore(date) && date.isBefore(segment.end)
      ? [
          { ...segment, end: date },
          { ...segment, start: date },
        ]
      : [segment],
  );
}

function isFullLine(line: LineChangeSpec | LineSpec): line is LineSpec {
  return 'sku' in line && typeof line.sku === 'string';
}

/**
 * A co-termed amendment effective on `E` (billing rules §5): from `E` to the term's end the new
 * quantity, price or discount replaces the old one on every later segment; new lines start on `E`.
 * Amendments of one contract must come in effective-date order.
 */
export function amendContract(current: ContractVersion, spec: AmendmentSpec): ContractVersion {
  const what = `Amendment ${spec.dealId}`;
  const effective = spec.effectiveDate;
  const change = { kind: 'amendment', id: spec.dealId, effectiveDate: effective } as const;
  if (current.status === 'cancelled') return afterCancellation(current, change, what);
  requireInsideTerm(current, effective, what);
  requireInOrder(current, effective, what);
  if (spec.lines.length === 0) invalid(`${what}: it changes no line`);
  const charges = [...current.charges];
  const seen = new Set<string>();
  for (const line of spec.lines) {
    const where = `${what}, line ${line.id}`;
    if (seen.has(line.id)) invalid(`${where}: the line appears twice`);
    seen.add(line.id);
    const index = charges.findIndex((charge) => charge.id === line.id);
    if (index < 0) {
      if (!isFullLine(line))
        invalid(`${where}: the contract has no such line and the amendment names no sku`);
      if (line.unitPrice === undefined && line.segments === undefined) {
        invalid(
          `${where}: the contract has no such line on ${effective.toString()} and the amendment gives it no unit price, so it cannot add it`,
        );
      }
      charges.push(chargeOf(line, effective, current.term.end));
      continue;
    }
    const charge = charges[index]!;
    if (charge.chargeType === 'one_time') {
      invalid(`${where}: a one-time charge is billed once in full and cannot be changed`);
    }
    if (isFullLine(line) && line.segments !== undefined) {
      invalid(`${where}: an amendment changes an existing line's quantity or price, not its segments`);
    }
    if (line.quantity === undefined && line.unitPrice === undefined && line.discountPercent === undefined) {
      invalid(`${where}: nothing to change (no quantity, unit price or discount)`);
    }
    if (line.quantity !== undefined) requireQuantity(line.quantity, where);
    if (line.unitPrice !== undefined) requirePrice(line.unitPrice, where);
    if (line.discountPercent !== undefined) requirePercent(line.discountPercent, where);
    charges[index] = {
      ...charge,
      segments: cutAt(charge.segments, effective).map((segment) =>
        segment.start.isBefore(effective)
          ? segment
          : {
              ...segment,
              quantity: line.quantity ?? segment.quantity,
              unitPrice: line.unitPrice ?? segment.unitPrice,
              discountPercent: line.discountPercent ?? segment.discountPercent,
            },
      ),
    };
  }
  return {
    ...current,
    version: current.version + 1,
    change: { kind: 'amendment', id: spec.dealId, effectiveDate: effective },
    charges,
  };
}

/**
 * Billing rules §6. `immediate` on `E`: service ends on `E` (recurring segments end there, nothing is
 * billed after); `end_of_term`: the contract runs to its term's end and does not renew.
 */
export function cancelContract(current: ContractVersion, spec: CancellationSpec): ContractVersion {
  const what = `Cancellation ${spec.dealId}`;
  const version = current.version + 1;
  if (current.status === 'cancelled') {
    const date = spec.effective === 'immediate' ? spec.date : current.endsOn!;
    return afterCancellation(current, { kind: 'cancellation', id: spec.dealId, effectiveDate: date }, what);
  }
  if (spec.effective === 'end_of_term') {
    return {
      ...current,
      version,
      change: { kind: 'cancellation', id: spec.dealId, effectiveDate: current.term.end },
      status: 'non_renewing',
      term: { ...current.term, autoRenew: false },
    };
  }
  const date = spec.date;
  requireInsideTerm(current, date, what);
  requireInOrder(current, date, what);
  return {
    ...current,
    version,
    change: { kind: 'cancellation', id: spec.dealId, effectiveDate: date },
    status: 'cancelled',
    endsOn: date,
    term: { ...current.term, autoRenew: false },
    charges: current.charges.map((charge): ContractCharge => {
      if (charge.chargeType === 'one_time') return charge;
      return {
        ...charge,
        segments: cutAt(charge.segments, date).filter((segment) => segment.start.isBefore(date)),
      };
    }),
  };
}

function uplifted(price: Fraction, upliftPercent: Fraction): Fraction {
  return price.mul(HUNDRED.add(upliftPercent)).div(HUNDRED);
}

/**
 * The automatic renewal at the end of `current`'s term (billing rules §7): a term of
 * `renewalTermMonths` with every recurring line still billing at the term's end, its last quantity and
 * discount, its unit price raised by the uplift exactly; the same frequency; one-time lines end.
 */
export function renewAutomatically(current: ContractVersion): ContractVersion {
  if (current.status !== 'active' || !current.term.autoRenew) {
    invalid(`Contract version ${current.version} does not renew automatically (status ${current.status})`);
  }
  const previous = current.term;
  const term: ContractTerm = {
    ...resolveTerm({
      startDate: previous.end,
      termMonths: previous.renewalTermMonths,
      billingFrequency: previous.billingFrequency,
      paymentTermsDays: previous.paymentTermsDays,
      autoRenew: previous.autoRenew,
      renewalTermMonths: previous.renewalTermMonths,
      renewalUpliftPercent: previous.renewalUpliftPercent,
    }),
  };
  const charges = current.charges.flatMap((charge): RecurringCharge[] => {
    if (charge.chargeType === 'one_time') return [];
    const last = charge.segments.at(-1);
    if (last === undefined || !last.end.equals(previous.end) || last.quantity === 0) return [];
    return [
      {
        ...charge,
        segments: [
          {
            start: term.start,
            end: term.end,
            quantity: last.quantity,
            unitPrice: uplifted(last.unitPrice, previous.renewalUpliftPercent),
            discountPercent: last.discountPercent,
          },
        ],
      },
    ];
  });
  return {
    version: current.version + 1,
    change: { kind: 'auto_renewal', id: `auto-renewal:${term.start.toString()}`, effectiveDate: term.start },
    currency: current.currency,
    status: 'active',
    term,
    charges,
  };
}

/** A renewal deal from the CRM (billing rules §7): it replaces the automatic renewal with its own term and lines. */
export function renewByDeal(current: ContractVersion, spec: RenewalSpec): ContractVersion {
  const what = `Renewal ${spec.dealId}`;
  if (current.status === 'cancelled') {
    const change = { kind: 'renewal', id: spec.dealId, effectiveDate: spec.terms.startDate } as const;
    return afterCancellation(current, change, what);
  }
  if (!spec.terms.startDate.equals(current.term.end)) {
    invalid(
      `${what}: the next term must start when the current one ends, on ${current.term.end.toString()}, not on ${spec.terms.startDate.toString()}`,
    );
  }
  const term = resolveTerm(spec.terms);
  return {
    version: current.version + 1,
    change: { kind: 'renewal', id: spec.dealId, effectiveDate: term.start },
    currency: current.currency,
    status: 'active',
    term,
    charges: chargesOf(spec.lines, term),
  };
}

/**
 * Appends the automatic renewals of `history` whose new term starts on or before `through`, so a
 * schedule can be projected (a billing-schedule preview, or a simulation up to an as-of date).
 */
export function withAutomaticRenewals(history: ContractVersion[], through: CalendarDate): ContractVersion[] {
  const versions = [...history];
  for (;;) {
    const last = versions.at(-1);
    if (last === undefined || last.status !== 'active' || !last.term.autoRenew) return versions;
    if (last.term.end.isAfter(through)) return versions;
    versions.push(renewAutomatically(last));
  }
}
