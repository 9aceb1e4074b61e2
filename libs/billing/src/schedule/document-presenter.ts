import { formatMinor } from '@o2c/money';
import type { ScheduledDocument } from './scheduled-document';
import type { TaxedDocument } from '../tax/tax';

/** A scheduled document as JSON for people and APIs: dates as `YYYY-MM-DD`, amounts in minor units as strings. */
export function presentDocument(document: ScheduledDocument | TaxedDocument) {
  const { currency } = document;
  const money = (amountMinor: bigint) => ({ amountMinor: amountMinor.toString(), currency });
  const taxed = 'tax' in document ? document : undefined;
  const totalMinor = taxed?.totalMinor ?? document.lines.reduce((sum, line) => sum + line.amountMinor, 0n);
  return {
    key: document.key,
    kind: document.kind,
    date: document.date.toString(),
    dueDate: document.dueDate.toString(),
    contractVersion: document.contractVersion,
    change: { kind: document.change.kind, id: document.change.id },
    ...(document.creditsDocumentKey === undefined ? {} : { creditsDocumentKey: document.creditsDocumentKey }),
    lines: document.lines.map((line) => {
      const { explanation } = line;
      const proration = explanation.proration;
      return {
        chargeId: line.chargeId,
        sku: line.sku,
        chargeType: line.chargeType,
        servicePeriod: { start: line.servicePeriod.start.toString(), end: line.servicePeriod.end.toString() },
        amount: money(line.amountMinor),
        ...('taxMinor' in line ? { tax: money(line.taxMinor) } : {}),
        explanation: {
          rule: explanation.rule,
          quantity: explanation.quantity,
          unitPrice: explanation.unitPrice.toExactDecimalString(),
          discountPercent: explanation.discountPercent.toExactDecimalString(),
          netUnitPrice: explanation.netUnitPrice.toExactDecimalString(),
          ...(proration === undefined
            ? {}
            : {
                pricePeriod: proration.pricePeriod,
                periodMonths: proration.periodMonths,
                nominalPeriod: {
                  start: proration.nominalPeriod.start.toString(),
                  end: proration.nominalPeriod.end.toString(),
                },
                days: proration.days,
                nominalDays: proration.nominalDays,
              }),
          exactAmount: explanation.exactAmount.toString(),
          formula: explanation.formula,
        },
      };
    }),
    ...(taxed === undefined
      ? { total: money(totalMinor) }
      : {
          taxRatePercent: taxed.tax.ratePercent.toExactDecimalString(),
          reverseCharge: taxed.tax.reverseCharge,
          subtotal: money(taxed.subtotalMinor),
          tax: money(taxed.taxMinor),
          total: money(taxed.totalMinor),
        }),
    /** For people: `4101.04 USD`. */
    totalFormatted: `${formatMinor(totalMinor, currency)} ${currency}`,
  };
}

export type PresentedDocument = ReturnType<typeof presentDocument>;
