import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsString, Length, Min, ValidateNested } from 'class-validator';
import { ChargeTypes, PricePeriods, type ChargeType, type PricePeriod } from './vocabulary';
import { IsIdentifier, OptionalProperty, PresentExactlyWhen } from './validators';

/** What a catalog entry grants when provisioned: `seatsPerUnit × quantity` seats of a licence product (0: features only, e.g. a platform fee). */
export class CatalogProvisioningV1 {
  @IsIdentifier()
  licenseProduct!: string;

  @IsInt()
  @Min(0)
  seatsPerUnit!: number;

  @IsArray()
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  features!: string[];
}

/**
 * A snapshot of one product catalog entry as it was when the deal was accepted, carried with the
 * line so that consumers never look the catalog up again (a later catalog change does not alter
 * an accepted deal).
 */
export class CatalogEntrySnapshotV1 {
  @IsIdentifier()
  sku!: string;

  /** The catalog entry's version, from 1. */
  @IsInt()
  @Min(1)
  version!: number;

  @IsString()
  @Length(1, 500)
  name!: string;

  @IsIn(ChargeTypes)
  chargeType!: ChargeType;

  /** The price period a line uses when it names none; present exactly for recurring entries. */
  @PresentExactlyWhen((o) => o['chargeType'] === 'recurring', 'chargeType is recurring')
  @IsIn(PricePeriods)
  defaultPricePeriod?: PricePeriod;

  /** Absent when the entry grants no licence (services, onboarding). */
  @OptionalProperty()
  @ValidateNested()
  @Type(() => CatalogProvisioningV1)
  provisioning?: CatalogProvisioningV1;
}
