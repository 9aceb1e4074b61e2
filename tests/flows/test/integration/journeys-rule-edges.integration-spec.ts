import { aDeal, anAmendment, type Stack, type WebhookDeal } from '@o2c/testing';
import { type Document, issuedDocuments, untaxed } from '../support/issued-documents';
import { type Journey, journeyOn, startJourneyStack } from '../support/journey';

// Journeys, one per edge of docs/specs/billing-rules.md (v1.1): a ramp step inside a period, amendments on a
// billing boundary and on a period's last day, an amendment signed later but dated earlier than one already
// billed, and the currencies with 0 (JPY) and 3 (KWD) decimals. The four services run as processes; each step
// runs the jobs as of the journey's next date. Every expected document is worked out by hand from the rules in the
// comment beside it. Amounts in minor units; US customers pay 0 % tax unless said otherwise.

let stack: Stack;
let journey: Journey;

beforeAll(async () => {
  stack = await startJourneyStack('flows-journeys-edges');
  journey = journeyOn(stack);
}, 180_000);

afterAll(() => stack?.stop());

const post = (deal: WebhookDeal, version: number) => journey.post(deal, version);
const runJobs = (asOf: string, contractId: string) => journey.runJobs(asOf, contractId);

describe('journeys: one per edge of the billing rules', () => {
  it('ramp: a price step inside a quarter splits that quarter into two prorated lines (§4)', async () => {
    const deal = aDeal('J-RAMP')
      .startingOn('2031-01-01')
      .billed('quarterly')
      .withRamp({ id: 'L1', sku: 'PLATFORM' }, [
        { startDate: '2031-01-01', endDate: '2031-05-01', quantity: 1, unitPrice: '12000.00' },
        { startDate: '2031-05-01', endDate: '2032-01-01', quantity: 1, unitPrice: '24000.00' },
      ])
      .build();
    const contractId = await post(deal, 1);

    await runJobs('2031-01-01', contractId);
    // 12,000.00 a year × 3/12 = 3,000.00 for [01-01, 04-01), due 2031-01-31.
    const q1 = untaxed('invoice', '2031-01-01', '2031-01-31', [
      { line: 'L1', from: '2031-01-01', to: '2031-04-01', amount: '300000' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([q1]);

    await runJobs('2031-04-01', contractId);
    // The quarter [04-01, 07-01) has 30+31+30 = 91 days; the step on 05-01 cuts it in two (§4, prorated as §3):
    // [04-01, 05-01) 30 days at 12,000.00: 3,000.00 × 30/91 = 989.0109… → 989.01;
    // [05-01, 07-01) 61 days at 24,000.00: 6,000.00 × 61/91 = 4,021.9780… → 4,021.98. Total 5,010.99.
    const q2: Document = {
      kind: 'invoice',
      date: '2031-04-01',
      due: '2031-05-01',
      lines: [
        { line: 'L1', from: '2031-04-01', to: '2031-05-01', amount: '98901', tax: '0' },
        { line: 'L1', from: '2031-05-01', to: '2031-07-01', amount: '402198', tax: '0' },
      ],
      subtotal: '501099',
      tax: '0',
      total: '501099',
      reverseCharge: false,
    };
    expect(await issuedDocuments(stack, contractId)).toEqual([q1, q2]);

    await runJobs('2031-07-01', contractId);
    // A whole quarter at the new price: 24,000.00 × 3/12 = 6,000.00, due 2031-07-31.
    const q3 = untaxed('invoice', '2031-07-01', '2031-07-31', [
      { line: 'L1', from: '2031-07-01', to: '2031-10-01', amount: '600000' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([q1, q2, q3]);
  });

  it('amendments on a billing boundary (no documents of its own) and on the last day of a quarter (one day)', async () => {
    const deal = aDeal('J-BOUNDS')
      .startingOn('2031-01-01')
      .billed('quarterly')
      .withLine({ id: 'L1', sku: 'SEAT-BASIC', quantity: 10, unitPrice: '20.00' })
      .build();
    const contractId = await post(deal, 1);

    await runJobs('2031-01-01', contractId);
    // 10 × 20.00 a month × 3 = 600.00, due 2031-01-31.
    const q1 = untaxed('invoice', '2031-01-01', '2031-01-31', [
      { line: 'L1', from: '2031-01-01', to: '2031-04-01', amount: '60000' },
    ]);

    await post(
      anAmendment(deal, 'J-BOUNDS-12').effectiveOn('2031-04-01').changing({ id: 'L1', quantity: 12 }).build(),
      2,
    );
    await runJobs('2031-04-01', contractId);
    // 12 seats from 2031-04-01, a billing boundary: the regular invoice of the quarter that starts then bills the
    // contract as amended (§5), 12 × 20.00 × 3 = 720.00, due 2031-05-01; the amendment has no document of its own.
    const q2 = untaxed('invoice', '2031-04-01', '2031-05-01', [
      { line: 'L1', from: '2031-04-01', to: '2031-07-01', amount: '72000' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([q1, q2]);

    await post(
      anAmendment(deal, 'J-BOUNDS-15').effectiveOn('2031-06-30').changing({ id: 'L1', quantity: 15 }).build(),
      3,
    );
    await runJobs('2031-06-30', contractId);
    // 15 seats from 2031-06-30, the quarter's last day: [06-30, 07-01) is 1 of its 91 days (§5, §3):
    // 3 × 20.00 × 3 × 1/91 = 1.9780… → 1.98, dated 2031-06-30, due 2031-07-30.
    const lastDay = untaxed('invoice', '2031-06-30', '2031-07-30', [
      { line: 'L1', from: '2031-06-30', to: '2031-07-01', amount: '198' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([q1, q2, lastDay]);

    await runJobs('2031-07-01', contractId);
    // 15 × 20.00 × 3 = 900.00, due 2031-07-31.
    const q3 = untaxed('invoice', '2031-07-01', '2031-07-31', [
      { line: 'L1', from: '2031-07-01', to: '2031-10-01', amount: '90000' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([q1, q2, lastDay, q3]);
  });

  it('an amendment signed later but dated before one already billed takes its place, and what was billed is corrected', async () => {
    // 365.00 a seat a year: a seat-day of a 365-day year is 1.00.
    const deal = aDeal('J-ORDER')
      .startingOn('2031-01-01')
      .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 10, unitPrice: '365.00' })
      .build();
    const contractId = await post(deal, 1);

    await runJobs('2031-01-01', contractId);
    // 10 × 365.00 = 3,650.00 for the year, due 2031-01-31.
    const year = untaxed('invoice', '2031-01-01', '2031-01-31', [
      { line: 'L1', from: '2031-01-01', to: '2032-01-01', amount: '365000' },
    ]);

    await post(
      anAmendment(deal, 'J-ORDER-20').effectiveOn('2031-09-01').changing({ id: 'L1', quantity: 20 }).build(),
      2,
    );
    await runJobs('2031-09-01', contractId);
    // 20 seats from 2031-09-01: +10 for [09-01, 2032-01-01), 30+31+30+31 = 122 days: 10 × 122 × 1.00 = 1,220.00,
    // due 2031-10-01.
    const to20 = untaxed('invoice', '2031-09-01', '2031-10-01', [
      { line: 'L1', from: '2031-09-01', to: '2032-01-01', amount: '122000' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([year, to20]);

    // Signed after, dated before (§5): 15 seats from 2031-05-01. In effective-date order the contract goes
    // 10 → 15 (05-01) → 20 (09-01), each change billed against the contract just before it.
    await post(
      anAmendment(deal, 'J-ORDER-15').effectiveOn('2031-05-01').changing({ id: 'L1', quantity: 15 }).build(),
      3,
    );
    await runJobs('2031-09-01', contractId);
    // Its own invoice, dated 2031-05-01 (due 05-31): +5 for [05-01, 2032-01-01), 31+30+31+31 + 122 = 245 days:
    // 5 × 245 × 1.00 = 1,225.00. The 09-01 change now adds 5 seats, not 10: 5 × 122 = 610.00 of the 1,220.00
    // billed is too much, corrected by a credit note dated on the late amendment's date, 2031-05-01, for
    // [09-01, 2032-01-01). Net: 3,650.00 + 1,225.00 + 1,220.00 − 610.00 = 5,485.00 = 3,650.00 + 1,225.00 + 610.00,
    // what it would have been had both been known in time.
    const to15 = untaxed('invoice', '2031-05-01', '2031-05-31', [
      { line: 'L1', from: '2031-05-01', to: '2032-01-01', amount: '122500' },
    ]);
    const correction = untaxed('credit_note', '2031-05-01', undefined, [
      { line: 'L1', from: '2031-09-01', to: '2032-01-01', amount: '61000' },
    ]);
    expect(await issuedDocuments(stack, contractId)).toEqual([year, to15, correction, to20]);
  });

  it('JPY (0 decimals), a French customer at 20 % VAT: amounts and tax round to whole yen', async () => {
    const deal = aDeal('J-JPY')
      .forAccount({ country: 'FR', name: 'Client Yen SARL' })
      .inCurrency('JPY')
      .startingOn('2031-01-01')
      .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 7, unitPrice: '10000' })
      .build();
    const contractId = await post(deal, 1);

    await runJobs('2031-01-01', contractId);
    // 7 × ¥10,000 = ¥70,000; French VAT 20 % (no tax id: no reverse charge, §8): ¥14,000; total ¥84,000.
    const year: Document = {
      kind: 'invoice',
      date: '2031-01-01',
      due: '2031-01-31',
      lines: [{ line: 'L1', from: '2031-01-01', to: '2032-01-01', amount: '70000', tax: '14000' }],
      subtotal: '70000',
      tax: '14000',
      total: '84000',
      reverseCharge: false,
    };
    expect(await issuedDocuments(stack, contractId)).toEqual([year]);

    await post(
      anAmendment(deal, 'J-JPY-10').effectiveOn('2031-03-10').changing({ id: 'L1', quantity: 10 }).build(),
      2,
    );
    await runJobs('2031-03-10', contractId);
    // +3 seats from 2031-03-10: 22 days of March + 275 of April to December = 297 of 365:
    // 3 × ¥10,000 × 297/365 = ¥24,410.958… → ¥24,411; tax 20 % of ¥24,411 = ¥4,882.2 → ¥4,882; total ¥29,293.
    // 2031-03-10 + 30 days = 2031-04-09.
    const increase: Document = {
      kind: 'invoice',
      date: '2031-03-10',
      due: '2031-04-09',
      lines: [{ line: 'L1', from: '2031-03-10', to: '2032-01-01', amount: '24411', tax: '4882' }],
      subtotal: '24411',
      tax: '4882',
      total: '29293',
      reverseCharge: false,
    };
    expect(await issuedDocuments(stack, contractId)).toEqual([year, increase]);
  });

  it('KWD (3 decimals), a German customer at 19 % VAT: amounts and tax round to the fils', async () => {
    const deal = aDeal('J-KWD')
      .forAccount({ country: 'DE', name: 'Kunde KWD GmbH' })
      .inCurrency('KWD')
      .startingOn('2031-01-01')
      .billed('quarterly')
      .withLine({ id: 'L1', sku: 'SEAT-BASIC', quantity: 3, unitPrice: '12.347' })
      .build();
    const contractId = await post(deal, 1);

    await runJobs('2031-01-01', contractId);
    // 3 × 12.347 a month × 3 = 111.123; VAT 19 %: 21.11337 → 21.113; total 132.236.
    const q1: Document = {
      kind: 'invoice',
      date: '2031-01-01',
      due: '2031-01-31',
      lines: [{ line: 'L1', from: '2031-01-01', to: '2031-04-01', amount: '111123', tax: '21113' }],
      subtotal: '111123',
      tax: '21113',
      total: '132236',
      reverseCharge: false,
    };

    await post(
      anAmendment(deal, 'J-KWD-5').effectiveOn('2031-02-20').changing({ id: 'L1', quantity: 5 }).build(),
      2,
    );
    await runJobs('2031-02-20', contractId);
    // +2 seats from 2031-02-20: [02-20, 04-01) is 9 + 31 = 40 of the quarter's 90 days:
    // 2 × 12.347 × 3 × 40/90 = 74.082 × 4/9 = 32.92533… → 32.925; VAT 19 %: 6.25575 → 6.256 (half away from
    // zero); total 39.181. 2031-02-20 + 30 days = 2031-03-22.
    const increase: Document = {
      kind: 'invoice',
      date: '2031-02-20',
      due: '2031-03-22',
      lines: [{ line: 'L1', from: '2031-02-20', to: '2031-04-01', amount: '32925', tax: '6256' }],
      subtotal: '32925',
      tax: '6256',
      total: '39181',
      reverseCharge: false,
    };
    expect(await issuedDocuments(stack, contractId)).toEqual([q1, increase]);

    await runJobs('2031-04-01', contractId);
    // 5 × 12.347 × 3 = 185.205; VAT 19 %: 35.18895 → 35.189; total 220.394, due 2031-05-01.
    const q2: Document = {
      kind: 'invoice',
      date: '2031-04-01',
      due: '2031-05-01',
      lines: [{ line: 'L1', from: '2031-04-01', to: '2031-07-01', amount: '185205', tax: '35189' }],
      subtotal: '185205',
      tax: '35189',
      total: '220394',
      reverseCharge: false,
    };
    expect(await issuedDocuments(stack, contractId)).toEqual([q1, increase, q2]);
  });
});
