// Valid examples of each event type's data: for the schemas' tests, the benchmark of their check, and readers.
import { EventTypes, type EventType } from './topics';

/** Marks a property to remove in `changed`. */
export const ABSENT = Symbol('absent');

/**
 * A deep copy of plain data, made of this realm's objects and arrays. Jest runs a test file in a vm context, where
 * structuredClone returns objects of the outer realm: not `Object.prototype` objects of the test's own.
 */
export function copy<T>(data: T): T {
  if (Array.isArray(data)) return data.map((each: unknown) => copy(each)) as T;
  if (typeof data === 'object' && data !== null) {
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, copy(value)])) as T;
  }
  return data;
}

/** A deep copy of `data` with each `path` (`lines.0.unitPrice`) set to its value, or removed for ABSENT. */
export function changed(data: object, changes: Record<string, unknown>): object {
  const result = copy(data) as Record<string, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    const parent = keys.reduce<Record<string, unknown>>(
      (node, key) => node[key] as Record<string, unknown>,
      result,
    );
    if (value === ABSENT) delete parent[last];
    else parent[last] = value;
  }
  return result;
}

// The deal.closed examples (deal-webhook.md).
export const seatPro = {
  sku: 'SEAT-PRO',
  version: 3,
  name: 'Pro seat',
  chargeType: 'recurring',
  defaultPricePeriod: 'year',
  provisioning: { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso', 'audit-log'] },
};

/** The example of deal-webhook.md, as the deals service emits it. */
export function newDeal() {
  return {
    dealId: '006Ax00000Q1',
    revision: 1,
    kind: 'new',
    closedAt: '2026-01-20T16:03:00Z',
    contractId: 'c-0001',
    account: {
      id: '001Ax00000A1',
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
        id: 'L1',
        sku: 'SEAT-PRO',
        quantity: 50,
        unitPrice: '360.00',
        pricePeriod: 'year',
        discountPercent: '10',
        catalog: copy(seatPro),
      },
      {
        id: 'L2',
        sku: 'ONBOARDING',
        quantity: 1,
        unitPrice: '5000.00',
        catalog: { sku: 'ONBOARDING', version: 1, name: 'Onboarding', chargeType: 'one_time' },
      },
      {
        id: 'L3',
        sku: 'PLATFORM',
        pricePeriod: 'year',
        segments: [
          { startDate: '2026-02-01', endDate: '2027-02-01', quantity: 1, unitPrice: '100000.00' },
          { startDate: '2027-02-01', endDate: '2028-02-01', quantity: 1, unitPrice: '120000.00' },
          { startDate: '2028-02-01', endDate: '2029-02-01', quantity: 1, unitPrice: '150000.00' },
        ],
        catalog: {
          sku: 'PLATFORM',
          version: 1,
          name: 'Platform',
          chargeType: 'recurring',
          defaultPricePeriod: 'year',
        },
      },
    ],
  };
}

export function amendment() {
  const { terms: _terms, ...deal } = newDeal();
  return {
    ...deal,
    dealId: '006Ax00000Q2',
    kind: 'amendment',
    amends: '006Ax00000Q1',
    effectiveDate: '2026-06-15',
    lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 70, catalog: copy(seatPro) }],
  };
}

export function cancellation() {
  const { terms: _terms, ...deal } = newDeal();
  return {
    ...deal,
    dealId: '006Ax00000Q3',
    kind: 'cancellation',
    amends: '006Ax00000Q1',
    cancellation: { effective: 'immediate', date: '2026-09-01' },
    lines: [],
  };
}

// The invoicing examples (billing-rules.md §10).
export const usd = (amountMinor: string) => ({ amountMinor, currency: 'USD' });

export const header = {
  documentId: 'doc-1',
  issueDate: '2026-02-01',
  accountId: '001Ax00000A1',
  contractId: 'c-0001',
  currency: 'USD',
  buyer: { name: 'Acme Inc.', country: 'US', billingEmail: 'ap@acme.example' },
  seller: { name: 'o2c Demo GmbH', country: 'DE', taxId: 'DE999999999' },
  reverseCharge: false,
};

export const seatLine = {
  lineNumber: 1,
  description: 'Pro seat, 2026-02-01 to 2027-01-31',
  sku: 'SEAT-PRO',
  chargeType: 'recurring',
  dealId: '006Ax00000Q1',
  dealLineId: 'L1',
  contractVersion: 1,
  chargeId: 'ch-1',
  quantity: 50,
  unitPrice: '360.00',
  discountPercent: '10',
  taxRatePercent: '0',
};

/** The first invoice of billing-rules.md §10: 50 × 360 × 0.9 = 16,200.00 USD. */
export function invoice() {
  return {
    ...copy(header),
    number: 'INV-2026-000001',
    dueDate: '2026-03-03',
    lines: [
      {
        ...seatLine,
        servicePeriod: { start: '2026-02-01', end: '2027-02-01' },
        amount: usd('1620000'),
        tax: usd('0'),
        explanation: {
          period: { start: '2026-02-01', end: '2027-02-01' },
          nominalPeriod: { start: '2026-02-01', end: '2027-02-01' },
          days: 365,
          nominalDays: 365,
          ratio: '365/365',
          exactAmountMinor: '1620000',
        },
      },
      {
        ...seatLine,
        lineNumber: 2,
        description: 'Onboarding',
        sku: 'ONBOARDING',
        chargeType: 'one_time',
        dealLineId: 'L2',
        chargeId: 'ch-2',
        quantity: 1,
        unitPrice: '5000.00',
        discountPercent: '0',
        amount: usd('500000'),
        tax: usd('0'),
        explanation: { exactAmountMinor: '500000' },
      },
    ],
    subtotal: usd('2120000'),
    taxTotal: usd('0'),
    total: usd('2120000'),
  };
}

/** Immediate cancellation on 2026-09-01: 50 × 324 × 153/365 = 6,790.68 USD back. */
export function creditNote() {
  return {
    ...copy(header),
    documentId: 'doc-2',
    number: 'CN-2026-000001',
    issueDate: '2026-09-01',
    lines: [
      {
        ...seatLine,
        contractVersion: 2,
        description: 'Pro seat, credit 2026-09-01 to 2027-01-31',
        servicePeriod: { start: '2026-09-01', end: '2027-02-01' },
        amount: usd('679068'),
        tax: usd('0'),
        explanation: {
          period: { start: '2026-09-01', end: '2027-02-01' },
          nominalPeriod: { start: '2026-02-01', end: '2027-02-01' },
          days: 153,
          nominalDays: 365,
          ratio: '153/365',
          exactAmountMinor: '49572000/73',
        },
        creditedInvoiceId: 'doc-1',
        creditedInvoiceNumber: 'INV-2026-000001',
      },
    ],
    subtotal: usd('679068'),
    taxTotal: usd('0'),
    total: usd('679068'),
  };
}

export function paid() {
  return {
    documentId: 'doc-1',
    number: 'INV-2026-000001',
    accountId: '001Ax00000A1',
    contractId: 'c-0001',
    paymentDate: '2026-02-20',
    amountPaid: usd('2120000'),
    total: usd('2120000'),
  };
}

export function overdue() {
  return {
    documentId: 'doc-1',
    number: 'INV-2026-000001',
    accountId: '001Ax00000A1',
    contractId: 'c-0001',
    issueDate: '2026-02-01',
    dueDate: '2026-03-03',
    overdueOn: '2026-03-04',
    total: usd('2120000'),
    amountDue: usd('1120000'),
  };
}

// The licence examples.
export function provisioned() {
  return {
    licenseId: 'lic-1',
    accountId: '001Ax00000A1',
    contractId: 'c-0001',
    licenseKey: 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzZWF0cyI6NTB9.c2lnbmF0dXJl',
    keyId: 'k1',
    entitlements: [
      {
        product: 'pro',
        seats: 50,
        features: ['sso', 'audit-log'],
        validFrom: '2026-02-01',
        validTo: '2027-02-01',
      },
    ],
    issuedAt: '2026-01-20T16:03:01.123Z',
  };
}

export function revoked() {
  return {
    licenseId: 'lic-1',
    accountId: '001Ax00000A1',
    contractId: 'c-0001',
    keyId: 'k1',
    reason: 'contract_cancelled',
    effectiveDate: '2026-09-01',
    revokedAt: '2026-09-01T00:00:05+02:00',
  };
}

// The subscription examples.
/** The worked example of billing-rules.md §10 after activation. */
export function activated() {
  return {
    contractId: 'c-0001',
    accountId: '001Ax00000A1',
    currency: 'USD',
    version: 1,
    status: 'active',
    term: {
      startDate: '2026-02-01',
      endDate: '2027-02-01',
      termMonths: 12,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: true,
      renewalTermMonths: 12,
      renewalUpliftPercent: '7',
    },
    source: { kind: 'deal', dealId: '006Ax00000Q1', revision: 1 },
    charges: [
      {
        chargeId: 'ch-1',
        dealLineId: 'L1',
        sku: 'SEAT-PRO',
        chargeType: 'recurring',
        pricePeriod: 'year',
        discountPercent: '10',
        catalog: {
          sku: 'SEAT-PRO',
          version: 3,
          name: 'Pro seat',
          chargeType: 'recurring',
          defaultPricePeriod: 'year',
          provisioning: { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso'] },
        },
        segments: [
          { effectiveFrom: '2026-02-01', effectiveTo: '2027-02-01', quantity: 50, unitPrice: '360.00' },
        ],
      },
      {
        chargeId: 'ch-2',
        dealLineId: 'L2',
        sku: 'ONBOARDING',
        chargeType: 'one_time',
        discountPercent: '0',
        catalog: { sku: 'ONBOARDING', version: 1, name: 'Onboarding', chargeType: 'one_time' },
        segments: [
          { effectiveFrom: '2026-02-01', effectiveTo: '2027-02-01', quantity: 1, unitPrice: '5000.00' },
        ],
      },
    ],
  };
}

export function amended() {
  return {
    ...changed(activated(), {
      version: 2,
      source: { kind: 'deal', dealId: '006Ax00000Q2', revision: 1 },
      'charges.0.segments': [
        { effectiveFrom: '2026-02-01', effectiveTo: '2026-06-15', quantity: 50, unitPrice: '360.00' },
        { effectiveFrom: '2026-06-15', effectiveTo: '2027-02-01', quantity: 70, unitPrice: '360.00' },
      ],
    }),
    effectiveDate: '2026-06-15',
  };
}

export function renewed() {
  return changed(activated(), {
    version: 3,
    source: { kind: 'auto_renewal' },
    'term.startDate': '2027-02-01',
    'term.endDate': '2028-02-01',
  });
}

export function cancelled() {
  return {
    ...activated(),
    version: 2,
    status: 'cancelled',
    cancellation: { effective: 'immediate', date: '2026-09-01' },
  };
}

/** Valid examples of each event type's data, as its producer sends it. */
export const eventDataExamples: Record<EventType, () => object[]> = {
  [EventTypes.dealClosed]: () => [newDeal(), amendment(), cancellation()],
  [EventTypes.subscriptionActivated]: () => [activated()],
  [EventTypes.subscriptionAmended]: () => [amended()],
  [EventTypes.subscriptionRenewed]: () => [renewed()],
  [EventTypes.subscriptionCancelled]: () => [cancelled()],
  [EventTypes.invoiceIssued]: () => [invoice()],
  [EventTypes.creditNoteIssued]: () => [creditNote()],
  [EventTypes.invoicePaid]: () => [paid()],
  [EventTypes.invoiceOverdue]: () => [overdue()],
  [EventTypes.licenseProvisioned]: () => [provisioned()],
  [EventTypes.licenseUpdated]: () => [provisioned()],
  [EventTypes.licenseRevoked]: () => [revoked()],
};
