import {
  arrayAt,
  assignAt,
  crmFixture,
  mappingOf,
  setAt,
  valueAt,
} from '../../../../test/fixtures/crm/crm-fixtures';
import { toCanonicalDeal } from '../shared/canonical-deal';
import { parseExactJson } from '../shared/exact-json';
import { mapHubSpotDeal } from './hubspot-deal.mapper';

const closedWon = () => crmFixture('hubspot/closed-won-deal.json');
const { mapped, problemsOf } = mappingOf(mapHubSpotDeal);

describe(mapHubSpotDeal.name, () => {
  it('maps a closed-won deal, its line items and primary company onto the canonical deal', () => {
    const sut = mapped(closedWon());
    expect(sut).toEqual({
      type: 'deal.closed_won',
      deal: {
        id: '18273645190',
        // 2026-01-20T16:05:12.345Z (the deal's hs_lastmodifieddate) is 191,088,312 s after 2020-01-01.
        revision: 191088312,
        closedAt: '2026-01-20T16:03:00.000Z',
        kind: 'new',
        account: {
          id: '9182736450',
          name: 'Acme GmbH',
          country: 'DE',
          taxId: 'DE123456789',
          billingEmail: 'ap@acme.example',
        },
        currency: 'EUR',
        terms: {
          startDate: '2026-02-01',
          termMonths: 36,
          billingFrequency: 'annual',
          paymentTermsDays: 30,
          autoRenew: true,
          renewalTermMonths: 12,
          renewalUpliftPercent: '7',
        },
        lines: [
          {
            id: '31001',
            sku: 'SEAT-PRO',
            quantity: 50,
            unitPrice: '360.00',
            pricePeriod: 'year',
            discountPercent: '10',
          },
          { id: '31002', sku: 'ONBOARDING', quantity: 1, unitPrice: '5000.00' },
          { id: '31003', sku: 'PLATFORM', quantity: 1, unitPrice: '100000.00', pricePeriod: 'year' },
        ],
      },
    });
    expect(toCanonicalDeal(sut).ok).toBe(true);
  });

  it('turns a quarterly or half-yearly price into the exact yearly price', () => {
    const payload = closedWon();
    assignAt(payload, 'lineItems[0].properties', {
      recurringbillingfrequency: 'quarterly',
      price: '90.10',
    });
    assignAt(payload, 'lineItems[2].properties', {
      recurringbillingfrequency: 'quarterly',
      price: '25000',
    });
    const quarterly = mapped(payload).deal;
    expect(quarterly['terms']).toMatchObject({ billingFrequency: 'quarterly' });
    expect(quarterly['lines']).toMatchObject([
      { unitPrice: '360.40', pricePeriod: 'year' },
      {},
      { unitPrice: '100000.00', pricePeriod: 'year' },
    ]);

    for (const item of ['lineItems[0]', 'lineItems[2]']) {
      assignAt(payload, `${item}.properties`, {
        recurringbillingfrequency: 'per_six_months',
        price: '180.05',
      });
    }
    expect(mapped(payload).deal['lines']).toMatchObject([
      { unitPrice: '360.10' },
      {},
      { unitPrice: '360.10' },
    ]);
  });

  it('takes a monthly price as it is and a unit discount off the price', () => {
    const payload = closedWon();
    for (const item of ['lineItems[0]', 'lineItems[2]']) {
      assignAt(payload, `${item}.properties`, {
        recurringbillingfrequency: 'monthly',
        price: '100.00',
        discount: '12.5',
        hs_discount_percentage: null,
      });
    }
    expect(mapped(payload).deal['lines']).toMatchObject([
      { unitPrice: '87.50', pricePeriod: 'month' },
      {},
      { unitPrice: '87.50', pricePeriod: 'month' },
    ]);
  });

  it('keeps money exact when it arrives as JSON numbers', () => {
    const payload = parseExactJson(
      JSON.stringify(closedWon()).replace('"price":"5000"', '"price":9007199254740993.10'),
    );
    expect(mapped(payload).deal['lines']).toMatchObject([{}, { unitPrice: '9007199254740993.10' }, {}]);
  });

  it('takes the revision from the latest change of the deal or a line item, and reads epoch milliseconds', () => {
    const payload = closedWon();
    setAt(payload, 'lineItems[1].properties.hs_lastmodifieddate', '2026-01-20T16:07:00.000Z');
    setAt(payload, 'deal.properties.closedate', '1768924980000');
    // 16:07:00 is 108 s after 16:05:12.
    expect(mapped(payload).deal).toMatchObject({ revision: 191088420, closedAt: '2026-01-20T16:03:00.000Z' });
  });

  it('maps a deal that names the deal it renews to a renewal', () => {
    const payload = closedWon();
    assignAt(payload, 'deal.properties', {
      dealtype: 'existingbusiness',
      o2c_renews_deal_id: '17000000001',
    });
    expect(mapped(payload).deal).toMatchObject({ kind: 'renewal', amends: '17000000001' });
  });

  it('defaults payment terms to 30 days and auto-renewal to off when the deal does not say', () => {
    const payload = closedWon();
    for (const name of [
      'o2c_payment_terms_days',
      'o2c_auto_renew',
      'o2c_renewal_term_months',
      'o2c_renewal_uplift_percent',
    ]) {
      setAt(payload, `deal.properties.${name}`, undefined);
    }
    expect(mapped(payload).deal['terms']).toEqual({
      startDate: '2026-02-01',
      termMonths: 36,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: false,
    });
  });

  it('refuses a deal that is not closed won and an unsupported billing frequency, at their HubSpot paths (422)', () => {
    const sut = problemsOf(crmFixture('hubspot/contract-sent-deal-with-weekly-line.json'));
    expect(sut.status).toBe(422);
    expect(sut.problems).toEqual([
      {
        path: 'deal.properties.dealstage',
        message:
          'the deal is in stage "contractsent", not closed won (closedwon, or hs_is_closed_won true in a pipeline of your own)',
      },
      {
        path: 'lineItems[2].properties.recurringbillingfrequency',
        message:
          '"weekly" is not supported; supported: monthly, quarterly, per_six_months, annually, or none for a one-time line',
      },
    ]);
  });

  it('accepts a closed-won stage of a pipeline of its own by hs_is_closed_won', () => {
    const payload = closedWon();
    setAt(payload, 'deal.properties.dealstage', '112233445');
    expect(mapHubSpotDeal(payload).ok).toBe(true);
  });

  it('answers 400 with every malformed field', () => {
    const payload = closedWon();
    assignAt(payload, 'lineItems[0].properties', { price: '1,200.00', quantity: '2.5', hs_sku: null });
    setAt(payload, 'deal.properties.deal_currency_code', 'EURO');
    const sut = problemsOf(payload);
    expect(sut.status).toBe(400);
    expect(sut.problems).toEqual(
      expect.arrayContaining([
        { path: 'deal.properties.deal_currency_code', message: '"EURO" is not an ISO 4217 currency code' },
        { path: 'lineItems[0].properties.hs_sku', message: 'is required' },
        { path: 'lineItems[0].properties.quantity', message: '"2.5" is not a whole number' },
        {
          path: 'lineItems[0].properties.price',
          message: '"1,200.00" is not a non-negative decimal such as "480.00"',
        },
      ]),
    );
  });

  it('refuses lines that disagree on the contract term', () => {
    const payload = closedWon();
    assignAt(payload, 'lineItems[2].properties', {
      hs_recurring_billing_period: 'P12M',
      hs_term_in_months: '12',
    });
    expect(problemsOf(payload).problems).toEqual([
      {
        path: 'lineItems[2].properties.hs_recurring_billing_period',
        message:
          'the term in months is 12 but lineItems[0].properties.hs_recurring_billing_period is 36: a contract has one term in months',
      },
    ]);
  });

  it('refuses a unit discount together with a discount percentage, and an existing-business deal without what it renews', () => {
    const payload = closedWon();
    setAt(payload, 'lineItems[0].properties.discount', '5.00');
    setAt(payload, 'deal.properties.dealtype', 'existingbusiness');
    const sut = problemsOf(payload);
    expect(sut.status).toBe(422);
    expect(sut.problems.map((p) => p.path)).toEqual([
      'deal.properties.dealtype',
      'lineItems[0].properties.discount',
    ]);
  });

  it('needs the primary company when there are several, and every associated line item', () => {
    const payload = closedWon();
    setAt(payload, 'deal.associations.companies.results', [
      { id: '9182736450', type: 'deal_to_company_unlabeled' },
      { id: '9182739911', type: 'deal_to_company_unlabeled' },
    ]);
    arrayAt(payload, 'lineItems').pop();
    const sut = problemsOf(payload);
    expect(sut.problems).toEqual([
      { path: 'lineItems', message: 'line item 31003, associated with the deal, is missing' },
      {
        path: 'deal.associations.companies',
        message: 'the deal has 2 companies and none is primary (deal_to_company)',
      },
    ]);
  });

  it('refuses a deal without any recurring line: it has no contract term', () => {
    const payload = closedWon();
    setAt(payload, 'lineItems', [valueAt(payload, 'lineItems[1]')]);
    setAt(payload, 'deal.associations.line items.results', [{ id: '31002', type: 'deal_to_line_item' }]);
    expect(problemsOf(payload).problems.map((p) => p.path)).toEqual(['lineItems']);
  });

  it('refuses a body that is not a deal at all', () => {
    expect(problemsOf([]).problems).toEqual(
      expect.arrayContaining([
        { path: 'body', message: 'must be an object' },
        { path: 'deal', message: 'is required' },
      ]),
    );
  });

  describe('a recurring line whose billing starts after a delay', () => {
    const delayed = () => crmFixture('hubspot/closed-won-deal-with-delayed-start.json');

    it('starts the contract the delay after the close date, with the lines and terms of a fixed start', () => {
      const sut = mapped(delayed());
      // Closed 2026-01-20 + 12 days: 2026-02-01, the fixed start of the sample.
      const fixed = mapped(closedWon());
      expect(sut.deal['terms']).toEqual(fixed.deal['terms']);
      expect(sut.deal['lines']).toEqual(
        (fixed.deal['lines'] as { id: string }[]).map((l) => ({ ...l, id: l.id.replace(/^310/, '311') })),
      );
      expect(toCanonicalDeal(sut).ok).toBe(true);
    });

    it('adds months to the close date, on the last day of a shorter month', () => {
      const payload = delayed();
      setAt(payload, 'deal.properties.closedate', '2026-01-31T18:30:00Z');
      for (const i of [0, 2]) {
        assignAt(payload, `lineItems[${i}].properties`, {
          hs_billing_start_delay_type: 'hs_billing_start_delay_months',
          hs_billing_start_delay_days: null,
          hs_billing_start_delay_months: '1',
        });
      }
      expect(mapped(payload).deal['terms']).toMatchObject({ startDate: '2026-02-28' });
      // Epoch milliseconds, as HubSpot also writes closedate: 2026-01-31T00:00:00Z.
      setAt(payload, 'deal.properties.closedate', '1769817600000');
      expect(mapped(payload).deal['terms']).toMatchObject({ startDate: '2026-02-28' });
    });

    it('takes the delay that is set when hs_billing_start_delay_type is not sent', () => {
      const payload = delayed();
      for (const i of [0, 2]) setAt(payload, `lineItems[${i}].properties.hs_billing_start_delay_type`, null);
      expect(mapped(payload).deal['terms']).toMatchObject({ startDate: '2026-02-01' });
    });

    it('refuses lines whose delays give different starts, naming the delay', () => {
      const payload = delayed();
      setAt(payload, 'lineItems[2].properties.hs_billing_start_delay_days', '0');
      const sut = problemsOf(payload);
      expect(sut.status).toBe(422);
      expect(sut.problems).toEqual([
        {
          path: 'lineItems[2].properties.hs_billing_start_delay_days',
          message:
            'the billing start date is 2026-01-20 but lineItems[0].properties.hs_billing_start_delay_days is 2026-02-01: a contract has one billing start date',
        },
      ]);
    });

    it('answers 400 at the delay that is missing or not a whole number, and 422 for an unknown delay type', () => {
      const payload = delayed();
      setAt(payload, 'lineItems[0].properties.hs_billing_start_delay_days', null);
      setAt(payload, 'lineItems[2].properties.hs_billing_start_delay_days', '1.5');
      expect(problemsOf(payload)).toMatchObject({
        status: 400,
        problems: [
          { path: 'lineItems[0].properties.hs_billing_start_delay_days', message: 'is required' },
          {
            path: 'lineItems[2].properties.hs_billing_start_delay_days',
            message: '"1.5" is not a whole number',
          },
        ],
      });

      const weeks = delayed();
      setAt(weeks, 'lineItems[0].properties.hs_billing_start_delay_type', 'hs_billing_start_delay_weeks');
      expect(problemsOf(weeks)).toMatchObject({
        status: 422,
        problems: [{ path: 'lineItems[0].properties.hs_billing_start_delay_type' }],
      });

      const both = delayed();
      setAt(both, 'lineItems[0].properties.hs_billing_start_delay_type', null);
      setAt(both, 'lineItems[0].properties.hs_billing_start_delay_months', '1');
      expect(problemsOf(both)).toMatchObject({
        status: 400,
        problems: [{ path: 'lineItems[0].properties.hs_billing_start_delay_type' }],
      });

      const none = delayed();
      assignAt(none, 'lineItems[0].properties', {
        hs_billing_start_delay_type: null,
        hs_billing_start_delay_days: null,
      });
      expect(problemsOf(none)).toMatchObject({
        status: 400,
        problems: [{ path: 'lineItems[0].properties.hs_recurring_billing_start_date' }],
      });
    });
  });
});
