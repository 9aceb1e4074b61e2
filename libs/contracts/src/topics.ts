/**
 * Kafka topics and CloudEvents types of o2c (docs/specs/events.md).
 *
 * These values are WIRE FORMAT: other services and other companies' consumers depend on
 * them. Never rename or reuse one; a breaking change is a new `v2` constant beside it.
 */
export const Topics = {
  deals: 'o2c.deals.v1',
  subscriptions: 'o2c.subscriptions.v1',
  invoices: 'o2c.invoices.v1',
  licenses: 'o2c.licenses.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export const EventTypes = {
  dealClosed: 'o2c.deal.closed.v1',
  subscriptionActivated: 'o2c.subscription.activated.v1',
  subscriptionAmended: 'o2c.subscription.amended.v1',
  subscriptionRenewed: 'o2c.subscription.renewed.v1',
  subscriptionCancelled: 'o2c.subscription.cancelled.v1',
  invoiceIssued: 'o2c.invoice.issued.v1',
  creditNoteIssued: 'o2c.credit_note.issued.v1',
  invoicePaid: 'o2c.invoice.paid.v1',
  invoiceOverdue: 'o2c.invoice.overdue.v1',
  licenseProvisioned: 'o2c.license.provisioned.v1',
  licenseUpdated: 'o2c.license.updated.v1',
  licenseRevoked: 'o2c.license.revoked.v1',
} as const;

export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

/** The topic each event type is published on. */
export const TopicOfEventType: Readonly<Record<EventType, Topic>> = {
  [EventTypes.dealClosed]: Topics.deals,
  [EventTypes.subscriptionActivated]: Topics.subscriptions,
  [EventTypes.subscriptionAmended]: Topics.subscriptions,
  [EventTypes.subscriptionRenewed]: Topics.subscriptions,
  [EventTypes.subscriptionCancelled]: Topics.subscriptions,
  [EventTypes.invoiceIssued]: Topics.invoices,
  [EventTypes.creditNoteIssued]: Topics.invoices,
  [EventTypes.invoicePaid]: Topics.invoices,
  [EventTypes.invoiceOverdue]: Topics.invoices,
  [EventTypes.licenseProvisioned]: Topics.licenses,
  [EventTypes.licenseUpdated]: Topics.licenses,
  [EventTypes.licenseRevoked]: Topics.licenses,
};

/** Dead-letter topic of one consumer group on one topic: `<topic>.<group>.dlq`. */
export function deadLetterTopic(topic: string, consumerGroup: string): string {
  return `${topic}.${consumerGroup}.dlq`;
}
