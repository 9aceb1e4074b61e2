import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import {
  addDays,
  applyTax,
  type CalendarDate,
  type ContractVersion,
  type ScheduledDocument,
  regularKeyDate,
  scheduleDocuments,
  type TaxRates,
  type TaxTreatment,
  taxTreatment,
} from '@o2c/billing';
import {
  type BuyerV1,
  contractHistoryOf,
  type CreditNoteIssuedV1,
  EventTypes,
  type InvoiceIssuedV1,
  type SellerV1,
} from '@o2c/contracts';
import { Outbox, type OutgoingEvent } from '@o2c/messaging';
import { SERVICE_ENV } from '@o2c/platform';
import { type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { type InvoicingEnv } from '../../../../config/env.schema';
import { type CorrectedCharge, type CorrectionLine, correctionsOf } from '../../domain/corrections';
import {
  type ChargeLabel,
  correctionDocumentOf,
  type IssueContext,
  issuedDocumentOf,
} from '../../domain/issued-document';
import { invoicePaidEvent, statusAfter } from '../../domain/settlement';
import {
  type DocumentRow,
  InvoicingRepository,
  type IssuedRow,
  type StoredContractVersion,
} from '../../infra/invoicing.repository';
import { SettlementRepository } from '../../infra/settlement.repository';
import { TAX_RATES } from '../../infra/tax-rates.provider';

export interface IssuedDocument {
  documentId: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  issueDate: string;
  contractId: string;
}

/** A contract's documents cannot be issued (missing customer data, unknown tax country…); retrying will not help. */
export class CannotIssueError extends Error {
  override name = 'CannotIssueError';
}

/** A document to issue: one of the schedule, or a correction of documents issued before a backdated change. */
type Pending =
  | { source: 'schedule'; key: string; date: CalendarDate; document: ScheduledDocument }
  | {
      source: 'correction';
      key: string;
      date: CalendarDate;
      kind: 'invoice' | 'credit_note';
      lines: CorrectionLine[];
    };

/** A document as `store` takes it. */
interface DocumentToStore {
  documentId: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  key: string;
  issueDate: string;
  dueDate?: string;
  currency: string;
  totalMinor: bigint;
  data: InvoiceIssuedV1 | CreditNoteIssuedV1;
  corrects?: CorrectedCharge[];
  billRunId?: string;
}

/** What a contract has to issue (`IssueDueDocumentsHandler.plan`). */
export interface IssuePlan {
  readonly contractId: string;
  readonly parties: Parties;
  /** The change accepted last: corrections are dated on it. */
  readonly latest: ContractVersion;
  /** Every document not issued yet, in date order, due or not. */
  readonly pending: readonly Pending[];
  /** What is issued, by document key. */
  readonly issued: Map<string, IssuedRow>;
}

interface Parties {
  contractId: string;
  accountId: string;
  buyer: BuyerV1;
  seller: SellerV1;
  charges: ReadonlyMap<string, ChargeLabel>;
  tax: TaxTreatment;
  currency: string;
}

/**
 * Issues every document of a contract's schedule dated on or before `asOf` that is not issued yet, and the
 * correcting documents of a change that arrived after documents it affects were issued (billing rules §5), in
 * date order, each with the next gapless number, tax, and its event in the outbox, all in the caller's
 * transaction. A credit note is allocated to the invoices it credits, which may settle them. The contract is
 * locked first, so concurrent runs never issue one document twice; a document key is issued once for ever
 * (billing rules §9).
 */
@Injectable()
export class IssueDueDocumentsHandler {
  constructor(
    private readonly repository: InvoicingRepository,
    private readonly settlement: SettlementRepository,
    private readonly outbox: Outbox,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: InvoicingEnv,
    @Inject(TAX_RATES) private readonly rates: TaxRates,
  ) {}

  async execute(
    manager: EntityManager,
    contractId: string,
    asOf: CalendarDate,
    billRunId?: string,
    /**
     * The contract is locked by the caller already, and here are its versions and, when it read them too, its
     * issued documents (a bill run's chunk reads both for its contracts together; a new version's consumer has
     * just read the versions).
     */
    known?: { versions: StoredContractVersion[]; issued?: IssuedRow[] },
  ): Promise<IssuedDocument[]> {
    if (!known) await this.repository.lockContract(manager, contractId);
    const stored = known?.versions ?? (await this.repository.versions(manager, contractId));
    if (stored.length === 0) return [];
    const plan = this.plan(
      contractId,
      stored,
      known?.issued ?? (await this.repository.issued(manager, contractId)),
      asOf,
    );
    if (plan === undefined) return [];
    const { parties, latest, pending, issued } = plan;
    const done: IssuedDocument[] = [];
    for (const next of pending) {
      if (next.date.isAfter(asOf)) continue;
      const row =
        next.source === 'schedule'
          ? await this.issueScheduled(manager, next.document, parties, issued, billRunId)
          : await this.issueCorrection(
              manager,
              next,
              { ...parties, dealId: latest.change.id, contractVersion: latest.version },
              addDays(next.date, latest.term.paymentTermsDays),
              billRunId,
            );
      issued.set(next.key, row);
      done.push({
        documentId: row.documentId,
        number: row.number,
        kind: row.kind,
        issueDate: next.date.toString(),
        contractId,
      });
    }
    const nextDate = pending.find((candidate) => !issued.has(candidate.key))?.date;
    await this.repository.setNextDocumentDate(manager, contractId, nextDate?.toString());
    return done;
  }

  /**
   * What a contract has to issue, worked out from what it stored, writing nothing; undefined when it has nothing
   * to issue yet (a change dated before others restates them, one event each: bill once the last of them is here).
   * Throws `CannotIssueError` when its documents cannot be issued. Its schedule reaches `asOf` (or the latest
   * regular invoice issued, when later) and the next document after it, not the whole term.
   */
  plan(
    contractId: string,
    stored: StoredContractVersion[],
    issuedRows: IssuedRow[],
    asOf: CalendarDate,
  ): IssuePlan | undefined {
    const last = stored.at(-1)!.data;
    const account = last.account;
    if (!account) throw new CannotIssueError(`contract ${contractId} names no customer account details`);
    const history = contractHistoryOf(
      stored.map((version) => ({ type: version.eventType, data: version.data })),
    );
    if (history === undefined) return undefined;
    const charges = new Map<string, ChargeLabel>();
    for (const version of stored) {
      for (const charge of version.data.charges) {
        charges.set(charge.dealLineId, { chargeId: charge.chargeId, name: charge.catalog.name });
      }
    }
    const seller = {
      name: this.env.SELLER_NAME,
      country: this.env.SELLER_COUNTRY,
      ...(this.env.SELLER_TAX_ID ? { taxId: this.env.SELLER_TAX_ID } : {}),
    };
    const buyer = {
      name: account.name,
      country: account.country,
      ...(account.taxId ? { taxId: account.taxId } : {}),
      ...(account.billingEmail ? { billingEmail: account.billingEmail } : {}),
    };
    let tax;
    try {
      tax = taxTreatment(seller, buyer, this.rates);
    } catch (error) {
      throw new CannotIssueError(error instanceof Error ? error.message : String(error));
    }
    const parties: Parties = {
      contractId,
      accountId: last.accountId,
      buyer,
      seller,
      charges,
      tax,
      currency: history.at(-1)!.currency,
    };
    const issued = new Map(issuedRows.map((row) => [row.documentKey, row]));
    // The schedule up to `asOf` and the next document after it is all a plan issues or dates; its corrections
    // compare what was issued with the schedule, so it reaches the latest regular invoice issued too.
    const through = issuedRows.reduce((latest, row) => {
      const date = regularKeyDate(row.documentKey);
      return date?.isAfter(latest) ? date : latest;
    }, asOf);
    const schedule = scheduleDocuments(history, { through });

    const pending: Pending[] = schedule
      .filter((document) => !issued.has(document.key))
      .map((document) => ({ source: 'schedule', key: document.key, date: document.date, document }));
    const latest = latestAccepted(history, stored);
    const corrections = correctionsOf(schedule, issuedRows);
    for (const [kind, lines] of [
      ['credit_note', corrections.creditNoteLines],
      ['invoice', corrections.invoiceLines],
    ] as const) {
      const key = `correction:${latest.change.id}:${kind}`;
      if (lines.length === 0 || issued.has(key)) continue;
      pending.push({ source: 'correction', key, date: latest.change.effectiveDate, kind, lines });
    }
    // Stable: the schedule's own order first on one date, then the corrections.
    pending.sort((a, b) => a.date.compare(b.date));
    return { contractId, parties, latest, pending, issued };
  }

  /**
   * Whether `issueTogether` can issue what `plan` has due on `asOf`: invoices of the schedule only. Credit notes
   * and corrections settle or restate what was issued before, one contract at a time (`execute`).
   */
  issuesTogether(plan: IssuePlan, asOf: CalendarDate): boolean {
    return plan.pending.every(
      (next) =>
        next.date.isAfter(asOf) ||
        (next.source === 'schedule' &&
          next.document.kind === 'invoice' &&
          next.document.creditsDocumentKey === undefined),
    );
  }

  /**
   * Issues what each plan has due on or before `asOf` (each one `issuesTogether`), as `execute` would one by one
   * and in the same order, with the same numbers, in a few statements for all of them: the contracts' next dates in
   * one, the numbers of each year in one, the documents in one, their events in one. The contracts are locked by the
   * caller. Returns each plan's documents, in the order of `plans`.
   */
  async issueTogether(
    manager: EntityManager,
    plans: readonly IssuePlan[],
    asOf: CalendarDate,
    billRunId?: string,
  ): Promise<IssuedDocument[][]> {
    const due = plans.map((plan) => {
      if (!this.issuesTogether(plan, asOf)) {
        throw new Error(
          `contract ${plan.contractId} has credit notes or corrections due; issue it on its own`,
        );
      }
      return plan.pending.flatMap((next) =>
        next.source === 'schedule' && !next.date.isAfter(asOf) ? [next.document] : [],
      );
    });
    // Before the numbers: what needs none is written before the numbering is held.
    await this.repository.setNextDocumentDates(
      manager,
      plans.map((plan) => ({
        contractId: plan.contractId,
        date: plan.pending.find((next) => next.date.isAfter(asOf))?.date.toString(),
      })),
    );
    const perYear = new Map<number, number>();
    for (const document of due.flat())
      perYear.set(document.date.year, (perYear.get(document.date.year) ?? 0) + 1);
    const numbers = new Map<number, string[]>();
    for (const [year, count] of perYear) {
      numbers.set(
        year,
        await this.repository.nextNumbers(manager, this.env.ISSUING_ENTITY, 'INV', year, count),
      );
    }
    const rows: DocumentRow[] = [];
    const events: OutgoingEvent[] = [];
    const done = plans.map((plan, i) =>
      due[i]!.map((scheduled): IssuedDocument => {
        const document = applyTax(scheduled, plan.parties.tax);
        const documentId = uuidv7();
        const number = numbers.get(document.date.year)!.shift()!;
        const data = issuedDocumentOf(document, this.context(plan.parties, documentId, number));
        const record = this.recordOf(plan.parties, {
          documentId,
          number,
          kind: document.kind,
          key: document.key,
          issueDate: document.date.toString(),
          ...(document.kind === 'invoice' ? { dueDate: document.dueDate.toString() } : {}),
          currency: document.currency,
          totalMinor: document.totalMinor,
          data,
          ...(billRunId === undefined ? {} : { billRunId }),
        });
        rows.push(record.row);
        events.push(record.event);
        return {
          documentId,
          number,
          kind: document.kind,
          issueDate: document.date.toString(),
          contractId: plan.contractId,
        };
      }),
    );
    // The numbering is held from here to the commit. The documents go to PostgreSQL first, and their events are
    // checked and serialised while it writes them (a turn of the event loop lets the first statement leave), then
    // follow on the connection without waiting for this thread to hear of the first. When the first fails, the
    // second fails with it.
    const inserted = this.repository.insertDocuments(manager, rows);
    inserted.catch(() => undefined); // awaited below; not unhandled meanwhile
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([inserted, this.outbox.recordAll(manager, events)]);
    return done;
  }

  private async issueScheduled(
    manager: EntityManager,
    scheduled: ScheduledDocument,
    parties: Parties,
    issued: ReadonlyMap<string, IssuedRow>,
    billRunId: string | undefined,
  ): Promise<IssuedRow> {
    const document = applyTax(scheduled, parties.tax);
    const { documentId, number } = await this.numbered(manager, document.kind, document.date);
    const credited =
      document.creditsDocumentKey === undefined ? undefined : issued.get(document.creditsDocumentKey);
    const data = issuedDocumentOf(document, {
      ...this.context(parties, documentId, number),
      ...(credited ? { credited: { documentId: credited.documentId, number: credited.number } } : {}),
    });
    await this.store(manager, parties, {
      documentId,
      number,
      kind: document.kind,
      key: document.key,
      issueDate: document.date.toString(),
      ...(document.kind === 'invoice' ? { dueDate: document.dueDate.toString() } : {}),
      currency: document.currency,
      totalMinor: document.totalMinor,
      data,
      ...(billRunId === undefined ? {} : { billRunId }),
    });
    return { documentId, documentKey: document.key, number, kind: document.kind, lines: [] };
  }

  private async issueCorrection(
    manager: EntityManager,
    pending: Extract<Pending, { source: 'correction' }>,
    parties: Parties & { dealId: string; contractVersion: number },
    dueDate: CalendarDate,
    billRunId: string | undefined,
  ): Promise<IssuedRow> {
    const { documentId, number } = await this.numbered(manager, pending.kind, pending.date);
    const issueDate = pending.date.toString();
    const { data, totalMinor } = correctionDocumentOf(pending.lines, {
      ...this.context(parties, documentId, number),
      kind: pending.kind,
      issueDate,
      ...(pending.kind === 'invoice' ? { dueDate: dueDate.toString() } : {}),
      currency: parties.currency,
      dealId: parties.dealId,
      contractVersion: parties.contractVersion,
      tax: parties.tax,
    });
    const corrects: CorrectedCharge[] = pending.lines.map((line) => ({
      documentKey: line.corrected.documentKey,
      chargeId: line.chargeId,
      exactMinor: line.exactMinor.toString(),
    }));
    await this.store(manager, parties, {
      documentId,
      number,
      kind: pending.kind,
      key: pending.key,
      issueDate,
      ...(pending.kind === 'invoice' ? { dueDate: dueDate.toString() } : {}),
      currency: data.currency,
      totalMinor,
      data,
      corrects,
      ...(billRunId === undefined ? {} : { billRunId }),
    });
    return { documentId, documentKey: pending.key, number, kind: pending.kind, lines: [], corrects };
  }

  private context(parties: Parties, documentId: string, number: string): IssueContext {
    return {
      documentId,
      number,
      contractId: parties.contractId,
      accountId: parties.accountId,
      buyer: parties.buyer,
      seller: parties.seller,
      charges: parties.charges,
    };
  }

  private async numbered(
    manager: EntityManager,
    kind: 'invoice' | 'credit_note',
    date: CalendarDate,
  ): Promise<{ documentId: string; number: string }> {
    const prefix = kind === 'invoice' ? 'INV' : 'CN';
    const number = await this.repository.nextNumber(manager, this.env.ISSUING_ENTITY, prefix, date.year);
    return { documentId: uuidv7(), number };
  }

  /** Stores the document with its event; a credit note is allocated to the invoices its lines credit. */
  private async store(manager: EntityManager, parties: Parties, document: DocumentToStore): Promise<void> {
    const { row, event } = this.recordOf(parties, document);
    await this.repository.insertDocument(manager, row);
    await this.outbox.record(manager, event);
    if (document.kind === 'credit_note') {
      await this.allocate(
        manager,
        document.documentId,
        document.issueDate,
        document.data as CreditNoteIssuedV1,
      );
    }
  }

  /** A document's row and its event. */
  private recordOf(parties: Parties, document: DocumentToStore): { row: DocumentRow; event: OutgoingEvent } {
    return {
      row: {
        documentId: document.documentId,
        kind: document.kind,
        number: document.number,
        contractId: parties.contractId,
        accountId: parties.accountId,
        documentKey: document.key,
        issueDate: document.issueDate,
        ...(document.dueDate === undefined ? {} : { dueDate: document.dueDate }),
        currency: document.currency,
        totalMinor: document.totalMinor,
        data: document.data,
        issuedAt: this.clock.now(),
        ...(document.billRunId === undefined ? {} : { billRunId: document.billRunId }),
        ...(document.corrects === undefined ? {} : { corrects: document.corrects }),
      },
      event: {
        type: document.kind === 'invoice' ? EventTypes.invoiceIssued : EventTypes.creditNoteIssued,
        key: parties.accountId,
        subject: `${document.kind === 'invoice' ? 'invoice' : 'credit-note'}/${document.documentId}`,
        data: document.data,
      },
    };
  }

  /**
   * A credit note lowers what is due on each invoice it credits by its lines' amounts and taxes; one that leaves
   * nothing due settles the invoice (`paid`, `o2c.invoice.paid.v1` dated on the credit note).
   */
  private async allocate(
    manager: EntityManager,
    creditNoteId: string,
    issueDate: string,
    data: CreditNoteIssuedV1,
  ): Promise<void> {
    const byInvoice = new Map<string, bigint>();
    for (const line of data.lines) {
      const amount = BigInt(line.amount.amountMinor) + BigInt(line.tax.amountMinor);
      byInvoice.set(line.creditedInvoiceId, (byInvoice.get(line.creditedInvoiceId) ?? 0n) + amount);
    }
    for (const [invoiceId, amountMinor] of [...byInvoice].sort(([a], [b]) => a.localeCompare(b))) {
      const invoice = await this.settlement.lockInvoice(manager, invoiceId);
      if (!invoice)
        throw new Error(`credit note ${data.number} credits invoice ${invoiceId}, which does not exist`);
      await this.settlement.allocateCredit(manager, creditNoteId, invoiceId, amountMinor);
      const balance = { ...invoice, creditedMinor: invoice.creditedMinor + amountMinor };
      const status = statusAfter(invoice.status, balance);
      const settles = status === 'paid' && invoice.status !== 'paid';
      await this.settlement.setBalance(manager, invoiceId, {
        paidMinor: balance.paidMinor,
        creditedMinor: balance.creditedMinor,
        status,
        ...(settles ? { settledOn: issueDate } : {}),
      });
      if (settles) {
        await this.outbox.record(manager, {
          type: EventTypes.invoicePaid,
          key: invoice.accountId,
          subject: `invoice/${invoiceId}`,
          data: invoicePaidEvent(balance, issueDate),
        });
      }
    }
  }
}

/**
 * The change accepted last (its first event is the newest): the one whose arrival calls for corrections,
 * dated on its effective date (billing rules §5), whatever its place in the history.
 */
function latestAccepted(
  history: ContractVersion[],
  stored: readonly StoredContractVersion[],
): ContractVersion {
  const firstEvent = new Map<string, number>();
  for (const version of stored) {
    const { source, term } = version.data;
    const id = source.kind === 'auto_renewal' ? `auto-renewal:${term.startDate}` : source.dealId!;
    if (!firstEvent.has(id)) firstEvent.set(id, version.version);
  }
  return history.reduce((latest, version) =>
    (firstEvent.get(version.change.id) ?? 0) > (firstEvent.get(latest.change.id) ?? 0) ? version : latest,
  );
}
