import { addDays, addMonths, CalendarDate } from '@o2c/billing';
import { type BillingFrequency, type DealKind, type PricePeriod } from '@o2c/contracts';
import { CrmProblems, mappingResult, type CrmMapping } from '../crm.errors';
import { AgreedValue } from '../shared/agreed-value';
import { countryCodeAt } from '../shared/country';
import {
  at,
  optionalFlag,
  optionalObject,
  optionalText,
  optionalTexts,
  requiredArray,
  requiredObject,
  requiredText,
  type Fields,
} from '../shared/crm-fields';
import {
  decimalAt,
  isPercentText,
  isZeroDecimal,
  knownCurrencyAt,
  scalePrice,
  subtractPrice,
  wholeNumberAt,
} from '../shared/crm-decimal';
import { calendarDateOf, epochMillisAt, revisionOfLatest, rfc3339 } from '../shared/crm-time';

/*
 * Body of POST /v1/webhooks/hubspot/deals: a closed-won deal with its line items and companies as
 * the CRM API v3 returns them (`GET /crm/v3/objects/deals/{id}?associations=companies,line_items`
 * and batch reads of both), each `{ id, properties, associations? }` with every property a string:
 *
 *   { "deal": {...}, "lineItems": [{...}], "companies": [{...}] }
 *
 * Paths in problems are those of this body, in HubSpot's property names.
 */

/** How a HubSpot `recurringbillingfrequency` maps: HubSpot's `price` is per billing period. */
interface HubSpotFrequency {
  readonly billingFrequency: BillingFrequency;
  readonly pricePeriod: PricePeriod;
  /** Billing periods a price period holds: a quarterly price × 4 is the yearly price. */
  readonly periodsPerPricePeriod: bigint;
}

export const HUBSPOT_FREQUENCIES: Readonly<Record<string, HubSpotFrequency>> = {
  monthly: { billingFrequency: 'monthly', pricePeriod: 'month', periodsPerPricePeriod: 1n },
  quarterly: { billingFrequency: 'quarterly', pricePeriod: 'year', periodsPerPricePeriod: 4n },
  per_six_months: { billingFrequency: 'semiannual', pricePeriod: 'year', periodsPerPricePeriod: 2n },
  annually: { billingFrequency: 'annual', pricePeriod: 'year', periodsPerPricePeriod: 1n },
};

/** o2c's custom HubSpot properties (deal and company) for what HubSpot has no default property for. */
export const HubSpotCustomProperties = {
  paymentTermsDays: 'o2c_payment_terms_days',
  autoRenew: 'o2c_auto_renew',
  renewalTermMonths: 'o2c_renewal_term_months',
  renewalUpliftPercent: 'o2c_renewal_uplift_percent',
  renewsDealId: 'o2c_renews_deal_id',
  taxId: 'o2c_tax_id',
  billingEmail: 'o2c_billing_email',
} as const;

/** Payment terms when the deal has no `o2c_payment_terms_days`: net 30. */
export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

const ISO_DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;

interface MappedLine {
  readonly line: Record<string, unknown>;
  readonly recurring: boolean;
}

/** The months of an ISO 8601 duration such as `P12M`, `P1Y`, `P2Y6M` (hs_recurring_billing_period). */
function termMonthsOf(text: string, path: string, problems: CrmProblems): number | undefined {
  const match = ISO_DURATION.exec(text);
  if (!match || text === 'P') {
    return problems.malformed(path, `"${text}" is not an ISO 8601 period such as P12M`);
  }
  if (Number(match[3] ?? 0) > 0 || Number(match[4] ?? 0) > 0) {
    return problems.unmappable(
      path,
      `a term in weeks or days ("${text}") is not supported; give it in months (P12M)`,
    );
  }
  const months = Number(match[1] ?? 0) * 12 + Number(match[2] ?? 0);
  return months > 0 ? months : problems.malformed(path, 'the term must be at least one month');
}

/** HubSpot's `hs_billing_start_delay_type` values: the name of the property that holds the delay. */
export const HUBSPOT_START_DELAYS = {
  hs_billing_start_delay_days: 'days',
  hs_billing_start_delay_months: 'months',
} as const;

/**
 * A recurring line's billing start: `hs_recurring_billing_start_date`, or, for a line whose billing
 * starts after a delay ("Delayed start (days)" / "(months)" in HubSpot, which then leaves the start date
 * empty), the deal's close date (its calendar day in UTC) plus `hs_billing_start_delay_days` days or
 * `hs_billing_start_delay_months` months (the last day of a shorter month when the day is not in it).
 * `hs_billing_start_delay_type` says which one; without it, whichever is set.
 */
function billingStart(
  p: Fields,
  path: string,
  closedMillis: number | undefined,
  problems: CrmProblems,
): { date: string; path: string } | undefined {
  const typeText = optionalText(p, 'hs_billing_start_delay_type', path, problems);
  const type =
    typeText === undefined ? undefined : (HUBSPOT_START_DELAYS as Record<string, string>)[typeText];
  const startPath = at(path, 'hs_recurring_billing_start_date');
  if (typeText !== undefined && type === undefined && typeText !== 'hs_recurring_billing_start_date') {
    return problems.unmappable(
      at(path, 'hs_billing_start_delay_type'),
      `"${typeText}" is not supported; supported: ${Object.keys(HUBSPOT_START_DELAYS).join(', ')}, or a fixed ` +
        'hs_recurring_billing_start_date',
    );
  }
  const startText = optionalText(p, 'hs_recurring_billing_start_date', path, problems);
  const delays = Object.keys(HUBSPOT_START_DELAYS).filter(
    (key) => optionalText(p, key, path, problems) !== undefined,
  );
  const delayKey = type !== undefined ? `hs_billing_start_delay_${type}` : undefined;
  if (delayKey === undefined && startText === undefined) {
    if (delays.length === 0) {
      return problems.malformed(
        startPath,
        'is required for a recurring line (or a delay: hs_billing_start_delay_days or hs_billing_start_delay_months)',
      );
    }
    if (delays.length > 1) {
      return problems.malformed(
        at(path, 'hs_billing_start_delay_type'),
        'is required when both hs_billing_start_delay_days and hs_billing_start_delay_months are set',
      );
    }
  }
  const key = delayKey ?? (startText === undefined ? delays[0] : undefined);
  if (key === undefined) {
    const date = startText === undefined ? undefined : calendarDateOf(startText);
    if (date === undefined) return problems.malformed(startPath, `"${startText}" is not a date YYYY-MM-DD`);
    return { date, path: startPath };
  }
  const delayPath = at(path, key);
  const amount = wholeNumberAt(requiredText(p, key, path, problems), delayPath, problems);
  if (amount === undefined || closedMillis === undefined) return undefined;
  const limit = key === 'hs_billing_start_delay_days' ? 3653 : 120;
  if (amount > limit) return problems.malformed(delayPath, `${amount} is more than ten years (${limit})`);
  const closed = CalendarDate.parse(rfc3339(closedMillis).slice(0, 10));
  const date = key === 'hs_billing_start_delay_days' ? addDays(closed, amount) : addMonths(closed, amount);
  return { date: date.toString(), path: delayPath };
}

function decimalProperty(
  props: Fields,
  key: string,
  path: string,
  problems: CrmProblems,
  required: boolean,
): string | undefined {
  const text = required ? requiredText(props, key, path, problems) : optionalText(props, key, path, problems);
  return decimalAt(text, at(path, key), problems);
}

function wholeProperty(props: Fields, key: string, path: string, problems: CrmProblems): number | undefined {
  return wholeNumberAt(optionalText(props, key, path, problems), at(path, key), problems);
}

function lastModified(
  props: Fields,
  path: string,
  problems: CrmProblems,
  required: boolean,
): number | undefined {
  const text = required
    ? requiredText(props, 'hs_lastmodifieddate', path, problems)
    : optionalText(props, 'hs_lastmodifieddate', path, problems);
  return epochMillisAt(text, at(path, 'hs_lastmodifieddate'), problems);
}

/** Ids of the associated records of one type, from the v3 shape `{ results: [{ id, type }] }`. */
function associated(
  associations: Fields | undefined,
  keys: readonly string[],
  path: string,
  problems: CrmProblems,
): { id: string; type: string | undefined }[] | undefined {
  const key = keys.find((k) => associations?.[k] !== undefined && associations[k] !== null);
  if (associations === undefined || key === undefined) return undefined;
  const holder = requiredObject(associations[key], at(path, key), problems);
  const results = holder && requiredArray(holder['results'], at(at(path, key), 'results'), problems);
  return (results ?? []).flatMap((raw, i) => {
    const resultPath = at(at(at(path, key), 'results'), i);
    const result = requiredObject(raw, resultPath, problems);
    const id = result && requiredText(result, 'id', resultPath, problems);
    return id === undefined ? [] : [{ id, type: optionalText(result!, 'type', resultPath, problems) }];
  });
}

function mapAccount(root: Fields, dealAssociations: Fields | undefined, problems: CrmProblems) {
  const companies = requiredArray(root['companies'], 'companies', problems) ?? [];
  const byId = new Map<string, { index: number; company: Fields }>();
  companies.forEach((raw, index) => {
    const company = requiredObject(raw, at('companies', index), problems);
    const id = company && requiredText(company, 'id', at('companies', index), problems);
    if (company && id !== undefined) byId.set(id, { index, company });
  });
  const links = associated(dealAssociations, ['companies'], 'deal.associations', problems);
  // The primary company carries the unlabelled default type `deal_to_company` (HubSpot-defined type 5).
  const candidates = [
    ...new Set((links ?? [...byId.keys()].map((id) => ({ id, type: undefined }))).map((l) => l.id)),
  ];
  const primary = links?.find((l) => l.type === 'deal_to_company')?.id;
  const accountId = primary ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (accountId === undefined) {
    return candidates.length === 0
      ? problems.malformed('companies', 'the deal has no company; its primary company is the account billed')
      : problems.unmappable(
          'deal.associations.companies',
          `the deal has ${candidates.length} companies and none is primary (deal_to_company)`,
        );
  }
  const found = byId.get(accountId);
  if (!found)
    return problems.malformed('companies', `company ${accountId}, associated with the deal, is missing`);
  const path = at(at('companies', found.index), 'properties');
  const props = requiredObject(found.company['properties'], path, problems);
  if (!props) return undefined;
  const name = requiredText(props, 'name', path, problems);
  const country = countryCodeAt(
    requiredText(props, 'country', path, problems),
    at(path, 'country'),
    problems,
  );
  const { taxId, billingEmail } = HubSpotCustomProperties;
  return { id: accountId, name, country, ...optionalTexts(props, { taxId, billingEmail }, path, problems) };
}

function mapKind(props: Fields, problems: CrmProblems): { kind: DealKind; amends?: string } | undefined {
  const path = 'deal.properties';
  const renews = optionalText(props, HubSpotCustomProperties.renewsDealId, path, problems);
  const dealType = optionalText(props, 'dealtype', path, problems);
  if (renews !== undefined) return { kind: 'renewal', amends: renews };
  if (dealType === undefined || dealType === 'newbusiness') return { kind: 'new' };
  if (dealType === 'existingbusiness') {
    return problems.unmappable(
      at(path, 'dealtype'),
      `existingbusiness deals change an existing contract: a renewal must name the deal it renews in ` +
        `${HubSpotCustomProperties.renewsDealId}; amendments and cancellations are not mapped from HubSpot, ` +
        `send them to POST /v1/webhooks/deals`,
    );
  }
  return problems.unmappable(
    at(path, 'dealtype'),
    `"${dealType}" is not supported; newbusiness (or none) is a new contract, a renewal names the deal it renews in ${HubSpotCustomProperties.renewsDealId}`,
  );
}

/**
 * Maps a HubSpot closed-won deal to the canonical `deal.closed_won` body (deal-webhook.md), or
 * returns every problem found, each at its path in the HubSpot payload. Pure: no clock, no I/O.
 */
export function mapHubSpotDeal(payload: unknown): CrmMapping {
  const problems = new CrmProblems();
  const root = requiredObject(payload, 'body', problems) ?? {};
  const deal = requiredObject(root['deal'], 'deal', problems) ?? {};
  const dealPath = 'deal.properties';
  const props = requiredObject(deal['properties'], dealPath, problems) ?? {};
  const dealAssociations = optionalObject(deal['associations'], 'deal.associations', problems);

  const dealId = requiredText(deal, 'id', 'deal', problems);
  const objectId = optionalText(props, 'hs_object_id', dealPath, problems);
  if (dealId !== undefined && objectId !== undefined && objectId !== dealId) {
    problems.malformed(at(dealPath, 'hs_object_id'), `is ${objectId} but deal.id is ${dealId}`);
  }

  const stage = requiredText(props, 'dealstage', dealPath, problems);
  const isClosedWon = optionalFlag(props, 'hs_is_closed_won', dealPath, problems);
  if (stage !== undefined && stage !== 'closedwon' && isClosedWon !== true) {
    problems.unmappable(
      at(dealPath, 'dealstage'),
      `the deal is in stage "${stage}", not closed won (closedwon, or hs_is_closed_won true in a pipeline of your own)`,
    );
  }

  const closeDate = requiredText(props, 'closedate', dealPath, problems);
  const closedMillis = epochMillisAt(closeDate, at(dealPath, 'closedate'), problems);

  const currency = requiredText(props, 'deal_currency_code', dealPath, problems);
  const knownCurrency = knownCurrencyAt(currency, at(dealPath, 'deal_currency_code'), problems);

  const modified = [lastModified(props, dealPath, problems, true)];
  const kind = mapKind(props, problems);
  const account = mapAccount(root, dealAssociations, problems);

  const startDate = new AgreedValue<string>('billing start date', problems);
  const termMonths = new AgreedValue<number>('term in months', problems);
  const billingFrequency = new AgreedValue<string>('billing frequency', problems);

  const items = requiredArray(root['lineItems'], 'lineItems', problems) ?? [];
  if (Array.isArray(root['lineItems']) && items.length === 0) {
    problems.malformed('lineItems', 'the deal has no line items');
  }
  const linked = associated(dealAssociations, ['line items', 'line_items'], 'deal.associations', problems);
  const sent = new Set(items.map((item) => (item as Fields | null)?.['id']));
  for (const link of linked ?? []) {
    if (!sent.has(link.id)) {
      problems.malformed('lineItems', `line item ${link.id}, associated with the deal, is missing`);
    }
  }

  const lines = items.flatMap((raw, index): MappedLine[] => {
    const itemPath = at('lineItems', index);
    const item = requiredObject(raw, itemPath, problems);
    if (!item) return [];
    const path = at(itemPath, 'properties');
    const p = requiredObject(item['properties'], path, problems);
    if (!p) return [];
    modified.push(lastModified(p, path, problems, false));
    const id = requiredText(item, 'id', itemPath, problems);
    const sku = requiredText(p, 'hs_sku', path, problems);
    const quantity = wholeNumberAt(
      requiredText(p, 'quantity', path, problems),
      at(path, 'quantity'),
      problems,
    );
    const lineCurrency = optionalText(p, 'hs_line_item_currency_code', path, problems);
    if (lineCurrency !== undefined && currency !== undefined && lineCurrency !== currency) {
      problems.unmappable(
        at(path, 'hs_line_item_currency_code'),
        `is ${lineCurrency} but the deal is in ${currency}: a deal is billed in one currency`,
      );
    }

    const price = decimalProperty(p, 'price', path, problems, true);
    const unitDiscount = decimalProperty(p, 'discount', path, problems, false);
    const percent = decimalProperty(p, 'hs_discount_percentage', path, problems, false);
    const hasUnitDiscount = unitDiscount !== undefined && !isZeroDecimal(unitDiscount);
    const hasPercent = percent !== undefined && !isZeroDecimal(percent);
    if (percent !== undefined && !isPercentText(percent)) {
      problems.malformed(at(path, 'hs_discount_percentage'), `${percent} is more than 100`);
    }
    if (hasUnitDiscount && hasPercent) {
      problems.unmappable(
        at(path, 'discount'),
        'a line has either a unit discount or a discount percentage, not both',
      );
    }

    const frequencyText = optionalText(p, 'recurringbillingfrequency', path, problems);
    const frequency = frequencyText === undefined ? undefined : HUBSPOT_FREQUENCIES[frequencyText];
    if (frequencyText !== undefined && frequency === undefined) {
      problems.unmappable(
        at(path, 'recurringbillingfrequency'),
        `"${frequencyText}" is not supported; supported: ${Object.keys(HUBSPOT_FREQUENCIES).join(', ')}, or none for a one-time line`,
      );
    }
    const recurring = frequencyText !== undefined;
    if (frequency) {
      billingFrequency.offer(frequency.billingFrequency, at(path, 'recurringbillingfrequency'));
      const periodText = optionalText(p, 'hs_recurring_billing_period', path, problems);
      const fromPeriod =
        periodText === undefined
          ? undefined
          : termMonthsOf(periodText, at(path, 'hs_recurring_billing_period'), problems);
      const fromMonths = wholeProperty(p, 'hs_term_in_months', path, problems);
      if (fromPeriod !== undefined && fromMonths !== undefined && fromPeriod !== fromMonths) {
        problems.malformed(
          at(path, 'hs_term_in_months'),
          `is ${fromMonths} but hs_recurring_billing_period is ${periodText}`,
        );
      }
      if (periodText === undefined && fromMonths === undefined) {
        problems.malformed(
          at(path, 'hs_recurring_billing_period'),
          'is required for a recurring line (e.g. P12M)',
        );
      }
      termMonths.offer(fromPeriod ?? fromMonths, at(path, 'hs_recurring_billing_period'));
      const start = billingStart(p, path, closedMillis, problems);
      startDate.offer(start?.date, start?.path ?? at(path, 'hs_recurring_billing_start_date'));
    }

    let unitPrice: string | undefined;
    if (price !== undefined && knownCurrency) {
      const net = hasUnitDiscount
        ? subtractPrice(price, unitDiscount, currency)
        : scalePrice(price, currency, 1n, 1n);
      const perPricePeriod = net.ok
        ? scalePrice(net.value, currency, frequency?.periodsPerPricePeriod ?? 1n, 1n)
        : net;
      if (perPricePeriod.ok) unitPrice = perPricePeriod.value;
      else problems.unmappable(at(path, hasUnitDiscount ? 'discount' : 'price'), perPricePeriod.reason);
    }
    return [
      {
        recurring,
        line: {
          id,
          sku,
          quantity,
          unitPrice,
          ...(frequency ? { pricePeriod: frequency.pricePeriod } : {}),
          ...(hasPercent ? { discountPercent: percent } : {}),
        },
      },
    ];
  });

  if (items.length > 0 && lines.length === items.length && !lines.some((l) => l.recurring)) {
    problems.unmappable(
      'lineItems',
      'no line item is recurring (recurringbillingfrequency), so the deal has no contract term; one-time charges are billed with a contract',
    );
  }

  const paymentTermsDays = wholeProperty(props, HubSpotCustomProperties.paymentTermsDays, dealPath, problems);
  const autoRenew = optionalFlag(props, HubSpotCustomProperties.autoRenew, dealPath, problems);
  const renewalTermMonths = wholeProperty(
    props,
    HubSpotCustomProperties.renewalTermMonths,
    dealPath,
    problems,
  );
  const uplift = decimalProperty(
    props,
    HubSpotCustomProperties.renewalUpliftPercent,
    dealPath,
    problems,
    false,
  );

  const revision = revisionOfLatest(modified, at(dealPath, 'hs_lastmodifieddate'), problems);

  return mappingResult(problems, () => ({
    type: 'deal.closed_won',
    deal: {
      id: dealId,
      revision,
      closedAt: rfc3339(closedMillis!),
      ...kind,
      account,
      currency,
      terms: {
        startDate: startDate.value,
        termMonths: termMonths.value,
        billingFrequency: billingFrequency.value,
        paymentTermsDays: paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS,
        autoRenew: autoRenew ?? false,
        ...(renewalTermMonths !== undefined ? { renewalTermMonths } : {}),
        ...(uplift !== undefined ? { renewalUpliftPercent: uplift } : {}),
      },
      lines: lines.map((l) => l.line),
    },
  }));
}
