import 'reflect-metadata';
import { IsIn } from 'class-validator';
import { IsCalendarDate, NestedProperty, OptionalProperty } from '../shared/validators';
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

  /**
   * Present when the change takes effect on another day than the one its type implies (a change dated on or
   * after an immediate cancellation, which bills nothing: billing-rules.md §6).
   */
  @OptionalProperty()
  @IsCalendarDate()
  effectiveDate?: string;

  @NestedProperty(() => ContractCancellationV1)
  cancellation!: ContractCancellationV1;
}
