import { EventTypes, Topics } from '../topics';
import { ContractStateV1 } from './contract-state';

/**
 * `data` of `o2c.subscription.renewed.v1` on `o2c.subscriptions.v1`: the contract in its next
 * term (`term` is the new one), by a renewal deal or automatically (`source.kind`).
 */
export class SubscriptionRenewedV1 extends ContractStateV1 {
  static readonly ceType = EventTypes.subscriptionRenewed;
  static readonly topic = Topics.subscriptions;
}
