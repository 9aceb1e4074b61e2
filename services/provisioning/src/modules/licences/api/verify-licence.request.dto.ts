import { IsString, Length } from 'class-validator';

export class VerifyLicenceRequestDto {
  /** The licence as a product holds it: a JWS in compact serialization. */
  @IsString()
  @Length(1, 65536)
  licence!: string;
}
