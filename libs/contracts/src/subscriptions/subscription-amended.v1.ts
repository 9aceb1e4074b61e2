import { IsCalendarDate } from '../shared/validators';
import { EventTypes, Topics } from '../topics';
import { ContractStateV1 } from './contract-state';

/** `data` of `o2c.subscription.amended.v1` on `o2c.subscriptions.v1`: the contract after an amendment. */
export class SubscriptionAmendedV1 extends ContractStateV1 {
  static readonly ceType = EventTypes.subscriptionAmended;
  static readonly topic = Topics.subscriptions;

  /** The day the amendment takes effect (`E` of billing-rules.md §5); documents for it are dated on it. */
  @IsCalendarDate()
  effectiveDate!: string;
}
