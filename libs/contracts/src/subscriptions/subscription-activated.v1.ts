import { EventTypes, Topics } from '../topics';
import { ContractStateV1 } from './contract-state';

/** `data` of `o2c.subscription.activated.v1` on `o2c.subscriptions.v1`: a new contract, version 1. */
export class SubscriptionActivatedV1 extends ContractStateV1 {
  static readonly ceType = EventTypes.subscriptionActivated;
  static readonly topic = Topics.subscriptions;
}
