import { Fraction } from '@o2c/money';
import fc from 'fast-check';
import { addDays, CalendarDate, daysBetween } from '../calendar/calendar-date';
import type { ContractVersion, InvoicingFrequency } from '../contract/contract';
import { applyDeal, type DealInput } from '../contract/deal-input';
import { scheduleDocuments } from './document-schedule';
import type { ScheduledDocument } from './scheduled-document';
import { applyTax } from '../tax/tax';

// Properties the issue asks of every schedule, over random contracts.

interface RandomContract {
  startDay: number;
  termMonths: number;
  billingFrequency: InvoicingFrequency;
  pricePeriod: 'month' | 'year';
  quantity: number;
  priceCents: number;
  discount: string;
}

const epoch = CalendarDate.parse('2026-01-01');

const contracts = fc.record<RandomContract>({
  startDay: fc.integer({ min: 0, max: 4 * 366 }),
  termMonths: fc.integer({ min: 1, max: 36 }),
  billingFrequency: fc.constantFrom('monthly', 'quarterly', 'semiannual', 'annual', 'upfront'),
  pricePeriod: fc.constantFrom('month', 'year'),
  quantity: fc.integer({ min: 1, max: 500 }),
  priceCents: fc.integer({ min: 1, max: 10_000_000 }),
  discount: fc.constantFrom('0', '10', '12.5', '33.33', '7.125'),
});

function startOf(contract: RandomContract): CalendarDate {
  return addDays(epoch, contract.startDay);
}

function dealOf(contract: RandomContract): DealInput {
  const cents = String(contract.priceCents).padStart(3, '0');
  return {
    dealId: 'D1',
    kind: 'new',
    currency: 'USD',
    terms: {
      startDate: startOf(contract).toString(),
      termMonths: contract.termMonths,
      billingFrequency: contract.billingFrequency,
      paymentTermsDays: 30,
      autoRenew: false,
    },
    lines: [
      {
        id: 'L1',
        sku: 'SKU',
        quantity: contract.quantity,
        unitPrice: `${cents.slice(0, -2)}.${cents.slice(-2)}`,
        discountPercent: contract.discount,
        pricePeriod: contract.pricePeriod,
        catalog: { chargeType: 'recurring' },
      },
    ],
  };
}

function amend(history: ContractVersion[], dealId: string, effectiveDate: CalendarDate, quantity: number) {
  return [
    ...history,
    applyDeal(history.at(-1), {
      dealId,
      kind: 'amendment',
      currency: 'USD',
      effectiveDate: effectiveDate.toString(),
      lines: [{ id: 'L1', quantity }],
    }),
  ];
}

const sum = (documents: ScheduledDocument[], kind: 'invoice' | 'credit_note') =>
  documents
    .filter((doc) => doc.kind === kind)
    .flatMap((doc) => doc.lines)
    .reduce((total, line) => total + line.amountMinor, 0n);
const lineCount = (documents: ScheduledDocument[]) => documents.reduce((n, doc) => n + doc.lines.length, 0);

/** A day inside the term, from a fraction of it. */
function dayInTerm(history: ContractVersion[], position: number): CalendarDate {
  const { start, end } = history[0]!.term;
  return addDays(start, Math.floor(position * daysBetween(start, end)));
}

/** The documents of `schedule` dated up to `through`, and the first one after it: what a planner may ask. */
function asOfView(schedule: ScheduledDocument[], through: CalendarDate) {
  const upTo = schedule.filter((doc) => !doc.date.isAfter(through));
  const next = schedule.find((doc) => doc.date.isAfter(through));
  return { upTo, next };
}

describe('billing schedule properties', () => {
  it('with `through`, has the same documents up to that day and the same next one as the whole schedule', () => {
    fc.assert(
      fc.property(
        contracts,
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: -40, max: 4 * 366 }),
        (contract, position, quantity, throughDay) => {
          const base = [applyDeal(undefined, dealOf(contract))];
          const history = amend(base, 'D2', dayInTerm(base, position), quantity);
          const through = addDays(startOf(contract), throughDay);
          const whole = scheduleDocuments(history);
          const partial = scheduleDocuments(history, { through });
          expect(asOfView(partial, through)).toEqual(asOfView(whole, through));
        },
      ),
    );
  });

  it('has no gap and no overlap: the regular lines of a charge tile its term', () => {
    fc.assert(
      fc.property(contracts, (contract) => {
        const history = [applyDeal(undefined, dealOf(contract))];
        const pieces = scheduleDocuments(history).flatMap((doc) =>
          doc.lines.map((line) => line.servicePeriod),
        );
        let expected = history[0]!.term.start;
        for (const piece of pieces) {
          expect(piece.start.toString()).toBe(expected.toString());
          expect(piece.start.isBefore(piece.end)).toBe(true);
          expected = piece.end;
        }
        expect(expected.toString()).toBe(history[0]!.term.end.toString());
      }),
    );
  });

  it('a period split at any day into two partial charges differs from the whole by at most one minor unit', () => {
    fc.assert(
      fc.property(contracts, fc.double({ min: 0, max: 0.999, noNaN: true }), (contract, position) => {
        const whole = [applyDeal(undefined, dealOf(contract))];
        // An amendment that keeps the quantity changes nothing but cuts the line on its day.
        const split = amend(whole, 'D2', dayInTerm(whole, position), contract.quantity);
        const before = scheduleDocuments(whole);
        const after = scheduleDocuments(split);
        const difference = sum(after, 'invoice') - sum(before, 'invoice');
        expect(difference >= -1n && difference <= 1n).toBe(true);
        expect(sum(after, 'credit_note')).toBe(0n);
      }),
    );
  });

  it('an increase and the equal decrease on the same day net to zero', () => {
    fc.assert(
      fc.property(
        contracts,
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        (contract, position, delta) => {
          const base = [applyDeal(undefined, dealOf(contract))];
          const day = dayInTerm(base, position);
          const up = amend(base, 'D2', day, contract.quantity + delta);
          const documents = scheduleDocuments(amend(up, 'D3', day, contract.quantity)).filter(
            (doc) => doc.change.id !== 'D1' && doc.key.startsWith('change:'),
          );
          expect(sum(documents, 'invoice')).toBe(sum(documents, 'credit_note'));
        },
      ),
    );
  });

  it('invoice totals equal the sum of lines and taxes, each tax within half a minor unit', () => {
    fc.assert(
      fc.property(contracts, fc.constantFrom('0', '8.1', '19', '20', '25.5', '27'), (contract, rate) => {
        for (const doc of scheduleDocuments([applyDeal(undefined, dealOf(contract))])) {
          const ratePercent = Fraction.parseDecimal(rate);
          const taxed = applyTax(doc, { country: 'XX', ratePercent, reverseCharge: false });
          const lines = taxed.lines.reduce((total, line) => total + line.amountMinor, 0n);
          const taxes = taxed.lines.reduce((total, line) => total + line.taxMinor, 0n);
          expect(taxed.totalMinor).toBe(lines + taxes);
          for (const line of taxed.lines) {
            const exact = Fraction.fromInteger(line.amountMinor)
              .mul(ratePercent)
              .div(Fraction.fromInteger(100n));
            const error = Fraction.fromInteger(line.taxMinor).sub(exact);
            expect(error.compare(Fraction.of(1n, 2n)) <= 0 && error.compare(Fraction.of(-1n, 2n)) >= 0).toBe(
              true,
            );
          }
        }
      }),
    );
  });

  it('upfront and annual billing of the same contract total the same within one minor unit per line', () => {
    fc.assert(
      fc.property(contracts, fc.integer({ min: 1, max: 3 }), (contract, years) => {
        const annual = scheduleDocuments([
          applyDeal(undefined, dealOf({ ...contract, termMonths: 12 * years, billingFrequency: 'annual' })),
        ]);
        const upfront = scheduleDocuments([
          applyDeal(undefined, dealOf({ ...contract, termMonths: 12 * years, billingFrequency: 'upfront' })),
        ]);
        const difference = sum(annual, 'invoice') - sum(upfront, 'invoice');
        const tolerance = BigInt(Math.max(lineCount(annual), lineCount(upfront)));
        expect(difference >= -tolerance && difference <= tolerance).toBe(true);
      }),
    );
  });
});
