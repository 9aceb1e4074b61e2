import { ServiceEnv } from '@o2c/platform';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

/** Settings of the invoicing service; see ServiceEnv for the ones every service shares. */
export class InvoicingEnv extends ServiceEnv {
  override PORT = 3003;

  /** The issuing entity's code: document numbers are gapless per entity and calendar year. */
  @Matches(/^[a-z0-9][a-z0-9-]{0,31}$/, {
    message: 'ISSUING_ENTITY must be 1-32 lowercase letters, digits or dashes',
  })
  ISSUING_ENTITY: string = 'main';

  /** The seller's legal name, printed on every document. */
  @IsString()
  @Length(1, 200)
  SELLER_NAME: string = 'o2c Demo GmbH';

  /** The seller's country (ISO 3166-1 alpha-2): decides reverse charge (billing-rules.md §8). */
  @Matches(/^[A-Z]{2}$/, { message: 'SELLER_COUNTRY must be an ISO 3166-1 alpha-2 code in upper case' })
  SELLER_COUNTRY: string = 'DE';

  /** The seller's VAT id, printed on every document. */
  @IsOptional()
  @IsString()
  @Length(1, 50)
  SELLER_TAX_ID?: string;

  /** Tax rate per customer country, `{ "rates": { "DE": "19" } }`; read at start-up, a bad file stops the boot. */
  @IsString()
  @IsNotEmpty()
  TAX_RATES_FILE: string = 'deploy/tax/tax-rates.v1.json';

  /** Minutes between runs of the bill run for today (it also runs at start-up); 0 turns it off. */
  @IsInt()
  @Min(0)
  @Max(1440)
  BILL_RUN_INTERVAL_MINUTES: number = 60;

  /**
   * Contracts a bill run bills in one transaction. The numbering is held from a chunk's first number to its commit,
   * so a larger chunk issues more documents a second and makes a contract change's issuing wait longer meanwhile.
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  BILL_RUN_CHUNK_CONTRACTS: number = 200;

  /** Whether a subscription event issues at once what is already due on the clock's date (`on`) or waits for a bill run. */
  @IsIn(['on', 'off'])
  ISSUE_ON_CONTRACT_CHANGE: 'on' | 'off' = 'on';
}
