import { randomBytes } from 'node:crypto';
import { type Stack, startStack } from '@o2c/testing';

// The deals intake accepts exactly what subscriptions can apply: every kind of deal, and the edge cases of
// billing-rules.md (an amendment signed later but dated earlier, one in the next term, one after an immediate
// cancellation, a renewal that does not start where the term ends, ...), goes through the signed webhook in
// order. A deal the webhook accepted (202) must become a version of the contract in subscriptions, with no dead
// letter; a deal it refused (422) never reaches subscriptions. The expected status of each case is asserted as
// well, so that a check intake and subscriptions share cannot drift both ways unnoticed.
//
// Only deals and subscriptions run; the daily renewal job is off (the deals' dates lie after today anyway).

interface Deal extends Record<string, unknown> {
  id: string;
  kind: 'new' | 'amendment' | 'renewal' | 'cancellation';
  account: { id: string; name: string; country: string };
}
interface Case {
  /** Short name of the case, for the table. */
  name: string;
  deal: Deal;
  /** What the webhook must answer; `either` where the rules leave it to intake (subscriptions must agree). */
  expected: 202 | 422 | 'either';
  /** For an expected 422: a text the problem must contain. */
  reasonMentions?: string;
}
interface ContractAnswer {
  status: string;
  version: number;
  versions: { version: number; source: { kind: string; dealId?: string } }[];
}
interface DeadLetter {
  topic: string;
  key: string | null;
  type: string | null;
  error: string;
}
interface Row {
  dealId: string;
  webhookStatus: number;
  appliedBySubscriptions: boolean;
}

/** Appended to every deal and account id: each run of this file makes contracts of its own. */
const run = randomBytes(4).toString('hex');

let stack: Stack;

const call = <T>(...args: Parameters<Stack['call']>) => stack.call<T>(...args);

/** The SKUs of the cases, as the conformance vectors' catalog describes them. */
const catalog = {
  'SEAT-PRO': { chargeType: 'recurring', period: 'year', product: 'pro', features: ['sso'] },
  'SEAT-BASIC': { chargeType: 'recurring', period: 'month', product: 'basic', features: [] },
} as const;

async function ensureCatalog(): Promise<void> {
  const { body } = await call<{
    items: { sku: string; name: string; chargeType: string; defaultPricePeriod?: string }[];
  }>('deals', 'GET', '/v1/catalog');
  const known = new Map(body.items.map((entry) => [entry.sku, entry]));
  for (const [sku, wanted] of Object.entries(catalog)) {
    const entry = known.get(sku);
    if (entry && entry.chargeType === wanted.chargeType && entry.defaultPricePeriod === wanted.period)
      continue;
    const put = await call<unknown>('deals', 'PUT', `/v1/catalog/${sku}`, {
      name: entry?.name ?? sku,
      chargeType: wanted.chargeType,
      defaultPricePeriod: wanted.period,
      provisioning: { licenseProduct: wanted.product, seatsPerUnit: 1, features: wanted.features },
    });
    if (put.status !== 200 && put.status !== 201)
      throw new Error(`PUT /v1/catalog/${sku}: ${put.status} ${JSON.stringify(put.body)}`);
  }
}

beforeAll(async () => {
  stack = await startStack('flows-intake', {
    deals: {},
    subscriptions: { RENEWAL_JOB_INTERVAL_MINUTES: '0' },
  });
  await ensureCatalog();
}, 120_000);

// What each process said, for when a case fails: .o2c/flows/flows-intake-<service>.log
afterAll(() => stack?.stop());

let signedAt = Date.parse('2026-12-01T12:00:00Z');

/** A deal of this run on `contract` (A or B): the deal and account ids carry the run's suffix. */
function deal(contract: 'A' | 'B', name: string, fields: Pick<Deal, 'kind'> & Record<string, unknown>): Deal {
  signedAt += 3_600_000; // each deal signed an hour after the one before
  return {
    id: `IA-${contract}-${name}-${run}`,
    revision: 1,
    closedAt: new Date(signedAt).toISOString(),
    account: { id: `acc-IA-${contract}-${run}`, name: `Intake agreement ${contract}`, country: 'US' },
    currency: 'USD',
    ...fields,
  };
}

const terms = {
  startDate: '2027-01-01',
  termMonths: 12,
  billingFrequency: 'annual',
  paymentTermsDays: 30,
  autoRenew: true,
};
const seats = { id: 'L1', sku: 'SEAT-PRO', quantity: 10, unitPrice: '100.00' };

function newDeal(contract: 'A' | 'B'): Deal {
  return deal(contract, 'new', { kind: 'new', terms, lines: [seats] });
}
function amendment(
  contract: 'A' | 'B',
  name: string,
  effectiveDate: string,
  lines: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Deal {
  return deal(contract, name, {
    kind: 'amendment',
    amends: `IA-${contract}-new-${run}`,
    effectiveDate,
    lines,
    ...extra,
  });
}
function cancellation(contract: 'A' | 'B', name: string, cancelled: Record<string, unknown>): Deal {
  return deal(contract, name, {
    kind: 'cancellation',
    amends: `IA-${contract}-new-${run}`,
    cancellation: cancelled,
    lines: [],
  });
}
function renewal(contract: 'A' | 'B', name: string, startDate: string): Deal {
  return deal(contract, name, {
    kind: 'renewal',
    amends: `IA-${contract}-new-${run}`,
    terms: { ...terms, startDate },
    lines: [seats],
  });
}

/** In the order they are posted; each contract's deals in the order the CRM signed them. */
const cases: Case[] = [
  { name: 'A new', deal: newDeal('A'), expected: 202 },
  {
    name: 'A amendment L1=20 from 2027-09-01',
    deal: amendment('A', 'ame1', '2027-09-01', [{ id: 'L1', quantity: 20 }]),
    expected: 202,
  },
  {
    name: 'A amendment L1=15 from 2027-05-01, signed later but dated earlier',
    deal: amendment('A', 'ame2', '2027-05-01', [{ id: 'L1', quantity: 15 }]),
    expected: 202,
  },
  {
    name: 'A amendment adding L2 from 2027-10-01',
    deal: amendment('A', 'ame3', '2027-10-01', [
      { id: 'L2', sku: 'SEAT-BASIC', quantity: 2, unitPrice: '50.00' },
    ]),
    expected: 202,
  },
  {
    name: 'A amendment of L2 quantity from 2027-08-01, before L2 exists',
    deal: amendment('A', 'ame4', '2027-08-01', [{ id: 'L2', quantity: 3 }]),
    expected: 422,
    reasonMentions: 'L2',
  },
  {
    name: 'A amendment in EUR',
    deal: amendment('A', 'eur', '2027-11-01', [{ id: 'L1', quantity: 12 }], { currency: 'EUR' }),
    expected: 422,
    reasonMentions: 'EUR',
  },
  {
    name: 'A amendment L1=25 from 2028-03-01, in the next term',
    deal: amendment('A', 'ame5', '2028-03-01', [{ id: 'L1', quantity: 25 }]),
    expected: 202,
  },
  {
    name: 'A renewal starting 2027-06-01, not at the term end',
    deal: renewal('A', 'ren', '2027-06-01'),
    expected: 422,
  },
  {
    name: 'A immediate cancellation on 2028-06-01',
    deal: cancellation('A', 'can', { effective: 'immediate', date: '2028-06-01' }),
    expected: 202,
  },
  {
    name: 'A amendment L1=30 from 2028-07-01, after the cancellation',
    deal: amendment('A', 'ame6', '2028-07-01', [{ id: 'L1', quantity: 30 }]),
    expected: 202,
  },
  { name: 'B new', deal: newDeal('B'), expected: 202 },
  {
    name: 'B end-of-term cancellation',
    deal: cancellation('B', 'can', { effective: 'end_of_term' }),
    expected: 202,
  },
  {
    name: 'B renewal starting at the term end, 2028-01-01',
    deal: renewal('B', 'ren', '2028-01-01'),
    expected: 'either',
  },
];

/** POSTs `{ type: 'deal.closed_won', deal }` to the deals webhook, signed as Standard Webhooks says. */
const postDeal = (body: Deal) => stack.postDeal(body);

/** Subscriptions' dead letters (every status) on this test's topics. */
async function deadLetters(): Promise<DeadLetter[]> {
  const { status, body } = await call<{ items: DeadLetter[] }>(
    'subscriptions',
    'GET',
    '/v1/admin/dead-letters?status=all',
  );
  expect(status).toBe(200);
  return body.items.filter((letter) => letter.topic.startsWith(`${stack.topics.namespace}.`));
}

async function contract(contractId: string): Promise<ContractAnswer | undefined> {
  const { status, body } = await call<ContractAnswer>('subscriptions', 'GET', `/v1/contracts/${contractId}`);
  return status === 200 ? body : undefined;
}

const dealsMadeVersions = (answer: ContractAnswer | undefined): Set<string> =>
  new Set(
    (answer?.versions ?? []).flatMap((version) => (version.source.dealId ? [version.source.dealId] : [])),
  );

interface Reply {
  name: string;
  dealId: string;
  status: number;
  body: Record<string, unknown>;
}

describe('the deals intake accepts exactly what subscriptions can apply', () => {
  const replies: Reply[] = [];
  /** By account id: the contract as subscriptions holds it once it has taken every accepted deal. */
  const contracts = new Map<string, ContractAnswer | undefined>();
  let letters: DeadLetter[] = [];
  let table: Row[] = [];

  beforeAll(async () => {
    const contractIds = new Map<string, string>(); // account id -> contract id
    for (const { name, deal: sent } of cases) {
      const { status, body } = await postDeal(sent);
      replies.push({ name, dealId: sent.id, status, body });
      if (status === 202 && typeof body.contractId === 'string')
        contractIds.set(sent.account.id, body.contractId);
    }

    // Subscriptions takes each account's deals in order: once the last accepted deal of each contract is a
    // version (or as many dead letters as accepted deals are missing have come), it has seen them all.
    const deadline = Date.now() + 60_000;
    for (;;) {
      letters = await deadLetters();
      let settled = true;
      for (const [accountId, contractId] of contractIds) {
        const answer = await contract(contractId);
        contracts.set(accountId, answer);
        const accepted = replies.filter(
          (reply) =>
            reply.status === 202 &&
            cases.find((c) => c.deal.id === reply.dealId)!.deal.account.id === accountId,
        );
        const applied = dealsMadeVersions(answer);
        const missing = accepted.filter((reply) => !applied.has(reply.dealId)).length;
        const lettered = letters.filter((letter) => letter.key === accountId).length;
        if (!applied.has(accepted.at(-1)!.dealId) && lettered < missing) settled = false;
      }
      if (settled || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    table = cases.map(({ deal: sent }) => ({
      dealId: sent.id,
      webhookStatus: replies.find((reply) => reply.dealId === sent.id)!.status,
      appliedBySubscriptions: dealsMadeVersions(contracts.get(sent.account.id)).has(sent.id),
    }));
    // For a failure's message: what intake answered to each case, and what subscriptions dead-lettered.
    const report = {
      replies: replies.map(({ name, status, body }) => ({
        name,
        status,
        ...(status === 202 ? {} : { body }),
      })),
      table,
      deadLetters: letters.map(({ key, type, error }) => ({ key, type, error })),
    };
    process.stdout.write(`intake agreement:\n${JSON.stringify(report, null, 2)}\n`);
  }, 120_000);

  it('makes both contracts', () => {
    expect([...contracts.values()].filter((answer) => answer !== undefined)).toHaveLength(2);
  });

  it('accepts a deal (202) exactly when subscriptions applies it as a version of its contract', () => {
    expect(table).toHaveLength(cases.length);
    expect(table.filter((row) => (row.webhookStatus === 202) !== row.appliedBySubscriptions)).toEqual([]);
  });

  it('leaves subscriptions no dead letter', () => {
    expect(letters).toEqual([]);
  });

  // The statuses billing-rules.md v1.1 calls for.
  it.each(cases.map((c, i) => [c.name, c.expected, i] as const))('%s: answers %s', (_, expected, i) => {
    const reply = replies[i]!;
    // A refusal's reasons are part of what is compared, so that a wrong status shows why intake answered so.
    const seen = { status: reply.status, ...(reply.status === 202 ? {} : { reasons: reply.body.reasons }) };
    if (expected === 'either') expect([202, 422]).toContain(reply.status);
    else
      expect(seen).toEqual({
        status: expected,
        ...(expected === 202 ? {} : { reasons: expect.any(Array) as unknown }),
      });
    const mentions = cases[i]!.reasonMentions;
    if (mentions !== undefined) expect(JSON.stringify(reply.body)).toContain(mentions);
  });

  it('keeps the amendment after the immediate cancellation as a version, the contract staying cancelled', () => {
    const contractA = contracts.get(cases[0]!.deal.account.id);
    expect(contractA?.status).toBe('cancelled');
    expect(dealsMadeVersions(contractA).has(cases[9]!.deal.id)).toBe(true);
  });
});
