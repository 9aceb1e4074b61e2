import { IsCalendarDate, OptionalProperty } from '../shared/validators';
import { EventTypes, Topics } from '../topics';
import { ContractStateV1 } from './contract-state';

/**
 * `data` of `o2c.subscription.renewed.v1` on `o2c.subscriptions.v1`: the contract in its next
 * term (`term` is the new one), by a renewal deal or automatically (`source.kind`).
 */
export class SubscriptionRenewedV1 extends ContractStateV1 {
  static readonly ceType = EventTypes.subscriptionRenewed;
  static readonly topic = Topics.subscriptions;

  /**
   * Present when the change takes effect on another day than the one its type implies (a change dated on or
   * after an immediate cancellation, which bills nothing: billing-rules.md §6).
   */
  @OptionalProperty()
  @IsCalendarDate()
  effectiveDate?: string;
}
