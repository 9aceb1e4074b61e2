import { OmitType } from '@nestjs/swagger';
import {
  DealClosedV1,
  DealLineSegmentV1,
  DealTermsV1,
  EmptyExactlyWhen,
  ForbiddenWhen,
  IsDecimalString,
  IsIdentifier,
  IsPercentString,
  MAX_COUNT,
  OptionalProperty,
  PresentExactlyWhen,
  type PricePeriod,
  PricePeriods,
  RequiredWhen,
} from '@o2c/contracts';
import { Transform, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  Equals,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

/**
 * The kind of the deal a line belongs to, set on each line when the body is read: whether a line may
 * leave its SKU out depends on it. A symbol, so that it is neither validated as a field nor serialised.
 */
const DEAL_KIND = Symbol('kind of the line’s deal');

type LineFields = Record<string, unknown> & { [DEAL_KIND]?: unknown };
const line = (o: object) => o as LineFields;
const hasSegments = (o: Record<string, unknown>): boolean => o['segments'] !== undefined;
const ofAmendment = (o: Record<string, unknown>): boolean => line(o)[DEAL_KIND] === 'amendment';
/** An amendment's line without a SKU changes a line of the contract (elsewhere the missing SKU is the problem). */
const changesExistingLine = (o: Record<string, unknown>): boolean => ofAmendment(o) && o['sku'] === undefined;
/** A change of an existing line may carry a new discount alone, without quantity or unit price. */
const changesOnlyDiscount = (o: Record<string, unknown>): boolean =>
  changesExistingLine(o) && o['discountPercent'] !== undefined;
const noSku = 'the line names no sku (it changes a line of the contract)';

/**
 * A deal line as the CRM sends it: `DealLineV1` without `catalog`, which intake adds from `sku`. An
 * amendment's line that changes an existing line may name it by `id` only, with its new `quantity`,
 * `unitPrice` or `discountPercent`: intake takes its SKU and catalog entry from the contract. Written out
 * rather than mapped from `DealLineV1` because `sku` and what it allows depend on the deal's kind; the
 * other rules are `DealLineV1`'s (keep them alike).
 */
export class DealWebhookLine {
  /** The CRM's line id, stable across revisions and amendments. */
  @IsIdentifier()
  id!: string;

  /** Required, except on an amendment's line that changes a line of the contract. */
  @RequiredWhen((o) => !ofAmendment(o), 'the deal is not an amendment')
  @IsIdentifier()
  sku?: string;

  @RequiredWhen(
    (o) => o['segments'] === undefined && o['unitPrice'] === undefined && !changesOnlyDiscount(o),
    'the line has neither segments nor a unitPrice',
  )
  @ForbiddenWhen(hasSegments, 'the line has segments')
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  quantity?: number;

  /** Decimal string in major units (`"360.00"`, `"1000"` for JPY). */
  @RequiredWhen(
    (o) => o['segments'] === undefined && o['quantity'] === undefined && !changesOnlyDiscount(o),
    'the line has neither segments nor a quantity',
  )
  @ForbiddenWhen(hasSegments, 'the line has segments')
  @IsDecimalString()
  unitPrice?: string;

  /** Absent means the catalog's `defaultPricePeriod`; refused on a one-time line. */
  @OptionalProperty()
  @ForbiddenWhen(changesExistingLine, noSku)
  @IsIn(PricePeriods)
  pricePeriod?: PricePeriod;

  @OptionalProperty()
  @IsPercentString()
  discountPercent?: string;

  /** Contiguous segments covering the line's service period (billing-rules.md §4); recurring lines only. */
  @OptionalProperty()
  @ForbiddenWhen(changesExistingLine, noSku)
  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => DealLineSegmentV1)
  segments?: DealLineSegmentV1[];
}

/** The terms as the CRM sends them: `autoRenew` may be left out (the conformance vectors do), meaning false. */
export class DealWebhookTerms extends OmitType(DealTermsV1, ['autoRenew'] as const) {
  /** Absent means false: the contract ends with its term. */
  @OptionalProperty()
  @IsBoolean()
  autoRenew: boolean = false;
}

/** The deal as the CRM sends it: the deal of `o2c.deal.closed.v1` before intake adds the contract and catalog. */
export class DealWebhookDeal extends OmitType(DealClosedV1, [
  'dealId',
  'contractId',
  'terms',
  'lines',
] as const) {
  /** The CRM's deal id (`dealId` in the event). */
  @IsIdentifier()
  id!: string;

  /** Required for `new` and `renewal` (the next term), refused otherwise. */
  @PresentExactlyWhen((o) => o['kind'] === 'new' || o['kind'] === 'renewal', 'kind is new or renewal')
  @ValidateNested()
  @Type(() => DealWebhookTerms)
  terms?: DealWebhookTerms;

  /** At least one line, except for a cancellation, which has none and may leave `lines` out. */
  @OptionalProperty()
  @IsArray()
  @EmptyExactlyWhen((o) => o['kind'] === 'cancellation', 'kind is cancellation')
  @ValidateNested({ each: true })
  @Type(() => DealWebhookLine)
  @Transform(
    ({ value, obj }: { value: unknown; obj: Record<string, unknown> }) => {
      if (Array.isArray(value)) {
        for (const item of value) if (item instanceof DealWebhookLine) line(item)[DEAL_KIND] = obj['kind'];
      }
      return value;
    },
    { toClassOnly: true },
  )
  lines: DealWebhookLine[] = [];
}

/** Body of `POST /v1/webhooks/deals` (deal-webhook.md), and of `POST /v1/deals/preview`. */
export class DealWebhookRequest {
  @Equals('deal.closed_won')
  type!: 'deal.closed_won';

  @IsDefined()
  @ValidateNested()
  @Type(() => DealWebhookDeal)
  deal!: DealWebhookDeal;
}
