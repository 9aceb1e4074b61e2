import { InvoicingError, InvoicingErrorCode } from './invoicing.errors';
import { amountDue, checkPayment, invoiceOverdueEvent, invoicePaidEvent, statusAfter } from './settlement';

function invoice(paidMinor: bigint, creditedMinor: bigint) {
  return {
    documentId: 'doc-1',
    number: 'INV-2026-000001',
    accountId: 'acc-1',
    contractId: 'c-1',
    issueDate: '2026-02-01',
    dueDate: '2026-03-03',
    status: 'open' as const,
    currency: 'USD',
    totalMinor: 1927800n,
    paidMinor,
    creditedMinor,
  };
}

function refusal(run: () => void): InvoicingError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvoicingError) return error;
    throw error;
  }
  throw new Error('the payment was accepted');
}

describe(amountDue.name, () => {
  it('is the total less payments and credit notes', () => {
    expect(amountDue(invoice(1000000n, 194365n))).toBe(733435n);
  });

  it('is never below zero: a credit on a paid invoice leaves nothing due', () => {
    expect(amountDue(invoice(1927800n, 194365n))).toBe(0n);
  });
});

describe(statusAfter.name, () => {
  it('settles an invoice once nothing is due, and leaves it as it is otherwise', () => {
    expect(statusAfter('open', invoice(1927800n, 0n))).toBe('paid');
    expect(statusAfter('overdue', invoice(1733435n, 194365n))).toBe('paid');
    expect(statusAfter('overdue', invoice(1733434n, 194365n))).toBe('overdue');
    expect(statusAfter('open', invoice(1n, 0n))).toBe('open');
  });
});

describe(checkPayment.name, () => {
  it('accepts a partial payment and one of exactly what is due', () => {
    expect(() => checkPayment(invoice(0n, 0n), { amountMinor: 1n, currency: 'USD' })).not.toThrow();
    expect(() => checkPayment(invoice(27800n, 0n), { amountMinor: 1900000n, currency: 'USD' })).not.toThrow();
  });

  it('refuses one cent more than is due, saying how much is due', () => {
    const sut = refusal(() => checkPayment(invoice(27800n, 0n), { amountMinor: 1900001n, currency: 'USD' }));
    expect(sut.code).toBe(InvoicingErrorCode.Overpayment);
    expect(sut.message).toBe(
      'Payment of 19000.01 USD exceeds the 19000.00 USD due on invoice INV-2026-000001',
    );
    expect(sut.extensions).toEqual({
      amountDue: { amountMinor: '1900000', currency: 'USD' },
      amount: { amountMinor: '1900001', currency: 'USD' },
    });
  });

  it('refuses another currency before anything else', () => {
    const sut = refusal(() => checkPayment(invoice(0n, 0n), { amountMinor: 1n, currency: 'EUR' }));
    expect(sut.code).toBe(InvoicingErrorCode.PaymentCurrencyMismatch);
  });

  it('refuses any payment once nothing is due', () => {
    const sut = refusal(() => checkPayment(invoice(1733435n, 194365n), { amountMinor: 1n, currency: 'USD' }));
    expect(sut.code).toBe(InvoicingErrorCode.InvoiceAlreadySettled);
  });
});

describe('events of settlement', () => {
  it('says what was received and the total in the paid event', () => {
    expect(invoicePaidEvent(invoice(1733435n, 194365n), '2026-03-01')).toEqual({
      documentId: 'doc-1',
      number: 'INV-2026-000001',
      accountId: 'acc-1',
      contractId: 'c-1',
      paymentDate: '2026-03-01',
      amountPaid: { amountMinor: '1733435', currency: 'USD' },
      total: { amountMinor: '1927800', currency: 'USD' },
    });
  });

  it('says what is still due in the overdue event', () => {
    expect(invoiceOverdueEvent(invoice(1000000n, 0n), '2026-03-04')).toMatchObject({
      dueDate: '2026-03-03',
      overdueOn: '2026-03-04',
      amountDue: { amountMinor: '927800', currency: 'USD' },
    });
  });
});
