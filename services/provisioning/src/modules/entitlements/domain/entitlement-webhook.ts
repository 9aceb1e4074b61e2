import { type EntitlementV1 } from '@o2c/contracts';
import { type Entitlement, type EntitlementChange } from './entitlement-timeline';

/** The licence a webhook refers to: its id and, while it is valid, its signed key. */
export interface WebhookLicence {
  readonly licenseId: string;
  readonly keyId: string;
  readonly status: 'active' | 'revoked';
  readonly licenseKey?: string;
}

/**
 * The body a product's endpoint receives for one change of one of its entitlements, in the Standard
 * Webhooks shape (`type`, `timestamp`, `data`): the entitlement now (null once ended) and before, the day
 * the change takes effect, and the contract's licence.
 */
export interface EntitlementWebhookBody {
  readonly type: `entitlement.${EntitlementChange['kind']}`;
  readonly timestamp: string;
  readonly data: {
    readonly accountId: string;
    readonly contractId: string;
    readonly product: string;
    readonly effectiveDate: string;
    readonly entitlement: EntitlementV1 | null;
    readonly previous: EntitlementV1 | null;
    readonly licence: WebhookLicence;
  };
}

export const publicEntitlement = ({
  product,
  seats,
  features,
  validFrom,
  validTo,
}: Entitlement): EntitlementV1 => ({
  product,
  seats,
  features: [...features],
  validFrom,
  validTo,
});

export function entitlementWebhookOf(
  change: EntitlementChange,
  context: { accountId: string; contractId: string; issuedAt: string; licence: WebhookLicence },
): EntitlementWebhookBody {
  return {
    type: `entitlement.${change.kind}`,
    timestamp: context.issuedAt,
    data: {
      accountId: context.accountId,
      contractId: context.contractId,
      product: change.product,
      effectiveDate: change.effectiveDate,
      entitlement: change.after ? publicEntitlement(change.after) : null,
      previous: change.before ? publicEntitlement(change.before) : null,
      licence: context.licence,
    },
  };
}
