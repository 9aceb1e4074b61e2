import { ServiceEnv } from '@o2c/platform';

/** Settings of the invoicing service; see ServiceEnv for the ones every service shares. */
export class InvoicingEnv extends ServiceEnv {
  override PORT = 3003;
}
