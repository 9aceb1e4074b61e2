import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsString,
  Length,
  Matches,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { MoneyV1 } from '../shared/money';
import {
  IsAfterProperty,
  IsCalendarDate,
  IsCountryCode,
  IsCurrencyCode,
  IsDecimalString,
  IsIdentifier,
  IsPercentString,
  OptionalProperty,
  PresentExactlyWhen,
  NestedProperty,
} from '../shared/validators';
import { ChargeTypes, type ChargeType } from '../shared/vocabulary';

/** A period of service `[start, end)`. */
export class PeriodV1 {
  @IsCalendarDate()
  start!: string;

  /** Exclusive. */
  @IsCalendarDate()
  @IsAfterProperty('start')
  end!: string;
}

/**
 * How a line's amount was computed (billing-rules.md §3), so a reader can check it by hand:
 * `exactAmountMinor` is the amount before its one rounding; the proration fields are present
 * exactly for recurring lines.
 */
export class LineExplanationV1 {
  /** The part of the nominal billing period charged, `[a, b)`. */
  @OptionalProperty()
  @ValidateNested()
  @Type(() => PeriodV1)
  period?: PeriodV1;

  /** The full billing period of the schedule `[p, q)`, also when the term cuts it short. */
  @OptionalProperty()
  @ValidateNested()
  @Type(() => PeriodV1)
  nominalPeriod?: PeriodV1;

  /** `days(a, b)`. */
  @OptionalProperty()
  @IsInt()
  @Min(1)
  days?: number;

  /** `days(p, q)`. */
  @OptionalProperty()
  @IsInt()
  @Min(1)
  nominalDays?: number;

  /** `days/nominalDays`, not reduced: `"231/365"`. */
  @OptionalProperty()
  @Matches(/^\d+\/[1-9]\d*$/, { message: '$property must be a fraction "n/d"' })
  ratio?: string;

  /** The exact amount in minor units before rounding, a reduced fraction or an integer: `"29937600/73"`. */
  @Matches(/^(0|[1-9]\d*)(\/[1-9]\d*)?$/, {
    message: '$property must be a non-negative integer or fraction "n/d" of minor units',
  })
  exactAmountMinor!: string;

  /** Which rule made the line: `regular`, `one_time`, `quantity_increase`, `cancellation_credit`… */
  @OptionalProperty()
  @IsString()
  @Length(1, 100)
  rule?: string;

  /** The computation in one line, for people: `20 × 360.00 × (1 − 10 %) × 12/12 months × 231/365 days = …`. */
  @OptionalProperty()
  @IsString()
  @Length(1, 1000)
  formula?: string;
}

/** One line of an invoice or credit note; amounts are positive on both (see MoneyV1). */
export class DocumentLineV1 {
  /** From 1, in the order printed. */
  @IsInt()
  @Min(1)
  lineNumber!: number;

  @IsString()
  @Length(1, 1000)
  description!: string;

  @IsIdentifier()
  sku!: string;

  @IsIn(ChargeTypes)
  chargeType!: ChargeType;

  @IsIdentifier()
  dealId!: string;

  @IsIdentifier()
  dealLineId!: string;

  /** The contract version whose state this line bills. */
  @IsInt()
  @Min(1)
  contractVersion!: number;

  @IsIdentifier()
  chargeId!: string;

  /** Present exactly for recurring charges; a one-time charge has no service period. */
  @PresentExactlyWhen((o) => o['chargeType'] === 'recurring', 'chargeType is recurring')
  @ValidateNested()
  @Type(() => PeriodV1)
  servicePeriod?: PeriodV1;

  /** Recurring lines: the charge segment `[effectiveFrom, effectiveTo)` of `contractVersion` the line bills. */
  @OptionalProperty()
  @ValidateNested()
  @Type(() => PeriodV1)
  chargeSegment?: PeriodV1;

  @IsInt()
  @Min(1)
  quantity!: number;

  /** Decimal string in major units, before discount. */
  @IsDecimalString()
  unitPrice!: string;

  @IsPercentString()
  discountPercent!: string;

  /** Net of discount, rounded once, without tax. */
  @NestedProperty(() => MoneyV1)
  amount!: MoneyV1;

  /** `"0"` under reverse charge. */
  @IsPercentString()
  taxRatePercent!: string;

  @NestedProperty(() => MoneyV1)
  tax!: MoneyV1;

  @NestedProperty(() => LineExplanationV1)
  explanation!: LineExplanationV1;
}

/** The customer as printed on the document. */
export class BuyerV1 {
  @IsString()
  @Length(1, 500)
  name!: string;

  @IsCountryCode()
  country!: string;

  @OptionalProperty()
  @IsString()
  @Length(1, 50)
  taxId?: string;

  @OptionalProperty()
  @IsEmail()
  billingEmail?: string;
}

/** The issuing entity as printed on the document. */
export class SellerV1 {
  @IsString()
  @Length(1, 500)
  name!: string;

  @IsCountryCode()
  country!: string;

  @OptionalProperty()
  @IsString()
  @Length(1, 50)
  taxId?: string;
}

/** What invoices and credit notes share; each adds its `number` and `lines`. */
export abstract class IssuedDocumentV1 {
  @IsIdentifier()
  documentId!: string;

  @IsCalendarDate()
  issueDate!: string;

  @IsIdentifier()
  accountId!: string;

  @IsIdentifier()
  contractId!: string;

  @IsCurrencyCode()
  currency!: string;

  @NestedProperty(() => BuyerV1)
  buyer!: BuyerV1;

  @NestedProperty(() => SellerV1)
  seller!: SellerV1;

  /** Σ line amounts. */
  @NestedProperty(() => MoneyV1)
  subtotal!: MoneyV1;

  /** Σ line taxes. */
  @NestedProperty(() => MoneyV1)
  taxTotal!: MoneyV1;

  /** `subtotal + taxTotal`. */
  @NestedProperty(() => MoneyV1)
  total!: MoneyV1;

  /** EU customer in another member state with a tax id: 0 % tax, the document says "Reverse charge". */
  @IsBoolean()
  reverseCharge!: boolean;
}

/** The pattern of a document number `<prefix>-YYYY-NNNNNN` (billing-rules.md §9). */
export function documentNumberPattern(prefix: 'INV' | 'CN'): RegExp {
  return new RegExp(`^${prefix}-\\d{4}-\\d{6}$`);
}

/** The year in a document number is the calendar year of its `issueDate` (numbering restarts each year). */
export function NumberYearIsIssueYear(): PropertyDecorator {
  return ValidateBy({
    name: 'numberYearIsIssueYear',
    validator: {
      validate: (value, args?: ValidationArguments) => {
        const issueDate = (args?.object as { issueDate?: unknown } | undefined)?.issueDate;
        if (typeof value !== 'string' || typeof issueDate !== 'string') return true;
        return value.split('-')[1] === issueDate.slice(0, 4);
      },
      defaultMessage: () => '$property must carry the year of issueDate',
    },
  });
}
