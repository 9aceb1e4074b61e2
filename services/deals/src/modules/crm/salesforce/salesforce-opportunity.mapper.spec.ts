import {
  arrayAt,
  assignAt,
  crmFixture,
  crmFixtureText,
  mappingOf,
  setAt,
} from '../../../../test/fixtures/crm/crm-fixtures';
import { toCanonicalDeal } from '../shared/canonical-deal';
import { parseExactJson } from '../shared/exact-json';
import {
  DEFAULT_SALESFORCE_MAPPING,
  mapSalesforceOpportunity,
  type SalesforceMappingOptions,
} from './salesforce-opportunity.mapper';

const closedWon = () => crmFixture('salesforce/closed-won-opportunity.json');
const line = (i: number) => `OpportunityLineItems.records[${i}]`;
const { mapped, problemsOf } = mappingOf(mapSalesforceOpportunity);

describe(mapSalesforceOpportunity.name, () => {
  it('maps a won CPQ opportunity onto the canonical deal, MDQ segments becoming one line', () => {
    const sut = mapped(closedWon());
    expect(sut).toEqual({
      type: 'deal.closed_won',
      deal: {
        id: '006Ax00000Q1abcIAB',
        // SystemModstamp 2026-01-20T16:05:12.000+0000 is 191,088,312 s after 2020-01-01.
        revision: 191088312,
        closedAt: '2026-01-20T00:00:00Z',
        kind: 'new',
        account: {
          id: '001Ax00000A1bcdIAB',
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
          renewalUpliftPercent: '7.0',
        },
        lines: [
          // 1080.00 per seat for 36 months is 360.00 a year.
          {
            id: 'a0yAx0000001SeatIAB',
            sku: 'SEAT-PRO',
            quantity: 50,
            unitPrice: '360.00',
            pricePeriod: 'year',
            discountPercent: '10.0',
          },
          { id: 'a0yAx0000001OnbdIAB', sku: 'ONBOARDING', quantity: 1, unitPrice: '5000.00' },
          {
            id: '1768925012345',
            sku: 'PLATFORM',
            pricePeriod: 'year',
            // Ordered by SBQQ__SegmentIndex__c; CPQ's end dates are inclusive, the canonical ones exclusive.
            segments: [
              { startDate: '2026-02-01', endDate: '2027-02-01', quantity: 1, unitPrice: '100000.00' },
              { startDate: '2027-02-01', endDate: '2028-02-01', quantity: 1, unitPrice: '120000.00' },
              { startDate: '2028-02-01', endDate: '2029-02-01', quantity: 1, unitPrice: '150000.00' },
            ],
          },
        ],
      },
    });
    expect(toCanonicalDeal(sut).ok).toBe(true);
  });

  it('keeps money exact past what a JavaScript number holds', () => {
    const payload = parseExactJson(
      crmFixtureText('salesforce/closed-won-opportunity.json').replace(
        '"UnitPrice": 5000.0',
        '"UnitPrice": 9007199254740993.01',
      ),
    );
    expect(mapped(payload).deal['lines']).toMatchObject([{}, { unitPrice: '9007199254740993.01' }, {}]);
  });

  it('takes the revision from the latest SystemModstamp of the opportunity, its quote and its lines', () => {
    const payload = closedWon();
    setAt(payload, `${line(4)}.SBQQ__QuoteLine__r.SystemModstamp`, '2026-01-20T17:05:12.000+0100');
    setAt(payload, `${line(1)}.SystemModstamp`, '2026-01-20T16:06:00.000+0000');
    // 16:06:00 is 48 s after 16:05:12; 17:05:12+01:00 is 16:05:12 UTC.
    expect(mapped(payload).deal['revision']).toBe(191088360);
  });

  it('maps a CPQ renewal to a renewal of the deal that created the renewed contract', () => {
    const payload = closedWon();
    assignAt(payload, '', {
      Type: 'Existing Customer - Replacement',
      SBQQ__Renewal__c: true,
      SBQQ__RenewedContract__c: '800Ax000000CtrAIAS',
      SBQQ__RenewedContract__r: { Id: '800Ax000000CtrAIAS', SBQQ__Opportunity__c: '006Ax00000P0oldIAB' },
    });
    expect(mapped(payload).deal).toMatchObject({ kind: 'renewal', amends: '006Ax00000P0oldIAB' });
  });

  it('refuses an opportunity that is not won and an Invoice Plan billing frequency, at their Salesforce paths (422)', () => {
    const sut = problemsOf(crmFixture('salesforce/negotiation-opportunity-with-invoice-plan-line.json'));
    expect(sut.status).toBe(422);
    expect(sut.problems).toEqual([
      {
        path: 'Opportunity.StageName',
        message: 'the opportunity is in stage "Negotiation/Review", which is not won (IsWon is false)',
      },
      {
        path: 'Opportunity.OpportunityLineItems.records[2].SBQQ__QuoteLine__r.SBQQ__BillingFrequency__c',
        message: '"Invoice Plan" is not supported; supported: Monthly, Quarterly, Semiannual, Annual',
      },
    ]);
  });

  it('refuses an amendment: CPQ amendment lines carry quantity changes, not the new quantities', () => {
    const sut = problemsOf(crmFixture('salesforce/amendment-opportunity.json'));
    expect(sut.status).toBe(422);
    expect(sut.problems.map((p) => p.path)).toEqual(['Opportunity.SBQQ__AmendedContract__c']);
  });

  it('refuses a Type it does not know to be new business', () => {
    const payload = closedWon();
    setAt(payload, 'Type', 'Existing Customer - Upgrade');
    expect(problemsOf(payload).problems.map((p) => p.path)).toEqual(['Opportunity.Type']);
  });

  it('refuses a price that is no exact amount per year, rather than rounding it', () => {
    const payload = closedWon();
    setAt(payload, `${line(0)}.UnitPrice`, '1000.0');
    expect(problemsOf(payload).problems).toEqual([
      {
        path: 'Opportunity.OpportunityLineItems.records[0].UnitPrice',
        message:
          '1000.0 EUR for 36 months is not an exact price per year: 1000.0 EUR × 1 ÷ 3 is not a whole number of EUR minor units',
      },
    ]);
  });

  it('prices a line whose term is not whole years per month', () => {
    const payload = closedWon();
    setAt(payload, 'SBQQ__PrimaryQuote__r.SBQQ__SubscriptionTerm__c', '18');
    assignAt(payload, line(0), { UnitPrice: '540.00', Discount: null });
    assignAt(payload, `${line(0)}.SBQQ__QuoteLine__r`, {
      SBQQ__SubscriptionTerm__c: '18',
      SBQQ__EndDate__c: '2027-07-31',
    });
    arrayAt(payload, 'OpportunityLineItems.records').splice(2, 3);
    setAt(payload, 'OpportunityLineItems.totalSize', '2');
    expect(mapped(payload).deal).toMatchObject({
      terms: { termMonths: 18 },
      lines: [{ sku: 'SEAT-PRO', unitPrice: '30.00', pricePeriod: 'month' }, { sku: 'ONBOARDING' }],
    });
  });

  it('refuses segments with a gap and a line that does not cover the term', () => {
    const payload = closedWon();
    setAt(payload, `${line(4)}.SBQQ__QuoteLine__r.SBQQ__EndDate__c`, '2027-12-31');
    setAt(payload, `${line(0)}.SBQQ__QuoteLine__r.SBQQ__EndDate__c`, '2028-01-31');
    const sut = problemsOf(payload);
    expect(sut.status).toBe(422);
    expect(sut.problems).toEqual(
      expect.arrayContaining([
        {
          path: 'Opportunity.OpportunityLineItems.records[3].SBQQ__QuoteLine__r.SBQQ__StartDate__c',
          message:
            'the segment starts on 2028-02-01 but the one before ends on 2027-12-31: segments must follow each other without gap or overlap',
        },
        {
          path: 'Opportunity.OpportunityLineItems.records[0].SBQQ__QuoteLine__r.SBQQ__StartDate__c',
          message:
            'the line runs 2026-02-01 to 2028-01-31 but the contract runs 2026-02-01 to 2029-01-31: every recurring line must cover the whole term',
        },
      ]),
    );
  });

  it('answers 400 when not all line items were sent, or fields are malformed', () => {
    const payload = closedWon();
    setAt(payload, 'OpportunityLineItems.done', false);
    setAt(payload, 'OpportunityLineItems.totalSize', '250');
    setAt(payload, `${line(1)}.Quantity`, '1.5');
    setAt(payload, 'Account.BillingCountryCode', undefined);
    setAt(payload, 'Account.BillingCountry', 'Atlantis');
    const sut = problemsOf(payload);
    expect(sut.status).toBe(400);
    expect(sut.problems).toEqual(
      expect.arrayContaining([
        {
          path: 'Opportunity.OpportunityLineItems',
          message: '5 of 250 line items were sent (done is false); send them all',
        },
        {
          path: 'Opportunity.OpportunityLineItems.records[1].Quantity',
          message: '"1.5" is not a whole number',
        },
        {
          path: 'Opportunity.Account.BillingCountry',
          message:
            '"Atlantis" is neither an ISO 3166-1 alpha-2 code (DE) nor a country name this service knows (Germany, Deutschland)',
        },
      ]),
    );
  });

  it('reads the country from BillingCountry and payment terms from the quote', () => {
    const payload = closedWon();
    setAt(payload, 'Account.BillingCountryCode', undefined);
    setAt(payload, 'Account.BillingCountry', 'United States');
    setAt(payload, 'SBQQ__PrimaryQuote__r.SBQQ__PaymentTerms__c', 'Due on receipt');
    expect(mapped(payload).deal).toMatchObject({
      account: { country: 'US' },
      terms: { paymentTermsDays: 0 },
    });

    setAt(payload, 'SBQQ__PrimaryQuote__r.SBQQ__PaymentTerms__c', 'Net45');
    expect(mapped(payload).deal).toMatchObject({ terms: { paymentTermsDays: 45 } });

    setAt(payload, 'SBQQ__PrimaryQuote__r.SBQQ__PaymentTerms__c', '2/10 Net 30');
    expect(problemsOf(payload).problems.map((p) => p.path)).toEqual([
      'Opportunity.SBQQ__PrimaryQuote__r.SBQQ__PaymentTerms__c',
    ]);
  });

  it('refuses a usage charge and a body that is not an opportunity', () => {
    const payload = closedWon();
    setAt(payload, `${line(0)}.SBQQ__QuoteLine__r.SBQQ__ChargeType__c`, 'Usage');
    setAt(payload, 'attributes.type', 'Quote');
    const sut = problemsOf(payload);
    expect(sut.problems).toEqual(
      expect.arrayContaining([
        { path: 'Opportunity.attributes.type', message: 'is Quote; the body must be an Opportunity' },
        {
          path: 'Opportunity.OpportunityLineItems.records[0].SBQQ__QuoteLine__r.SBQQ__ChargeType__c',
          message: '"Usage" is not supported; supported: Recurring, One-Time',
        },
      ]),
    );
  });

  describe('a single-currency org (no CurrencyIsoCode) without State and Country picklists', () => {
    const singleCurrency = () => crmFixture('salesforce/single-currency-opportunity.json');
    const withCurrency = (defaultCurrency: string): SalesforceMappingOptions => ({
      ...DEFAULT_SALESFORCE_MAPPING,
      defaultCurrency,
    });

    it("takes the org's currency from SALESFORCE_DEFAULT_CURRENCY and the country from BillingCountry", () => {
      const sut = mapSalesforceOpportunity(singleCurrency(), withCurrency('USD'));
      if (!sut.ok) throw new Error(JSON.stringify(sut.problems));
      expect(sut.body.deal).toMatchObject({
        id: '006Ax00000Q2sglIAB',
        currency: 'USD',
        account: { id: '001Ax00000A2usaIAB', name: 'Acme Inc.', country: 'US' },
      });
      // The same lines and prices as the multi-currency sample: only the currency's source differs.
      expect(sut.body.deal['lines']).toEqual(mapped(closedWon()).deal['lines']);
      expect(toCanonicalDeal(sut.body).ok).toBe(true);
    });

    it('answers 400 naming CurrencyIsoCode and the setting when the currency is not configured', () => {
      const sut = problemsOf(singleCurrency());
      expect(sut.status).toBe(400);
      expect(sut.problems).toEqual([
        {
          path: 'Opportunity.CurrencyIsoCode',
          message:
            'is required: a single-currency org has no CurrencyIsoCode, set SALESFORCE_DEFAULT_CURRENCY to its currency',
        },
      ]);
    });

    it("keeps an Opportunity's own CurrencyIsoCode over the default", () => {
      const payload = singleCurrency();
      setAt(payload, 'CurrencyIsoCode', 'EUR');
      const sut = mapSalesforceOpportunity(payload, withCurrency('USD'));
      expect(sut.ok && sut.body.deal['currency']).toBe('EUR');
    });

    it('maps a free-text BillingCountry as people write it, and names the field when it cannot', () => {
      const countryOf = (text: string) => {
        const payload = singleCurrency();
        setAt(payload, 'Account.BillingCountry', text);
        return mapSalesforceOpportunity(payload, withCurrency('USD'));
      };
      for (const [text, code] of [
        ['United States', 'US'],
        ['USA', 'US'],
        ['U.S.A.', 'US'],
        ['Germany', 'DE'],
        ['Deutschland', 'DE'],
        ['DE', 'DE'],
        ['de', 'DE'],
        ['United Kingdom', 'GB'],
        ['UK', 'GB'],
        ['Korea, Republic of', 'KR'],
        ['The Netherlands', 'NL'],
        ['Czech Republic', 'CZ'],
        ['Österreich', 'AT'],
      ] as const) {
        const sut = countryOf(text);
        expect([text, sut.ok && (sut.body.deal['account'] as { country: string }).country]).toEqual([
          text,
          code,
        ]);
      }
      for (const text of ['Atlantis', 'XX', 'Europe']) {
        const sut = countryOf(text);
        expect(sut).toMatchObject({ ok: false, status: 400 });
        expect(!sut.ok && sut.problems.map((p) => p.path)).toEqual(['Opportunity.Account.BillingCountry']);
      }
    });

    it('answers 400 naming both country fields when neither is set', () => {
      const payload = singleCurrency();
      setAt(payload, 'Account.BillingCountry', null);
      const sut = mapSalesforceOpportunity(payload, withCurrency('USD'));
      expect(sut).toMatchObject({ ok: false, status: 400 });
      expect(!sut.ok && sut.problems).toEqual([
        {
          path: 'Opportunity.Account.BillingCountryCode',
          message:
            'is required, or BillingCountry where State and Country/Territory Picklists are off: the country decides the tax',
        },
      ]);
    });
  });

  describe('an org-defined Type', () => {
    const wholesale = () => crmFixture('salesforce/custom-type-opportunity.json');
    const types = (overrides: Partial<SalesforceMappingOptions['types']>): SalesforceMappingOptions => ({
      types: { ...DEFAULT_SALESFORCE_MAPPING.types, ...overrides },
    });

    it('refuses a Type that is not configured with 422, naming the settings to change', () => {
      const sut = problemsOf(wholesale());
      expect(sut.status).toBe(422);
      expect(sut.problems).toEqual([
        {
          path: 'Opportunity.Type',
          message:
            '"Wholesale Numbers" is not a Type this service is configured for: add it to SALESFORCE_TYPE_NEW if ' +
            'such an opportunity starts a new contract (now "New Customer", "New Business"), to ' +
            'SALESFORCE_TYPE_RENEWAL if it renews one (now none), or to SALESFORCE_TYPE_AMENDMENT if it ' +
            'changes one (now none)',
        },
      ]);
    });

    it('maps it as a new deal once it is in SALESFORCE_TYPE_NEW, in any case', () => {
      const sut = mapSalesforceOpportunity(
        wholesale(),
        types({ new: ['New Customer', 'wholesale numbers'] }),
      );
      if (!sut.ok) throw new Error(JSON.stringify(sut.problems));
      expect(sut.body.deal).toMatchObject({ id: '006Ax00000Q3whsIAB', kind: 'new', currency: 'GBP' });
      expect(sut.body.deal).not.toHaveProperty('amends');
      // "New Customer" is then no longer new unless listed: the list replaces the default.
      const payload = wholesale();
      setAt(payload, 'Type', 'New Business');
      expect(mapSalesforceOpportunity(payload, types({ new: ['Wholesale Numbers'] }))).toMatchObject({
        ok: false,
        status: 422,
      });
    });

    it('maps a Type of SALESFORCE_TYPE_RENEWAL as a renewal of O2C_Renews_Opportunity__c', () => {
      const payload = wholesale();
      const options = types({ renewal: ['Wholesale Numbers'] });
      const missing = mapSalesforceOpportunity(payload, options);
      expect(missing).toMatchObject({ ok: false, status: 400 });
      expect(!missing.ok && missing.problems.map((p) => p.path)).toEqual([
        'Opportunity.O2C_Renews_Opportunity__c',
      ]);

      setAt(payload, 'O2C_Renews_Opportunity__c', '006Ax00000Q0orgIAB');
      const sut = mapSalesforceOpportunity(payload, options);
      expect(sut.ok && sut.body.deal).toMatchObject({ kind: 'renewal', amends: '006Ax00000Q0orgIAB' });
    });

    it('refuses a Type of SALESFORCE_TYPE_AMENDMENT with the reason amendments are not mapped', () => {
      const sut = mapSalesforceOpportunity(wholesale(), types({ amendment: ['Wholesale Numbers'] }));
      expect(sut).toMatchObject({ ok: false, status: 422 });
      expect(!sut.ok && sut.problems[0]!.message).toMatch(
        /^"Wholesale Numbers" is an amendment \(SALESFORCE_TYPE_AMENDMENT\); amendments are not mapped from Salesforce/,
      );
    });
  });
});
