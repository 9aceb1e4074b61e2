import { aCancellation, aDeal, anAmendment, aRenewal, type Stack, type WebhookDeal } from '@o2c/testing';
import { type Journey, journeyOn, startJourneyStack } from '../support/journey';
import { type Document, issuedDocuments, untaxed } from '../support/issued-documents';

// Journeys, one per kind of deal (new, amendment, renewal, cancellation), through the four services as processes
// on the real PostgreSQL and Kafka. Time is the test's: no job runs by itself, invoicing issues only in bill runs,
// and each step runs the renewal, bill and provisioning runs as of the journey's next date. Every expected document
// is worked out by hand from docs/specs/billing-rules.md (v1.1) in the comment beside it. Amounts in minor units.
// The dates lie in 2031-2033: far after any day the suite runs, so nothing is due by the wall clock.

let stack: Stack;
let journey: Journey;

beforeAll(async () => {
  stack = await startJourneyStack('flows-journeys-kinds');
  journey = journeyOn(stack);
}, 180_000);

afterAll(() => stack?.stop());

const post = (deal: WebhookDeal, version: number) => journey.post(deal, version);
const runJobs = (asOf: string, contractId: string) => journey.runJobs(asOf, contractId);
const provisionedSeats = (asOf: string, accountId: string) => journey.provisionedSeats(asOf, accountId);

describe('journeys: one per deal kind', () => {
  it('new: a German customer, quarterly, with onboarding; VAT on every line; no renewal', async () => {
    const deal = aDeal('J-NEW')
      .forAccount({ country: 'DE', name: 'Kunde GmbH' })
      .inCurrency('EUR')
      .startingOn('2031-01-01')
      .billed('quarterly')
      .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 20, unitPrice: '600.00', discountPercent: '10' })
      .withLine({ id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: '2500.00' })
      .build();
    const contractId = await post(deal, 1);

    // A quarter of L1: 600.00 × 0.9 = 540.00 a seat a year × 20 × 3/12 = 2,700.00; 19 % German VAT (the seller
    // is German, so is the customer): 513.00; total 3,213.00.
    const quarter = (date: string, due: string, to: string): Document => ({
      kind: 'invoice',
      date,
      due,
      lines: [{ line: 'L1', from: date, to, amount: '270000', tax: '51300' }],
      subtotal: '270000',
      tax: '51300',
      total: '321300',
      reverseCharge: false,
    });

    await runJobs('2031-01-01', contractId);
    // The first invoice also bills onboarding in full (§2): 2,500.00 + VAT 475.00. Due 30 days on: 2031-01-31.
    // Subtotal 2,700.00 + 2,500.00 = 5,200.00; tax 513.00 + 475.00 = 988.00; total 6,188.00.
    const first: Document = {
      kind: 'invoice',
      date: '2031-01-01',
      due: '2031-01-31',
      lines: [
        { line: 'L1', from: '2031-01-01', to: '2031-04-01', amount: '270000', tax: '51300' },
        { line: 'L2', amount: '250000', tax: '47500' },
      ],
      subtotal: '520000',
      tax: '98800',
      total: '618800',
      reverseCharge: false,
    };
    expect(await issuedDocuments(stack, contractId)).toEqual([first]);
    expect(await provisionedSeats('2031-01-01', deal.account.id)).toEqual({ pro: 20 });

    // Nothing is due before the next quarter starts.
    await runJobs('2031-03-31', contractId);
    expect(await issuedDocuments(stack, contractId)).toHaveLength(1);

    // A run as of 2031-10-01 issues the three quarters that have started, each in advance on its first day,
    // due 30 days later: 04-01 → 05-01, 07-01 → 07-31, 10-01 → 10-31.
    await runJobs('2031-10-01', contractId);
    const quarters = [
      quarter('2031-04-01', '2031-05-01', '2031-07-01'),
      quarter('2031-07-01', '2031-07-31', '2031-10-01'),
      quarter('2031-10-01', '2031-10-31', '2032-01-01'),
    ];
    expect(await issuedDocuments(stack, contractId)).toEqual([first, ...quarters]);

    // The term ends on 2032-01-01 and does not renew (§7): no more documents.
    await runJobs('2032-01-01', contractId);
    expect(await issuedDocuments(stack, contractId)).toEqual([first, ...quarters]);
  });

  it('amendment: billing-rules.md §10, seats up mid-year, then the automatic renewal with a 7 % uplift', async () => {
    const deal = aDeal('J-AMEND')
      .startingOn('2031-02-01')
      .autoRenewing({ upliftPercent: '7' })
      .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.00', discountPercent: '10' })
      .build();
    const contractId = await post(deal, 1);

    await runJobs('2031-02-01', contractId);
    // 50 × 360.00 × 0.9 = 16,200.00 for [2031-02-01, 2032-02-01); 2031-02-01 + 30 days = 2031-03-03 (February
    // 2031 has 28 days). US customer: 0 % tax.
    const first = untaxed('invoice', '2031-02-01', '2031-03-03', [
      { line: 'L1', from: '2031-02-01', to: '2032-02-01', amount: '1620000' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([first]);
    expect(await provisionedSeats('2031-02-01', deal.account.id)).toEqual({ pro: 50 });

    await post(
      anAmendment(deal, 'J-AMEND-70').effectiveOn('2031-06-15').changing({ id: 'L1', quantity: 70 }).build(),
      2,
    );
    await runJobs('2031-06-15', contractId);
    // +20 seats from 2031-06-15 (§5): the period [2031-02-01, 2032-02-01) has 365 days, 231 remain
    // (16 in June, 31+31+30+31+30+31 July to December, 31 in January): 20 × 324.00 × 231/365 = 4,101.0410… →
    // 4,101.04, dated 2031-06-15, due 2031-07-15.
    const increase = untaxed('invoice', '2031-06-15', '2031-07-15', [
      { line: 'L1', from: '2031-06-15', to: '2032-02-01', amount: '410104' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([first, increase]);
    expect(await provisionedSeats('2031-06-15', deal.account.id)).toEqual({ pro: 70 });

    await runJobs('2032-02-01', contractId);
    // The next term (§7): 70 seats, 360.00 × 1.07 = 385.20 less 10 % = 346.68 a seat: 70 × 346.68 = 24,267.60
    // for [2032-02-01, 2033-02-01); 2032-02-01 + 30 days = 2032-03-02 (February 2032 has 29 days).
    const renewed = untaxed('invoice', '2032-02-01', '2032-03-02', [
      { line: 'L1', from: '2032-02-01', to: '2033-02-01', amount: '2426760' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([first, increase, renewed]);
  });

  it('amendment: a price change mid-quarter gives a credit note for the old price and an invoice for the new', async () => {
    const deal = aDeal('J-PRICE')
      .startingOn('2031-01-01')
      .billed('quarterly')
      .withLine({ id: 'L1', sku: 'SEAT-BASIC', quantity: 10, unitPrice: '30.00' })
      .build();
    const contractId = await post(deal, 1);

    await runJobs('2031-01-01', contractId);
    // 10 × 30.00 a month × 3 = 900.00 for [2031-01-01, 2031-04-01), due 2031-01-31.
    const first = untaxed('invoice', '2031-01-01', '2031-01-31', [
      { line: 'L1', from: '2031-01-01', to: '2031-04-01', amount: '90000' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([first]);

    await post(
      anAmendment(deal, 'J-PRICE-36')
        .effectiveOn('2031-02-15')
        .changing({ id: 'L1', unitPrice: '36.00' })
        .build(),
      2,
    );
    await runJobs('2031-02-15', contractId);
    // 36.00 from 2031-02-15 (§5, a price change): the quarter has 31+28+31 = 90 days, [02-15, 04-01) 14+31 = 45
    // of them. Credit note for the old price: 900.00 × 45/90 = 450.00; invoice for the new: 10 × 36.00 × 3 ×
    // 45/90 = 540.00, due 2031-02-15 + 30 days = 2031-03-17. Both dated 2031-02-15.
    const newPrice = untaxed('invoice', '2031-02-15', '2031-03-17', [
      { line: 'L1', from: '2031-02-15', to: '2031-04-01', amount: '54000' },
    ]);
    const oldPrice = untaxed('credit_note', '2031-02-15', undefined, [
      { line: 'L1', from: '2031-02-15', to: '2031-04-01', amount: '45000' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([first, newPrice, oldPrice]);

    await runJobs('2031-04-01', contractId);
    // The next quarter at the new price: 10 × 36.00 × 3 = 1,080.00, due 2031-05-01.
    const second = untaxed('invoice', '2031-04-01', '2031-05-01', [
      { line: 'L1', from: '2031-04-01', to: '2031-07-01', amount: '108000' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([first, newPrice, oldPrice, second]);
  });

  it('cancellation: immediate, after an amendment, credits the unused part at the amended quantity', async () => {
    const deal = aDeal('J-CANCEL')
      .startingOn('2031-01-01')
      .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 10, unitPrice: '1200.00' })
      .build();
    const contractId = await post(deal, 1);

    await runJobs('2031-01-01', contractId);
    // 10 × 1,200.00 = 12,000.00 for the year [2031-01-01, 2032-01-01), due 2031-01-31.
    const first = untaxed('invoice', '2031-01-01', '2031-01-31', [
      { line: 'L1', from: '2031-01-01', to: '2032-01-01', amount: '1200000' },
    ]);

    await post(
      anAmendment(deal, 'J-CANCEL-15').effectiveOn('2031-04-01').changing({ id: 'L1', quantity: 15 }).build(),
      2,
    );
    await runJobs('2031-04-01', contractId);
    // +5 seats from 2031-04-01: 275 of the year's 365 days remain (30+31+30+31+31+30+31+30+31):
    // 5 × 1,200.00 × 275/365 = 4,520.5479… → 4,520.55, due 2031-05-01.
    const increase = untaxed('invoice', '2031-04-01', '2031-05-01', [
      { line: 'L1', from: '2031-04-01', to: '2032-01-01', amount: '452055' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([first, increase]);
    expect(await provisionedSeats('2031-04-01', deal.account.id)).toEqual({ pro: 15 });

    await post(aCancellation(deal, 'J-CANCEL-NOW').immediately('2031-10-01').build(), 3);
    await runJobs('2031-10-01', contractId);
    // Immediate on 2031-10-01 (§6): a credit note dated then for [10-01, 2032-01-01), 31+30+31 = 92 days, of
    // what was billed, at the quantity in effect just before (15): 15 × 1,200.00 × 92/365 = 4,536.9863… →
    // 4,536.99. The licence ends on 2031-10-01.
    const credit = untaxed('credit_note', '2031-10-01', undefined, [
      { line: 'L1', from: '2031-10-01', to: '2032-01-01', amount: '453699' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([first, increase, credit]);
    expect(await provisionedSeats('2031-10-01', deal.account.id)).toEqual({});

    // Nothing more is billed (and it does not renew).
    await runJobs('2032-01-01', contractId);
    expect(await issuedDocuments(stack, contractId)).toEqual([first, increase, credit]);
  });

  it('renewal: a renewal deal from the CRM replaces the automatic renewal; a reverse charge throughout', async () => {
    const deal = aDeal('J-RENEW')
      .forAccount({ country: 'FR', name: 'Client SAS', taxId: 'FR40123456824' })
      .inCurrency('EUR')
      .startingOn('2031-01-01')
      .autoRenewing({ upliftPercent: '5' })
      .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 10, unitPrice: '100.00' })
      .build();
    const contractId = await post(deal, 1);

    await runJobs('2031-01-01', contractId);
    // 10 × 100.00 = 1,000.00 for [2031-01-01, 2032-01-01), due 2031-01-31. A French customer with a tax id, a
    // German seller: reverse charge, 0 % (§8).
    const first = untaxed(
      'invoice',
      '2031-01-01',
      '2031-01-31',
      [{ line: 'L1', from: '2031-01-01', to: '2032-01-01', amount: '100000' }],
      true,
    );
    expect(await issuedDocuments(stack, contractId)).toEqual([first]);

    await post(
      aRenewal(deal, 'J-RENEW-2032')
        .startingOn('2032-01-01')
        .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 12, unitPrice: '110.00' })
        .build(),
      2,
    );
    await runJobs('2032-01-01', contractId);
    // The renewal deal's term, not the automatic one (10 × 105.00 = 1,050.00): 12 × 110.00 = 1,320.00 for
    // [2032-01-01, 2033-01-01), due 2032-01-31.
    const renewed = untaxed(
      'invoice',
      '2032-01-01',
      '2032-01-31',
      [{ line: 'L1', from: '2032-01-01', to: '2033-01-01', amount: '132000' }],
      true,
    );
    expect(await issuedDocuments(stack, contractId)).toEqual([first, renewed]);
    expect(await provisionedSeats('2032-01-01', deal.account.id)).toEqual({ pro: 12 });
  });
});
