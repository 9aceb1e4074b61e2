import 'reflect-metadata';
import { IsIn } from 'class-validator';
import { IsCalendarDate, NestedProperty } from '../shared/validators';
import { CancellationEffects, type CancellationEffect } from '../shared/vocabulary';
import { EventTypes, Topics } from '../topics';
import { ContractStateV1 } from './contract-state';

/** How and when the contract ends. */
export class ContractCancellationV1 {
  @IsIn(CancellationEffects)
  effective!: CancellationEffect;

  /** The day the contract ends (exclusive end of service): `E` when immediate, the term's end otherwise. */
  @IsCalendarDate()
  date!: string;
}

/**
 * `data` of `o2c.subscription.cancelled.v1` on `o2c.subscriptions.v1`: the contract after a
 * cancellation; `status` is `cancelled` (immediate) or `non_renewing` (end of term).
 */
export class SubscriptionCancelledV1 extends ContractStateV1 {
  static readonly ceType = EventTypes.subscriptionCancelled;
  static readonly topic = Topics.subscriptions;

  @NestedProperty(() => ContractCancellationV1)
  cancellation!: ContractCancellationV1;
}
