// Deals in the canonical webhook form (docs/specs/deal-webhook.md), built by name rather than written out as JSON:
//   aDeal('J1').forAccount({ country: 'DE' }).startingOn('2031-01-01').billed('quarterly')
//     .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 20, unitPrice: '600.00' }).build()
//   anAmendment(of, 'J1-more').effectiveOn('2031-06-15').changing({ id: 'L1', quantity: 70 }).build()

export type BillingFrequency = 'monthly' | 'quarterly' | 'semiannual' | 'annual' | 'upfront';

export interface DealAccount {
  id: string;
  name: string;
  country: string;
  taxId?: string;
  billingEmail?: string;
}
export interface DealTerms {
  startDate: string;
  termMonths: number;
  billingFrequency: BillingFrequency;
  paymentTermsDays: number;
  autoRenew?: boolean;
  renewalTermMonths?: number;
  renewalUpliftPercent?: string;
}
export interface DealSegment {
  startDate: string;
  endDate: string;
  quantity: number;
  unitPrice: string;
}
/** A line as the webhook takes it; an amendment's line holds only what changes. */
export interface DealLine {
  id: string;
  sku?: string;
  quantity?: number;
  unitPrice?: string;
  pricePeriod?: 'month' | 'year';
  discountPercent?: string;
  segments?: DealSegment[];
}
export interface WebhookDeal {
  id: string;
  revision: number;
  closedAt: string;
  kind: 'new' | 'amendment' | 'renewal' | 'cancellation';
  amends?: string;
  effectiveDate?: string;
  cancellation?: { effective: 'immediate' | 'end_of_term'; date?: string };
  account: DealAccount;
  currency: string;
  terms?: DealTerms;
  lines: DealLine[];
}

let lastClosedAt = Date.parse('2026-11-01T09:00:00Z');
/** Each deal closes a minute after the one built before it, so the CRM's order is the order they are built in. */
function nextClosedAt(): string {
  lastClosedAt += 60_000;
  return new Date(lastClosedAt).toISOString();
}

abstract class Builder<B> {
  protected deal: WebhookDeal;

  protected constructor(deal: WebhookDeal) {
    this.deal = deal;
  }

  /** Revision `n` of the deal (the CRM sends a changed deal again under its id with a higher revision). */
  revision(n: number): B {
    this.deal.revision = n;
    return this as unknown as B;
  }

  closedAt(iso: string): B {
    this.deal.closedAt = iso;
    return this as unknown as B;
  }

  build(): WebhookDeal {
    return structuredClone(this.deal);
  }
}

/** A new deal: a US customer paying in USD, 12 months from 2027-01-01 billed annually, 30 days to pay, no renewal. */
export function aDeal(id: string): NewDealBuilder {
  return new NewDealBuilder(id);
}

export class NewDealBuilder extends Builder<NewDealBuilder> {
  constructor(id: string) {
    super({
      id,
      revision: 1,
      closedAt: nextClosedAt(),
      kind: 'new',
      account: { id: `acc-${id}`, name: `Customer ${id}`, country: 'US' },
      currency: 'USD',
      terms: {
        startDate: '2027-01-01',
        termMonths: 12,
        billingFrequency: 'annual',
        paymentTermsDays: 30,
        autoRenew: false,
      },
      lines: [],
    });
  }

  /** The customer: its id stays `acc-<deal id>` unless given. */
  forAccount(account: Partial<DealAccount>): this {
    this.deal.account = { ...this.deal.account, ...account };
    return this;
  }

  inCurrency(currency: string): this {
    this.deal.currency = currency;
    return this;
  }

  startingOn(date: string): this {
    this.deal.terms!.startDate = date;
    return this;
  }

  forMonths(termMonths: number): this {
    this.deal.terms!.termMonths = termMonths;
    return this;
  }

  billed(billingFrequency: BillingFrequency): this {
    this.deal.terms!.billingFrequency = billingFrequency;
    return this;
  }

  payableInDays(paymentTermsDays: number): this {
    this.deal.terms!.paymentTermsDays = paymentTermsDays;
    return this;
  }

  /** Renews automatically at the term's end, with the uplift (a decimal string) and term given, if any. */
  autoRenewing(renewal: { upliftPercent?: string; termMonths?: number } = {}): this {
    this.deal.terms = {
      ...this.deal.terms!,
      autoRenew: true,
      ...(renewal.upliftPercent === undefined ? {} : { renewalUpliftPercent: renewal.upliftPercent }),
      ...(renewal.termMonths === undefined ? {} : { renewalTermMonths: renewal.termMonths }),
    };
    return this;
  }

  withLine(line: DealLine): this {
    this.deal.lines.push(line);
    return this;
  }

  /** A recurring line priced by segments `[startDate, endDate)` (billing-rules.md §4). */
  withRamp(line: { id: string; sku: string; pricePeriod?: 'month' | 'year' }, segments: DealSegment[]): this {
    this.deal.lines.push({ ...line, segments });
    return this;
  }
}

/** The deal that changes the contract `of` made: same account and currency. */
function changeOf(of: WebhookDeal, id: string, kind: WebhookDeal['kind']): WebhookDeal {
  return {
    id,
    revision: 1,
    closedAt: nextClosedAt(),
    kind,
    amends: of.id,
    account: structuredClone(of.account),
    currency: of.currency,
    lines: [],
  };
}

/** An amendment of the contract `of` made (co-termed, billing-rules.md §5). */
export function anAmendment(of: WebhookDeal, id: string): AmendmentBuilder {
  return new AmendmentBuilder(of, id);
}

export class AmendmentBuilder extends Builder<AmendmentBuilder> {
  constructor(of: WebhookDeal, id: string) {
    super(changeOf(of, id, 'amendment'));
  }

  effectiveOn(date: string): this {
    this.deal.effectiveDate = date;
    return this;
  }

  /** Lines holding only what changes: an existing id with its new quantity or price, or a new line. */
  changing(...lines: DealLine[]): this {
    this.deal.lines.push(...lines);
    return this;
  }

  inCurrency(currency: string): this {
    this.deal.currency = currency;
    return this;
  }
}

/** A cancellation of the contract `of` made (billing-rules.md §6). */
export function aCancellation(of: WebhookDeal, id: string): CancellationBuilder {
  return new CancellationBuilder(of, id);
}

export class CancellationBuilder extends Builder<CancellationBuilder> {
  constructor(of: WebhookDeal, id: string) {
    super({ ...changeOf(of, id, 'cancellation'), cancellation: { effective: 'end_of_term' } });
  }

  immediately(date: string): this {
    this.deal.cancellation = { effective: 'immediate', date };
    return this;
  }

  atEndOfTerm(): this {
    this.deal.cancellation = { effective: 'end_of_term' };
    return this;
  }
}

/** A renewal deal for the contract `of` made: the next term's terms and full lines (billing-rules.md §7). */
export function aRenewal(of: WebhookDeal, id: string): RenewalBuilder {
  return new RenewalBuilder(of, id);
}

export class RenewalBuilder extends Builder<RenewalBuilder> {
  constructor(of: WebhookDeal, id: string) {
    super({ ...changeOf(of, id, 'renewal'), terms: { ...of.terms! } });
  }

  /** The next term: starting on `startDate` (the current term's end), `terms` changing what else differs. */
  startingOn(startDate: string, terms: Partial<DealTerms> = {}): this {
    this.deal.terms = { ...this.deal.terms!, ...terms, startDate };
    return this;
  }

  withLine(line: DealLine): this {
    this.deal.lines.push(line);
    return this;
  }
}
