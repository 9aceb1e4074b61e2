import { addMonths, CalendarDate } from '@o2c/billing';
import {
  aCancellation,
  aDeal,
  anAmendment,
  aRenewal,
  type BillingFrequency,
  type NewDealBuilder,
  type WebhookDeal,
} from '@o2c/testing';
import { ACCOUNTS } from '../deals';

/** The kinds of story the chaos run tells, one account each, in turn. */
export const STORIES = [
  'new',
  'amended',
  'amended-then-backdated',
  'renewed',
  'cancelled-immediately',
  'cancelled-at-term-end',
  'amendment-before-its-contract',
] as const;
export type Story = (typeof STORIES)[number];

/** One webhook post of the run: a deal, and whether it is a CRM's retry of one sent before. */
export interface Post {
  readonly story: Story;
  readonly deal: WebhookDeal;
  /** The CRM sends the same deal and revision again (its own retry), with a new webhook id. */
  readonly retry: boolean;
}

/** The benchmark's customers and one paying in yen (no minor unit; a country of the tax table). */
const CUSTOMERS = [...ACCOUNTS, { country: 'US', currency: 'JPY' }] as const;
const FREQUENCIES: BillingFrequency[] = ['monthly', 'quarterly', 'annual', 'semiannual', 'upfront'];

/** A small deterministic generator (mulberry32), so that a seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The posts of `stories` accounts in the order the CRM sends them, `today` the services' today: contracts that
 * started up to two years ago (so that periods are due at once and bill runs have work), changed by
 * amendments (one of them dated before a change already accepted), renewals and cancellations, an amendment
 * sent before the deal that makes its contract, and about one post in eight sent again as a CRM retry.
 * Stories are interleaved so that changes arrive while other accounts' deals flow.
 */
export function chaosPosts(runId: string, stories: number, today: string, random: () => number): Post[] {
  const now = CalendarDate.parse(today);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const queues: Post[][] = [];
  for (let i = 0; i < stories; i++) {
    const story = STORIES[i % STORIES.length]!;
    const account = CUSTOMERS[Math.floor(i / STORIES.length) % CUSTOMERS.length]!;
    const id = `chaos-${runId}-s${i}`;
    const monthsAgo = 1 + Math.floor(random() * 22);
    const start = addMonths(now, -monthsAgo);
    const termMonths = story === 'renewed' ? 12 + Math.max(0, 12 - monthsAgo) : pick([12, 24, 36]);
    const seats = 5 + Math.floor(random() * 200);
    const major = (amount: number) => (account.currency === 'JPY' ? String(amount * 100) : `${amount}.00`);
    const deal = newDeal(id, account, start, termMonths, pick(FREQUENCIES), seats, major, random);
    const original = deal.build();
    const changeOn = (months: number) => addMonths(start, Math.min(months, termMonths - 1)).toString();
    const posts: WebhookDeal[] = [];
    switch (story) {
      case 'new':
        posts.push(original);
        break;
      case 'amended':
        posts.push(
          original,
          anAmendment(original, `${id}-up`)
            .effectiveOn(changeOn(1 + Math.floor(random() * 6)))
            .changing({ id: 'L1', quantity: seats + 10 })
            .build(),
        );
        break;
      case 'amended-then-backdated':
        posts.push(
          original,
          anAmendment(original, `${id}-up`)
            .effectiveOn(changeOn(6))
            .changing({ id: 'L1', quantity: seats + 20 })
            .build(),
          // Signed after the first amendment, effective before it (billing-rules.md §5).
          anAmendment(original, `${id}-backdated`)
            .effectiveOn(changeOn(3))
            .changing({ id: 'L3', sku: 'ADDON-SSO', quantity: 1, unitPrice: major(99), pricePeriod: 'month' })
            .build(),
        );
        break;
      case 'renewed':
        posts.push(
          original,
          aRenewal(original, `${id}-renewal`)
            .startingOn(addMonths(start, termMonths).toString(), { termMonths: 12 })
            .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: seats + 5, unitPrice: major(380) })
            .build(),
        );
        break;
      case 'cancelled-immediately':
        posts.push(
          original,
          aCancellation(original, `${id}-cancel`)
            .immediately(changeOn(Math.max(1, monthsAgo - 1)))
            .build(),
        );
        break;
      case 'cancelled-at-term-end':
        posts.push(original, aCancellation(original, `${id}-cancel`).atEndOfTerm().build());
        break;
      case 'amendment-before-its-contract':
        posts.push(
          anAmendment(original, `${id}-early`)
            .effectiveOn(changeOn(2))
            .changing({ id: 'L1', quantity: seats + 3 })
            .build(),
          original,
        );
        break;
    }
    const queue: Post[] = [];
    for (const posted of posts) {
      queue.push({ story, deal: posted, retry: false });
      if (random() < 0.125) queue.push({ story, deal: posted, retry: true });
    }
    queues.push(queue);
  }
  // Interleave: take the next post of a random story that has one left.
  const out: Post[] = [];
  const open = queues.filter((q) => q.length > 0);
  while (open.length > 0) {
    const index = Math.floor(random() * Math.min(open.length, 8));
    out.push(open[index]!.shift()!);
    if (open[index]!.length === 0) open.splice(index, 1);
  }
  return out;
}

function newDeal(
  id: string,
  account: (typeof CUSTOMERS)[number],
  start: CalendarDate,
  termMonths: number,
  frequency: BillingFrequency,
  seats: number,
  major: (amount: number) => string,
  random: () => number,
): NewDealBuilder {
  const deal = aDeal(id)
    .forAccount({
      id: `${id}-account`,
      name: `Chaos customer ${id}`,
      country: account.country,
      ...('taxId' in account ? { taxId: account.taxId } : {}),
    })
    .inCurrency(account.currency)
    .startingOn(start.toString())
    .forMonths(termMonths)
    .billed(frequency)
    .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: seats, unitPrice: major(360), discountPercent: '10' })
    .withLine({ id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: major(5000) });
  if (random() < 0.5) deal.autoRenewing({ upliftPercent: '5', termMonths: 12 });
  if (termMonths >= 24 && random() < 0.5) {
    // A yearly ramp of the platform fee over the whole term.
    const years = Math.floor(termMonths / 12);
    deal.withRamp(
      { id: 'L4', sku: 'PLATFORM', pricePeriod: 'year' },
      Array.from({ length: years }, (_, n) => ({
        startDate: addMonths(start, 12 * n).toString(),
        endDate: addMonths(start, 12 * (n + 1)).toString(),
        quantity: 1,
        unitPrice: major(100_000 + n * 20_000),
      })),
    );
  }
  return deal;
}
