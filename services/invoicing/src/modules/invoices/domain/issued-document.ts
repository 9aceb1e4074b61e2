import { type LineRule, type TaxedDocument, type TaxTreatment } from '@o2c/billing';
import {
  type BuyerV1,
  type CreditNoteIssuedV1,
  type CreditNoteLineV1,
  type DocumentLineV1,
  type InvoiceIssuedV1,
  type SellerV1,
} from '@o2c/contracts';
import {
  formatMinor,
  formatExactPrice,
  Fraction,
  minorToFraction,
  minorUnitDecimals,
  roundHalfAwayFromZero,
} from '@o2c/money';
import { type CorrectionLine } from './corrections';

/** What a charge of the contract is called and which wire id it has, by deal line id. */
export interface ChargeLabel {
  chargeId: string;
  name: string;
}

const RULE_TEXT: Record<LineRule, string> = {
  regular: '',
  one_time: '',
  new_charge: ', added',
  quantity_increase: ', quantity increased',
  quantity_decrease: ', quantity decreased',
  price_change_credit: ', previous price',
  price_change_charge: ', new price',
  cancellation_credit: ', cancelled',
};

export interface IssueContext {
  documentId: string;
  number: string;
  contractId: string;
  accountId: string;
  buyer: BuyerV1;
  seller: SellerV1;
  charges: ReadonlyMap<string, ChargeLabel>;
  /** Credit notes: the invoice they credit. */
  credited?: { documentId: string; number: string };
}

function money(amountMinor: bigint, currency: string) {
  return { amountMinor: amountMinor.toString(), currency };
}

/**
 * The wire form of an issued document (`o2c.invoice.issued.v1` / `o2c.credit_note.issued.v1`): every line
 * with where it came from (deal, deal line, contract version, charge) and the engine's explanation.
 */
export function issuedDocumentOf(
  document: TaxedDocument,
  context: IssueContext,
): InvoiceIssuedV1 | CreditNoteIssuedV1 {
  const { currency } = document;
  const scale = Fraction.fromInteger(10n ** BigInt(minorUnitDecimals(currency)));
  const lines = document.lines.map((line, index): DocumentLineV1 => {
    const label = context.charges.get(line.chargeId);
    if (!label) throw new Error(`charge ${line.chargeId} is not in the contract's history`);
    const { explanation } = line;
    const proration = explanation.proration;
    return {
      lineNumber: index + 1,
      description: `${label.name} (${line.sku})${RULE_TEXT[explanation.rule]}`,
      sku: line.sku,
      chargeType: line.chargeType,
      dealId: document.change.id,
      dealLineId: line.chargeId,
      contractVersion: document.contractVersion,
      chargeId: label.chargeId,
      ...(line.chargeType === 'recurring'
        ? {
            servicePeriod: {
              start: line.servicePeriod.start.toString(),
              end: line.servicePeriod.end.toString(),
            },
          }
        : {}),
      ...(line.segment === undefined
        ? {}
        : { chargeSegment: { start: line.segment.start.toString(), end: line.segment.end.toString() } }),
      quantity: explanation.quantity,
      unitPrice: formatExactPrice(explanation.unitPrice, currency),
      discountPercent: explanation.discountPercent.toExactDecimalString(),
      amount: money(line.amountMinor, currency),
      taxRatePercent: document.tax.ratePercent.toExactDecimalString(),
      tax: money(line.taxMinor, currency),
      explanation: {
        ...(proration === undefined
          ? {}
          : {
              period: { start: line.servicePeriod.start.toString(), end: line.servicePeriod.end.toString() },
              nominalPeriod: {
                start: proration.nominalPeriod.start.toString(),
                end: proration.nominalPeriod.end.toString(),
              },
              days: proration.days,
              nominalDays: proration.nominalDays,
              ratio: `${proration.days}/${proration.nominalDays}`,
            }),
        exactAmountMinor: explanation.exactAmount.mul(scale).toString(),
        rule: explanation.rule,
        formula: explanation.formula,
      },
    };
  });
  const common = {
    documentId: context.documentId,
    number: context.number,
    issueDate: document.date.toString(),
    accountId: context.accountId,
    contractId: context.contractId,
    currency,
    buyer: context.buyer,
    seller: context.seller,
    subtotal: money(document.subtotalMinor, currency),
    taxTotal: money(document.taxMinor, currency),
    total: money(document.totalMinor, currency),
    reverseCharge: document.tax.reverseCharge,
  };
  if (document.kind === 'invoice') {
    return { ...common, dueDate: document.dueDate.toString(), lines };
  }
  const credited = context.credited;
  if (!credited) throw new Error(`credit note ${document.key} has no invoice to credit`);
  return {
    ...common,
    lines: lines.map((line): CreditNoteLineV1 => ({
      ...line,
      creditedInvoiceId: credited.documentId,
      creditedInvoiceNumber: credited.number,
    })),
  };
}

const HUNDRED = Fraction.fromInteger(100n);

/** A correcting document (billing rules §5, backdated changes): its lines, and what it is about. */
export interface CorrectionContext extends IssueContext {
  kind: 'invoice' | 'credit_note';
  issueDate: string;
  /** Invoices only. */
  dueDate?: string;
  currency: string;
  /** The change that made the correction necessary: the contract's latest version. */
  dealId: string;
  contractVersion: number;
  tax: TaxTreatment;
}

export interface CorrectionDocument {
  data: InvoiceIssuedV1 | CreditNoteIssuedV1;
  totalMinor: bigint;
}

/**
 * The wire form of a correcting invoice or credit note: one line per corrected document and charge, for the
 * difference of the rounded amounts (so its exact amount is that integer), taxed per line at the customer's rate.
 */
export function correctionDocumentOf(
  lines: CorrectionLine[],
  context: CorrectionContext,
): CorrectionDocument {
  const { currency, tax } = context;
  const wireLines = lines.map((line, index) => {
    const label = context.charges.get(line.chargeId);
    if (!label) throw new Error(`charge ${line.chargeId} is not in the contract's history`);
    const taxMinor = roundHalfAwayFromZero(
      minorToFraction(line.amountMinor, currency).mul(tax.ratePercent).div(HUNDRED),
      currency,
    );
    const signed = line.scheduledMinor - line.issuedMinor;
    const wire: DocumentLineV1 = {
      lineNumber: index + 1,
      description: `${label.name} (${line.sku}), correction of ${line.corrected.number}`,
      sku: line.sku,
      chargeType: line.chargeType,
      dealId: context.dealId,
      dealLineId: line.chargeId,
      contractVersion: context.contractVersion,
      chargeId: label.chargeId,
      ...(line.chargeType === 'recurring' && line.servicePeriod ? { servicePeriod: line.servicePeriod } : {}),
      quantity: 1,
      unitPrice: formatMinor(line.amountMinor, currency),
      discountPercent: '0',
      amount: money(line.amountMinor, currency),
      taxRatePercent: tax.ratePercent.toExactDecimalString(),
      tax: money(taxMinor, currency),
      explanation: {
        exactAmountMinor: line.amountMinor.toString(),
        rule: 'correction',
        formula:
          `${line.corrected.number} (${line.corrected.documentKey}) now bills ${formatMinor(line.scheduledMinor, currency)}, ` +
          `issued ${formatMinor(line.issuedMinor, currency)}: ${signed > 0n ? '+' : ''}${formatMinor(signed, currency)}`,
      },
    };
    return { wire, line, taxMinor };
  });
  const subtotalMinor = wireLines.reduce((sum, { line }) => sum + line.amountMinor, 0n);
  const taxTotalMinor = wireLines.reduce((sum, { taxMinor }) => sum + taxMinor, 0n);
  const totalMinor = subtotalMinor + taxTotalMinor;
  const common = {
    documentId: context.documentId,
    number: context.number,
    issueDate: context.issueDate,
    accountId: context.accountId,
    contractId: context.contractId,
    currency,
    buyer: context.buyer,
    seller: context.seller,
    subtotal: money(subtotalMinor, currency),
    taxTotal: money(taxTotalMinor, currency),
    total: money(totalMinor, currency),
    reverseCharge: tax.reverseCharge,
  };
  if (context.kind === 'invoice') {
    if (context.dueDate === undefined)
      throw new Error(`correcting invoice ${context.number} has no due date`);
    return {
      data: { ...common, dueDate: context.dueDate, lines: wireLines.map(({ wire }) => wire) },
      totalMinor,
    };
  }
  return {
    data: {
      ...common,
      lines: wireLines.map(({ wire, line }): CreditNoteLineV1 => {
        const credited = line.creditedInvoice;
        if (!credited)
          throw new Error(`correcting credit note line for ${line.corrected.number} credits no invoice`);
        return { ...wire, creditedInvoiceId: credited.documentId, creditedInvoiceNumber: credited.number };
      }),
    },
    totalMinor,
  };
}
