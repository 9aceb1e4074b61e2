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
  isDecimalText,
  isPercentText,
  isZeroDecimal,
  knownCurrencyAt,
  scalePrice,
  wholeNumberAt,
} from '../shared/crm-decimal';
import { epochMillisAt, isDateText, revisionOfLatest } from '../shared/crm-time';

/*
 * Body of POST /v1/webhooks/salesforce/opportunities: the Opportunity as Apex `JSON.serialize`
 * (or the REST API) writes an sObject, with `attributes`, its `Account`, its CPQ primary quote
 * (`SBQQ__PrimaryQuote__r`) and its `OpportunityLineItems` child query result
 * (`{ totalSize, done, records }`); each line item may carry its CPQ quote line (`SBQQ__QuoteLine__r`).
 * Paths in problems are those of this body, rooted at `Opportunity`.
 */

/** Salesforce CPQ `SBQQ__BillingFrequency__c` picklist values that map; Invoice Plan and Usage do not. */
export const SALESFORCE_BILLING_FREQUENCIES: Readonly<Record<string, BillingFrequency>> = {
  Monthly: 'monthly',
  Quarterly: 'quarterly',
  Semiannual: 'semiannual',
  Annual: 'annual',
};

/** o2c's custom Salesforce fields, for what neither Salesforce nor CPQ has a standard field for. */
export const SalesforceCustomFields = {
  autoRenew: 'O2C_Auto_Renew__c',
  /** On a renewal that is not a CPQ renewal: the Id of the opportunity that created the contract. */
  renewsOpportunity: 'O2C_Renews_Opportunity__c',
  taxId: 'O2C_Tax_Id__c',
  billingEmail: 'O2C_Billing_Email__c',
} as const;

/** Payment terms when the primary quote has no `SBQQ__PaymentTerms__c`: net 30. */
export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

/**
 * What an org configures (CrmEnv): its currency when it has no multi-currency (`CurrencyIsoCode` is then
 * absent), and which of its `Type` picklist values mean a new contract, a renewal or an amendment.
 */
export interface SalesforceMappingOptions {
  /** SALESFORCE_DEFAULT_CURRENCY: ISO 4217, for an Opportunity without `CurrencyIsoCode`. */
  readonly defaultCurrency?: string;
  /** SALESFORCE_TYPE_NEW, SALESFORCE_TYPE_RENEWAL, SALESFORCE_TYPE_AMENDMENT (compared without case). */
  readonly types: {
    readonly new: readonly string[];
    readonly renewal: readonly string[];
    readonly amendment: readonly string[];
  };
}

/** Without configuration: no default currency, and only `New Customer` and `New Business` (or no Type) are new. */
export const DEFAULT_SALESFORCE_MAPPING: SalesforceMappingOptions = {
  types: { new: ['New Customer', 'New Business'], renewal: [], amendment: [] },
};

const AMENDMENT_REASON =
  "CPQ amendment line items carry quantity changes, not the contract lines' new quantities; send " +
  'amendments to POST /v1/webhooks/deals';

interface LineFacts {
  readonly path: string;
  readonly id: string | undefined;
  readonly sku: string | undefined;
  readonly quantity: number | undefined;
  readonly unitPrice: string | undefined;
  readonly discountPercent: string | undefined;
  readonly recurring: boolean;
  readonly start: CalendarDate | undefined;
  readonly startPath: string;
  /** Exclusive: the day after CPQ's (inclusive) SBQQ__EndDate__c. */
  readonly end: CalendarDate | undefined;
  readonly termMonths: number | undefined;
  readonly segmentKey: string | undefined;
  readonly segmentIndex: number | undefined;
  readonly segmentIndexPath: string;
}

/** A field of a line item, else of its CPQ quote line (`SBQQ__QuoteLine__r`), with the path it came from. */
function cpqField(
  record: Fields,
  quoteLine: Fields | undefined,
  key: string,
  path: string,
  problems: CrmProblems,
): { value: string | undefined; path: string } {
  const own = optionalText(record, key, path, problems);
  if (own !== undefined || quoteLine === undefined) return { value: own, path: at(path, key) };
  const quoteLinePath = at(path, 'SBQQ__QuoteLine__r');
  return { value: optionalText(quoteLine, key, quoteLinePath, problems), path: at(quoteLinePath, key) };
}

function dateField(field: { value: string | undefined; path: string }, problems: CrmProblems) {
  if (field.value === undefined) return undefined;
  if (!isDateText(field.value))
    return problems.malformed(field.path, `"${field.value}" is not a date YYYY-MM-DD`);
  return CalendarDate.parse(field.value);
}

function wholeField(field: { value: string | undefined; path: string }, problems: CrmProblems) {
  return wholeNumberAt(field.value, field.path, problems);
}

/** Whole months from `start` to `end` (exclusive), or undefined when they are not a whole number of months apart. */
function monthsBetween(start: CalendarDate, end: CalendarDate): number | undefined {
  const months = (end.year - start.year) * 12 + (end.month - start.month);
  for (const k of [months - 1, months]) if (k > 0 && addMonths(start, k).equals(end)) return k;
  return undefined;
}

function modstamp(fields: Fields | undefined, path: string, problems: CrmProblems, required: boolean) {
  if (fields === undefined) return undefined;
  const text = required
    ? requiredText(fields, 'SystemModstamp', path, problems)
    : optionalText(fields, 'SystemModstamp', path, problems);
  return epochMillisAt(text, at(path, 'SystemModstamp'), problems);
}

function mapAccount(opp: Fields, problems: CrmProblems) {
  const path = 'Opportunity.Account';
  const account = requiredObject(opp['Account'], path, problems);
  if (!account) return undefined;
  const id = requiredText(account, 'Id', path, problems);
  const accountId = optionalText(opp, 'AccountId', 'Opportunity', problems);
  if (id !== undefined && accountId !== undefined && accountId !== id) {
    problems.malformed('Opportunity.AccountId', `is ${accountId} but Opportunity.Account.Id is ${id}`);
  }
  const name = requiredText(account, 'Name', path, problems);
  // BillingCountryCode exists when State and Country/Territory Picklists are on; BillingCountry is free text.
  const code = optionalText(account, 'BillingCountryCode', path, problems);
  const countryField = code !== undefined ? 'BillingCountryCode' : 'BillingCountry';
  const countryText = code ?? optionalText(account, 'BillingCountry', path, problems);
  const country =
    countryText === undefined
      ? problems.malformed(
          at(path, 'BillingCountryCode'),
          'is required, or BillingCountry where State and Country/Territory Picklists are off: the country decides the tax',
        )
      : countryCodeAt(countryText, at(path, countryField), problems);
  const { taxId, billingEmail } = SalesforceCustomFields;
  return { id, name, country, ...optionalTexts(account, { taxId, billingEmail }, path, problems) };
}

function hasType(list: readonly string[], type: string): boolean {
  return list.some((entry) => entry.toLowerCase() === type.toLowerCase());
}

function mapKind(
  opp: Fields,
  types: SalesforceMappingOptions['types'],
  problems: CrmProblems,
): { kind: DealKind; amends?: string } | undefined {
  const path = 'Opportunity';
  const amended = optionalText(opp, 'SBQQ__AmendedContract__c', path, problems);
  if (amended !== undefined) {
    return problems.unmappable(
      at(path, 'SBQQ__AmendedContract__c'),
      `amendments (of contract ${amended}) are not mapped from Salesforce: ${AMENDMENT_REASON}`,
    );
  }
  const renewed = optionalText(opp, 'SBQQ__RenewedContract__c', path, problems);
  const renewal = optionalFlag(opp, 'SBQQ__Renewal__c', path, problems);
  if (renewed !== undefined || renewal === true) {
    // The canonical `amends` is the deal that created the contract: the contract's source opportunity.
    const contractPath = at(path, 'SBQQ__RenewedContract__r');
    const contract = requiredObject(opp['SBQQ__RenewedContract__r'], contractPath, problems);
    const amends = contract && requiredText(contract, 'SBQQ__Opportunity__c', contractPath, problems);
    return amends === undefined ? undefined : { kind: 'renewal', amends };
  }
  const type = optionalText(opp, 'Type', path, problems);
  if (type === undefined || hasType(types.new, type)) return { kind: 'new' };
  if (hasType(types.renewal, type)) {
    const field = SalesforceCustomFields.renewsOpportunity;
    const amends = optionalText(opp, field, path, problems);
    if (amends !== undefined) return { kind: 'renewal', amends };
    return problems.malformed(
      at(path, field),
      `is required for a renewal (Type "${type}" is in SALESFORCE_TYPE_RENEWAL): the Id of the opportunity ` +
        'that created the contract (a CPQ renewal names it through SBQQ__RenewedContract__c instead)',
    );
  }
  if (hasType(types.amendment, type)) {
    return problems.unmappable(
      at(path, 'Type'),
      `"${type}" is an amendment (SALESFORCE_TYPE_AMENDMENT); amendments are not mapped from Salesforce: ${AMENDMENT_REASON}`,
    );
  }
  const listed = (list: readonly string[]) =>
    list.length === 0 ? 'none' : list.map((t) => `"${t}"`).join(', ');
  return problems.unmappable(
    at(path, 'Type'),
    `"${type}" is not a Type this service is configured for: add it to SALESFORCE_TYPE_NEW if such an ` +
      `opportunity starts a new contract (now ${listed(types.new)}), to SALESFORCE_TYPE_RENEWAL if it renews ` +
      `one (now ${listed(types.renewal)}), or to SALESFORCE_TYPE_AMENDMENT if it changes one (now ` +
      `${listed(types.amendment)})`,
  );
}

function paymentTermsDays(quote: Fields | undefined, problems: CrmProblems): number | undefined {
  const path = 'Opportunity.SBQQ__PrimaryQuote__r';
  const text = quote && optionalText(quote, 'SBQQ__PaymentTerms__c', path, problems);
  if (text === undefined) return DEFAULT_PAYMENT_TERMS_DAYS;
  if (/^due on receipt$/i.test(text)) return 0;
  const net = /^net\s*(\d{1,3})$/i.exec(text);
  if (net) return Number(net[1]);
  return problems.unmappable(
    at(path, 'SBQQ__PaymentTerms__c'),
    `"${text}" is not supported; supported: "Net <days>" or "Due on receipt"`,
  );
}

function readLine(
  raw: unknown,
  index: number,
  currency: string | undefined,
  problems: CrmProblems,
  modified: (number | undefined)[],
) {
  const path = at('Opportunity.OpportunityLineItems.records', index);
  const record = requiredObject(raw, path, problems);
  if (!record) return undefined;
  const quoteLine = optionalObject(record['SBQQ__QuoteLine__r'], at(path, 'SBQQ__QuoteLine__r'), problems);
  modified.push(
    modstamp(record, path, problems, false),
    modstamp(quoteLine, at(path, 'SBQQ__QuoteLine__r'), problems, false),
  );
  const field = (key: string) => cpqField(record, quoteLine, key, path, problems);

  const lineItemId = requiredText(record, 'Id', path, problems);
  // CPQ deletes and recreates opportunity products when the primary quote syncs again; the quote line
  // id stays, so it is the line id that is stable across revisions.
  const id = optionalText(record, 'SBQQ__QuoteLine__c', path, problems) ?? lineItemId;
  const product = optionalObject(record['Product2'], at(path, 'Product2'), problems);
  const sku =
    optionalText(record, 'ProductCode', path, problems) ??
    (product && optionalText(product, 'ProductCode', at(path, 'Product2'), problems));
  if (sku === undefined)
    problems.malformed(at(path, 'ProductCode'), 'is required (or Product2.ProductCode): the catalog SKU');

  const quantity = wholeNumberAt(
    requiredText(record, 'Quantity', path, problems),
    at(path, 'Quantity'),
    problems,
  );
  const price = decimalAt(requiredText(record, 'UnitPrice', path, problems), at(path, 'UnitPrice'), problems);
  const discount = optionalText(record, 'Discount', path, problems);
  if (discount !== undefined && !isPercentText(discount)) {
    problems.malformed(at(path, 'Discount'), `"${discount}" is not a percentage from 0 to 100`);
  }

  const chargeType = field('SBQQ__ChargeType__c');
  if (chargeType.value !== undefined && chargeType.value !== 'Recurring' && chargeType.value !== 'One-Time') {
    problems.unmappable(
      chargeType.path,
      `"${chargeType.value}" is not supported; supported: Recurring, One-Time`,
    );
  }
  const term = field('SBQQ__SubscriptionTerm__c');
  const segmentKey = field('SBQQ__SegmentKey__c');
  const recurring =
    chargeType.value === 'Recurring' ||
    (chargeType.value === undefined && (term.value !== undefined || segmentKey.value !== undefined));

  const frequency = field('SBQQ__BillingFrequency__c');
  let billingFrequency: BillingFrequency | undefined;
  if (recurring && frequency.value !== undefined) {
    billingFrequency = SALESFORCE_BILLING_FREQUENCIES[frequency.value];
    if (billingFrequency === undefined) {
      problems.unmappable(
        frequency.path,
        `"${frequency.value}" is not supported; supported: ${Object.keys(SALESFORCE_BILLING_FREQUENCIES).join(', ')}`,
      );
    }
  }
  const startField = field('SBQQ__StartDate__c');
  const serviceDate = {
    value: optionalText(record, 'ServiceDate', path, problems),
    path: at(path, 'ServiceDate'),
  };
  const startFrom = startField.value !== undefined ? startField : serviceDate;
  const start = dateField(startFrom, problems);
  const endInclusive = dateField(field('SBQQ__EndDate__c'), problems);
  const segmentIndex = field('SBQQ__SegmentIndex__c');

  const facts: LineFacts = {
    path,
    id,
    sku,
    quantity,
    unitPrice: price,
    discountPercent: discount !== undefined && !isZeroDecimal(discount) ? discount : undefined,
    recurring,
    start,
    startPath: startFrom.path,
    end: endInclusive && addDays(endInclusive, 1),
    termMonths: wholeField(term, problems),
    segmentKey: recurring ? segmentKey.value : undefined,
    segmentIndex: wholeField(segmentIndex, problems),
    segmentIndexPath: segmentIndex.path,
  };
  return {
    facts,
    billingFrequency,
    frequencyGiven: recurring && frequency.value !== undefined,
    frequencyPath: frequency.path,
  };
}

/** The months a recurring line or segment runs, from its dates or else its subscription term. */
function serviceMonths(line: LineFacts, problems: CrmProblems): number | undefined {
  if (line.start !== undefined && line.end !== undefined) {
    if (!line.end.isAfter(line.start))
      return problems.malformed(line.startPath, 'the line ends before it starts');
    const months = monthsBetween(line.start, line.end);
    return months ?? problems.unmappable(line.startPath, 'the line does not run a whole number of months');
  }
  return line.termMonths;
}

/**
 * The line's price per unit over its whole service period (what CPQ writes to UnitPrice: the quote
 * line's prorated net unit price) as a price per month or year, exactly; a one-time price as it is.
 */
function pricePer(
  line: LineFacts,
  months: number,
  period: PricePeriod | 'one-time',
  currency: string,
  problems: CrmProblems,
): string | undefined {
  if (line.unitPrice === undefined || !isDecimalText(line.unitPrice)) return undefined;
  const periods = period === 'one-time' ? 1n : BigInt(period === 'year' ? months / 12 : months);
  const scaled = scalePrice(line.unitPrice, currency, 1n, periods);
  if (scaled.ok) return scaled.value;
  return problems.unmappable(
    at(line.path, 'UnitPrice'),
    period === 'one-time'
      ? scaled.reason
      : `${line.unitPrice} ${currency} for ${months} months is not an exact price per ${period}: ${scaled.reason}`,
  );
}

/**
 * Maps a Salesforce closed-won Opportunity (with CPQ fields) to the canonical `deal.closed_won`
 * body (deal-webhook.md), or returns every problem found, each at its path in the Salesforce
 * payload, with the org's settings (`options`). Pure: no clock, no I/O.
 */
export function mapSalesforceOpportunity(
  payload: unknown,
  options: SalesforceMappingOptions = DEFAULT_SALESFORCE_MAPPING,
): CrmMapping {
  const problems = new CrmProblems();
  const path = 'Opportunity';
  const opp = requiredObject(payload, path, problems) ?? {};
  const attributes = optionalObject(opp['attributes'], at(path, 'attributes'), problems);
  const sObjectType = attributes && optionalText(attributes, 'type', at(path, 'attributes'), problems);
  if (sObjectType !== undefined && sObjectType !== 'Opportunity') {
    problems.malformed(
      at(at(path, 'attributes'), 'type'),
      `is ${sObjectType}; the body must be an Opportunity`,
    );
  }
  const dealId = requiredText(opp, 'Id', path, problems);

  const stage = requiredText(opp, 'StageName', path, problems);
  const isWon = optionalFlag(opp, 'IsWon', path, problems);
  // IsWon decides where it is sent: orgs rename their won stage.
  const won = isWon ?? stage === 'Closed Won';
  if (stage !== undefined && !won) {
    problems.unmappable(
      at(path, 'StageName'),
      isWon === false
        ? `the opportunity is in stage "${stage}", which is not won (IsWon is false)`
        : `the opportunity is in stage "${stage}", not "Closed Won"`,
    );
  }
  const closeDate = requiredText(opp, 'CloseDate', path, problems);
  if (closeDate !== undefined && !isDateText(closeDate)) {
    problems.malformed(at(path, 'CloseDate'), `"${closeDate}" is not a date YYYY-MM-DD`);
  }
  // CurrencyIsoCode exists only in orgs with multi-currency on; a single-currency org's is configured.
  const currency =
    optionalText(opp, 'CurrencyIsoCode', path, problems) ??
    options.defaultCurrency ??
    problems.malformed(
      at(path, 'CurrencyIsoCode'),
      'is required: a single-currency org has no CurrencyIsoCode, set SALESFORCE_DEFAULT_CURRENCY to its currency',
    );
  const knownCurrency = knownCurrencyAt(currency, at(path, 'CurrencyIsoCode'), problems);

  const quotePath = at(path, 'SBQQ__PrimaryQuote__r');
  const quote = optionalObject(opp['SBQQ__PrimaryQuote__r'], quotePath, problems);
  const modified = [modstamp(opp, path, problems, true), modstamp(quote, quotePath, problems, false)];
  const kind = mapKind(opp, options.types, problems);
  const account = mapAccount(opp, problems);

  const itemsPath = at(path, 'OpportunityLineItems');
  const items = requiredObject(opp['OpportunityLineItems'], itemsPath, problems);
  const records = (items && requiredArray(items['records'], at(itemsPath, 'records'), problems)) ?? [];
  if (items) {
    const totalSize = optionalText(items, 'totalSize', itemsPath, problems);
    if (
      optionalFlag(items, 'done', itemsPath, problems) === false ||
      (totalSize !== undefined && Number(totalSize) !== records.length)
    ) {
      problems.malformed(
        itemsPath,
        `${records.length} of ${totalSize ?? 'more'} line items were sent (done is false); send them all`,
      );
    }
    if (records.length === 0)
      problems.malformed(at(itemsPath, 'records'), 'the opportunity has no line items');
  }

  const billingFrequency = new AgreedValue<string>('billing frequency', problems);
  const read = records.map((raw, i) =>
    readLine(raw, i, knownCurrency ? currency : undefined, problems, modified),
  );
  const lines = read.flatMap((r) => (r ? [r.facts] : []));
  for (const r of read) if (r?.billingFrequency) billingFrequency.offer(r.billingFrequency, r.frequencyPath);
  const quoteFrequency = quote && optionalText(quote, 'SBQQ__BillingFrequency__c', quotePath, problems);
  if (billingFrequency.value === undefined && quoteFrequency !== undefined) {
    const mapped = SALESFORCE_BILLING_FREQUENCIES[quoteFrequency];
    if (mapped) billingFrequency.offer(mapped, at(quotePath, 'SBQQ__BillingFrequency__c'));
    else {
      problems.unmappable(
        at(quotePath, 'SBQQ__BillingFrequency__c'),
        `"${quoteFrequency}" is not supported; supported: ${Object.keys(SALESFORCE_BILLING_FREQUENCIES).join(', ')}`,
      );
    }
  }

  // Recurring lines, a group of MDQ segments (one SBQQ__SegmentKey__c) counting as one line.
  const recurring = lines.filter((l) => l.recurring);
  const groups = new Map<string, LineFacts[]>();
  for (const line of recurring) {
    const key = line.segmentKey ?? `line:${line.path}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  if (records.length > 0 && lines.length === records.length && recurring.length === 0) {
    problems.unmappable(
      at(itemsPath, 'records'),
      'no line item is recurring (SBQQ__ChargeType__c Recurring), so the deal has no contract term; one-time charges are billed with a contract',
    );
  }
  if (recurring.length > 0 && quoteFrequency === undefined && !read.some((r) => r?.frequencyGiven)) {
    problems.malformed(
      at(recurring[0]!.path, 'SBQQ__BillingFrequency__c'),
      'is required for a recurring line',
    );
  }

  const quoteStart =
    quote &&
    dateField(
      {
        value: optionalText(quote, 'SBQQ__StartDate__c', quotePath, problems),
        path: at(quotePath, 'SBQQ__StartDate__c'),
      },
      problems,
    );
  const quoteTerm =
    quote &&
    wholeField(
      {
        value: optionalText(quote, 'SBQQ__SubscriptionTerm__c', quotePath, problems),
        path: at(quotePath, 'SBQQ__SubscriptionTerm__c'),
      },
      problems,
    );
  const starts = recurring.flatMap((l) => (l.start ? [l.start] : []));
  const contractStart =
    quoteStart ??
    starts.reduce<CalendarDate | undefined>((a, b) => (a && a.compare(b) <= 0 ? a : b), undefined);
  if (recurring.length > 0 && contractStart === undefined) {
    problems.malformed(
      at(recurring[0]!.path, 'SBQQ__StartDate__c'),
      "is required (or the primary quote's SBQQ__StartDate__c)",
    );
  }

  type Span = { readonly line: LineFacts; readonly start: CalendarDate; readonly end: CalendarDate };
  const mappedLines: Record<string, unknown>[] = [];
  const spans: Span[] = [];
  const recurringLine = new Map<LineFacts, Record<string, unknown>>();
  for (const group of groups.values()) {
    const first = group[0]!;
    if (first.segmentKey === undefined) {
      // A line without a term of its own runs the quote's.
      const months = serviceMonths(first, problems) ?? (first.start && first.end ? undefined : quoteTerm);
      const start = first.start ?? contractStart;
      if (months === undefined) {
        if (!(first.start && first.end))
          problems.malformed(
            at(first.path, 'SBQQ__SubscriptionTerm__c'),
            'is required for a recurring line (or SBQQ__StartDate__c and SBQQ__EndDate__c)',
          );
        continue;
      }
      if (start) spans.push({ line: first, start, end: addMonths(start, months) });
      const period: PricePeriod = months % 12 === 0 ? 'year' : 'month';
      recurringLine.set(first, {
        id: first.id,
        sku: first.sku,
        quantity: first.quantity,
        unitPrice: knownCurrency ? pricePer(first, months, period, currency, problems) : undefined,
        pricePeriod: period,
        ...(first.discountPercent !== undefined ? { discountPercent: first.discountPercent } : {}),
      });
      continue;
    }
    const segments = [...group].sort((a, b) => (a.segmentIndex ?? 0) - (b.segmentIndex ?? 0));
    const seen = new Set<number>();
    const months = segments.map((segment) => {
      if (segment.segmentIndex === undefined)
        problems.malformed(segment.segmentIndexPath, 'is required for an MDQ segment');
      else if (seen.has(segment.segmentIndex))
        problems.malformed(
          segment.segmentIndexPath,
          `segment index ${segment.segmentIndex} appears twice in segment ${first.segmentKey}`,
        );
      else seen.add(segment.segmentIndex);
      if (segment.start === undefined || segment.end === undefined) {
        return problems.malformed(
          at(segment.path, 'SBQQ__StartDate__c'),
          'an MDQ segment needs SBQQ__StartDate__c and SBQQ__EndDate__c',
        );
      }
      if (segment.sku !== first.sku)
        problems.unmappable(
          at(segment.path, 'ProductCode'),
          `is ${segment.sku} but segment ${first.segmentKey} is ${first.sku}`,
        );
      if (segment.discountPercent !== first.discountPercent) {
        problems.unmappable(
          at(segment.path, 'Discount'),
          `segments of one line (${first.segmentKey}) must have the same discount`,
        );
      }
      return serviceMonths(segment, problems);
    });
    segments.forEach((segment, i) => {
      const previous = segments[i - 1];
      if (previous?.end && segment.start && !segment.start.equals(previous.end)) {
        problems.unmappable(
          segment.startPath,
          `the segment starts on ${segment.start.toString()} but the one before ends on ${addDays(previous.end, -1).toString()}: segments must follow each other without gap or overlap`,
        );
      }
    });
    const period: PricePeriod = months.every((m) => m !== undefined && m % 12 === 0) ? 'year' : 'month';
    const segmentPrice = (segment: LineFacts, segmentMonths: number | undefined) =>
      knownCurrency && segmentMonths !== undefined
        ? pricePer(segment, segmentMonths, period, currency, problems)
        : undefined;
    const firstStart = segments[0]!.start;
    const lastEnd = segments[segments.length - 1]!.end;
    if (firstStart && lastEnd) spans.push({ line: first, start: firstStart, end: lastEnd });
    recurringLine.set(first, {
      id: first.segmentKey,
      sku: first.sku,
      pricePeriod: period,
      ...(first.discountPercent !== undefined ? { discountPercent: first.discountPercent } : {}),
      segments: segments.map((segment, i) => ({
        startDate: segment.start?.toString(),
        endDate: segment.end?.toString(),
        quantity: segment.quantity,
        unitPrice: segmentPrice(segment, months[i]),
      })),
    });
  }

  const termMonths =
    quoteTerm ??
    (contractStart && spans.length > 0
      ? Math.max(...spans.map((s) => monthsBetween(contractStart, s.end) ?? 0))
      : undefined);
  if (contractStart && termMonths) {
    const contractEnd = addMonths(contractStart, termMonths);
    for (const span of spans) {
      if (!span.start.equals(contractStart) || !span.end.equals(contractEnd)) {
        problems.unmappable(
          span.line.startPath,
          `the line runs ${span.start.toString()} to ${addDays(span.end, -1).toString()} but the contract runs ` +
            `${contractStart.toString()} to ${addDays(contractEnd, -1).toString()}: every recurring line must cover the whole term`,
        );
      }
    }
  }

  // Lines keep the order of the line items; a segment group stands where its first segment is.
  for (const line of lines) {
    const mapped = line.recurring
      ? recurringLine.get(line)
      : {
          id: line.id,
          sku: line.sku,
          quantity: line.quantity,
          unitPrice: knownCurrency ? pricePer(line, 1, 'one-time', currency, problems) : undefined,
          ...(line.discountPercent !== undefined ? { discountPercent: line.discountPercent } : {}),
        };
    if (mapped) mappedLines.push(mapped);
  }

  const autoRenew = optionalFlag(opp, SalesforceCustomFields.autoRenew, path, problems);
  const terms = paymentTermsDays(quote, problems);
  const renewalTerm =
    quote &&
    wholeField(
      {
        value: optionalText(quote, 'SBQQ__RenewalTerm__c', quotePath, problems),
        path: at(quotePath, 'SBQQ__RenewalTerm__c'),
      },
      problems,
    );
  const uplift = quote && optionalText(quote, 'SBQQ__RenewalUpliftRate__c', quotePath, problems);
  if (uplift !== undefined && !isDecimalText(uplift)) {
    problems.malformed(
      at(quotePath, 'SBQQ__RenewalUpliftRate__c'),
      `"${uplift}" is not a non-negative decimal`,
    );
  }

  const revision = revisionOfLatest(modified, at(path, 'SystemModstamp'), problems);

  return mappingResult(problems, () => ({
    type: 'deal.closed_won',
    deal: {
      id: dealId,
      revision,
      closedAt: `${closeDate}T00:00:00Z`,
      ...kind,
      account,
      currency,
      terms: {
        startDate: contractStart?.toString(),
        termMonths,
        billingFrequency: billingFrequency.value,
        paymentTermsDays: terms,
        autoRenew: autoRenew ?? false,
        ...(renewalTerm !== undefined ? { renewalTermMonths: renewalTerm } : {}),
        ...(uplift !== undefined && !isZeroDecimal(uplift) ? { renewalUpliftPercent: uplift } : {}),
      },
      lines: mappedLines,
    },
  }));
}
