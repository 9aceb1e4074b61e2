import {
  CalendarDate,
  type ChargeSegment,
  type ContractChange,
  type ContractCharge,
  type ContractVersion,
} from '@o2c/billing';
import { formatExactPrice, Fraction } from '@o2c/money';
import type { DealAccountV1 } from '../deals/deal-closed.v1';
import type { CatalogEntrySnapshotV1 } from '../shared/catalog-entry';
import { EventTypes } from '../topics';
import type {
  ChargeSegmentV1,
  ContractChangeSourceV1,
  ContractChargeV1,
  ContractStateV1,
} from './contract-state';

/** The `o2c.subscription.*.v1` types, each carrying a `ContractStateV1`. */
export type SubscriptionEventType =
  | typeof EventTypes.subscriptionActivated
  | typeof EventTypes.subscriptionAmended
  | typeof EventTypes.subscriptionRenewed
  | typeof EventTypes.subscriptionCancelled;

/** A subscription event's data as the mapper reads it: the state and, per type, its effective date. */
export type SubscriptionEventData = ContractStateV1 & {
  effectiveDate?: string;
  cancellation?: { effective: 'immediate' | 'end_of_term'; date: string };
};

// Exact decimals, however many (an uplift compounded over many renewals adds two a year at 3 %).
function decimalString(value: Fraction): string {
  return value.toExactDecimalString();
}

/**
 * The version a subscription event describes, for `@o2c/billing`: which change made it and from
 * which day it is in effect (billing rules §5), with every charge's segments.
 */
export function contractVersionOf(type: SubscriptionEventType, data: SubscriptionEventData): ContractVersion {
  const termStart = CalendarDate.parse(data.term.startDate);
  const id =
    data.source.kind === 'auto_renewal' ? `auto-renewal:${data.term.startDate}` : data.source.dealId!;
  let change: ContractChange;
  switch (type) {
    case EventTypes.subscriptionActivated:
      change = { kind: 'new', id, effectiveDate: termStart };
      break;
    case EventTypes.subscriptionRenewed:
      change = {
        kind: data.source.kind === 'auto_renewal' ? 'auto_renewal' : 'renewal',
        id,
        effectiveDate: data.effectiveDate === undefined ? termStart : CalendarDate.parse(data.effectiveDate),
      };
      break;
    case EventTypes.subscriptionAmended:
      change = { kind: 'amendment', id, effectiveDate: CalendarDate.parse(data.effectiveDate!) };
      break;
    case EventTypes.subscriptionCancelled:
      change = {
        kind: 'cancellation',
        id,
        effectiveDate: CalendarDate.parse(data.effectiveDate ?? data.cancellation!.date),
      };
      break;
  }
  const cancelledOn = data.status === 'cancelled' ? (data.endsOn ?? data.cancellation?.date) : undefined;
  return {
    version: data.version,
    change,
    currency: data.currency,
    status: data.status,
    term: {
      start: termStart,
      end: CalendarDate.parse(data.term.endDate),
      termMonths: data.term.termMonths,
      billingFrequency: data.term.billingFrequency,
      paymentTermsDays: data.term.paymentTermsDays,
      autoRenew: data.term.autoRenew,
      renewalTermMonths: data.term.renewalTermMonths,
      renewalUpliftPercent: Fraction.parseDecimal(data.term.renewalUpliftPercent),
    },
    ...(cancelledOn === undefined ? {} : { endsOn: CalendarDate.parse(cancelledOn) }),
    charges: data.charges.map((charge) => chargeOf(charge)),
  };
}

function chargeOf(charge: ContractChargeV1): ContractCharge {
  const discount = Fraction.parseDecimal(charge.discountPercent);
  const segments: ChargeSegment[] = charge.segments.map((segment) => ({
    start: CalendarDate.parse(segment.effectiveFrom),
    end: CalendarDate.parse(segment.effectiveTo),
    quantity: segment.quantity,
    unitPrice: Fraction.parseDecimal(segment.unitPrice),
    discountPercent:
      segment.discountPercent === undefined ? discount : Fraction.parseDecimal(segment.discountPercent),
  }));
  if (charge.chargeType === 'one_time') {
    const [segment] = segments;
    return {
      chargeType: 'one_time',
      id: charge.dealLineId,
      sku: charge.sku,
      billedOn: segment!.start,
      quantity: segment!.quantity,
      unitPrice: segment!.unitPrice,
      discountPercent: discount,
    };
  }
  return {
    chargeType: 'recurring',
    id: charge.dealLineId,
    sku: charge.sku,
    pricePeriod: charge.pricePeriod!,
    segments,
  };
}

/** What the wire adds to a charge of `@o2c/billing`: its stable id and the catalog entry it was sold from. */
export interface ChargeIdentity {
  chargeId: string;
  catalog: CatalogEntrySnapshotV1;
}

/**
 * The wire state of a version (the data of every `o2c.subscription.*.v1`). A one-time charge is one
 * segment from the day it is billed to the term's end.
 */
export function contractStateOf(
  version: ContractVersion,
  identity: {
    contractId: string;
    accountId: string;
    account?: DealAccountV1;
    source: ContractChangeSourceV1;
    charge: (lineId: string) => ChargeIdentity;
  },
): ContractStateV1 {
  const { term } = version;
  return {
    contractId: identity.contractId,
    accountId: identity.accountId,
    ...(identity.account === undefined ? {} : { account: identity.account }),
    currency: version.currency,
    version: version.version,
    status: version.status,
    term: {
      startDate: term.start.toString(),
      endDate: term.end.toString(),
      termMonths: term.termMonths,
      billingFrequency: term.billingFrequency,
      paymentTermsDays: term.paymentTermsDays,
      autoRenew: term.autoRenew,
      renewalTermMonths: term.renewalTermMonths,
      renewalUpliftPercent: decimalString(term.renewalUpliftPercent),
    },
    source: identity.source,
    ...(version.status === 'cancelled' && version.endsOn !== undefined
      ? { endsOn: version.endsOn.toString() }
      : {}),
    charges: version.charges.map((charge): ContractChargeV1 => {
      const { chargeId, catalog } = identity.charge(charge.id);
      const common = {
        chargeId,
        dealLineId: charge.id,
        sku: charge.sku,
        chargeType: charge.chargeType,
        catalog,
      };
      if (charge.chargeType === 'one_time') {
        return {
          ...common,
          discountPercent: decimalString(charge.discountPercent),
          segments: [
            {
              effectiveFrom: charge.billedOn.toString(),
              effectiveTo: term.end.toString(),
              quantity: charge.quantity,
              unitPrice: formatExactPrice(charge.unitPrice, version.currency),
            },
          ],
        };
      }
      const base = charge.segments[0]!.discountPercent;
      return {
        ...common,
        pricePeriod: charge.pricePeriod,
        discountPercent: decimalString(base),
        segments: charge.segments.map((segment): ChargeSegmentV1 => ({
          effectiveFrom: segment.start.toString(),
          effectiveTo: segment.end.toString(),
          quantity: segment.quantity,
          unitPrice: formatExactPrice(segment.unitPrice, version.currency),
          ...(segment.discountPercent.equals(base)
            ? {}
            : { discountPercent: decimalString(segment.discountPercent) }),
        })),
      };
    }),
  };
}

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
      return {
        type: EventTypes.subscriptionRenewed,
        data: version.change.effectiveDate.equals(version.term.start)
          ? state
          : { ...state, effectiveDate: version.change.effectiveDate.toString() },
      };
    case 'cancellation': {
      const cancellation =
        version.status === 'cancelled'
          ? {
              effective: 'immediate' as const,
              date: (version.endsOn ?? version.change.effectiveDate).toString(),
            }
          : { effective: 'end_of_term' as const, date: version.term.end.toString() };
      const own = version.change.effectiveDate.toString();
      return {
        type: EventTypes.subscriptionCancelled,
        data: { ...state, cancellation, ...(own === cancellation.date ? {} : { effectiveDate: own }) },
      };
    }
  }
}

/** One stored `o2c.subscription.*.v1` of a contract. */
export interface StoredSubscriptionEvent {
  type: SubscriptionEventType;
  data: SubscriptionEventData;
}

/**
 * The contract's history as `@o2c/billing` bills it, from the events of one contract a consumer stored (any
 * order): the versions the latest event's `history` lists, in that order (every version up to it when it has
 * none). `undefined` while a version it lists has not arrived yet: the rest of a batch of restated versions is
 * on its way (see `ContractStateV1.history`).
 */
export function contractHistoryOf(events: readonly StoredSubscriptionEvent[]): ContractVersion[] | undefined {
  const byVersion = new Map(events.map((event) => [event.data.version, event]));
  const latest = events.reduce<StoredSubscriptionEvent | undefined>(
    (max, event) => (max === undefined || event.data.version > max.data.version ? event : max),
    undefined,
  );
  if (latest === undefined) return [];
  const refs = latest.data.history ?? Array.from({ length: latest.data.version }, (_, index) => index + 1);
  const history: ContractVersion[] = [];
  for (const ref of refs) {
    const event = byVersion.get(ref);
    if (event === undefined) return undefined;
    history.push(contractVersionOf(event.type, event.data));
  }
  return history;
}
