import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { presentDocument, type TaxedDocument } from '@o2c/billing';
import { DealKinds } from '@o2c/contracts';
import { type DealPreview } from '../usecases/preview-deal/preview-deal.command';

/** An amount in minor units, as every o2c API writes money. */
export class PreviewMoneyResponse {
  @ApiProperty({ example: '410104', description: 'Integer minor units, as a string' })
  amountMinor!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;
}

export class PreviewPeriodResponse {
  @ApiProperty({ format: 'date' })
  start!: string;

  @ApiProperty({ format: 'date', description: 'Exclusive' })
  end!: string;
}

/** How a line's amount was computed, to redo it by hand (billing-rules.md §3–§6). */
export class PreviewLineExplanationResponse {
  @ApiProperty({
    enum: [
      'regular',
      'one_time',
      'new_charge',
      'quantity_increase',
      'quantity_decrease',
      'price_change_credit',
      'price_change_charge',
      'cancellation_credit',
    ],
  })
  rule!: string;

  @ApiProperty({ type: 'integer' })
  quantity!: number;

  @ApiProperty({ description: 'Major units before discount, exact' })
  unitPrice!: string;

  @ApiProperty()
  discountPercent!: string;

  @ApiProperty({ description: 'unitPrice × (1 − discountPercent/100), exact' })
  netUnitPrice!: string;

  @ApiPropertyOptional({ enum: ['month', 'year'], description: 'Recurring lines only' })
  pricePeriod?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Months of the nominal period' })
  periodMonths?: number;

  @ApiPropertyOptional({ type: PreviewPeriodResponse })
  nominalPeriod?: PreviewPeriodResponse;

  @ApiPropertyOptional({ type: 'integer' })
  days?: number;

  @ApiPropertyOptional({ type: 'integer' })
  nominalDays?: number;

  @ApiProperty({ description: 'The amount before its one rounding, an exact fraction' })
  exactAmount!: string;

  @ApiProperty({ example: '20 × 324 × 12/12 months × 231/365 days = 4101.041096 → 4101.04' })
  formula!: string;
}

export class PreviewDocumentLineResponse {
  @ApiProperty({ description: "The CRM's line id" })
  chargeId!: string;

  @ApiProperty()
  sku!: string;

  @ApiProperty({ enum: ['recurring', 'one_time'] })
  chargeType!: string;

  @ApiProperty({ type: PreviewPeriodResponse })
  servicePeriod!: PreviewPeriodResponse;

  @ApiProperty({ type: PreviewMoneyResponse, description: 'Charged (invoice) or credited (credit note)' })
  amount!: PreviewMoneyResponse;

  @ApiProperty({ type: PreviewMoneyResponse })
  tax!: PreviewMoneyResponse;

  @ApiProperty({ type: PreviewLineExplanationResponse })
  explanation!: PreviewLineExplanationResponse;
}

export class PreviewChangeResponse {
  @ApiProperty({ enum: ['new', 'amendment', 'cancellation', 'renewal', 'auto_renewal'] })
  kind!: string;

  @ApiProperty({ description: 'The deal id, or auto-renewal:<start> for an automatic renewal' })
  id!: string;
}

/** An invoice or credit note billing would issue, with tax, each line explained. */
export class PreviewDocumentResponse {
  @ApiProperty({
    example: 'change:006Ax00000Q2:invoice',
    description: 'regular:<date> or change:<deal>:<kind>',
  })
  key!: string;

  @ApiProperty({ enum: ['invoice', 'credit_note'] })
  kind!: string;

  @ApiProperty({ format: 'date' })
  date!: string;

  @ApiProperty({ format: 'date' })
  dueDate!: string;

  @ApiProperty({ type: 'integer' })
  contractVersion!: number;

  @ApiProperty({ type: PreviewChangeResponse, description: 'The change whose version the document bills' })
  change!: PreviewChangeResponse;

  @ApiPropertyOptional({ description: 'Credit notes: the regular invoice of the period they credit' })
  creditsDocumentKey?: string;

  @ApiProperty({ type: [PreviewDocumentLineResponse] })
  lines!: PreviewDocumentLineResponse[];

  @ApiProperty({ example: '19' })
  taxRatePercent!: string;

  @ApiProperty()
  reverseCharge!: boolean;

  @ApiProperty({ type: PreviewMoneyResponse })
  subtotal!: PreviewMoneyResponse;

  @ApiProperty({ type: PreviewMoneyResponse })
  tax!: PreviewMoneyResponse;

  @ApiProperty({ type: PreviewMoneyResponse, description: 'subtotal + tax' })
  total!: PreviewMoneyResponse;

  @ApiProperty({ example: '4101.04 USD' })
  totalFormatted!: string;
}

export class PreviewTermResponse {
  @ApiProperty({ format: 'date' })
  startDate!: string;

  @ApiProperty({ format: 'date', description: 'Exclusive' })
  endDate!: string;

  @ApiProperty()
  autoRenew!: boolean;
}

export class PreviewTaxResponse {
  @ApiProperty({ example: 'DE', description: 'The SELLER_COUNTRY setting' })
  sellerCountry!: string;

  @ApiProperty({ example: 'DE', description: "The deal's account.country" })
  customerCountry!: string;

  @ApiProperty({ example: '19' })
  ratePercent!: string;

  @ApiProperty()
  reverseCharge!: boolean;
}

export class PreviewSkippedDealResponse {
  @ApiProperty()
  dealId!: string;

  @ApiProperty()
  reason!: string;
}

/** Σ invoice totals − Σ credit-note totals (tax included). */
function net(documents: readonly TaxedDocument[], currency: string): PreviewMoneyResponse {
  const minor = documents.reduce(
    (sum, document) => sum + (document.kind === 'invoice' ? document.totalMinor : -document.totalMinor),
    0n,
  );
  return { amountMinor: minor.toString(), currency };
}

/** The billing schedule a deal would make, stored nowhere. */
export class DealPreviewResponse {
  @ApiProperty()
  dealId!: string;

  @ApiProperty({ enum: DealKinds })
  kind!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The contract a change applies to; null for a new deal',
  })
  contractId!: string | null;

  @ApiProperty()
  currency!: string;

  @ApiProperty({
    format: 'date',
    description:
      "The deal's effective date (a new deal's start, an amendment's effectiveDate, an immediate " +
      "cancellation's date, the end of the term for an end-of-term one, a renewal's start): the documents " +
      'are those dated on or after it',
  })
  effectiveDate!: string;

  @ApiProperty({ type: PreviewTermResponse, description: 'The term in force once the deal applies' })
  term!: PreviewTermResponse;

  @ApiProperty({ type: PreviewTaxResponse })
  tax!: PreviewTaxResponse;

  @ApiProperty({
    type: [PreviewDocumentResponse],
    description:
      'Every invoice and credit note from effectiveDate to the end of the term, and of its first automatic ' +
      'renewal when it renews: for a change, its own documents and every later one of the contract. In date order.',
  })
  documents!: PreviewDocumentResponse[];

  @ApiProperty({
    type: PreviewMoneyResponse,
    description: 'Σ invoices − Σ credit notes of documents, tax included',
  })
  net!: PreviewMoneyResponse;

  @ApiPropertyOptional({
    type: [PreviewDocumentResponse],
    description: 'A change only: the documents of the contract over the same days without the deal',
  })
  withoutDeal?: PreviewDocumentResponse[];

  @ApiPropertyOptional({ type: PreviewMoneyResponse, description: 'A change only: net − net of withoutDeal' })
  netChange?: PreviewMoneyResponse;

  @ApiProperty({
    type: [PreviewSkippedDealResponse],
    description: 'Accepted deals of the contract the billing engine cannot apply, left out of the contract',
  })
  skippedDeals!: PreviewSkippedDealResponse[];

  static of(preview: DealPreview): DealPreviewResponse {
    const { currency } = preview;
    const documents = preview.documents.map((d) => presentDocument(d) as PreviewDocumentResponse);
    const withoutDeal = preview.withoutDeal;
    const netWith = net(preview.documents, currency);
    return {
      dealId: preview.dealId,
      kind: preview.kind,
      contractId: preview.contractId,
      currency,
      effectiveDate: preview.from.toString(),
      term: {
        startDate: preview.term.start.toString(),
        endDate: preview.term.end.toString(),
        autoRenew: preview.term.autoRenew,
      },
      tax: {
        sellerCountry: preview.sellerCountry,
        customerCountry: preview.tax.country,
        ratePercent: preview.tax.ratePercent.toExactDecimalString(),
        reverseCharge: preview.tax.reverseCharge,
      },
      documents,
      net: netWith,
      ...(withoutDeal
        ? {
            withoutDeal: withoutDeal.map((d) => presentDocument(d) as PreviewDocumentResponse),
            netChange: {
              amountMinor: (
                BigInt(netWith.amountMinor) - BigInt(net(withoutDeal, currency).amountMinor)
              ).toString(),
              currency,
            },
          }
        : {}),
      skippedDeals: preview.skipped.map((s) => ({ dealId: s.dealId, reason: s.reason })),
    };
  }
}
