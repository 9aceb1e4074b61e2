import { ServiceEnv } from '@o2c/platform';

/** Settings of the deals service; see ServiceEnv for the ones every service shares. */
export class DealsEnv extends ServiceEnv {
  override PORT = 3001;
}
