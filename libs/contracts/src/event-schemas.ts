import { DealClosedV1 } from './deals/deal-closed.v1';
import { CreditNoteIssuedV1 } from './invoicing/credit-note-issued.v1';
import { InvoiceIssuedV1 } from './invoicing/invoice-issued.v1';
import { InvoiceOverdueV1 } from './invoicing/invoice-overdue.v1';
import { InvoicePaidV1 } from './invoicing/invoice-paid.v1';
import { LicenseProvisionedV1 } from './provisioning/license-provisioned.v1';
import { LicenseRevokedV1 } from './provisioning/license-revoked.v1';
import { LicenseUpdatedV1 } from './provisioning/license-updated.v1';
import { SubscriptionActivatedV1 } from './subscriptions/subscription-activated.v1';
import { SubscriptionAmendedV1 } from './subscriptions/subscription-amended.v1';
import { SubscriptionCancelledV1 } from './subscriptions/subscription-cancelled.v1';
import { SubscriptionRenewedV1 } from './subscriptions/subscription-renewed.v1';
import { type EventType } from './topics';

const schemaOf = {
  [DealClosedV1.ceType]: DealClosedV1,
  [SubscriptionActivatedV1.ceType]: SubscriptionActivatedV1,
  [SubscriptionAmendedV1.ceType]: SubscriptionAmendedV1,
  [SubscriptionRenewedV1.ceType]: SubscriptionRenewedV1,
  [SubscriptionCancelledV1.ceType]: SubscriptionCancelledV1,
  [InvoiceIssuedV1.ceType]: InvoiceIssuedV1,
  [CreditNoteIssuedV1.ceType]: CreditNoteIssuedV1,
  [InvoicePaidV1.ceType]: InvoicePaidV1,
  [InvoiceOverdueV1.ceType]: InvoiceOverdueV1,
  [LicenseProvisionedV1.ceType]: LicenseProvisionedV1,
  [LicenseUpdatedV1.ceType]: LicenseUpdatedV1,
  [LicenseRevokedV1.ceType]: LicenseRevokedV1,
} as const satisfies Record<EventType, new () => object>;

/** The class of `data` of each event type, for `validateEventData` on produce and on consume. */
export const eventSchemas: ReadonlyMap<string, new () => object> = new Map<string, new () => object>(
  Object.entries(schemaOf),
);

/** The type of `data` of event type `T`: `EventDataOf<'o2c.deal.closed.v1'>` is `DealClosedV1`. */
export type EventDataOf<T extends EventType> = InstanceType<(typeof schemaOf)[T]>;
