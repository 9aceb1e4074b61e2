import { randomUUID } from 'node:crypto';
import { type ScheduledDocument, scheduleDocuments, withAutomaticRenewals, CalendarDate } from '@o2c/billing';
import {
  contractHistoryOf,
  deadLetterTopic,
  EventTypes,
  type SubscriptionEventData,
  type SubscriptionEventType,
  Topics,
} from '@o2c/contracts';
import { Fraction, minorUnitDecimals } from '@o2c/money';
import type { DatabaseLocation } from '@o2c/persistence';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

/**
 * The independent checker of `npm run chaos` (issue 14): after the storm, it reads the four databases and the
 * topics (never the services' own counters or APIs) and says, Jepsen-style, what was lost, duplicated or
 * unexpected. Its expectation comes from what the driver was answered and from the billing engine run on each
 * contract's history; it reuses no planning code of the services.
 */

export type ServiceDb = 'deals' | 'subscriptions' | 'invoicing' | 'provisioning';

export interface ChaosTargets {
  databases: Record<ServiceDb, DatabaseLocation>;
  /** Kafka bootstrap, e.g. ['127.0.0.1:9192']. */
  brokers: string[];
  /** Physical topic name of an o2c topic (TestTopics.topic). */
  topic: (name: string) => string;
  /** KAFKA_CONSUMER_GROUP of each service. */
  consumerGroups: Record<ServiceDb, string>;
}

/** One per deal id + revision the driver got a FINAL answer for. */
export interface SentDeal {
  dealId: string;
  revision: number;
  kind: 'new' | 'amendment' | 'renewal' | 'cancellation';
  accountId: string;
  /**
   * Final HTTP status: 202 accepted (or held), 200 same deal again, 422 rejected, 400…; a deal the driver gave up
   * on (5xx, or 0 for no answer) may or may not have made a version: it is neither lost nor unexpected.
   */
  status: number;
  contractId?: string;
  /** The 202 said `held` (an amendment waiting for the deal it amends). Optional: the deals database is read too. */
  held?: boolean;
}

export interface ChaosExpectations {
  deals: SentDeal[];
  /** Messages the driver put on a topic on purpose so that they dead-letter (topic: o2c or physical name). */
  plantedDeadLetters: { topic: string; eventId: string }[];
  /** YYYY-MM-DD: the as-of date of the last bill run, renewal run and provisioning run. */
  asOf: string;
}

export interface Tally {
  expected: number;
  found: number;
  lost: string[];
  duplicated: string[];
  unexpected: string[];
}

export interface ChaosCheck {
  contracts: Tally & {
    /** Accepted deals that the deals database still holds (waiting for what they amend): neither lost nor expected. */
    held: string[];
    /**
     * Deals whose last answer was no decision (a 5xx, or 0 for no answer at all) that made a version all the same:
     * neither expected nor unexpected. One that made nothing is not listed.
     */
    uncertain: string[];
    /** Automatic renewals: in the histories, and the ones the engine says the renewal run owed as of `asOf`. */
    autoRenewals: { expected: number; found: number };
  };
  documents: Tally;
  numbers: Tally & { gaps: string[] };
  licences: Tally & { mismatched: string[] };
  scheduleMismatches: string[];
  outboxUndrained: Record<string, number>;
  consumerLag: Record<string, number>;
  deadLetters: { planted: number; found: number; unplanned: string[]; plantedMissing: string[] };
  ok: boolean;
}

/** The topics each service's consumer group reads (its `@EventPattern` handlers' topics). */
export const CONSUMED_TOPICS: Record<ServiceDb, string[]> = {
  deals: [],
  subscriptions: [Topics.deals],
  invoicing: [Topics.subscriptions],
  provisioning: [Topics.subscriptions],
};

const SERVICES: readonly ServiceDb[] = ['deals', 'subscriptions', 'invoicing', 'provisioning'];

// ---------------------------------------------------------------------------------------------------------
// Reading

interface WireMessage {
  topic: string;
  partition: number;
  offset: string;
  key?: string;
  headers: Record<string, string>;
  value?: string;
}

/** Every message of `topics` (those that exist), from the beginning up to the high watermark read first. */
export async function readTopics(brokers: string[], topics: string[]): Promise<WireMessage[]> {
  const kafka = new Kafka({ clientId: 'o2c-chaos-checker', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [...new Set(topics)].filter((t) => existing.has(t));
    const remaining = new Map<string, bigint>();
    for (const topic of wanted) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(`${topic}/${p.partition}`, BigInt(p.high));
      }
    }
    if (remaining.size === 0) return [];
    const groupId = `o2c-chaos-checker-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    const messages: WireMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: wanted, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading topics: still waiting for ${[...remaining.keys()].join(', ')}`)),
          120_000,
        );
        consumer
          .run({
            autoCommit: false,
            eachMessage: ({ topic, partition, message }) => {
              const at = `${topic}/${partition}`;
              const high = remaining.get(at);
              if (high === undefined || BigInt(message.offset) >= high) return Promise.resolve();
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(message.headers ?? {})) {
                if (value !== undefined)
                  headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
              }
              messages.push({
                topic,
                partition,
                offset: message.offset,
                ...(message.key ? { key: message.key.toString() } : {}),
                headers,
                ...(message.value ? { value: message.value.toString() } : {}),
              });
              if (BigInt(message.offset) + 1n >= high) {
                remaining.delete(at);
                if (remaining.size === 0) {
                  clearTimeout(timer);
                  resolve();
                }
              }
              return Promise.resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return messages;
  } finally {
    await admin.disconnect();
  }
}

async function withClient<T>(location: DatabaseLocation, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: location.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Pure parts

/** `deal-1#2` */
export const dealKey = (dealId: string, revision: number): string => `${dealId}#${revision}`;

export interface StoredVersion {
  contractId: string;
  version: number;
  type: SubscriptionEventType;
  data: SubscriptionEventData;
}

/** The versions the latest version's history lists, in billing order (the contract as it stands). */
export function currentHistory(versions: readonly StoredVersion[]): StoredVersion[] | undefined {
  if (versions.length === 0) return [];
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  const latest = versions.reduce((max, v) => (v.version > max.version ? v : max));
  const refs = latest.data.history ?? Array.from({ length: latest.version }, (_, i) => i + 1);
  const out: StoredVersion[] = [];
  for (const ref of refs) {
    const v = byVersion.get(ref);
    if (!v) return undefined;
    out.push(v);
  }
  return out;
}

/** The change a version records: a deal (`id#revision`) or an automatic renewal (`auto-renewal:<term start>`). */
export function changeOf(data: SubscriptionEventData): { auto: boolean; key: string } {
  return data.source.kind === 'auto_renewal'
    ? { auto: true, key: `auto-renewal:${data.term.startDate}` }
    : { auto: false, key: dealKey(data.source.dealId!, data.source.revision!) };
}

/**
 * What a contract grants on `asOf`, per licence product (seats, sorted features), from the state of the term in
 * force on that day as its history ends: the recurring charges sold from a catalog entry with provisioning, each
 * by the segment that covers `asOf` (quantity 0 grants nothing). Nothing before the term starts, after it ends,
 * or from an immediate cancellation's date on.
 */
export function grantsOn(
  history: readonly StoredVersion[],
  asOf: string,
): Map<string, { seats: number; features: string[] }> {
  const perTerm = new Map<string, SubscriptionEventData>();
  for (const v of history) perTerm.set(v.data.term.startDate, v.data);
  const grants = new Map<string, { seats: number; features: Set<string> }>();
  const terms = [...perTerm.entries()].sort(([a], [b]) => a.localeCompare(b));
  const index = terms.findIndex(([start], i) => start <= asOf && asOf < (terms[i + 1]?.[0] ?? '9999-12-31'));
  const data = index < 0 ? undefined : terms[index]![1];
  if (data && asOf < data.term.endDate) {
    const endsOn = data.status === 'cancelled' ? (data.endsOn ?? data.cancellation?.date) : undefined;
    if (endsOn === undefined || asOf < endsOn) {
      for (const charge of data.charges) {
        const grant = charge.catalog.provisioning;
        if (!grant || charge.chargeType !== 'recurring') continue;
        for (const segment of charge.segments) {
          if (segment.quantity === 0 || !(segment.effectiveFrom <= asOf && asOf < segment.effectiveTo))
            continue;
          const g = grants.get(grant.licenseProduct) ?? { seats: 0, features: new Set<string>() };
          g.seats += segment.quantity * grant.seatsPerUnit;
          for (const f of grant.features) g.features.add(f);
          grants.set(grant.licenseProduct, g);
        }
      }
    }
  }
  return new Map([...grants].map(([p, g]) => [p, { seats: g.seats, features: [...g.features].sort() }]));
}

export interface IssuedDoc {
  contractId: string;
  documentId: string;
  key: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  lines: { dealLineId: string; amountMinor: bigint; exactMinor: string }[];
  corrects?: { documentKey: string; chargeId: string; exactMinor: string }[];
}

function parseExact(text: string): Fraction {
  const [n, d = '1'] = text.split('/');
  return Fraction.of(BigInt(n!), BigInt(d));
}

interface Net {
  rounded: bigint;
  exact: Fraction;
  /** Lines of the document itself (not of corrections). */
  lines: number;
}
function addNet(map: Map<string, Net>, key: string, rounded: bigint, exact: Fraction, lines: number): void {
  const was = map.get(key) ?? { rounded: 0n, exact: Fraction.ZERO, lines: 0 };
  map.set(key, { rounded: was.rounded + rounded, exact: was.exact.add(exact), lines: was.lines + lines });
}

/**
 * One contract's documents against its schedule: which scheduled documents due on `asOf` are missing, which
 * issued ones the schedule does not call for, and, per document key and deal line, the net billed (invoices −
 * credit notes, before tax, corrections counted on the key they correct) against what the schedule bills for that
 * key: the exact amounts must agree, and the rounded ones too, unless the key was never corrected and the engine
 * now cuts its line into other pieces (the same exact sum, other roundings: billing rules §5, left alone).
 */
export function compareDocuments(
  contractId: string,
  schedule: readonly ScheduledDocument[],
  issued: readonly IssuedDoc[],
  asOf: string,
): { expected: string[]; lost: string[]; duplicated: string[]; unexpected: string[]; mismatches: string[] } {
  const id = (key: string) => `${contractId} ${key}`;
  const scheduledKeys = new Map(schedule.map((d) => [d.key, d]));
  const issuedByKey = new Map<string, IssuedDoc[]>();
  for (const d of issued) issuedByKey.set(d.key, [...(issuedByKey.get(d.key) ?? []), d]);
  const correctedKeys = new Set(issued.flatMap((d) => (d.corrects ?? []).map((c) => c.documentKey)));
  const expected = schedule.filter((d) => d.date.toString() <= asOf).map((d) => id(d.key));
  const lost = schedule
    .filter((d) => d.date.toString() <= asOf && !issuedByKey.has(d.key))
    .map((d) => id(d.key));
  const duplicated = [...issuedByKey]
    .filter(([, docs]) => docs.length > 1)
    .map(([key, docs]) => `${id(key)} ×${docs.length}`);
  const unexpected = [...issuedByKey.keys()]
    .filter((key) => !scheduledKeys.has(key) && !key.startsWith('correction:') && !correctedKeys.has(key))
    .map(id);

  // Per document key and deal line: what the issued documents (corrections counted on the key they correct) bill,
  // against what the schedule's document of that key bills.
  const billed = new Map<string, Net>();
  const corrected = new Set<string>();
  for (const d of issued) {
    const sign = d.kind === 'invoice' ? 1n : -1n;
    d.lines.forEach((line, i) => {
      const correction = d.corrects?.[i];
      const at = `${correction?.documentKey ?? d.key}|${correction?.chargeId ?? line.dealLineId}`;
      if (correction) corrected.add(at);
      addNet(
        billed,
        at,
        sign * line.amountMinor,
        correction
          ? parseExact(correction.exactMinor)
          : parseExact(line.exactMinor).mul(Fraction.fromInteger(sign)),
        correction ? 0 : 1,
      );
    });
  }
  const owed = new Map<string, Net>();
  for (const d of schedule) {
    if (!(issuedByKey.has(d.key) || d.date.toString() <= asOf)) continue;
    const sign = d.kind === 'invoice' ? 1n : -1n;
    const scale = Fraction.fromInteger(10n ** BigInt(minorUnitDecimals(d.currency)));
    for (const line of d.lines) {
      addNet(
        owed,
        `${d.key}|${line.chargeId}`,
        sign * line.amountMinor,
        line.explanation.exactAmount.mul(scale).mul(Fraction.fromInteger(sign)),
        1,
      );
    }
  }
  const mismatches: string[] = [];
  for (const at of [...new Set([...billed.keys(), ...owed.keys()])].sort()) {
    const was = billed.get(at) ?? { rounded: 0n, exact: Fraction.ZERO, lines: 0 };
    const is = owed.get(at) ?? { rounded: 0n, exact: Fraction.ZERO, lines: 0 };
    // The exact amounts always agree once corrections are issued. The rounded ones may differ only where the engine
    // now cuts an uncorrected document's line into other pieces (same exact sum, other roundings: billing rules §5).
    const recut = !corrected.has(at) && was.lines !== is.lines;
    if (!was.exact.equals(is.exact) || (was.rounded !== is.rounded && !recut)) {
      const [key, line] = at.split('|');
      mismatches.push(
        `${contractId} line ${line} ${key}: billed net ${was.rounded}, schedule net ${is.rounded}` +
          (was.exact.equals(is.exact) ? '' : ` (exact ${was.exact.toString()} vs ${is.exact.toString()})`),
      );
    }
  }
  return { expected, lost, duplicated, unexpected, mismatches };
}

/** Numbers `1..last` of a series that are missing, as ranges (`INV-2026 3..5`). */
export function gapsOf(series: string, last: number, present: ReadonlySet<number>): string[] {
  const gaps: string[] = [];
  let start: number | undefined;
  for (let n = 1; n <= last + 1; n++) {
    const missing = n <= last && !present.has(n);
    if (missing && start === undefined) start = n;
    if (!missing && start !== undefined) {
      gaps.push(start === n - 1 ? `${series} ${start}` : `${series} ${start}..${n - 1}`);
      start = undefined;
    }
  }
  return gaps;
}

// ---------------------------------------------------------------------------------------------------------
// The check

function tally(): Tally {
  return { expected: 0, found: 0, lost: [], duplicated: [], unexpected: [] };
}

function parseData(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export async function checkChaos(
  targets: ChaosTargets,
  expectations: ChaosExpectations,
): Promise<ChaosCheck> {
  const { asOf } = expectations;
  const db = targets.databases;

  // --- reads
  const subscriptionRows = await withClient(db.subscriptions, async (c) =>
    (
      await c.query<{
        contract_id: string;
        version: number;
        event_type: SubscriptionEventType;
        event_data: SubscriptionEventData;
      }>(
        `SELECT contract_id, version, event_type, event_data FROM contract_version ORDER BY contract_id, version`,
      )
    ).rows.map((r): StoredVersion => ({
      contractId: r.contract_id,
      version: r.version,
      type: r.event_type,
      data: r.event_data,
    })),
  );
  const dealStatus = await withClient(db.deals, async (c) => {
    const rows = (
      await c.query<{ deal_id: string; revision: number; status: string }>(
        `SELECT deal_id, revision, status FROM deal`,
      )
    ).rows;
    return new Map(rows.map((r) => [dealKey(r.deal_id, r.revision), r.status]));
  });
  const invoicing = await withClient(db.invoicing, async (c) => ({
    versions: (
      await c.query<{ contract_id: string; version: number; event_data: unknown }>(
        `SELECT contract_id, version, event_data FROM contract_version`,
      )
    ).rows,
    documents: (
      await c.query<{
        contract_id: string;
        document_id: string;
        document_key: string;
        number: string;
        kind: 'invoice' | 'credit_note';
        lines: {
          dealLineId: string;
          amount: { amountMinor: string };
          explanation: { exactAmountMinor: string };
        }[];
        corrects: IssuedDoc['corrects'] | null;
      }>(
        `SELECT contract_id, document_id, document_key, number, kind, data->'lines' AS lines, corrects
           FROM document ORDER BY contract_id, document_id`,
      )
    ).rows.map((r): IssuedDoc => ({
      contractId: r.contract_id,
      documentId: r.document_id,
      key: r.document_key,
      number: r.number,
      kind: r.kind,
      lines: r.lines.map((l) => ({
        dealLineId: l.dealLineId,
        amountMinor: BigInt(l.amount.amountMinor),
        exactMinor: l.explanation.exactAmountMinor,
      })),
      ...(r.corrects ? { corrects: r.corrects } : {}),
    })),
    series: (
      await c.query<{ issuing_entity: string; prefix: string; year: number; last_number: number }>(
        `SELECT issuing_entity, prefix, year, last_number FROM document_number`,
      )
    ).rows,
  }));
  const provisioning = await withClient(db.provisioning, async (c) => ({
    versions: (
      await c.query<{ contract_id: string; version: number; data: unknown }>(
        `SELECT contract_id, version, data FROM contract_version`,
      )
    ).rows,
    licences: (
      await c.query<{ licence_id: string; contract_id: string; status: string }>(
        `SELECT licence_id, contract_id, status FROM licence`,
      )
    ).rows,
    entitlements: (
      await c.query<{ contract_id: string; product: string; seats: number; features: string[] }>(
        `SELECT contract_id, product, seats, features FROM entitlement`,
      )
    ).rows,
  }));
  const outboxUndrained: Record<string, number> = {};
  const deadLetterRows: {
    service: ServiceDb;
    group: string;
    topic: string;
    eventId: string | null;
    at: string;
  }[] = [];
  for (const service of SERVICES) {
    await withClient(db[service], async (c) => {
      outboxUndrained[service] = Number(
        (await c.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`)).rows[0]!
          .n,
      );
      for (const r of (
        await c.query<{
          consumer_group: string;
          topic: string;
          partition: number;
          offset: string;
          event_id: string | null;
        }>(`SELECT consumer_group, topic, partition, "offset", event_id FROM dead_letter`)
      ).rows) {
        deadLetterRows.push({
          service,
          group: r.consumer_group,
          topic: r.topic,
          eventId: r.event_id,
          at: `${r.topic}/${r.partition}@${r.offset}`,
        });
      }
    });
  }
  const dlqTopics = SERVICES.flatMap((s) =>
    CONSUMED_TOPICS[s].map((t) => deadLetterTopic(targets.topic(t), targets.consumerGroups[s])),
  );
  const wire = await readTopics(targets.brokers, [
    targets.topic(Topics.subscriptions),
    targets.topic(Topics.invoices),
    targets.topic(Topics.licenses),
    ...dlqTopics,
  ]);
  const onTopic = (name: string) => wire.filter((m) => m.topic === targets.topic(name));

  // --- 1. contracts
  const contracts: ChaosCheck['contracts'] = {
    ...tally(),
    held: [],
    uncertain: [],
    autoRenewals: { expected: 0, found: 0 },
  };
  const scheduleMismatches: string[] = [];
  const byContract = new Map<string, StoredVersion[]>();
  for (const v of subscriptionRows)
    byContract.set(v.contractId, [...(byContract.get(v.contractId) ?? []), v]);
  const histories = new Map<string, StoredVersion[]>();
  const seen = new Map<string, string[]>(); // deal key → contracts (one entry per history occurrence)
  for (const [contractId, versions] of byContract) {
    const history = currentHistory(versions);
    if (history === undefined) {
      scheduleMismatches.push(
        `${contractId}: its latest version lists a version subscriptions does not hold`,
      );
      continue;
    }
    histories.set(contractId, history);
    const autos = new Map<string, number>();
    for (const v of history) {
      const change = changeOf(v.data);
      contracts.found++;
      if (change.auto) {
        contracts.autoRenewals.found++;
        autos.set(change.key, (autos.get(change.key) ?? 0) + 1);
      } else seen.set(change.key, [...(seen.get(change.key) ?? []), contractId]);
    }
    for (const [key, n] of autos) if (n > 1) contracts.duplicated.push(`${contractId} ${key} ×${n}`);
    // The renewal run as of asOf owes every automatic renewal of a term that ended on or before it.
    const engine = contractHistoryOf(history.map((v) => ({ type: v.type, data: v.data })));
    if (engine && engine.length > 0) {
      const owed = withAutomaticRenewals(engine, CalendarDate.parse(asOf)).length - engine.length;
      contracts.autoRenewals.expected += autos.size + owed;
      for (let i = 0; i < owed; i++)
        contracts.lost.push(`${contractId} automatic renewal ${i + 1} of ${owed}`);
    }
  }
  const accepted = new Map<string, SentDeal>();
  const uncertain = new Set<string>();
  for (const deal of expectations.deals) {
    const key = dealKey(deal.dealId, deal.revision);
    if (deal.status === 200 || deal.status === 202) accepted.set(key, deal);
    else if (deal.status < 400 || deal.status >= 500) uncertain.add(key);
  }
  for (const [key, deal] of accepted) {
    const status = dealStatus.get(key);
    const where = seen.get(key) ?? [];
    if ((deal.held || status === 'held') && where.length === 0 && status !== 'accepted') {
      contracts.held.push(key);
      continue;
    }
    contracts.expected++;
    if (where.length === 0) contracts.lost.push(key);
    else if (where.length > 1) contracts.duplicated.push(`${key} in ${where.join(', ')}`);
    else if (deal.contractId !== undefined && deal.contractId !== where[0])
      contracts.unexpected.push(`${key} in ${where[0]}, answered ${deal.contractId}`);
  }
  contracts.expected += contracts.autoRenewals.expected;
  for (const key of seen.keys()) {
    if (accepted.has(key)) continue;
    if (uncertain.has(key)) contracts.uncertain.push(key);
    else contracts.unexpected.push(`${key} (never accepted)`);
  }

  // Copies of the versions in invoicing and provisioning, and the versions on the subscriptions topic.
  const versionId = (contractId: string, version: number) => `${contractId} v${version}`;
  const canonical = new Map(
    subscriptionRows.map((v) => [versionId(v.contractId, v.version), JSON.stringify(v.data)]),
  );
  for (const [service, rows] of [
    [
      'invoicing',
      invoicing.versions.map((r) => ({ id: versionId(r.contract_id, r.version), data: r.event_data })),
    ],
    [
      'provisioning',
      provisioning.versions.map((r) => ({ id: versionId(r.contract_id, r.version), data: r.data })),
    ],
  ] as const) {
    const held = new Map(rows.map((r) => [r.id, r.data]));
    for (const id of canonical.keys()) if (!held.has(id)) contracts.lost.push(`${service}: ${id}`);
    for (const [id, data] of held) {
      const own = canonical.get(id);
      if (own === undefined) contracts.unexpected.push(`${service}: ${id}`);
      else if (!sameJson(own, data))
        contracts.unexpected.push(`${service}: ${id} differs from subscriptions'`);
    }
  }
  const wireVersions = new Map<string, Set<string>>();
  for (const m of onTopic(Topics.subscriptions)) {
    const data = parseData(m.value) as SubscriptionEventData | undefined;
    if (!data?.contractId) continue;
    const id = versionId(data.contractId, data.version);
    wireVersions.set(
      id,
      (wireVersions.get(id) ?? new Set()).add(m.headers.ce_id ?? `${m.partition}@${m.offset}`),
    );
  }
  for (const id of canonical.keys()) if (!wireVersions.has(id)) contracts.lost.push(`topic: ${id}`);
  for (const [id, events] of wireVersions) {
    if (!canonical.has(id)) contracts.unexpected.push(`topic: ${id}`);
    if (events.size > 1) contracts.duplicated.push(`topic: ${id} in ${events.size} events`);
  }

  // --- 2. documents
  const documents = tally();
  documents.found = invoicing.documents.length;
  const issuedByContract = new Map<string, IssuedDoc[]>();
  for (const d of invoicing.documents)
    issuedByContract.set(d.contractId, [...(issuedByContract.get(d.contractId) ?? []), d]);
  for (const [contractId, issued] of issuedByContract) {
    if (!byContract.has(contractId))
      documents.unexpected.push(...issued.map((d) => `${contractId} ${d.key} (unknown contract)`));
  }
  for (const [contractId, history] of histories) {
    const engine = contractHistoryOf(history.map((v) => ({ type: v.type, data: v.data })));
    if (!engine) continue;
    const outcome = compareDocuments(
      contractId,
      scheduleDocuments(engine),
      issuedByContract.get(contractId) ?? [],
      asOf,
    );
    documents.expected += outcome.expected.length;
    documents.lost.push(...outcome.lost);
    documents.duplicated.push(...outcome.duplicated);
    documents.unexpected.push(...outcome.unexpected);
    scheduleMismatches.push(...outcome.mismatches);
  }
  const numberEvents = new Map<string, Set<string>>();
  for (const m of onTopic(Topics.invoices)) {
    const type = m.headers.ce_type;
    if (type !== EventTypes.invoiceIssued && type !== EventTypes.creditNoteIssued) continue;
    const data = parseData(m.value) as { number?: string } | undefined;
    if (!data?.number) continue;
    numberEvents.set(
      data.number,
      (numberEvents.get(data.number) ?? new Set()).add(m.headers.ce_id ?? `${m.partition}@${m.offset}`),
    );
  }
  const issuedNumbers = new Set(invoicing.documents.map((d) => d.number));
  for (const n of issuedNumbers) if (!numberEvents.has(n)) documents.lost.push(`topic: ${n}`);
  for (const [n, events] of numberEvents) {
    if (!issuedNumbers.has(n)) documents.unexpected.push(`topic: ${n}`);
    if (events.size > 1) documents.duplicated.push(`topic: ${n} in ${events.size} events`);
  }

  // --- 3. numbers
  const numbers: ChaosCheck['numbers'] = { ...tally(), gaps: [] };
  const present = new Map<string, Map<number, number>>();
  for (const d of invoicing.documents) {
    const match = /^([A-Z]+)-(\d{4})-(\d+)$/.exec(d.number);
    if (!match) {
      numbers.unexpected.push(d.number);
      continue;
    }
    const series = `${match[1]}-${match[2]}`;
    const counts = present.get(series) ?? new Map<number, number>();
    counts.set(Number(match[3]), (counts.get(Number(match[3])) ?? 0) + 1);
    present.set(series, counts);
  }
  numbers.found = invoicing.documents.length;
  const lastOf = new Map<string, number>();
  for (const s of invoicing.series) {
    const series = `${s.prefix}-${s.year}`;
    lastOf.set(series, Math.max(lastOf.get(series) ?? 0, s.last_number));
  }
  for (const [series, counts] of present) {
    const last = lastOf.get(series);
    for (const [n, count] of counts) {
      if (last === undefined || n > last) numbers.unexpected.push(`${series}-${n}`);
      if (count > 1) numbers.duplicated.push(`${series}-${n} ×${count}`);
    }
  }
  for (const [series, last] of lastOf) {
    numbers.expected += last;
    const counts = present.get(series) ?? new Map<number, number>();
    const gaps = gapsOf(series, last, new Set(counts.keys()));
    numbers.gaps.push(...gaps);
    for (let n = 1; n <= last; n++) if (!counts.has(n)) numbers.lost.push(`${series}-${n}`);
  }

  // --- 4. licences
  const licences: ChaosCheck['licences'] = { ...tally(), mismatched: [] };
  const active = new Map<string, string[]>();
  for (const l of provisioning.licences) {
    if (l.status === 'active')
      active.set(l.contract_id, [...(active.get(l.contract_id) ?? []), l.licence_id]);
  }
  licences.found = [...active.values()].reduce((n, ids) => n + ids.length, 0);
  const entitlementsOf = new Map<string, Map<string, { seats: number; features: string[] }>>();
  for (const e of provisioning.entitlements) {
    const map = entitlementsOf.get(e.contract_id) ?? new Map<string, { seats: number; features: string[] }>();
    map.set(e.product, { seats: e.seats, features: [...e.features].sort() });
    entitlementsOf.set(e.contract_id, map);
  }
  for (const [contractId, history] of histories) {
    const grants = grantsOn(history, asOf);
    const ids = active.get(contractId) ?? [];
    if (grants.size > 0) {
      licences.expected++;
      if (ids.length === 0) licences.lost.push(contractId);
    } else if (ids.length > 0) licences.unexpected.push(`${contractId} (grants nothing on ${asOf})`);
    if (ids.length > 1) licences.duplicated.push(`${contractId}: ${ids.join(', ')}`);
    const held = entitlementsOf.get(contractId) ?? new Map<string, { seats: number; features: string[] }>();
    const want = JSON.stringify([...grants].sort(([a], [b]) => a.localeCompare(b)));
    const have = JSON.stringify([...held].sort(([a], [b]) => a.localeCompare(b)));
    if (want !== have) licences.mismatched.push(`${contractId}: entitlements ${have}, engine ${want}`);
  }
  for (const contractId of active.keys())
    if (!byContract.has(contractId)) licences.unexpected.push(`${contractId} (unknown contract)`);
  for (const contractId of entitlementsOf.keys())
    if (!byContract.has(contractId))
      licences.unexpected.push(`${contractId} entitlements (unknown contract)`);
  const licenceEvents = new Map<string, { provisioned: Set<string>; revoked: Set<string>; last?: string }>();
  for (const m of onTopic(Topics.licenses)) {
    const data = parseData(m.value) as { licenseId?: string } | undefined;
    if (!data?.licenseId) continue;
    const entry = licenceEvents.get(data.licenseId) ?? { provisioned: new Set(), revoked: new Set() };
    const id = m.headers.ce_id ?? `${m.partition}@${m.offset}`;
    if (m.headers.ce_type === EventTypes.licenseProvisioned) entry.provisioned.add(id);
    if (m.headers.ce_type === EventTypes.licenseRevoked) entry.revoked.add(id);
    entry.last = m.headers.ce_type;
    licenceEvents.set(data.licenseId, entry);
  }
  for (const l of provisioning.licences) {
    const events = licenceEvents.get(l.licence_id);
    if (!events || events.provisioned.size === 0) licences.lost.push(`topic: ${l.licence_id} provisioned`);
    else if (events.provisioned.size > 1)
      licences.duplicated.push(`topic: ${l.licence_id} provisioned ×${events.provisioned.size}`);
    if (events && events.revoked.size > 1)
      licences.duplicated.push(`topic: ${l.licence_id} revoked ×${events.revoked.size}`);
    const revokedOnWire = events?.last === EventTypes.licenseRevoked;
    if (events && revokedOnWire !== (l.status === 'revoked'))
      licences.mismatched.push(`${l.licence_id}: ${l.status}, last event ${events.last}`);
  }
  const known = new Set(provisioning.licences.map((l) => l.licence_id));
  for (const id of licenceEvents.keys()) if (!known.has(id)) licences.unexpected.push(`topic: ${id}`);

  // --- 5. outboxes, lag, dead letters
  const consumerLag = await consumerLagOf(targets);

  const planted = expectations.plantedDeadLetters;
  const isPlanted = (topic: string, eventId: string | null | undefined) =>
    eventId != null &&
    planted.some((p) => p.eventId === eventId && (p.topic === topic || targets.topic(p.topic) === topic));
  const deadLetters: ChaosCheck['deadLetters'] = {
    planted: planted.length,
    found: 0,
    unplanned: [],
    plantedMissing: [],
  };
  for (const row of deadLetterRows) {
    if (!isPlanted(row.topic, row.eventId))
      deadLetters.unplanned.push(`${row.service} ${row.group} ${row.at} ${row.eventId ?? ''}`);
  }
  const dlqMessages = wire.filter((m) => dlqTopics.includes(m.topic));
  for (const m of dlqMessages) {
    if (!isPlanted(m.headers['o2c-original-topic'] ?? '', m.headers.ce_id))
      deadLetters.unplanned.push(`${m.topic}/${m.partition}@${m.offset} ${m.headers.ce_id ?? ''}`);
  }
  for (const p of planted) {
    const matches = (topic: string) => p.topic === topic || targets.topic(p.topic) === topic;
    const inTable = deadLetterRows.some((r) => r.eventId === p.eventId && matches(r.topic));
    const onWire = dlqMessages.some(
      (m) => m.headers.ce_id === p.eventId && matches(m.headers['o2c-original-topic'] ?? ''),
    );
    if (inTable) deadLetters.found++;
    if (!inTable || !onWire)
      deadLetters.plantedMissing.push(
        `${p.topic} ${p.eventId}${inTable ? ' (not on a dead-letter topic)' : ''}`,
      );
  }

  const ok =
    [contracts, documents, numbers, licences].every(
      (t) => t.lost.length + t.duplicated.length + t.unexpected.length === 0,
    ) &&
    numbers.gaps.length === 0 &&
    licences.mismatched.length === 0 &&
    scheduleMismatches.length === 0 &&
    Object.values(outboxUndrained).every((n) => n === 0) &&
    Object.values(consumerLag).every((n) => n === 0) &&
    deadLetters.unplanned.length === 0 &&
    deadLetters.plantedMissing.length === 0;
  return {
    contracts,
    documents,
    numbers,
    licences,
    scheduleMismatches,
    outboxUndrained,
    consumerLag,
    deadLetters,
    ok,
  };
}

function sameJson(canonical: string, other: unknown): boolean {
  return canonical === JSON.stringify(other) || deepEqual(JSON.parse(canonical), other);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join() !== kb.join()) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Every list of findings of a check, by name (all empty when nothing was found). */
export function findings(check: ChaosCheck): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const name of ['contracts', 'documents', 'numbers', 'licences'] as const) {
    const t: Tally & { gaps?: string[]; mismatched?: string[]; held?: string[] } = check[name];
    for (const kind of ['lost', 'duplicated', 'unexpected', 'gaps', 'mismatched', 'held'] as const) {
      const list = t[kind];
      if (list !== undefined) lists[`${name}.${kind}`] = list;
    }
  }
  lists.scheduleMismatches = check.scheduleMismatches;
  lists['deadLetters.unplanned'] = check.deadLetters.unplanned;
  lists['deadLetters.plantedMissing'] = check.deadLetters.plantedMissing;
  lists.outboxUndrained = Object.entries(check.outboxUndrained).flatMap(([s, n]) =>
    n === 0 ? [] : [`${s}: ${n}`],
  );
  lists.consumerLag = Object.entries(check.consumerLag).flatMap(([g, n]) => (n === 0 ? [] : [`${g}: ${n}`]));
  return lists;
}

/** A short view of a check for a report: each list cut to its first `limit` entries, with its exact count. */
export function summarize(check: ChaosCheck, limit = 20): unknown {
  return JSON.parse(
    JSON.stringify(check, (_key, value: unknown) =>
      Array.isArray(value) && value.length > limit && value.every((v) => typeof v === 'string')
        ? [...value.slice(0, limit), `… ${value.length - limit} more (${value.length} in all)`]
        : value,
    ),
  );
}

/** Per consumer group: the messages of the topics it reads past its committed offset (from the low watermark). */
export async function consumerLagOf(targets: ChaosTargets): Promise<Record<string, number>> {
  const consumerLag: Record<string, number> = {};
  const kafka = new Kafka({
    clientId: 'o2c-chaos-checker',
    brokers: targets.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const service of SERVICES) {
      const groupId = targets.consumerGroups[service];
      const topics = CONSUMED_TOPICS[service].map((t) => targets.topic(t));
      let lag = 0n;
      if (topics.length > 0) {
        const committed = await admin.fetchOffsets({ groupId, topics });
        for (const topic of topics) {
          const ends = await admin.fetchTopicOffsets(topic);
          const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
          for (const end of ends) {
            const at = BigInt(mine.find((p) => p.partition === end.partition)?.offset ?? '-1');
            const from = at < BigInt(end.low) ? BigInt(end.low) : at;
            if (BigInt(end.high) > from) lag += BigInt(end.high) - from;
          }
        }
      }
      consumerLag[groupId] = Number(lag);
    }
  } finally {
    await admin.disconnect();
  }
  return consumerLag;
}
