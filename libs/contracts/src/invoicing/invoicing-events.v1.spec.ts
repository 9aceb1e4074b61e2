import { ABSENT, changed, invalidPaths } from '../../test/schema-check';
import { CreditNoteIssuedV1 } from './credit-note-issued.v1';
import { InvoiceIssuedV1 } from './invoice-issued.v1';
import { InvoiceOverdueV1 } from './invoice-overdue.v1';
import { InvoicePaidV1 } from './invoice-paid.v1';
import { creditNote, invoice, overdue, paid } from '../examples';

describe('invoicing events', () => {
  it.each([
    [InvoiceIssuedV1, 'o2c.invoice.issued.v1'],
    [CreditNoteIssuedV1, 'o2c.credit_note.issued.v1'],
    [InvoicePaidV1, 'o2c.invoice.paid.v1'],
    [InvoiceOverdueV1, 'o2c.invoice.overdue.v1'],
  ])('publishes %p as its ce_type on o2c.invoices.v1', (schema, ceType) => {
    expect(schema.ceType).toBe(ceType);
    expect(schema.topic).toBe('o2c.invoices.v1');
  });

  it.each<[string, new () => object, object]>([
    ['invoice', InvoiceIssuedV1, invoice()],
    ['credit note', CreditNoteIssuedV1, creditNote()],
    ['payment', InvoicePaidV1, paid()],
    ['overdue notice', InvoiceOverdueV1, overdue()],
  ])('accepts a valid %s', (_case, schema, data) => {
    expect(invalidPaths(schema, data)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a number of five digits', { number: 'INV-2026-00001' }, ['number']],
    ['a number of another year', { number: 'INV-2025-000001' }, ['number']],
    ['a credit note number', { number: 'CN-2026-000001' }, ['number']],
    ['a due date that does not exist', { dueDate: '2026-02-30' }, ['dueDate']],
    [
      'an amount in major units',
      { 'lines.0.amount.amountMinor': '16200.00' },
      ['lines.0.amount.amountMinor'],
    ],
    ['a negative amount', { 'lines.0.amount.amountMinor': '-1620000' }, ['lines.0.amount.amountMinor']],
    ['an amount as a JS number', { 'total.amountMinor': 2120000 }, ['total.amountMinor']],
    ['a lower-case currency', { 'total.currency': 'usd' }, ['total.currency']],
    ['no tax on a line', { 'lines.0.tax': ABSENT }, ['lines.0.tax']],
    [
      'a recurring line without service period',
      { 'lines.0.servicePeriod': ABSENT },
      ['lines.0.servicePeriod'],
    ],
    [
      'a one-time line with a service period',
      { 'lines.1.servicePeriod': { start: '2026-02-01', end: '2026-02-02' } },
      ['lines.1.servicePeriod'],
    ],
    ['a decimal ratio', { 'lines.0.explanation.ratio': '1.0' }, ['lines.0.explanation.ratio']],
    ['a reverse charge flag as text', { reverseCharge: 'no' }, ['reverseCharge']],
    ['a buyer without country', { 'buyer.country': ABSENT }, ['buyer.country']],
    ['no lines', { lines: [] }, ['lines']],
    ['a credited invoice', { 'lines.0.creditedInvoiceId': 'doc-0' }, ['lines.0.creditedInvoiceId']],
  ])('refuses an invoice with %s', (_case, changes, paths) => {
    expect(invalidPaths(InvoiceIssuedV1, changed(invoice(), changes))).toEqual(paths);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an invoice number', { number: 'INV-2026-000002' }, ['number']],
    ['a line that names no invoice', { 'lines.0.creditedInvoiceId': ABSENT }, ['lines.0.creditedInvoiceId']],
    [
      'a credited credit note',
      { 'lines.0.creditedInvoiceNumber': 'CN-2026-000001' },
      ['lines.0.creditedInvoiceNumber'],
    ],
    ['a due date', { dueDate: '2026-10-01' }, ['dueDate']],
    [
      'a fraction with denominator 0',
      { 'lines.0.explanation.exactAmountMinor': '1/0' },
      ['lines.0.explanation.exactAmountMinor'],
    ],
  ])('refuses a credit note with %s', (_case, changes, paths) => {
    expect(invalidPaths(CreditNoteIssuedV1, changed(creditNote(), changes))).toEqual(paths);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a timestamp as payment date', { paymentDate: '2026-02-20T10:00:00Z' }, ['paymentDate']],
    ['no amount paid', { amountPaid: ABSENT }, ['amountPaid']],
    ['a credit note number', { number: 'CN-2026-000001' }, ['number']],
  ])('refuses a payment with %s', (_case, changes, paths) => {
    expect(invalidPaths(InvoicePaidV1, changed(paid(), changes))).toEqual(paths);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['no due date', { dueDate: ABSENT }, ['dueDate']],
    ['a timestamp as overdue date', { overdueOn: '2026-03-04T00:00:00Z' }, ['overdueOn']],
    ['an amount due in major units', { 'amountDue.amountMinor': '11200.00' }, ['amountDue.amountMinor']],
    ['a credit note number', { number: 'CN-2026-000001' }, ['number']],
  ])('refuses an overdue notice with %s', (_case, changes, paths) => {
    expect(invalidPaths(InvoiceOverdueV1, changed(overdue(), changes))).toEqual(paths);
  });
});
