import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsInt, Min, ValidateNested } from 'class-validator';
import { DealAccountV1 } from '../deals/deal-closed.v1';
import { CatalogEntrySnapshotV1 } from '../shared/catalog-entry';
import {
  IsAfterProperty,
  IsCalendarDate,
  IsCurrencyCode,
  IsDecimalString,
  IsIdentifier,
  IsPercentString,
  PresentExactlyWhen,
  NestedProperty,
  OptionalProperty,
} from '../shared/validators';
import {
  BillingFrequencies,
  ChargeTypes,
  PricePeriods,
  type BillingFrequency,
  type ChargeType,
  type PricePeriod,
} from '../shared/vocabulary';

/**
 * Where a contract stands: `active`; `non_renewing` once cancelled at the end of its term (it
 * still runs and bills until then); `cancelled` once cancelled immediately.
 */
export const ContractStatuses = ['active', 'non_renewing', 'cancelled'] as const;
export type ContractStatus = (typeof ContractStatuses)[number];

/** What caused a change: an accepted deal, or the automatic renewal of billing-rules.md §7. */
export const ContractChangeSources = ['deal', 'auto_renewal'] as const;
export type ContractChangeSourceKind = (typeof ContractChangeSources)[number];

/** The current term, with every default resolved (no optional fields). */
export class ContractTermV1 {
  @IsCalendarDate()
  startDate!: string;

  /** Exclusive: `addMonths(startDate, termMonths)`. */
  @IsCalendarDate()
  @IsAfterProperty('startDate')
  endDate!: string;

  @IsInt()
  @Min(1)
  termMonths!: number;

  @IsIn(BillingFrequencies)
  billingFrequency!: BillingFrequency;

  @IsInt()
  @Min(0)
  paymentTermsDays!: number;

  @IsBoolean()
  autoRenew!: boolean;

  /** Resolved: the original term when the deal named none. */
  @IsInt()
  @Min(1)
  renewalTermMonths!: number;

  /** Resolved: `"0"` when the deal named none. */
  @IsDecimalString()
  renewalUpliftPercent!: string;
}

/** The deal (or automatic renewal) that produced this version of the contract. */
export class ContractChangeSourceV1 {
  @IsIn(ContractChangeSources)
  kind!: ContractChangeSourceKind;

  @PresentExactlyWhen((o) => o['kind'] === 'deal', 'kind is deal')
  @IsIdentifier()
  dealId?: string;

  @PresentExactlyWhen((o) => o['kind'] === 'deal', 'kind is deal')
  @IsInt()
  @Min(1)
  revision?: number;
}

/**
 * What a charge bills over `[effectiveFrom, effectiveTo)`. A change makes a new segment from its
 * effective date, so the segments keep the charge's history; quantity 0 means removed.
 */
export class ChargeSegmentV1 {
  @IsCalendarDate()
  effectiveFrom!: string;

  /** Exclusive. */
  @IsCalendarDate()
  @IsAfterProperty('effectiveFrom')
  effectiveTo!: string;

  @IsInt()
  @Min(0)
  quantity!: number;

  /** Decimal string in major units, before discount; may carry more decimals than the currency after an uplift. */
  @IsDecimalString()
  unitPrice!: string;

  /** Set when an amendment changed the discount from this segment on; else the charge's `discountPercent`. */
  @OptionalProperty()
  @IsPercentString()
  discountPercent?: string;
}

/** One charge of the contract, born from one deal line. */
export class ContractChargeV1 {
  @IsIdentifier()
  chargeId!: string;

  /** The CRM line id the charge came from. */
  @IsIdentifier()
  dealLineId!: string;

  @IsIdentifier()
  sku!: string;

  @IsIn(ChargeTypes)
  chargeType!: ChargeType;

  /** Resolved from the line or the catalog; present exactly for recurring charges. */
  @PresentExactlyWhen((o) => o['chargeType'] === 'recurring', 'chargeType is recurring')
  @IsIn(PricePeriods)
  pricePeriod?: PricePeriod;

  /** Resolved: `"0"` when the deal named none. */
  @IsPercentString()
  discountPercent!: string;

  @NestedProperty(() => CatalogEntrySnapshotV1)
  catalog!: CatalogEntrySnapshotV1;

  /** In date order; a one-time charge has one segment starting on the day it is billed. */
  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => ChargeSegmentV1)
  segments!: ChargeSegmentV1[];
}

/**
 * The full state of a contract after a change, the `data` of every `o2c.subscription.*.v1`
 * event: a consumer needs no earlier event to know the contract.
 */
export abstract class ContractStateV1 {
  @IsIdentifier()
  contractId!: string;

  @IsIdentifier()
  accountId!: string;

  /** The customer as the latest deal named it (tax country and id, billing e-mail); absent in early events. */
  @OptionalProperty()
  @NestedProperty(() => DealAccountV1)
  account?: DealAccountV1;

  @IsCurrencyCode()
  currency!: string;

  /** Increases by one with every change, from 1; orders the events of one contract. */
  @IsInt()
  @Min(1)
  version!: number;

  @IsIn(ContractStatuses)
  status!: ContractStatus;

  @NestedProperty(() => ContractTermV1)
  term!: ContractTermV1;

  @NestedProperty(() => ContractChangeSourceV1)
  source!: ContractChangeSourceV1;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ContractChargeV1)
  charges!: ContractChargeV1[];

  /** The last day of service (exclusive) once `status` is `cancelled`: the immediate cancellation's date. */
  @OptionalProperty()
  @IsCalendarDate()
  endsOn?: string;

  /**
   * The contract's history after this event: the `version` of the latest event of every change (deal or
   * automatic renewal), in the order billing applies them (billing-rules.md §5: effective date, then
   * acceptance). A change accepted with a date before changes already made restates those: each later change
   * gets a new event (same source, new `version`), and every event of that batch carries the same list, so
   * the last of them completes it. A consumer that keeps the versions bills exactly these, in this order.
   * Absent in events from before it existed: then every version from 1 to this one, in order.
   */
  @OptionalProperty()
  @IsArray()
  @IsInt({ each: true })
  @Min(1, { each: true })
  history?: number[];
}
