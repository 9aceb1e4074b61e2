import { Fraction } from '@o2c/money';
import type { CalendarDate } from '../calendar/calendar-date';
import { afterCancellation } from '../cancellations/cancel-contract';
import type { ContractTerm, ContractVersion, RecurringCharge } from '../contract/contract';
import { chargesOf, type LineSpec, resolveTerm, type TermSpec } from '../contract/start-contract';
import { invalid } from '../contract/validation';

const HUNDRED = Fraction.fromInteger(100n);

export interface RenewalSpec {
  dealId: string;
  terms: TermSpec;
  lines: LineSpec[];
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
