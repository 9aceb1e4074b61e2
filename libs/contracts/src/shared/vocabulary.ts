// Enumerated wire values shared by several events. Wire format: never rename a value.

/** How often a contract is billed (billing-rules.md §2). */
export const BillingFrequencies = ['monthly', 'quarterly', 'semiannual', 'annual', 'upfront'] as const;
export type BillingFrequency = (typeof BillingFrequencies)[number];

/** The period a recurring unit price is quoted for. */
export const PricePeriods = ['month', 'year'] as const;
export type PricePeriod = (typeof PricePeriods)[number];

/** Whether a catalog entry is billed every period or once. */
export const ChargeTypes = ['recurring', 'one_time'] as const;
export type ChargeType = (typeof ChargeTypes)[number];

/** When a cancellation takes effect (billing-rules.md §6). */
export const CancellationEffects = ['immediate', 'end_of_term'] as const;
export type CancellationEffect = (typeof CancellationEffects)[number];
