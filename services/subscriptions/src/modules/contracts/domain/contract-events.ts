import { type ContractVersion } from '@o2c/billing';
import {
  type ChargeIdentity,
  type ContractChangeSourceV1,
  contractStateOf,
  type DealAccountV1,
  EventTypes,
  type SubscriptionEventData,
  type SubscriptionEventType,
} from '@o2c/contracts';

/** The `o2c.subscription.*.v1` that announces a version, and its data: the full state plus what the type adds. */
export function contractEventOf(
  version: ContractVersion,
  identity: {
    contractId: string;
    accountId: string;
    account?: DealAccountV1;
    source: ContractChangeSourceV1;
    charge: (lineId: string) => ChargeIdentity;
  },
): { type: SubscriptionEventType; data: SubscriptionEventData } {
  const state = contractStateOf(version, identity);
  switch (version.change.kind) {
    case 'new':
      return { type: EventTypes.subscriptionActivated, data: state };
    case 'amendment':
      return {
        type: EventTypes.subscriptionAmended,
        data: { ...state, effectiveDate: version.change.effectiveDate.toString() },
      };
    case 'renewal':
    case 'auto_renewal':
      return { type: EventTypes.subscriptionRenewed, data: state };
    case 'cancellation':
      return {
        type: EventTypes.subscriptionCancelled,
        data: {
          ...state,
          cancellation:
            version.status === 'cancelled'
              ? { effective: 'immediate', date: (version.endsOn ?? version.change.effectiveDate).toString() }
              : { effective: 'end_of_term', date: version.term.end.toString() },
        },
      };
  }
}
