// Builders the schedule specs share: deals in the canonical form, the history they make, and documents
// written as one line of text each so that a spec compares them with the hand-computed lines.
import { CalendarDate } from '../src/calendar/calendar-date';
import type { ContractVersion } from '../src/contract/contract';
import { applyDeal, type DealInput, type DealLineInput } from '../src/contract/deal-input';
import type { ScheduledDocument } from '../src/schedule/scheduled-document';

export const date = (value: string) => CalendarDate.parse(value);
export const perYear = { chargeType: 'recurring', defaultPricePeriod: 'year' } as const;
export const perMonth = { chargeType: 'recurring', defaultPricePeriod: 'month' } as const;
export const oneTime = { chargeType: 'one_time' } as const;

/** A new deal `D1`: 12 months from 2027-01-01, annual, 30 days, no renewal, unless `terms` say otherwise. */
export function newDeal(
  terms: Partial<NonNullable<DealInput['terms']>>,
  lines: DealLineInput[],
  currency = 'USD',
): DealInput {
  return {
    dealId: 'D1',
    kind: 'new',
    currency,
    terms: {
      startDate: '2027-01-01',
      termMonths: 12,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: false,
      ...terms,
    },
    lines,
  };
}

export function amendment(dealId: string, effectiveDate: string, lines: DealLineInput[]): DealInput {
  return { dealId, kind: 'amendment', currency: 'USD', effectiveDate, lines };
}

/** The versions `deals` make, each applied to the one before, in the order given. */
export function historyOf(...deals: DealInput[]): ContractVersion[] {
  const history: ContractVersion[] = [];
  for (const deal of deals) history.push(applyDeal(history.at(-1), deal));
  return history;
}

/** `date kind chargeId [start, end) amount` per line, in document order. */
export function lines(documents: ScheduledDocument[]): string[] {
  return documents.flatMap((doc) =>
    doc.lines.map(
      (line) =>
        `${doc.date.toString()} ${doc.kind} ${line.chargeId} ${line.servicePeriod.start.toString()}..${line.servicePeriod.end.toString()} ${line.amountMinor}`,
    ),
  );
}

export function total(doc: ScheduledDocument): bigint {
  return doc.lines.reduce((sum, line) => sum + line.amountMinor, 0n);
}
