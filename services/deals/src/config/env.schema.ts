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

  /** Tax rate by customer country, in percent (billing-rules.md §8); a deal for a country not in it is rejected. */
  @IsString()
  @IsNotEmpty()
  TAX_RATES_FILE: string = 'deploy/tax/tax-rates.v1.json';

  /**
   * The seller's country (ISO 3166-1 alpha-2, upper case): with the customer's, it decides reverse charge
   * (billing-rules.md §8) on the documents `POST /v1/deals/preview` shows. Set it to invoicing's SELLER_COUNTRY.
   */
  @Matches(/^[A-Z]{2}$/, { message: 'SELLER_COUNTRY must be an ISO 3166-1 alpha-2 code in upper case' })
  SELLER_COUNTRY: string = 'DE';
}
