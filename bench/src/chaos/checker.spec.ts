import {
  amendContract,
  CalendarDate,
  type ContractVersion,
  type ScheduledDocument,
  scheduleDocuments,
  startContract,
} from '@o2c/billing';
import { type CatalogEntrySnapshotV1, contractEventOf } from '@o2c/contracts';
import { Fraction } from '@o2c/money';
import {
  compareDocuments,
  currentHistory,
  gapsOf,
  grantsOn,
  type IssuedDoc,
  type StoredVersion,
} from './checker';

const d = (text: string) => CalendarDate.parse(text);

const catalog: Record<string, CatalogEntrySnapshotV1> = {
  'SEAT-PRO': {
    sku: 'SEAT-PRO',
    version: 1,
    name: 'Pro seat',
    chargeType: 'recurring',
    defaultPricePeriod: 'year',
    provisioning: { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso'] },
  },
  ONBOARDING: { sku: 'ONBOARDING', version: 1, name: 'Onboarding', chargeType: 'one_time' },
};

function stored(contractId: string, version: ContractVersion, dealRevision = 1): StoredVersion {
  const { type, data } = contractEventOf(version, {
    contractId,
    accountId: 'acc-1',
    source: { kind: 'deal', dealId: version.change.id, revision: dealRevision },
    charge: (lineId) => {
      const sku = version.charges.find((c) => c.id === lineId)!.sku;
      return { chargeId: `${contractId}-${lineId}`, catalog: catalog[sku]! };
    },
  });
  return { contractId, version: version.version, type, data };
}

const v1 = startContract({
  dealId: 'deal-1',
  currency: 'EUR',
  terms: { startDate: d('2026-01-01'), termMonths: 12, billingFrequency: 'quarterly', paymentTermsDays: 30 },
  lines: [
    {
      id: 'L1',
      sku: 'SEAT-PRO',
      chargeType: 'recurring',
      pricePeriod: 'year',
      quantity: 10,
      unitPrice: Fraction.parseDecimal('360'),
    },
    {
      id: 'L2',
      sku: 'ONBOARDING',
      chargeType: 'one_time',
      pricePeriod: 'year',
      quantity: 1,
      unitPrice: Fraction.parseDecimal('1500'),
    },
  ],
});
const v2 = amendContract(v1, {
  dealId: 'deal-2',
  effectiveDate: d('2026-05-01'),
  lines: [{ id: 'L1', quantity: 15 }],
});

/** What invoicing would have issued for `schedule`: each document as the engine made it. */
function issuedAsScheduled(schedule: readonly ScheduledDocument[]): IssuedDoc[] {
  return schedule.map((document, i) => ({
    contractId: 'c-1',
    documentId: `doc-${i}`,
    key: document.key,
    number: `INV-2026-${i + 1}`,
    kind: document.kind,
    lines: document.lines.map((line) => ({
      dealLineId: line.chargeId,
      amountMinor: line.amountMinor,
      exactMinor: line.explanation.exactAmount.mul(Fraction.fromInteger(100n)).toString(),
    })),
  }));
}

describe('the chaos checker, its pure parts', () => {
  it('lists the gaps of a number series as ranges', () => {
    expect(gapsOf('INV-2026', 7, new Set([1, 2, 5, 7]))).toEqual(['INV-2026 3..4', 'INV-2026 6']);
    expect(gapsOf('CN-2026', 3, new Set([1, 2, 3]))).toEqual([]);
    expect(gapsOf('CN-2026', 2, new Set())).toEqual(['CN-2026 1..2']);
  });

  it('reads the current history from the latest version, and knows when one of it is missing', () => {
    const first = stored('c-1', v1);
    const second = stored('c-1', v2);
    expect(currentHistory([second, first])!.map((v) => v.version)).toEqual([1, 2]);
    const restated = { ...second, version: 3, data: { ...second.data, version: 3, history: [1, 3] } };
    expect(currentHistory([first, second, restated])!.map((v) => v.version)).toEqual([1, 3]);
    expect(currentHistory([restated])).toBeUndefined();
  });

  it('grants the seats of the segment in force on the day, nothing outside the term', () => {
    const history = [stored('c-1', v1), stored('c-1', v2)];
    expect(grantsOn(history, '2026-03-01')).toEqual(new Map([['pro', { seats: 10, features: ['sso'] }]]));
    expect(grantsOn(history, '2026-06-01')).toEqual(new Map([['pro', { seats: 15, features: ['sso'] }]]));
    expect(grantsOn(history, '2027-01-01')).toEqual(new Map());
    expect(grantsOn(history, '2025-12-31')).toEqual(new Map());
  });

  it('finds nothing when the documents are the schedule, and each lost, unexpected or wrong one', () => {
    const schedule = scheduleDocuments([v1, v2]);
    const issued = issuedAsScheduled(schedule).filter(
      (doc) => !schedule.find((s) => s.key === doc.key)!.date.isAfter(d('2026-06-30')),
    );
    const clean = compareDocuments('c-1', schedule, issued, '2026-06-30');
    expect(clean).toEqual({
      expected: issued.map((doc) => `c-1 ${doc.key}`),
      lost: [],
      duplicated: [],
      unexpected: [],
      mismatches: [],
    });

    const [first, ...rest] = issued;
    const broken = compareDocuments(
      'c-1',
      schedule,
      [
        ...rest.map((doc, i) =>
          i === 0
            ? { ...doc, lines: doc.lines.map((l) => ({ ...l, amountMinor: l.amountMinor + 1n })) }
            : doc,
        ),
        { ...rest[0]!, documentId: 'stray', key: 'regular:2030-01-01' },
      ],
      '2026-06-30',
    );
    expect(broken.lost).toEqual([`c-1 ${first!.key}`]);
    expect(broken.unexpected).toEqual(['c-1 regular:2030-01-01']);
    // The lost invoice owes both its lines; the next one bills a cent more than its exact amounts; the stray all.
    expect(broken.mismatches).toEqual([
      `c-1 line L1 ${first!.key}: billed net 0, schedule net 90000 (exact 0 vs 90000)`,
      `c-1 line L2 ${first!.key}: billed net 0, schedule net 150000 (exact 0 vs 150000)`,
      `c-1 line L1 ${rest[0]!.key}: billed net 90001, schedule net 90000`,
      'c-1 line L1 regular:2030-01-01: billed net 90000, schedule net 0 (exact 90000 vs 0)',
    ]);
  });

  it('counts a correction on the key it corrects', () => {
    const before = scheduleDocuments([v1]).filter((doc) => !doc.date.isAfter(d('2026-06-30')));
    // An amendment from April 1st, arriving once April's invoice was issued: that invoice now bills 15 seats, not 10.
    const backdated = amendContract(v1, {
      dealId: 'deal-2',
      effectiveDate: d('2026-04-01'),
      lines: [{ id: 'L1', quantity: 15 }],
    });
    const after = scheduleDocuments([v1, backdated]);
    const issued = issuedAsScheduled(before);
    const april = after.find((doc) => doc.key === 'regular:2026-04-01')!;
    const was = issued.find((doc) => doc.key === april.key)!.lines.find((l) => l.dealLineId === 'L1')!;
    const is = april.lines.find((l) => l.chargeId === 'L1')!;
    const difference = is.amountMinor - was.amountMinor;
    const exact = is.explanation.exactAmount
      .mul(Fraction.fromInteger(100n))
      .sub(Fraction.parseDecimal(was.exactMinor));
    const uncorrected = compareDocuments('c-1', after, issued, '2026-06-30');
    expect(difference).toBe(45000n);
    expect(uncorrected.mismatches).toEqual([
      'c-1 line L1 regular:2026-04-01: billed net 90000, schedule net 135000 (exact 90000 vs 135000)',
    ]);
    const correction: IssuedDoc = {
      contractId: 'c-1',
      documentId: 'corr',
      key: 'correction:deal-2:invoice',
      number: 'INV-2026-99',
      kind: 'invoice',
      lines: [{ dealLineId: 'L1', amountMinor: difference, exactMinor: difference.toString() }],
      corrects: [{ documentKey: april.key, chargeId: 'L1', exactMinor: exact.toString() }],
    };
    expect(compareDocuments('c-1', after, [...issued, correction], '2026-06-30').mismatches).toEqual([]);
  });
});
