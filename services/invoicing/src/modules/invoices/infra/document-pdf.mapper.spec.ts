import { type InvoiceIssuedV1 } from '@o2c/contracts';
import { printable, renderDocumentPdf } from './document-pdf.mapper';

const usd = (amountMinor: string) => ({ amountMinor, currency: 'USD' });

function invoice(): InvoiceIssuedV1 {
  return {
    documentId: 'doc-1',
    number: 'INV-2026-000001',
    issueDate: '2026-02-01',
    dueDate: '2026-03-03',
    accountId: 'acc-1',
    contractId: 'c-1',
    currency: 'USD',
    buyer: { name: 'Acme GmbH', country: 'DE', taxId: 'DE123456789' },
    seller: { name: 'o2c Demo GmbH', country: 'DE', taxId: 'DE999999999' },
    subtotal: usd('1620000'),
    taxTotal: usd('307800'),
    total: usd('1927800'),
    reverseCharge: false,
    lines: Array.from({ length: 60 }, (_, index) => ({
      lineNumber: index + 1,
      description: 'Pro seat (SEAT-PRO)',
      sku: 'SEAT-PRO',
      chargeType: 'recurring' as const,
      dealId: 'D1',
      dealLineId: 'L1',
      contractVersion: 1,
      chargeId: 'c-1/L1',
      servicePeriod: { start: '2026-02-01', end: '2027-02-01' },
      quantity: 50,
      unitPrice: '360.00',
      discountPercent: '10',
      amount: usd('1620000'),
      taxRatePercent: '19',
      tax: usd('307800'),
      explanation: { exactAmountMinor: '1620000' },
    })),
  };
}

describe(renderDocumentPdf.name, () => {
  it('gives the same bytes for the same document, dated by its issue date, not the clock', async () => {
    const sut = await renderDocumentPdf({ kind: 'invoice', data: invoice() });
    jest.useFakeTimers({ now: new Date('2031-07-15T12:34:56Z') });
    try {
      expect((await renderDocumentPdf({ kind: 'invoice', data: invoice() })).equals(sut)).toBe(true);
    } finally {
      jest.useRealTimers();
    }
    expect(sut.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(sut.toString('latin1')).toContain('(D:20260201000000Z)');
  });

  it('continues a long document on further pages', async () => {
    const sut = (await renderDocumentPdf({ kind: 'invoice', data: invoice() })).toString('latin1');
    expect(sut.match(/\/Type \/Page\b/g)!.length).toBeGreaterThan(1);
  });
});

describe('pdfkit', () => {
  it('is required by the first PDF rendered, not when the mapper is loaded', async () => {
    await jest.isolateModulesAsync(async () => {
      const required = jest.fn();
      jest.doMock('pdfkit', () => {
        required();
        return jest.requireActual<object>('pdfkit');
      });
      // A fresh copy of the mapper, in this registry where pdfkit is watched.
      const mapper = jest.requireActual<{ renderDocumentPdf: typeof renderDocumentPdf }>(
        './document-pdf.mapper',
      );
      expect(required).not.toHaveBeenCalled();
      const first = await mapper.renderDocumentPdf({ kind: 'invoice', data: invoice() });
      await mapper.renderDocumentPdf({ kind: 'invoice', data: invoice() });
      expect(required).toHaveBeenCalledTimes(1);
      expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    });
  });
});

describe(printable.name, () => {
  it('keeps what the standard fonts print and replaces the rest', () => {
    expect(printable('Müller & Søn – 10 € × 2 − 1')).toBe('Müller & Søn – 10 € × 2 - 1');
    expect(printable('株式会社')).toBe('????');
  });
});
