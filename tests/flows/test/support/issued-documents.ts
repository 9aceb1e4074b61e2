import { type Stack } from '@o2c/testing';

/** A line of an issued document as a journey writes it out: the deal line, its service period, amount and tax. */
export interface Line {
  line: string;
  /** `[start, end)`; absent for a one-time charge. */
  from?: string;
  to?: string;
  amount: string;
  tax: string;
}
/** An issued invoice or credit note as a journey writes it out, amounts in minor units. */
export interface Document {
  kind: 'invoice' | 'credit_note';
  date: string;
  /** Invoices only. */
  due?: string;
  lines: Line[];
  subtotal: string;
  tax: string;
  total: string;
  reverseCharge: boolean;
}

interface Money {
  amountMinor: string;
}
interface IssuedDocument {
  number: string;
  issueDate: string;
  dueDate?: string;
  lines: { dealLineId: string; servicePeriod?: { start: string; end: string }; amount: Money; tax: Money }[];
  subtotal: Money;
  taxTotal: Money;
  total: Money;
  reverseCharge: boolean;
}

/**
 * Every invoice and credit note invoicing issued for the contract, by date, invoices before credit notes of one
 * date, then by number; lines in document order.
 */
export async function issuedDocuments(stack: Stack, contractId: string): Promise<Document[]> {
  const documents: (Document & { number: string })[] = [];
  for (const kind of ['invoice', 'credit_note'] as const) {
    const path = kind === 'invoice' ? 'invoices' : 'credit-notes';
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: IssuedDocument[]; nextCursor: string | null } } =
        await stack.call(
          'invoicing',
          'GET',
          `/v1/${path}?contractId=${contractId}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        );
      if (page.status !== 200) throw new Error(`GET /v1/${path}: ${page.status}`);
      for (const issued of page.body.items)
        documents.push({
          number: issued.number,
          kind,
          date: issued.issueDate,
          ...(issued.dueDate === undefined ? {} : { due: issued.dueDate }),
          lines: issued.lines.map((line) => ({
            line: line.dealLineId,
            ...(line.servicePeriod ? { from: line.servicePeriod.start, to: line.servicePeriod.end } : {}),
            amount: line.amount.amountMinor,
            tax: line.tax.amountMinor,
          })),
          subtotal: issued.subtotal.amountMinor,
          tax: issued.taxTotal.amountMinor,
          total: issued.total.amountMinor,
          reverseCharge: issued.reverseCharge,
        });
      cursor = page.body.nextCursor;
    } while (cursor);
  }
  return documents
    .sort(
      (a, b) =>
        a.date.localeCompare(b.date) ||
        (a.kind === b.kind ? 0 : a.kind === 'invoice' ? -1 : 1) ||
        a.number.localeCompare(b.number),
    )
    .map(({ number: _, ...document }) => document);
}

/** An invoice or credit note with no tax (a US customer, or a reverse charge): subtotal = total = Σ lines. */
export function untaxed(
  kind: Document['kind'],
  date: string,
  due: string | undefined,
  lines: Omit<Line, 'tax'>[],
  reverseCharge = false,
): Document {
  const sum = lines.reduce((total, line) => total + BigInt(line.amount), 0n).toString();
  return {
    kind,
    date,
    ...(due === undefined ? {} : { due }),
    lines: lines.map((line) => ({ ...line, tax: '0' })),
    subtotal: sum,
    tax: '0',
    total: sum,
    reverseCharge,
  };
}
