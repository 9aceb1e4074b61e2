import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsInt,
  IsString,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsAfterProperty, IsCalendarDate, IsIdentifier, IsRfc3339Timestamp } from '../shared/validators';

/** What a licence lets the customer use: seats of a product with features, over `[validFrom, validTo)`. */
export class EntitlementV1 {
  @IsIdentifier()
  product!: string;

  @IsInt()
  @Min(0)
  seats!: number;

  @IsArray()
  @IsString({ each: true })
  @Length(1, 255, { each: true })
  features!: string[];

  @IsCalendarDate()
  validFrom!: string;

  /** Exclusive: the term's end, or the day of an immediate cancellation. */
  @IsCalendarDate()
  @IsAfterProperty('validFrom')
  validTo!: string;
}

/** The state of a licence after it was provisioned or updated; it replaces any earlier key. */
export abstract class LicenseStateV1 {
  /** Stable for the life of the licence; updates and the revocation name it. */
  @IsIdentifier()
  licenseId!: string;

  @IsIdentifier()
  accountId!: string;

  @IsIdentifier()
  contractId!: string;

  /** The signed licence, a JWS in compact serialization that the customer's software verifies offline. */
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, {
    message: '$property must be a JWS in compact serialization',
  })
  @Length(1, 65536)
  licenseKey!: string;

  /** The `kid` of the signing key in the published JWKS. */
  @IsIdentifier()
  keyId!: string;

  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => EntitlementV1)
  entitlements!: EntitlementV1[];

  @IsRfc3339Timestamp()
  issuedAt!: string;
}
