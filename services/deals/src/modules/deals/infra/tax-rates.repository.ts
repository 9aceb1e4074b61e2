import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_ENV } from '@o2c/platform';
import { type DealsEnv } from '../../../config/env.schema';
import { type TaxRates as TaxTable } from '@o2c/billing';
import { parseTaxTable } from '@o2c/platform';

/** The tax table of `TAX_RATES_FILE`, read once at start-up; a bad file stops the boot. */
@Injectable()
export class TaxRatesRepository {
  readonly table: TaxTable;

  constructor(@Inject(SERVICE_ENV) env: DealsEnv) {
    this.table = parseTaxTable(JSON.parse(readFileSync(env.TAX_RATES_FILE, 'utf8')), env.TAX_RATES_FILE);
  }
}
