import { type ServiceName } from '../gateway/upstreams';

// What the four services answer, as far as the timeline reads it (their OpenAPI documents in docs/api).
export interface DealAttempt {
  revision: number;
  source: 'webhook' | 'replay' | 'release';
  outcome: 'accepted' | 'rejected' | 'held' | 'duplicate' | 'unchanged';
  reasons: string[];
  at: string;
}
export interface DealDetail {
  dealId: string;
  revision: number;
  kind: string;
  status: 'accepted' | 'rejected' | 'held';
  accountId: string;
  contractId: string | null;
  reasons: string[];
  receivedAt: string;
  history: DealAttempt[];
}
export interface ContractVersion {
  version: number;
  eventType: string;
  source?: { kind: 'deal' | 'auto_renewal'; dealId?: string; revision?: number };
  effectiveDate?: string;
  recordedAt: string;
}
export interface ContractView {
  contractId: string;
  accountId: string;
  currency: string;
  status: string;
  term: { startDate: string; endDate: string };
  charges: { sku: string; catalog?: { provisioning?: { licenseProduct: string } } }[];
  versions: ContractVersion[];
}
export interface Money {
  amountMinor: string;
  currency: string;
}
export interface DocumentView {
  documentId: string;
  number: string;
  issueDate: string;
  dueDate?: string;
  accountId: string;
  contractId: string;
  total: Money;
  status: string;
  amountDueMinor?: string;
}
export interface EntitlementChange {
  contractId: string;
  product: string;
  kind: string;
  effectiveDate: string;
  appliedAsOf: string | null;
  event: { type: string; contractVersion: number };
  after?: { seats?: number; features?: string[] };
  licenseId: string;
  recordedAt: string;
}
export interface Delivery {
  id: string;
  contractId: string;
  product: string;
  type: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
export interface DeadLetter {
  id: string;
  type: string | null;
  key: string | null;
  error: string;
  attempts: number;
  deadLetteredAt: string;
}

export interface TimelineSources {
  deals: DealDetail[];
  contracts: ContractView[];
  invoices: DocumentView[];
  creditNotes: DocumentView[];
  entitlementChanges: EntitlementChange[];
  deliveries: Delivery[];
  deadLetters: { service: ServiceName; deadLetter: DeadLetter }[];
}

/** The steps of a deal's way, in the order it takes them. */
export const STAGES = [
  'webhook',
  'contract',
  'invoice',
  'credit_note',
  'licence',
  'delivery',
  'dead_letter',
] as const;
export type Stage = (typeof STAGES)[number];
/** done: went through; waiting: will go on by itself (a date, a payment, a retry); stuck: needs a person. */
export type Tone = 'done' | 'waiting' | 'stuck';

export interface Reason {
  /** The field of the deal as sent (`lines.0.sku`), when the reason names one. */
  field: string | null;
  message: string;
}

export interface TimelineEntry {
  stage: Stage;
  at: string;
  status: string;
  tone: Tone;
  title: string;
  detail?: string;
  reasons?: Reason[];
  /** What the entry is about, to open it: a deal id, contract id, document id, licence id. */
  ref?: { service: ServiceName; kind: string; id: string };
}

export interface Stuck {
  stage: Stage;
  since: string;
  reason: string;
}

export interface Timeline {
  entries: TimelineEntry[];
  stuck: Stuck | null;
}

/** `lines.0.sku: unknown SKU SEAT-X` is the field and the words; a reason without a path is words. */
export function reasonOf(text: string): Reason {
  const match = /^([A-Za-z0-9_.[\]-]+): (.+)$/s.exec(text);
  return match ? { field: match[1]!, message: match[2]! } : { field: null, message: text };
}

const SOURCE_WORDS: Record<DealAttempt['source'], string> = {
  webhook: 'received from the CRM',
  replay: 'replayed',
  release: 'released',
};
const OUTCOME_TONE: Record<DealAttempt['outcome'], Tone> = {
  accepted: 'done',
  duplicate: 'done',
  unchanged: 'done',
  held: 'waiting',
  rejected: 'stuck',
};

/** Minor units in the currency's major units, by string arithmetic (`714000` EUR is `7,140.00 EUR`). */
export function formatMinor(amountMinor: string, currency: string): string {
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
  } catch {
    // Not an ISO 4217 code Intl knows: two decimals, as most currencies.
  }
  const negative = amountMinor.startsWith('-');
  const plain = (negative ? amountMinor.slice(1) : amountMinor).padStart(digits + 1, '0');
  const major = plain.slice(0, plain.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const minor = digits > 0 ? `.${plain.slice(plain.length - digits)}` : '';
  return `${negative ? '-' : ''}${major}${minor} ${currency}`;
}

function money(value: Money): string {
  return formatMinor(value.amountMinor, value.currency);
}

function versionWords(version: ContractVersion): string {
  const kind = version.eventType.replace(/^o2c\.subscription\./, '').replace(/\.v\d+$/, '');
  const source =
    version.source?.kind === 'auto_renewal'
      ? 'automatic renewal'
      : version.source?.dealId
        ? `deal ${version.source.dealId}`
        : 'a change';
  return `${kind}, from ${source}${version.effectiveDate ? `, effective ${version.effectiveDate}` : ''}`;
}

/**
 * A deal's way through o2c from what the four services hold: each step with its time and status, in the order of
 * the stages, and the first place where it waits for a person (`stuck`). `today` (YYYY-MM-DD) tells a licence that
 * waits for its start date from one that is missing.
 */
export function buildTimeline(sources: TimelineSources, today: string): Timeline {
  const entries: TimelineEntry[] = [];
  for (const deal of sources.deals) {
    for (const attempt of deal.history) {
      entries.push({
        stage: 'webhook',
        at: attempt.at,
        status: attempt.outcome,
        tone: OUTCOME_TONE[attempt.outcome],
        title: `Deal ${deal.dealId} (revision ${attempt.revision}) ${SOURCE_WORDS[attempt.source]}: ${attempt.outcome}`,
        ...(attempt.reasons.length > 0 ? { reasons: attempt.reasons.map(reasonOf) } : {}),
        ref: { service: 'deals', kind: 'deal', id: deal.dealId },
      });
    }
  }
  for (const contract of sources.contracts) {
    for (const version of contract.versions) {
      entries.push({
        stage: 'contract',
        at: version.recordedAt,
        status: version.eventType.replace(/^o2c\.subscription\./, '').replace(/\.v\d+$/, ''),
        tone: 'done',
        title: `Contract ${contract.contractId} version ${version.version}`,
        detail: versionWords(version),
        ref: { service: 'subscriptions', kind: 'contract', id: contract.contractId },
      });
    }
  }
  for (const invoice of sources.invoices) {
    entries.push({
      stage: 'invoice',
      at: invoice.issueDate,
      status: invoice.status,
      tone: invoice.status === 'paid' ? 'done' : 'waiting',
      title: `Invoice ${invoice.number} issued ${invoice.issueDate}${invoice.dueDate ? `, due ${invoice.dueDate}` : ''}`,
      detail: `total ${money(invoice.total)}${
        invoice.amountDueMinor === undefined
          ? ''
          : `, ${formatMinor(invoice.amountDueMinor, invoice.total.currency)} still due`
      }`,
      ref: { service: 'invoicing', kind: 'invoice', id: invoice.documentId },
    });
  }
  for (const note of sources.creditNotes) {
    entries.push({
      stage: 'credit_note',
      at: note.issueDate,
      status: note.status,
      tone: 'done',
      title: `Credit note ${note.number} issued ${note.issueDate}`,
      detail: `total ${money(note.total)}`,
      ref: { service: 'invoicing', kind: 'credit_note', id: note.documentId },
    });
  }
  for (const change of sources.entitlementChanges) {
    const seats = change.after?.seats === undefined ? '' : `, ${change.after.seats} seats`;
    entries.push({
      stage: 'licence',
      at: change.recordedAt,
      status: change.kind,
      tone: 'done',
      title: `Licence ${change.licenseId}: ${change.product} ${change.kind}${seats}`,
      detail: `effective ${change.effectiveDate}, contract version ${change.event.contractVersion}`,
      ref: { service: 'provisioning', kind: 'licence', id: change.licenseId },
    });
  }
  for (const delivery of sources.deliveries) {
    entries.push({
      stage: 'delivery',
      at: delivery.deliveredAt ?? delivery.createdAt,
      status: delivery.status,
      tone: delivery.status === 'delivered' ? 'done' : delivery.status === 'dead' ? 'stuck' : 'waiting',
      title: `Webhook to the ${delivery.product} product: ${delivery.status}`,
      detail: `${delivery.type}, ${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}${
        delivery.lastError ? `, last error: ${delivery.lastError}` : ''
      }`,
      ref: { service: 'provisioning', kind: 'delivery', id: delivery.id },
    });
  }
  for (const { service, deadLetter } of sources.deadLetters) {
    entries.push({
      stage: 'dead_letter',
      at: deadLetter.deadLetteredAt,
      status: 'pending',
      tone: 'stuck',
      title: `${service} could not apply ${deadLetter.type ?? 'an event'} after ${deadLetter.attempts} attempts`,
      detail: deadLetter.error,
      ref: { service, kind: 'dead_letter', id: deadLetter.id },
    });
  }
  const order = (stage: Stage) => STAGES.indexOf(stage);
  entries.sort((a, b) => order(a.stage) - order(b.stage) || a.at.localeCompare(b.at));
  return { entries, stuck: stuckAt(sources, today) };
}

/** The first place, in the order of the stages, where the deal waits for a person, or null. */
function stuckAt(sources: TimelineSources, today: string): Stuck | null {
  for (const deal of sources.deals) {
    if (deal.status === 'accepted') continue;
    const last = deal.history.at(-1);
    return {
      stage: 'webhook',
      since: last?.at ?? deal.receivedAt,
      reason: `deal ${deal.dealId} is ${deal.status}: ${deal.reasons.join('; ')}`,
    };
  }
  const [firstDead] = sources.deadLetters;
  if (firstDead) {
    return {
      stage: 'dead_letter',
      since: firstDead.deadLetter.deadLetteredAt,
      reason: `${firstDead.service} could not apply ${firstDead.deadLetter.type ?? 'an event'}: ${firstDead.deadLetter.error}`,
    };
  }
  for (const deal of sources.deals) {
    const applied = sources.contracts.some((contract) =>
      contract.versions.some((version) => version.source?.dealId === deal.dealId),
    );
    if (!applied) {
      const accepted = deal.history.find((attempt) => attempt.outcome === 'accepted');
      return {
        stage: 'contract',
        since: accepted?.at ?? deal.receivedAt,
        reason: `subscriptions holds no contract version from deal ${deal.dealId} yet`,
      };
    }
  }
  for (const contract of sources.contracts) {
    const licensed = contract.charges.some((charge) => charge.catalog?.provisioning !== undefined);
    const started = contract.term.startDate <= today;
    const provisioned = sources.entitlementChanges.some(
      (change) => change.contractId === contract.contractId,
    );
    if (licensed && started && !provisioned) {
      return {
        stage: 'licence',
        since: contract.versions[0]?.recordedAt ?? contract.term.startDate,
        reason: `provisioning holds no licence for contract ${contract.contractId}, which started ${contract.term.startDate}`,
      };
    }
  }
  const dead = sources.deliveries.find((delivery) => delivery.status === 'dead');
  if (dead) {
    return {
      stage: 'delivery',
      since: dead.createdAt,
      reason: `the webhook to the ${dead.product} product gave up after ${dead.attempts} attempts: ${dead.lastError ?? ''}`,
    };
  }
  return null;
}
