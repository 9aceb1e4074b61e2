import { randomUUID } from 'node:crypto';
import { addDays, addMonths, CalendarDate } from '@o2c/billing';
import { Topics } from '@o2c/contracts';
import { aCancellation, aDeal, anAmendment, aRenewal, signedWebhook, type WebhookDeal } from '@o2c/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  type ChaosCheck,
  type ChaosExpectations,
  type ChaosTargets,
  checkChaos,
  CONSUMED_TOPICS,
  findings,
  type SentDeal,
  summarize,
} from '../src/chaos/checker';
import { SERVICES, startStack, type BenchStack, type ServiceName } from '../src/stack';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9192').split(',');

// The chaos checker on the real stack: a handful of deals of every kind, a renewal run, bill runs (one before a
// backdated amendment arrives, so that corrections are issued) and a provisioning run, all as of today; once
// quiet, the checker finds nothing. Then the databases are corrupted on purpose, and it finds exactly that.
describe('the chaos checker', () => {
  let stack: BenchStack;
  let targets: ChaosTargets;
  const groups = Object.fromEntries(SERVICES.map((s) => [s, `chaos-${s}-${randomUUID()}`])) as Record<
    ServiceName,
    string
  >;
  const today = CalendarDate.ofInstant(new Date());
  const asOf = today.toString();
  const sent: SentDeal[] = [];
  const planted: ChaosExpectations['plantedDeadLetters'] = [];
  const deals: Record<string, WebhookDeal> = {};
  let check: ChaosCheck;

  beforeAll(async () => {
    stack = await startStack(
      'warn',
      Object.fromEntries(SERVICES.map((s) => [s, { KAFKA_CONSUMER_GROUP: groups[s] }])),
    );
    targets = {
      databases: stack.databases,
      brokers: BROKERS,
      topic: (name) => stack.topics.topic(name),
      consumerGroups: groups,
    };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const post = async (deal: WebhookDeal, expected: number[]): Promise<void> => {
    const request = signedWebhook({ type: 'deal.closed_won', deal }, { secrets: [stack.secret] });
    const response = await fetch(`${stack.first('deals').baseUrl}/v1/webhooks/deals`, {
      method: 'POST',
      ...request,
    });
    const body = (await response.json()) as { status?: string; contractId?: string | null };
    if (!expected.includes(response.status))
      throw new Error(`${deal.id}: ${response.status} ${JSON.stringify(body)}`);
    const entry: SentDeal = {
      dealId: deal.id,
      revision: deal.revision,
      kind: deal.kind,
      accountId: deal.account.id,
      status: response.status,
      ...(body.contractId ? { contractId: body.contractId } : {}),
      ...(body.status === 'held' ? { held: true } : {}),
    };
    const at = sent.findIndex((s) => s.dealId === deal.id && s.revision === deal.revision);
    if (at >= 0) sent[at] = entry;
    else sent.push(entry);
  };

  const admin = async (service: ServiceName, path: string, body: unknown): Promise<unknown> => {
    const base = stack.first(service).baseUrl;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` };
    const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    const location = response.headers.get('location');
    if (response.status !== 202 || !location) return response.json();
    for (;;) {
      const run = (await (await fetch(`${base}${location}`, { headers })).json()) as { status: string };
      if (run.status === 'finished') return run;
      if (run.status !== 'running') throw new Error(`${path}: ${JSON.stringify(run)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const query = async <T extends object>(service: ServiceName, sql: string, params: unknown[] = []) => {
    const client = new Client({ connectionString: stack.databases[service].url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  /** Every outbox relayed, every consumer caught up, every copy of the versions made. */
  const quiet = async (): Promise<void> => {
    const kafka = new Kafka({ clientId: 'chaos-checker-test', brokers: BROKERS, logLevel: logLevel.NOTHING });
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        let busy = 0;
        for (const service of SERVICES) {
          busy += Number(
            (
              await query<{ n: string }>(
                service,
                `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`,
              )
            )[0]!.n,
          );
          for (const logical of CONSUMED_TOPICS[service]) {
            const topic = stack.topics.topic(logical);
            const [committed] = await kafkaAdmin.fetchOffsets({ groupId: groups[service], topics: [topic] });
            for (const end of await kafkaAdmin.fetchTopicOffsets(topic)) {
              const at = Number(
                committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1,
              );
              if (Number(end.high) > Math.max(at, Number(end.low))) busy++;
            }
          }
        }
        const count = async (service: ServiceName) =>
          Number((await query<{ n: string }>(service, `SELECT count(*) AS n FROM contract_version`))[0]!.n);
        const versions = await count('subscriptions');
        if ((await count('invoicing')) !== versions || (await count('provisioning')) !== versions) busy++;
        if (busy === 0) return;
        if (Date.now() > deadline) throw new Error('the stack is not quiet after 60 s');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      await kafkaAdmin.disconnect();
    }
  };

  const day = (offset: number) => addDays(today, offset).toString();
  const monthStart = (monthsBack: number) =>
    addMonths(CalendarDate.of(today.year, today.month, 1), -monthsBack).toString();

  it('finds nothing wrong after deals of every kind, runs and a backdated amendment', async () => {
    // A: quarterly seats from six months ago, amended before the bill run, and again (dated earlier) after it.
    deals.a = aDeal(`chaos-a-${randomUUID()}`)
      .startingOn(monthStart(6))
      .billed('quarterly')
      .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 10, unitPrice: '360.00', pricePeriod: 'year' })
      .withLine({ id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: '1500.00' })
      .build();
    // B: a year that ended last month, renewing automatically: the renewal run renews it.
    deals.b = aDeal(`chaos-b-${randomUUID()}`)
      .startingOn(monthStart(13))
      .billed('annual')
      .autoRenewing({ upliftPercent: '5' })
      .forAccount({ country: 'DE', taxId: 'DE123456789' })
      .inCurrency('EUR')
      .withLine({ id: 'L1', sku: 'SEAT-BASIC', quantity: 7, unitPrice: '29.00', pricePeriod: 'month' })
      .build();
    // C: two years, renewed by a deal; D: monthly, cancelled immediately; E: starts later (nothing due yet).
    deals.c = aDeal(`chaos-c-${randomUUID()}`)
      .startingOn(monthStart(3))
      .forMonths(24)
      .withLine({ id: 'L1', sku: 'PLATFORM', quantity: 1, unitPrice: '12000.00', pricePeriod: 'year' })
      .build();
    deals.d = aDeal(`chaos-d-${randomUUID()}`)
      .startingOn(monthStart(4))
      .billed('monthly')
      .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 3, unitPrice: '30.00', pricePeriod: 'month' })
      .build();
    deals.e = aDeal(`chaos-e-${randomUUID()}`)
      .startingOn(day(90))
      .withLine({ id: 'L1', sku: 'TRAINING', quantity: 2, unitPrice: '800.00' })
      .build();
    for (const key of ['a', 'b', 'c', 'd', 'e']) await post(deals[key]!, [202]);
    await post(deals.a, [200]); // the CRM retries the same deal
    const rejected = aDeal(`chaos-x-${randomUUID()}`)
      .startingOn(monthStart(1))
      .withLine({ id: 'L1', sku: 'NO-SUCH-SKU', quantity: 1, unitPrice: '1.00', pricePeriod: 'year' })
      .build();
    await post(rejected, [422]);
    const aStart = CalendarDate.parse(deals.a.terms!.startDate);
    await post(
      anAmendment(deals.a, `chaos-a-up-${randomUUID()}`)
        .effectiveOn(addDays(aStart, 75).toString())
        .changing({ id: 'L1', quantity: 15 })
        .build(),
      [202],
    );
    const cEnd = addMonths(CalendarDate.parse(deals.c.terms!.startDate), 24).toString();
    await post(
      aRenewal(deals.c, `chaos-c-renew-${randomUUID()}`)
        .startingOn(cEnd, { termMonths: 12 })
        .withLine({ id: 'L1', sku: 'PLATFORM', quantity: 1, unitPrice: '13000.00', pricePeriod: 'year' })
        .build(),
      [202],
    );
    await post(
      aCancellation(deals.d, `chaos-d-stop-${randomUUID()}`).immediately(monthStart(1)).build(),
      [202],
    );

    // A message planted on the deals topic so that it dead-letters.
    const eventId = `planted-${randomUUID()}`;
    const kafka = new Kafka({ clientId: 'chaos-checker-test', brokers: BROKERS, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: stack.topics.topic(Topics.deals),
      messages: [
        {
          key: 'planted',
          value: JSON.stringify({ not: 'a deal' }),
          headers: {
            ce_id: eventId,
            ce_type: 'o2c.deal.closed.v1',
            ce_source: '/chaos',
            ce_specversion: '1.0',
            'content-type': 'application/json',
          },
        },
      ],
    });
    await producer.disconnect();
    planted.push({ topic: Topics.deals, eventId });

    await quiet();
    await admin('subscriptions', '/v1/admin/renewals', { asOf });
    await quiet();
    await admin('invoicing', '/v1/bill-runs', { asOf });
    // After the bill run: an amendment of A dated before the accepted one, so documents are corrected.
    await post(
      anAmendment(deals.a, `chaos-a-back-${randomUUID()}`)
        .effectiveOn(addDays(aStart, 10).toString())
        .changing({ id: 'L1', quantity: 12 })
        .build(),
      [202],
    );
    await quiet();
    await admin('invoicing', '/v1/bill-runs', { asOf });
    await admin('provisioning', '/v1/admin/provisioning-runs', { asOf });
    await quiet();
    // The planted message reached the dead letters.
    expect(
      (await query<{ event_id: string }>('subscriptions', `SELECT event_id FROM dead_letter`)).map(
        (r) => r.event_id,
      ),
    ).toEqual([eventId]);
    const corrections = await query<{ n: string }>(
      'invoicing',
      `SELECT count(*) AS n FROM document WHERE document_key LIKE 'correction:%'`,
    );
    expect(Number(corrections[0]!.n)).toBeGreaterThan(0);
    // The backdated amendment restated the one accepted before it: A has a version outside its current history.
    const versionsOfA = await query<{ n: string }>(
      'subscriptions',
      `SELECT count(*) AS n FROM contract_version v JOIN contract_version w USING (contract_id) WHERE w.deal_id = $1`,
      [deals.a.id],
    );
    expect(Number(versionsOfA[0]!.n)).toBe(4);

    check = await checkChaos(targets, { deals: sent, plantedDeadLetters: planted, asOf });
    const nothing = Object.fromEntries(Object.keys(findings(check)).map((name) => [name, []]));
    if (!check.ok || process.env.CHAOS_CHECK_PRINT)
      process.stderr.write(`${JSON.stringify(summarize(check), null, 2)}\n`);
    expect(findings(check)).toEqual(nothing);
    expect(check.deadLetters).toEqual({ planted: 1, found: 1, unplanned: [], plantedMissing: [] });
    expect(Object.values(check.outboxUndrained)).toEqual([0, 0, 0, 0]);
    expect(Object.values(check.consumerLag)).toEqual([0, 0, 0, 0]);
    expect(check.ok).toBe(true);
    // 9 accepted deals (A, its two amendments, B, C, its renewal, D, its cancellation, E) and B's automatic
    // renewal; licences for A, B and C (D ended, E sells training only).
    expect(check.contracts.expected).toBe(10);
    expect(check.contracts.autoRenewals).toEqual({ expected: 1, found: 1 });
    expect(check.documents.expected).toBeGreaterThanOrEqual(8);
    expect(check.numbers.expected).toBe(check.documents.found);
    expect(check.licences).toEqual(expect.objectContaining({ expected: 3, found: 3 }));
  }, 170_000);

  it('finds exactly what was broken', async () => {
    expect(check?.ok).toBe(true);
    // Nothing may repair what is broken: the services stop (their databases stay until the end).
    await Promise.all([...stack.processes.values()].flat().map((p) => p.stop()));

    // 1. One of B's invoices vanishes: its key is lost, its number a gap, its number on the topic unexpected.
    const contractOf = async (deal: WebhookDeal) =>
      (
        await query<{ contract_id: string }>(
          'subscriptions',
          `SELECT contract_id FROM contract_version WHERE deal_id = $1`,
          [deal.id],
        )
      )[0]!.contract_id;
    const [b, a, e] = [await contractOf(deals.b!), await contractOf(deals.a!), await contractOf(deals.e!)];
    const [gone] = await query<{ document_key: string; number: string }>(
      'invoicing',
      `DELETE FROM document WHERE document_id = (SELECT document_id FROM document WHERE contract_id = $1
         ORDER BY issue_date LIMIT 1) RETURNING document_key, number`,
      [b],
    );
    // 2. E's deal made a second contract too.
    const copy = `${e}-copy`;
    await query(
      'subscriptions',
      `INSERT INTO contract (contract_id, account_id, status, term_end, auto_renew)
       SELECT $2, account_id, status, term_end, auto_renew FROM contract WHERE contract_id = $1`,
      [e, copy],
    );
    await query(
      'subscriptions',
      `INSERT INTO contract_version (contract_id, version, deal_id, revision, event_type, event_data, created_at, deal)
       SELECT $2, version, deal_id, revision, event_type, jsonb_set(event_data, '{contractId}', to_jsonb($2::text)),
              created_at, deal FROM contract_version WHERE contract_id = $1`,
      [e, copy],
    );
    // 3. A correction of A bills one cent more than it says.
    const [tampered] = await query<{ key: string; charge: string }>(
      'invoicing',
      `UPDATE document SET data = jsonb_set(data, '{lines,0,amount,amountMinor}',
              to_jsonb(((data->'lines'->0->'amount'->>'amountMinor')::bigint + 1)::text))
        WHERE document_id = (SELECT document_id FROM document WHERE contract_id = $1
                               AND document_key LIKE 'correction:%' ORDER BY document_id LIMIT 1)
        RETURNING corrects->0->>'documentKey' AS key, corrects->0->>'chargeId' AS charge`,
      [a],
    );
    // 4. An event of provisioning stays in its outbox.
    await query(
      'provisioning',
      `INSERT INTO outbox (id, topic, key, type, source, time, data) VALUES ($1, 'x', 'k', 't', 's', now(), '{}')`,
      [randomUUID()],
    );
    // 5. A's licence is gone.
    const [licence] = await query<{ licence_id: string }>(
      'provisioning',
      `DELETE FROM licence WHERE contract_id = $1 RETURNING licence_id`,
      [a],
    );
    // 6. A dead letter nobody planted, and a planted one that never came.
    const never = `planted-${randomUUID()}`;

    const broken = await checkChaos(targets, {
      deals: sent,
      plantedDeadLetters: [...planted, { topic: Topics.invoices, eventId: never }],
      asOf,
    });
    const [, series, n] = /^([A-Z]+-\d{4})-(\d+)$/
      .exec(gone!.number)!
      .map((part, i) => (i === 2 ? Number(part) : part));
    expect(broken.documents.lost).toEqual([`${b} ${gone!.document_key}`]);
    expect(broken.documents.duplicated).toEqual([]);
    expect(broken.documents.unexpected).toEqual([`topic: ${gone!.number}`]);
    expect(broken.numbers.lost).toEqual([`${series}-${n}`]);
    expect(broken.numbers.gaps).toEqual([`${series} ${n}`]);
    // B's vanished invoice billed nothing of what its key owes; A's tampered correction one cent too much.
    expect(broken.scheduleMismatches).toHaveLength(2);
    expect(broken.scheduleMismatches).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^${b} line L1 ${gone!.document_key}: billed net 0, schedule net [1-9]`),
        ),
        expect.stringMatching(
          new RegExp(`^${a} line ${tampered!.charge} ${tampered!.key}: billed net -?\\d+, `),
        ),
      ]),
    );
    expect(broken.contracts.duplicated).toEqual([`${deals.e!.id}#1 in ${e}, ${copy}`]);
    expect(broken.contracts.lost.sort()).toEqual(
      [`invoicing: ${copy} v1`, `provisioning: ${copy} v1`, `topic: ${copy} v1`].sort(),
    );
    expect(broken.contracts.unexpected).toEqual([]);
    expect(broken.outboxUndrained).toEqual({ deals: 0, subscriptions: 0, invoicing: 0, provisioning: 1 });
    expect(broken.licences.lost).toEqual([a]);
    expect(broken.licences.unexpected).toEqual([`topic: ${licence!.licence_id}`]);
    expect(broken.licences.duplicated).toEqual([]);
    expect(broken.deadLetters).toEqual({
      planted: 2,
      found: 1,
      unplanned: [],
      plantedMissing: [`${Topics.invoices} ${never}`],
    });
    expect(broken.ok).toBe(false);

    // Forgetting the planted message makes its dead letters unplanned (the row and the dead-letter topic's message).
    const unplanned = await checkChaos(targets, { deals: sent, plantedDeadLetters: [], asOf });
    expect(unplanned.deadLetters.unplanned).toHaveLength(2);
    // A deal the driver never had accepted is unexpected; one it had accepted and nothing made is lost.
    const withGhost = await checkChaos(targets, {
      deals: [
        ...sent.filter((s) => s.dealId !== deals.c!.id),
        { dealId: 'ghost', revision: 1, kind: 'new', accountId: 'nobody', status: 202 },
      ],
      plantedDeadLetters: planted,
      asOf,
    });
    expect(withGhost.contracts.lost).toContain('ghost#1');
    expect(withGhost.contracts.unexpected).toEqual([`${deals.c!.id}#1 (never accepted)`]);
    // A deal the driver got no decision for may have made its version: neither lost nor unexpected.
    const withUnanswered = await checkChaos(targets, {
      deals: sent.map((s) => (s.dealId === deals.c!.id ? { ...s, status: 0 } : s)),
      plantedDeadLetters: planted,
      asOf,
    });
    expect(withUnanswered.contracts.unexpected).toEqual([]);
    expect(withUnanswered.contracts.uncertain).toEqual([`${deals.c!.id}#1`]);
  }, 120_000);
});
