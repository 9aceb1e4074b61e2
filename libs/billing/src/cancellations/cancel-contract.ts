import type { CalendarDate } from '../calendar/calendar-date';
import type { ContractChange, ContractCharge, ContractVersion } from '../contract/contract';
import { invalid, requireInOrder, requireInsideTerm } from '../contract/validation';
import { cutAt } from '../ramps/segments';

export type CancellationSpec =
  | { dealId: string; effective: 'immediate'; date: CalendarDate }
  | { dealId: string; effective: 'end_of_term' };

/**
 * Billing rules §6: a change dated on or after an immediate cancellation bills nothing. It is part of the
 * history (a version that changes nothing); one dated before it belongs before it (`contractHistory`).
 */
export function afterCancellation(
  current: ContractVersion,
  change: ContractChange,
  what: string,
): ContractVersion {
  const endsOn = current.endsOn!;
  if (change.effectiveDate.isBefore(endsOn)) {
    invalid(
      `${what}: effective ${change.effectiveDate.toString()}, before the cancellation on ${endsOn.toString()}; apply the contract's changes in effective-date order`,
    );
  }
  return { ...current, version: current.version + 1, change };
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
