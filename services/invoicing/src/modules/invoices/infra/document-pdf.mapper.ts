import { addDays, CalendarDate } from '@o2c/billing';
import { type CreditNoteIssuedV1, type CreditNoteLineV1, type InvoiceIssuedV1 } from '@o2c/contracts';
import { formatMinor } from '@o2c/money';
import type PDFDocumentClass from 'pdfkit';

export type PrintableDocument =
  { kind: 'invoice'; data: InvoiceIssuedV1 } | { kind: 'credit_note'; data: CreditNoteIssuedV1 };

/**
 * pdfkit, required on the first PDF rather than at boot: it brings fontkit, brotli and the font tables, about 3 MB
 * of source that an idle invoicing process would otherwise hold while most never render a PDF.
 */
let pdfkit: typeof PDFDocumentClass | undefined;
function pdfDocumentClass(): typeof PDFDocumentClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  pdfkit ??= require('pdfkit') as typeof PDFDocumentClass;
  return pdfkit;
}

const MARGIN = 50;
const PAGE = { width: 595.28, height: 841.89 }; // A4 in points
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const BOTTOM = PAGE.height - MARGIN;

/** The columns of the line table: label, width in points, alignment. */
const COLUMNS = [
  { label: '#', width: 18, align: 'left' },
  { label: 'Description', width: 150, align: 'left' },
  { label: 'Service period', width: 100, align: 'left' },
  { label: 'Qty', width: 30, align: 'right' },
  { label: 'Unit price', width: 62, align: 'right' },
  { label: 'Amount', width: 70, align: 'right' },
  { label: 'Tax', width: 65, align: 'right' },
] as const;
const GUTTER = 0;
const CELL_PADDING = 3;

/** Characters of Windows-1252 beyond Latin-1: the standard PDF fonts print these and Latin-1, nothing else. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Text the standard Helvetica font can print: a typographic minus becomes `-`, anything else outside
 * Windows-1252 becomes `?`. (Names in other scripts would need an embedded font; v1 prints them this way.)
 */
export function printable(text: string): string {
  return [...text.replace(/\u2212/g, '-').replace(/\u2192/g, '->')]
    .map((char) => {
      const code = char.codePointAt(0)!;
      if (code === 0x0a || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) return char;
      return WIN_ANSI_EXTRA.has(char) ? char : '?';
    })
    .join('');
}

function amount(value: { amountMinor: string; currency: string }): string {
  return formatMinor(BigInt(value.amountMinor), value.currency);
}

/** `[start, end)` as people read a service period: both days included. */
function period(value: { start: string; end: string }): string {
  const last = addDays(CalendarDate.parse(value.end), -1);
  return `${value.start} – ${last.toString()}`;
}

function creditedInvoices(lines: CreditNoteLineV1[]): string[] {
  return [...new Set(lines.map((line) => line.creditedInvoiceNumber))].sort();
}

/**
 * The printable PDF of an issued invoice or credit note: seller and buyer with their tax ids, number, dates, every
 * line with its service period, quantity, unit price, amount and tax, the "Reverse charge" note when it applies,
 * subtotal, tax, total and due date, amounts with the currency's decimals. The same document always gives the same
 * bytes: nothing in it reads the clock (the PDF's creation date is the issue date).
 */
export function renderDocumentPdf(document: PrintableDocument): Promise<Buffer> {
  const { data } = document;
  const issued = new Date(`${data.issueDate}T00:00:00.000Z`);
  const title = document.kind === 'invoice' ? 'Invoice' : 'Credit note';
  const PDFDocument = pdfDocumentClass();
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `${title} ${data.number}`,
      Author: printable(data.seller.name),
      Subject: `${title} ${data.number} to ${printable(data.buyer.name)}`,
      Creator: 'o2c invoicing',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const text = (value: string, x: number, y: number, options: PDFKit.Mixins.TextOptions = {}) =>
    pdf.text(printable(value), x, y, { lineBreak: true, ...options });

  // Heading: what it is and its number; seller and buyer side by side.
  pdf.font('Helvetica-Bold').fontSize(18);
  text(title, MARGIN, MARGIN);
  pdf.fontSize(12);
  text(data.number, MARGIN, MARGIN + 4, { width: CONTENT_WIDTH, align: 'right' });

  const half = CONTENT_WIDTH / 2;
  let y = MARGIN + 40;
  const party = (
    heading: string,
    who: { name: string; country: string; taxId?: string; billingEmail?: string },
    x: number,
  ) => {
    const lines = [
      who.name,
      `Country: ${who.country}`,
      ...(who.taxId ? [`${heading === 'Seller' ? 'VAT ID' : 'Tax ID'}: ${who.taxId}`] : []),
      ...(who.billingEmail ? [who.billingEmail] : []),
    ];
    pdf.font('Helvetica-Bold').fontSize(9);
    text(heading, x, y, { width: half - 10 });
    pdf.font('Helvetica').fontSize(9);
    return text(lines.join('\n'), x, y + 13, { width: half - 10 }).y;
  };
  const afterSeller = party('Seller', data.seller, MARGIN);
  const afterBuyer = party('Bill to', data.buyer, MARGIN + half);
  y = Math.max(afterSeller, afterBuyer) + 14;

  const facts: [string, string][] = [
    ['Issue date', data.issueDate],
    ...(document.kind === 'invoice' ? ([['Due date', document.data.dueDate]] as [string, string][]) : []),
    ['Currency', data.currency],
    ['Contract', data.contractId],
    ['Customer account', data.accountId],
    ...(document.kind === 'credit_note'
      ? ([['Credits invoice', creditedInvoices(document.data.lines).join(', ')]] as [string, string][])
      : []),
  ];
  pdf.fontSize(9);
  for (const [label, value] of facts) {
    pdf.font('Helvetica-Bold');
    text(`${label}:`, MARGIN, y, { width: 100 });
    pdf.font('Helvetica');
    y = text(value, MARGIN + 100, y, { width: CONTENT_WIDTH - 100 }).y + 2;
  }
  y += 12;

  // The lines, a row each; a row that does not fit on the page starts the next one, under the header again.
  const row = (cells: string[], bold: boolean): number => {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    const heights = cells.map((cell, index) =>
      pdf.heightOfString(printable(cell), { width: COLUMNS[index]!.width - 2 * CELL_PADDING }),
    );
    const height = Math.max(...heights) + 2 * CELL_PADDING;
    if (y + height > BOTTOM) {
      pdf.addPage();
      y = MARGIN;
      pdf.font('Helvetica').fontSize(8);
      text(`${title} ${data.number} (continued)`, MARGIN, y);
      y += 16;
      if (!bold) header();
      pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    }
    let x = MARGIN;
    cells.forEach((cell, index) => {
      const column = COLUMNS[index]!;
      text(cell, x + CELL_PADDING, y + CELL_PADDING, {
        width: column.width - 2 * CELL_PADDING,
        align: column.align,
      });
      x += column.width + GUTTER;
    });
    y += height;
    pdf
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + CONTENT_WIDTH, y)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    return height;
  };
  const header = () =>
    row(
      COLUMNS.map((column) => column.label),
      true,
    );
  header();
  for (const line of data.lines) {
    const discount = line.discountPercent === '0' ? '' : `\nDiscount ${line.discountPercent} %`;
    row(
      [
        String(line.lineNumber),
        `${line.description}${discount}`,
        line.servicePeriod ? period(line.servicePeriod) : 'One-time',
        String(line.quantity),
        line.unitPrice,
        amount(line.amount),
        `${amount(line.tax)}\n(${line.taxRatePercent} %)`,
      ],
      false,
    );
  }

  // Totals, the reverse-charge note and when to pay.
  const totals: [string, string][] = [
    ['Subtotal', `${amount(data.subtotal)} ${data.currency}`],
    ['Tax', `${amount(data.taxTotal)} ${data.currency}`],
    [document.kind === 'invoice' ? 'Total' : 'Total credited', `${amount(data.total)} ${data.currency}`],
  ];
  const notes = [
    ...(data.reverseCharge
      ? [
          'Reverse charge: the recipient accounts for the VAT (Article 196, Council Directive 2006/112/EC). ' +
            'No VAT is charged on this document.',
        ]
      : []),
    document.kind === 'invoice'
      ? `Please pay ${amount(data.total)} ${data.currency} by ${document.data.dueDate}, quoting ${data.number}.`
      : `This credit note lowers what is due on ${creditedInvoices(document.data.lines).join(', ')}.`,
  ];
  const needed = totals.length * 14 + 10 + notes.length * 26;
  if (y + 10 + needed > BOTTOM) {
    pdf.addPage();
    y = MARGIN;
  }
  y += 10;
  for (const [label, value] of totals) {
    pdf.font(label.startsWith('Total') ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    text(label, MARGIN + CONTENT_WIDTH - 250, y, { width: 110 });
    text(value, MARGIN + CONTENT_WIDTH - 140, y, { width: 140, align: 'right' });
    y += 14;
  }
  y += 10;
  pdf.font('Helvetica').fontSize(9);
  for (const note of notes) {
    y = text(note, MARGIN, y, { width: CONTENT_WIDTH }).y + 6;
  }
  pdf.end();
  return finished;
}
