import { IsIn } from 'class-validator';
import { IsCalendarDate, IsIdentifier, IsRfc3339Timestamp } from '../shared/validators';
import { EventTypes, Topics } from '../topics';

/** Why a licence was revoked: its contract was cancelled immediately, or it ended without renewal. */
export const LicenseRevocationReasons = ['contract_cancelled', 'contract_ended'] as const;
export type LicenseRevocationReason = (typeof LicenseRevocationReasons)[number];

/** `data` of `o2c.license.revoked.v1` on `o2c.licenses.v1`: a licence no longer valid. */
export class LicenseRevokedV1 {
  static readonly ceType = EventTypes.licenseRevoked;
  static readonly topic = Topics.licenses;

  @IsIdentifier()
  licenseId!: string;

  @IsIdentifier()
  accountId!: string;

  @IsIdentifier()
  contractId!: string;

  /** The `kid` that signed the revoked key. */
  @IsIdentifier()
  keyId!: string;

  @IsIn(LicenseRevocationReasons)
  reason!: LicenseRevocationReason;

  /** The first day the licence is no longer valid. */
  @IsCalendarDate()
  effectiveDate!: string;

  @IsRfc3339Timestamp()
  revokedAt!: string;
}
