import { type Provider } from '@nestjs/common';
import { loadTaxTable, SERVICE_ENV } from '@o2c/platform';
import { type InvoicingEnv } from '../../../config/env.schema';

/** Injection token of the tax table (`TAX_RATES_FILE`), read once at start-up. */
export const TAX_RATES = Symbol('TAX_RATES');

export const taxRatesProvider: Provider = {
  provide: TAX_RATES,
  inject: [SERVICE_ENV],
  useFactory: (env: InvoicingEnv) => loadTaxTable(env.TAX_RATES_FILE),
};
