import type { Fraction } from '@o2c/money';
import type { CalendarDate } from '../calendar/calendar-date';
import { afterCancellation } from '../cancellations/cancel-contract';
import type { ContractVersion } from '../contract/contract';
import { chargeOf, type LineSpec } from '../contract/start-contract';
import {
  invalid,
  requireInOrder,
  requireInsideTerm,
  requirePercent,
  requirePrice,
  requireQuantity,
} from '../contract/validation';
import { cutAt } from '../ramps/segments';

/** What an amendment changes on an existing line (billing rules §5). */
export interface LineChangeSpec {
  id: string;
  quantity?: number;
  unitPrice?: Fraction;
  discountPercent?: Fraction;
}

export interface AmendmentSpec {
  dealId: string;
  effectiveDate: CalendarDate;
  /** Changes of existing lines (by id) and new lines (ids the contract does not have, with a `sku`). */
  lines: (LineChangeSpec | LineSpec)[];
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
