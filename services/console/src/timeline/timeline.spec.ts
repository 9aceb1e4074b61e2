import {
  buildTimeline,
  type ContractView,
  type DealDetail,
  formatMinor,
  reasonOf,
  type TimelineSources,
} from './timeline';

function deal(overrides: Partial<DealDetail> = {}): DealDetail {
  return {
    dealId: 'D1',
    revision: 1,
    kind: 'new',
    status: 'accepted',
    accountId: 'A1',
    contractId: 'C1',
    reasons: [],
    receivedAt: '2026-12-01T09:00:00.000Z',
    history: [
      { revision: 1, source: 'webhook', outcome: 'accepted', reasons: [], at: '2026-12-01T09:00:00.000Z' },
    ],
    ...overrides,
  };
}

function contract(overrides: Partial<ContractView> = {}): ContractView {
  return {
    contractId: 'C1',
    accountId: 'A1',
    currency: 'EUR',
    status: 'active',
    term: { startDate: '2026-01-01', endDate: '2027-01-01' },
    charges: [{ sku: 'SEAT-PRO', catalog: { provisioning: { licenseProduct: 'pro' } } }],
    versions: [
      {
        version: 1,
        eventType: 'o2c.subscription.activated.v1',
        source: { kind: 'deal', dealId: 'D1', revision: 1 },
        recordedAt: '2026-12-01T09:00:01.000Z',
      },
    ],
    ...overrides,
  };
}

function sources(overrides: Partial<TimelineSources> = {}): TimelineSources {
  return {
    deals: [deal()],
    contracts: [contract()],
    invoices: [
      {
        documentId: 'doc-1',
        number: 'INV-2026-000001',
        issueDate: '2026-01-01',
        dueDate: '2026-01-31',
        accountId: 'A1',
        contractId: 'C1',
        total: { amountMinor: '714000', currency: 'EUR' },
        status: 'open',
        amountDueMinor: '714000',
      },
    ],
    creditNotes: [],
    entitlementChanges: [
      {
        contractId: 'C1',
        product: 'pro',
        kind: 'granted',
        effectiveDate: '2026-01-01',
        appliedAsOf: '2026-12-01',
        event: { type: 'o2c.subscription.activated.v1', contractVersion: 1 },
        after: { seats: 5 },
        licenseId: 'lic-1',
        recordedAt: '2026-12-01T09:00:02.000Z',
      },
    ],
    deliveries: [
      {
        id: 'del-1',
        contractId: 'C1',
        product: 'pro',
        type: 'license.provisioned',
        status: 'delivered',
        attempts: 1,
        lastError: null,
        createdAt: '2026-12-01T09:00:02.500Z',
        deliveredAt: '2026-12-01T09:00:03.000Z',
      },
    ],
    deadLetters: [],
    ...overrides,
  };
}

describe(buildTimeline.name, () => {
  it('puts the steps in the order of the stages, each with its status, and finds nothing stuck', () => {
    const sut = buildTimeline(sources(), '2026-12-06');

    // The invoice is dated 2026-01-01, before the webhook, yet comes after the contract: stages first, then time.
    expect(sut.entries.map((entry) => [entry.stage, entry.status, entry.tone])).toEqual([
      ['webhook', 'accepted', 'done'],
      ['contract', 'activated', 'done'],
      ['invoice', 'open', 'waiting'],
      ['licence', 'granted', 'done'],
      ['delivery', 'delivered', 'done'],
    ]);
    expect(sut.entries[2]!.title).toBe('Invoice INV-2026-000001 issued 2026-01-01, due 2026-01-31');
    expect(sut.entries[2]!.detail).toBe('total 7,140.00 EUR, 7,140.00 EUR still due');
    expect(sut.entries[3]!.title).toBe('Licence lic-1: pro granted, 5 seats');
    expect(sut.stuck).toBeNull();
  });

  it('says a rejected deal is stuck at the webhook, with each reason and its field', () => {
    const rejected = deal({
      status: 'rejected',
      contractId: null,
      reasons: ['lines.0.sku: unknown SKU SEAT-X', 'account.country: XX has no tax rate'],
      history: [
        {
          revision: 1,
          source: 'webhook',
          outcome: 'rejected',
          reasons: ['lines.0.sku: unknown SKU SEAT-X', 'account.country: XX has no tax rate'],
          at: '2026-12-01T09:00:00.000Z',
        },
      ],
    });

    const sut = buildTimeline(
      sources({ deals: [rejected], contracts: [], invoices: [], entitlementChanges: [], deliveries: [] }),
      '2026-12-06',
    );

    expect(sut.entries).toHaveLength(1);
    expect(sut.entries[0]!.reasons).toEqual([
      { field: 'lines.0.sku', message: 'unknown SKU SEAT-X' },
      { field: 'account.country', message: 'XX has no tax rate' },
    ]);
    expect(sut.stuck).toEqual({
      stage: 'webhook',
      since: '2026-12-01T09:00:00.000Z',
      reason: 'deal D1 is rejected: lines.0.sku: unknown SKU SEAT-X; account.country: XX has no tax rate',
    });
  });

  it('says an accepted deal no contract version came from is stuck before the contract', () => {
    const sut = buildTimeline(
      sources({ contracts: [], invoices: [], entitlementChanges: [], deliveries: [] }),
      '2026-12-06',
    );

    expect(sut.stuck).toEqual({
      stage: 'contract',
      since: '2026-12-01T09:00:00.000Z',
      reason: 'subscriptions holds no contract version from deal D1 yet',
    });
  });

  it('waits for the licence of a contract that has not started, and calls a missing one of a running contract stuck', () => {
    const future = contract({ term: { startDate: '2031-01-01', endDate: '2032-01-01' } });
    expect(
      buildTimeline(sources({ contracts: [future], entitlementChanges: [], deliveries: [] }), '2026-12-06')
        .stuck,
    ).toBeNull();

    expect(
      buildTimeline(sources({ entitlementChanges: [], deliveries: [] }), '2026-12-06').stuck,
    ).toMatchObject({
      stage: 'licence',
      reason: 'provisioning holds no licence for contract C1, which started 2026-01-01',
    });
  });

  it('calls a dead letter of the account and a product webhook given up on stuck', () => {
    const deadLetter = {
      id: '7',
      type: 'o2c.subscription.activated.v1',
      key: 'A1',
      error: 'boom',
      attempts: 5,
      deadLetteredAt: '2026-12-01T09:01:00.000Z',
    };
    expect(
      buildTimeline(sources({ deadLetters: [{ service: 'invoicing', deadLetter }] }), '2026-12-06').stuck,
    ).toEqual({
      stage: 'dead_letter',
      since: '2026-12-01T09:01:00.000Z',
      reason: 'invoicing could not apply o2c.subscription.activated.v1: boom',
    });

    const dead = {
      ...sources().deliveries[0]!,
      status: 'dead' as const,
      deliveredAt: null,
      attempts: 12,
      lastError: 'answered 500',
    };
    expect(buildTimeline(sources({ deliveries: [dead] }), '2026-12-06').stuck).toEqual({
      stage: 'delivery',
      since: '2026-12-01T09:00:02.500Z',
      reason: 'the webhook to the pro product gave up after 12 attempts: answered 500',
    });
  });
});

describe(reasonOf.name, () => {
  it('splits the field from the words, and keeps a reason without a field whole', () => {
    expect(reasonOf('lines.0.sku: unknown SKU SEAT-X')).toEqual({
      field: 'lines.0.sku',
      message: 'unknown SKU SEAT-X',
    });
    expect(reasonOf('amends: deal X is not accepted yet')).toEqual({
      field: 'amends',
      message: 'deal X is not accepted yet',
    });
    expect(reasonOf('the deal could not be read')).toEqual({
      field: null,
      message: 'the deal could not be read',
    });
  });
});

describe(formatMinor.name, () => {
  it("writes minor units in the currency's own decimals", () => {
    expect(formatMinor('714000', 'EUR')).toBe('7,140.00 EUR');
    expect(formatMinor('5', 'EUR')).toBe('0.05 EUR');
    expect(formatMinor('-1234567', 'JPY')).toBe('-1,234,567 JPY');
    expect(formatMinor('1500', 'KWD')).toBe('1.500 KWD');
  });
});
