import {
  applyDeal,
  CalendarDate,
  type ContractVersion,
  type DealInput,
  type ScheduledDocument,
  scheduleDocuments,
} from '@o2c/billing';
import { Fraction } from '@o2c/money';
import { correctionsOf, type IssuedDocumentRecord } from './corrections';

// 10 × 30.00 USD a month from 2026-01-01 (300.00 a month); amendments change the quantity of line L1.

const seat = { chargeType: 'recurring' as const, defaultPricePeriod: 'month' as const };

function contract(...changes: Partial<DealInput>[]): ContractVersion[] {
  const history: ContractVersion[] = [];
  const deals: DealInput[] = [
    {
      dealId: 'D1',
      kind: 'new',
      currency: 'USD',
      terms: { startDate: '2026-01-01', termMonths: 12, billingFrequency: 'monthly', paymentTermsDays: 30 },
      lines: [{ id: 'L1', sku: 'SEAT-BASIC', quantity: 10, unitPrice: '30.00', catalog: seat }],
    },
    ...changes.map((change, index) => ({
      dealId: `D${index + 2}`,
      kind: 'amendment' as const,
      currency: 'USD',
      lines: [],
      ...change,
    })),
  ];
  for (const deal of deals) history.push(applyDeal(history.at(-1), deal));
  return history;
}

/** What was issued of `schedule` up to `asOf`, numbered in date order as invoicing numbers them. */
function issuedOf(schedule: ScheduledDocument[], asOf: string): IssuedDocumentRecord[] {
  const counters = { invoice: 0, credit_note: 0 };
  const byKey = new Map<string, IssuedDocumentRecord>();
  for (const document of schedule.filter((candidate) => !candidate.date.isAfter(CalendarDate.parse(asOf)))) {
    counters[document.kind] += 1;
    const prefix = document.kind === 'invoice' ? 'INV' : 'CN';
    const number = `${prefix}-2026-${String(counters[document.kind]).padStart(6, '0')}`;
    const credited = document.creditsDocumentKey ? byKey.get(document.creditsDocumentKey) : undefined;
    byKey.set(document.key, {
      documentId: `id-${number}`,
      documentKey: document.key,
      number,
      kind: document.kind,
      lines: document.lines.map((line) => ({
        dealLineId: line.chargeId,
        sku: line.sku,
        chargeType: line.chargeType,
        servicePeriod: { start: line.servicePeriod.start.toString(), end: line.servicePeriod.end.toString() },
        amountMinor: line.amountMinor,
        exactMinor: line.explanation.exactAmount.mul(Fraction.fromInteger(100n)),
        ...(credited
          ? { creditedInvoiceId: credited.documentId, creditedInvoiceNumber: credited.number }
          : {}),
      })),
    });
  }
  return [...byKey.values()];
}

function lines(corrections: ReturnType<typeof correctionsOf>) {
  const summary = (line: (typeof corrections.invoiceLines)[number]) => [
    line.corrected.number,
    line.amountMinor,
    line.creditedInvoice?.number ?? null,
  ];
  return {
    invoice: corrections.invoiceLines.map(summary),
    creditNote: corrections.creditNoteLines.map(summary),
  };
}

describe(correctionsOf.name, () => {
  it('corrects nothing when the schedule bills what was issued', () => {
    const history = contract({ effectiveDate: '2026-02-15', lines: [{ id: 'L1', quantity: 15 }] });
    const schedule = scheduleDocuments(history);
    expect(lines(correctionsOf(schedule, issuedOf(schedule, '2026-06-01')))).toEqual({
      invoice: [],
      creditNote: [],
    });
  });

  it('charges the later periods of a backdated increase, and leaves the period it cuts in two alone', () => {
    const before = scheduleDocuments(contract());
    const after = scheduleDocuments(
      contract({ effectiveDate: '2026-02-15', lines: [{ id: 'L1', quantity: 15 }] }),
    );
    // March and April: 15 × 30.00 = 450.00 instead of 300.00. February: 150.00 + 150.00, as issued.
    const sut = correctionsOf(after, issuedOf(before, '2026-04-01'));
    expect(lines(sut)).toEqual({
      invoice: [
        ['INV-2026-000003', 15000n, null],
        ['INV-2026-000004', 15000n, null],
      ],
      creditNote: [],
    });
    expect(sut.invoiceLines[0]).toMatchObject({
      corrected: { documentKey: 'regular:2026-03-01' },
      servicePeriod: { start: '2026-03-01', end: '2026-04-01' },
      scheduledMinor: 45000n,
      issuedMinor: 30000n,
    });
  });

  it('credits the later periods of a backdated decrease against the invoices that billed them', () => {
    const before = scheduleDocuments(contract());
    const after = scheduleDocuments(
      contract({ effectiveDate: '2026-03-10', lines: [{ id: 'L1', quantity: 8 }] }),
    );
    // April and May: 8 × 30.00 = 240.00 instead of 300.00.
    expect(lines(correctionsOf(after, issuedOf(before, '2026-05-01')))).toEqual({
      invoice: [],
      creditNote: [
        ['INV-2026-000004', 6000n, 'INV-2026-000004'],
        ['INV-2026-000005', 6000n, 'INV-2026-000005'],
      ],
    });
  });

  it('credits in full a period the schedule no longer bills (a backdated immediate cancellation)', () => {
    const before = scheduleDocuments(contract());
    const after = scheduleDocuments(
      contract({ kind: 'cancellation', cancellation: { effective: 'immediate', date: '2026-02-15' } }),
    );
    expect(lines(correctionsOf(after, issuedOf(before, '2026-03-01')))).toEqual({
      invoice: [],
      creditNote: [['INV-2026-000003', 30000n, 'INV-2026-000003']],
    });
  });

  it('leaves alone an amount that differs only by the rounding of pieces, and stops once corrected', () => {
    const schedule = scheduleDocuments(contract());
    const issued = issuedOf(schedule, '2026-02-01');
    // Same exact amount, one cent apart once rounded: no correction.
    const recut = issued.map((document) =>
      document.number === 'INV-2026-000002'
        ? {
            ...document,
            lines: document.lines.map((line) => ({ ...line, amountMinor: line.amountMinor + 1n })),
          }
        : document,
    );
    expect(lines(correctionsOf(schedule, recut))).toEqual({ invoice: [], creditNote: [] });

    const after = scheduleDocuments(
      contract({ effectiveDate: '2026-01-20', lines: [{ id: 'L1', quantity: 11 }] }),
    );
    const first = correctionsOf(after, issued);
    expect(lines(first)).toEqual({ invoice: [['INV-2026-000002', 3000n, null]], creditNote: [] });
    const corrected: IssuedDocumentRecord = {
      documentId: 'id-INV-2026-000004',
      documentKey: 'correction:D2:invoice',
      number: 'INV-2026-000004',
      kind: 'invoice',
      lines: first.invoiceLines.map((line) => ({
        dealLineId: line.chargeId,
        sku: line.sku,
        chargeType: line.chargeType,
        amountMinor: line.amountMinor,
        exactMinor: Fraction.fromInteger(line.amountMinor),
      })),
      corrects: first.invoiceLines.map((line) => ({
        documentKey: line.corrected.documentKey,
        chargeId: line.chargeId,
        exactMinor: line.exactMinor.toString(),
      })),
    };
    expect(lines(correctionsOf(after, [...issued, corrected]))).toEqual({ invoice: [], creditNote: [] });
  });
});
