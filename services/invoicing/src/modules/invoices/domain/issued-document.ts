import { type LineRule, type TaxedDocument } from '@o2c/billing';
import {
  type BuyerV1,
  type CreditNoteIssuedV1,
  type CreditNoteLineV1,
  type DocumentLineV1,
  type InvoiceIssuedV1,
  type SellerV1,
} from '@o2c/contracts';
import { formatPrice, Fraction, minorUnitDecimals } from '@o2c/money';

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
      quantity: explanation.quantity,
      unitPrice: formatPrice(explanation.unitPrice, currency),
      discountPercent: explanation.discountPercent.toDecimalString(20),
      amount: money(line.amountMinor, currency),
      taxRatePercent: document.tax.ratePercent.toDecimalString(20),
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
