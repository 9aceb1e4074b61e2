import { BillingError, CalendarDate, type Period, termOf } from '@o2c/billing';
import { type CatalogEntrySnapshotV1 } from '@o2c/contracts';
import { parseMoney } from '@o2c/money';
import { type ContractLine, resolveLine } from './contract-lines';
import { type ContractTerm, periodText, termOn } from './contract-term';
import { type BillabilityProblem, type ClosedDeal, type ClosedDealLine } from './deal';
import { type TaxRates as TaxTable } from '@o2c/billing';

/** What the deals service knows of the contract a change names, from the deals it accepted for it. */
export interface ContractFacts {
  /** The deal that created the contract. */
  readonly originalDealId: string;
  readonly currency: string;
  /** The new deal's terms and those of every accepted renewal deal. */
  readonly terms: readonly ContractTerm[];
  /** The contract's lines by id, each with the SKU and catalog snapshot of the deal that introduced it. */
  readonly lines: ReadonlyMap<string, ContractLine>;
}

export interface BillabilityContext {
  /** The current catalog entry of each SKU the deal names; unknown SKUs are absent. */
  readonly catalog: ReadonlyMap<string, CatalogEntrySnapshotV1>;
  readonly taxRates: TaxTable;
  /** The contract an amendment, renewal or cancellation names, once it exists. */
  readonly contract?: ContractFacts;
}

/** The term a deal's lines fall in, and the period its ramped lines must cover (billing-rules.md §4, §5). */
interface LinePeriods {
  readonly term: Period;
  readonly service: Period;
}

/**
 * Every reason a well-formed deal cannot be billed (deal-webhook.md, 422), deal-level ones first, then
 * line by line. Checks that need the contract a change names run only once it is known: until then
 * such a deal is held, not rejected.
 */
export function billabilityProblems(deal: ClosedDeal, context: BillabilityContext): BillabilityProblem[] {
  const problems: BillabilityProblem[] = [];
  if (!context.taxRates.has(deal.account.country)) {
    problems.push({
      path: 'account.country',
      message: `no tax rate for ${deal.account.country}: the country is not in the tax table`,
    });
  }
  const contract = deal.kind === 'new' ? undefined : context.contract;
  if (contract) problems.push(...contractProblems(deal, contract));
  const periods = linePeriods(deal, contract, problems);
  deal.lines.forEach((line, i) => {
    problems.push(...lineProblems(line, `lines.${i}`, deal, context.catalog, contract, periods));
  });
  return problems;
}

function contractProblems(deal: ClosedDeal, contract: ContractFacts): BillabilityProblem[] {
  const problems: BillabilityProblem[] = [];
  const ofContract = `the contract of deal ${contract.originalDealId}`;
  if (deal.currency !== contract.currency) {
    problems.push({
      path: 'currency',
      message: `${deal.currency} differs from ${contract.currency}, the currency of ${ofContract}`,
    });
  }
  const dated: [string, string | undefined][] = [
    ['effectiveDate', deal.kind === 'amendment' ? deal.effectiveDate : undefined],
    ['cancellation.date', deal.cancellation?.effective === 'immediate' ? deal.cancellation.date : undefined],
  ];
  for (const [path, date] of dated) {
    if (date !== undefined && !termOn(contract.terms, CalendarDate.parse(date))) {
      problems.push({ path, message: `${date} is outside ${ofContract}, which ${runsText(contract.terms)}` });
    }
  }
  return problems;
}

function runsText(terms: readonly ContractTerm[]): string {
  const byStart = [...terms].sort((a, b) => a.startDate.compare(b.startDate));
  const first = byStart[0]!;
  const last = byStart.at(-1)!;
  return last.autoRenew
    ? `runs from ${first.startDate.toString()} and renews automatically`
    : `runs ${periodText({ start: first.startDate, end: termOf(last.startDate, last.termMonths).end })}`;
}

function linePeriods(
  deal: ClosedDeal,
  contract: ContractFacts | undefined,
  problems: BillabilityProblem[],
): LinePeriods | undefined {
  if ((deal.kind === 'new' || deal.kind === 'renewal') && deal.terms) {
    try {
      const term = termOf(CalendarDate.parse(deal.terms.startDate), deal.terms.termMonths);
      return { term, service: term };
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      problems.push({
        path: 'terms.termMonths',
        message: `the term does not end by 9999-12-31: ${error.message}`,
      });
      return undefined;
    }
  }
  if (deal.kind === 'amendment' && deal.effectiveDate !== undefined && contract) {
    const effective = CalendarDate.parse(deal.effectiveDate);
    const term = termOn(contract.terms, effective);
    // An amendment lasts from its effective date to the end of the term (billing-rules.md §5).
    return term ? { term, service: { start: effective, end: term.end } } : undefined;
  }
  return undefined;
}

function lineProblems(
  line: ClosedDealLine,
  path: string,
  deal: ClosedDeal,
  catalog: ReadonlyMap<string, CatalogEntrySnapshotV1>,
  contract: ContractFacts | undefined,
  periods: LinePeriods | undefined,
): BillabilityProblem[] {
  const problems: BillabilityProblem[] = [];
  const { currency } = deal;
  const existing = deal.kind === 'amendment' ? contract?.lines.get(line.id) : undefined;
  const resolved = resolveLine(line, catalog, contract?.lines);
  if (line.sku === undefined) {
    // Only an amendment's line may leave the SKU out (the request's rules refuse it elsewhere too); until
    // its contract exists the deal is held, and the line is looked up when it is decided again.
    if (deal.kind !== 'amendment') {
      problems.push({
        path: `${path}.sku`,
        message: 'required: only an amendment may name a line of the contract by its id alone',
      });
    } else if (contract && !existing) {
      problems.push({
        path: `${path}.sku`,
        message: `line ${line.id} is not a line of the contract of deal ${contract.originalDealId}, and the line names no sku`,
      });
    }
  } else if (!resolved) {
    problems.push({ path: `${path}.sku`, message: `unknown SKU ${line.sku}` });
  } else if (existing && existing.sku !== line.sku) {
    problems.push({
      path: `${path}.sku`,
      message: `${line.sku} differs from ${existing.sku}, the SKU of line ${line.id} of the contract`,
    });
  }
  const sku = resolved?.sku ?? line.sku;
  const oneTime = resolved?.catalog.chargeType === 'one_time';
  if (existing && existing.catalog.chargeType === 'one_time') {
    // billing-rules.md §2: a one-time charge is billed once, in full; the engine cannot change it.
    problems.push({
      path,
      message: `line ${line.id} is a one-time charge (${existing.sku}), billed once in full: an amendment cannot change it`,
    });
  } else if (existing && line.segments !== undefined) {
    problems.push({
      path: `${path}.segments`,
      message: `line ${line.id} is a line of the contract: an amendment changes its quantity, unit price or discount from its effective date, not its segments`,
    });
  } else if (oneTime) {
    // The event's schema refuses these on a one-time entry; only the catalog tells, so intake checks it.
    for (const field of ['pricePeriod', 'segments'] as const) {
      if (line[field] !== undefined) {
        problems.push({ path: `${path}.${field}`, message: `not allowed: ${sku} is a one-time charge` });
      }
    }
  }
  const prices: [string, string][] = [
    ...(line.unitPrice !== undefined ? [[`${path}.unitPrice`, line.unitPrice] as [string, string]] : []),
    ...(line.segments ?? []).map((s, j): [string, string] => [
      `${path}.segments.${j}.unitPrice`,
      s.unitPrice,
    ]),
  ];
  for (const [pricePath, price] of prices) {
    try {
      parseMoney(price, currency);
    } catch (error) {
      problems.push({ path: pricePath, message: error instanceof Error ? error.message : String(error) });
    }
  }
  if (line.segments && periods && !oneTime && !existing) {
    problems.push(...segmentProblems(line.segments, `${path}.segments`, periods.term, periods.service));
  }
  return problems;
}

/**
 * The segments of a ramped line must lie inside the term and cover the line's service period
 * contiguously, without gaps or overlaps (billing-rules.md §4). They may come in any order. A segment
 * outside the term is reported once, as such, not again as a coverage problem.
 */
export function segmentProblems(
  segments: readonly { startDate: string; endDate: string }[],
  path: string,
  term: Period,
  service: Period,
): BillabilityProblem[] {
  const problems: BillabilityProblem[] = [];
  const parsed = segments.map((s, index) => ({
    index,
    start: CalendarDate.parse(s.startDate),
    end: CalendarDate.parse(s.endDate),
  }));
  for (const s of parsed) {
    if (s.start.isBefore(term.start) || s.end.isAfter(term.end)) {
      problems.push({
        path: `${path}.${s.index}`,
        message: `${periodText(s)} is outside the term ${periodText(term)}`,
      });
    }
  }
  const sorted = [...parsed].sort((a, b) => a.start.compare(b.start) || a.end.compare(b.end));
  const first = sorted[0];
  if (!first) return problems;
  if (first.start.isAfter(service.start)) {
    problems.push({
      path,
      message: `the segments start on ${first.start.toString()}, after the line's service period starts on ${service.start.toString()}`,
    });
  } else if (first.start.isBefore(service.start) && !first.start.isBefore(term.start)) {
    problems.push({
      path,
      message: `the segments start on ${first.start.toString()}, before the line's service period starts on ${service.start.toString()}`,
    });
  }
  let coveredUntil = first.end;
  let coveredBy = first.index;
  for (const s of sorted.slice(1)) {
    if (s.start.isBefore(coveredUntil)) {
      const until = s.end.isBefore(coveredUntil) ? s.end : coveredUntil;
      problems.push({
        path,
        message: `segments ${coveredBy} and ${s.index} overlap on ${periodText({ start: s.start, end: until })}`,
      });
    } else if (s.start.isAfter(coveredUntil)) {
      problems.push({
        path,
        message: `gap ${periodText({ start: coveredUntil, end: s.start })} between segments ${coveredBy} and ${s.index}`,
      });
    }
    if (s.end.isAfter(coveredUntil)) {
      coveredUntil = s.end;
      coveredBy = s.index;
    }
  }
  if (coveredUntil.isBefore(service.end)) {
    problems.push({
      path,
      message: `the segments end on ${coveredUntil.toString()}, before the line's service period ends on ${service.end.toString()}`,
    });
  }
  return problems;
}
