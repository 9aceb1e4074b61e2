import { ServiceEnv } from '@o2c/platform';
import { IsNotEmpty, IsString, Matches } from 'class-validator';

/** Settings of the deals service; see ServiceEnv for the ones every service shares. */
export class DealsEnv extends ServiceEnv {
  override PORT = 3001;

  /** Standard Webhooks secrets (`whsec_<base64>`), space-separated; several during a rotation. (secret) */
  @IsString()
  @IsNotEmpty({
    message: 'DEALS_WEBHOOK_SECRETS is required: the whsec_<base64> secret(s) the CRM signs with',
  })
  @Matches(/^whsec_[A-Za-z0-9+/=]+( whsec_[A-Za-z0-9+/=]+)*$/, {
    message: 'DEALS_WEBHOOK_SECRETS must be whsec_<base64> secrets separated by single spaces',
  })
  DEALS_WEBHOOK_SECRETS!: string;

  /** The product catalog loaded at start-up (entries and versions not yet known are added). */
  @IsString()
  @IsNotEmpty()
  CATALOG_SEED_FILE: string = 'deploy/catalog/catalog.v1.json';
}
