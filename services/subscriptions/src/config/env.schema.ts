import { ServiceEnv } from '@o2c/platform';

/** Settings of the subscriptions service; see ServiceEnv for the ones every service shares. */
export class SubscriptionsEnv extends ServiceEnv {
  override PORT = 3002;
}
