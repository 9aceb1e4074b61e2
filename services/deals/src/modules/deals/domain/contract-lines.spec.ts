import { type CatalogEntrySnapshotV1, type DealClosedV1, type DealLineV1 } from '@o2c/contracts';
import { closedEventOf, contractLinesOf, resolveLine } from './contract-lines';
import { type ClosedDeal } from './deal';

const entry = (sku: string, version = 1): CatalogEntrySnapshotV1 => ({
  sku,
  version,
  name: sku,
  chargeType: 'recurring',
  defaultPricePeriod: 'year',
});
const line = (id: string, sku: string, version = 1): DealLineV1 => ({
  id,
  sku,
  quantity: 1,
  unitPrice: '1.00',
  catalog: entry(sku, version),
});
const deal = (kind: DealClosedV1['kind'], ...lines: DealLineV1[]) => ({ kind, lines });

describe(contractLinesOf.name, () => {
  const sut = contractLinesOf;

  it('knows the lines of the new deal, and those amendments add, with the snapshot that introduced them', () => {
    const lines = sut([deal('new', line('L1', 'SEAT-PRO')), deal('amendment', line('L2', 'ADDON-SSO', 3))]);
    expect([...lines]).toEqual([
      ['L1', { sku: 'SEAT-PRO', catalog: entry('SEAT-PRO') }],
      ['L2', { sku: 'ADDON-SSO', catalog: entry('ADDON-SSO', 3) }],
    ]);
  });

  it('takes a renewal deal’s lines in place of the earlier ones, and ignores a cancellation', () => {
    const lines = sut([
      deal('new', line('L1', 'SEAT-PRO'), line('L2', 'PLATFORM')),
      deal('renewal', line('R1', 'SEAT-BASIC', 2)),
      deal('cancellation'),
    ]);
    expect([...lines.keys()]).toEqual(['R1']);
  });
});

describe(resolveLine.name, () => {
  const catalog = new Map([['SEAT-PRO', entry('SEAT-PRO', 4)]]);
  const contract = new Map([['L1', { sku: 'SEAT-PRO', catalog: entry('SEAT-PRO', 1) }]]);
  const sut = resolveLine;

  it('takes a line named by id only from the contract, snapshot included', () => {
    expect(sut({ id: 'L1', quantity: 70 }, catalog, contract)).toEqual({
      sku: 'SEAT-PRO',
      catalog: entry('SEAT-PRO', 1),
    });
    expect(sut({ id: 'L9', quantity: 70 }, catalog, contract)).toBeUndefined();
    expect(sut({ id: 'L1', quantity: 70 }, catalog, undefined)).toBeUndefined();
  });

  it('takes the catalog’s current entry for a line with a SKU', () => {
    expect(sut({ id: 'L1', sku: 'SEAT-PRO', quantity: 70 }, catalog, contract)).toEqual({
      sku: 'SEAT-PRO',
      catalog: entry('SEAT-PRO', 4),
    });
    expect(sut({ id: 'L2', sku: 'NOPE', quantity: 1 }, catalog, contract)).toBeUndefined();
  });
});

describe(closedEventOf.name, () => {
  it('makes the event complete: contract, and every line’s SKU and catalog snapshot', () => {
    const amendment: ClosedDeal = {
      id: 'D2',
      revision: 1,
      kind: 'amendment',
      amends: 'D1',
      closedAt: '2026-06-01T09:00:00Z',
      account: { id: 'A1', name: 'Acme', country: 'US' },
      currency: 'USD',
      effectiveDate: '2026-06-15',
      lines: [{ id: 'L1', quantity: 70 }],
    };
    const sut = closedEventOf(amendment, 'C1', [{ sku: 'SEAT-PRO', catalog: entry('SEAT-PRO') }]);
    expect(sut).toEqual({
      dealId: 'D2',
      revision: 1,
      kind: 'amendment',
      amends: 'D1',
      closedAt: '2026-06-01T09:00:00Z',
      account: { id: 'A1', name: 'Acme', country: 'US' },
      currency: 'USD',
      effectiveDate: '2026-06-15',
      contractId: 'C1',
      lines: [{ id: 'L1', quantity: 70, sku: 'SEAT-PRO', catalog: entry('SEAT-PRO') }],
    });
  });
});
