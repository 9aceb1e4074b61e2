import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CatalogEntrySnapshotV1 } from '../shared/catalog-entry';
import {
  IsAfterProperty,
  IsCalendarDate,
  IsCountryCode,
  IsCurrencyCode,
  IsDecimalString,
  IsIdentifier,
  IsPercentString,
  EmptyExactlyWhen,
  ForbiddenWhen,
  IsRfc3339Timestamp,
  OptionalProperty,
  PresentExactlyWhen,
  RequiredWhen,
  NestedProperty,
} from '../shared/validators';
import {
  BillingFrequencies,
  CancellationEffects,
  PricePeriods,
  type BillingFrequency,
  type CancellationEffect,
  type PricePeriod,
} from '../shared/vocabulary';
import { EventTypes, Topics } from '../topics';

/**
 * Upper bounds of a deal's whole numbers, beyond which no real deal goes and storage would overflow: revisions
 * and quantities are 32-bit integers where they are stored (2,147,483,647), a term at most 100 years, payment
 * terms at most ten years.
 */
export const MAX_COUNT = 2_147_483_647;
export const MAX_TERM_MONTHS = 1_200;
export const MAX_PAYMENT_TERMS_DAYS = 3_650;

/** What a closed deal does to a contract (deal-webhook.md). */
export const DealKinds = ['new', 'amendment', 'renewal', 'cancellation'] as const;
export type DealKind = (typeof DealKinds)[number];

/** The customer account the deal is for. */
export class DealAccountV1 {
  @IsIdentifier()
  id!: string;

  @IsString()
  @Length(1, 500)
  name!: string;

  /** ISO 3166-1 alpha-2; decides the tax rate. */
  @IsCountryCode()
  country!: string;

  /** VAT or other tax id; with an EU country other than the seller's it makes the invoice reverse charge. */
  @OptionalProperty()
  @IsString()
  @Length(1, 50)
  taxId?: string;

  @OptionalProperty()
  @IsEmail()
  billingEmail?: string;
}

/** The commercial terms of a new contract or of the next term of a renewal. */
export class DealTermsV1 {
  @IsCalendarDate()
  startDate!: string;

  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  termMonths!: number;

  @IsIn(BillingFrequencies)
  billingFrequency!: BillingFrequency;

  @IsInt()
  @Min(0)
  @Max(MAX_PAYMENT_TERMS_DAYS)
  paymentTermsDays!: number;

  @IsBoolean()
  autoRenew!: boolean;

  /** Length of an automatic renewal term; absent means the original term. */
  @OptionalProperty()
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  renewalTermMonths?: number;

  /** Percentage added to every unit price on automatic renewal, a decimal string; absent means "0". */
  @OptionalProperty()
  @IsDecimalString()
  renewalUpliftPercent?: string;
}

/** One price segment of a ramped line: `[startDate, endDate)`. */
export class DealLineSegmentV1 {
  @IsCalendarDate()
  startDate!: string;

  /** Exclusive. */
  @IsCalendarDate()
  @IsAfterProperty('startDate')
  endDate!: string;

  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  quantity!: number;

  /** Decimal string in major units (`"100000.00"`). */
  @IsDecimalString()
  unitPrice!: string;
}

const hasSegments = (o: Record<string, unknown>): boolean => o['segments'] !== undefined;
const isOneTime = (o: Record<string, unknown>): boolean =>
  (o['catalog'] as { chargeType?: unknown } | undefined)?.chargeType === 'one_time';
const noSegmentsNorPrice = 'the line has neither segments nor a unitPrice';
const noSegmentsNorQuantity = 'the line has neither segments nor a quantity';

/**
 * One deal line. A new or renewal deal lists every line; an amendment lists only what changes
 * (an existing `id` with its new `quantity`, 0 removing it, or new `unitPrice`, or a new line).
 * A ramped line carries `segments` instead of `quantity` and `unitPrice`.
 */
export class DealLineV1 {
  /** The CRM's line id, stable across revisions and amendments. */
  @IsIdentifier()
  id!: string;

  @IsIdentifier()
  sku!: string;

  @RequiredWhen((o) => o['segments'] === undefined && o['unitPrice'] === undefined, noSegmentsNorPrice)
  @ForbiddenWhen(hasSegments, 'the line has segments')
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  quantity?: number;

  /** Decimal string in major units (`"360.00"`, `"1000"` for JPY). */
  @RequiredWhen((o) => o['segments'] === undefined && o['quantity'] === undefined, noSegmentsNorQuantity)
  @ForbiddenWhen(hasSegments, 'the line has segments')
  @IsDecimalString()
  unitPrice?: string;

  /** Absent means the catalog's `defaultPricePeriod`; refused on a one-time line. */
  @OptionalProperty()
  @ForbiddenWhen(isOneTime, 'the catalog entry is one_time')
  @IsIn(PricePeriods)
  pricePeriod?: PricePeriod;

  @OptionalProperty()
  @IsPercentString()
  discountPercent?: string;

  /** Contiguous segments covering the line's service period (billing-rules.md §4); recurring lines only. */
  @OptionalProperty()
  @ForbiddenWhen(isOneTime, 'the catalog entry is one_time')
  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => DealLineSegmentV1)
  segments?: DealLineSegmentV1[];

  /** The catalog entry of `sku` when the deal was accepted. */
  @NestedProperty(() => CatalogEntrySnapshotV1)
  catalog!: CatalogEntrySnapshotV1;
}

/** How a cancellation deal ends the contract. */
export class DealCancellationV1 {
  @IsIn(CancellationEffects)
  effective!: CancellationEffect;

  /** The day the contract ends when `effective` is `immediate`; for `end_of_term` the term's end is used. */
  @RequiredWhen((o) => o['effective'] === 'immediate', 'effective is immediate')
  @IsCalendarDate()
  date?: string;
}

const changesAContract = (o: Record<string, unknown>): boolean => o['kind'] !== 'new';

/**
 * `data` of `o2c.deal.closed.v1` on `o2c.deals.v1`: a closed deal the deals service accepted,
 * normalised from the webhook (deal-webhook.md) with a catalog snapshot on every line.
 * Which fields a deal carries depends on its `kind`; the rest are refused.
 */
export class DealClosedV1 {
  static readonly ceType = EventTypes.dealClosed;
  static readonly topic = Topics.deals;

  /** The CRM's deal id. */
  @IsIdentifier()
  dealId!: string;

  /** Together with `dealId` the idempotency key of the deal; from 1. */
  @IsInt()
  @Min(1)
  @Max(MAX_COUNT)
  revision!: number;

  @IsIn(DealKinds)
  kind!: DealKind;

  @IsRfc3339Timestamp()
  closedAt!: string;

  /** The deal that created the contract; required unless `kind` is `new`. */
  @PresentExactlyWhen(changesAContract, 'kind is amendment, renewal or cancellation')
  @IsIdentifier()
  amends?: string;

  /** The contract the deal creates or changes, assigned by the deals service (the webhook replies with it). */
  @IsIdentifier()
  contractId!: string;

  @NestedProperty(() => DealAccountV1)
  account!: DealAccountV1;

  @IsCurrencyCode()
  currency!: string;

  /** Required for `new` and `renewal` (the next term), refused otherwise. */
  @PresentExactlyWhen((o) => o['kind'] === 'new' || o['kind'] === 'renewal', 'kind is new or renewal')
  @ValidateNested()
  @Type(() => DealTermsV1)
  terms?: DealTermsV1;

  /** The day an amendment takes effect; only for `amendment`. */
  @PresentExactlyWhen((o) => o['kind'] === 'amendment', 'kind is amendment')
  @IsCalendarDate()
  effectiveDate?: string;

  /** Only for `cancellation`. */
  @PresentExactlyWhen((o) => o['kind'] === 'cancellation', 'kind is cancellation')
  @ValidateNested()
  @Type(() => DealCancellationV1)
  cancellation?: DealCancellationV1;

  /** At least one line, except for a cancellation, whose `lines` is empty. */
  @IsArray()
  @EmptyExactlyWhen((o) => o['kind'] === 'cancellation', 'kind is cancellation')
  @ValidateNested({ each: true })
  @Type(() => DealLineV1)
  lines!: DealLineV1[];
}
