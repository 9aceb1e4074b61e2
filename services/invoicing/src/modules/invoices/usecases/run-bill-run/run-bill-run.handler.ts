import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { type CalendarDate } from '@o2c/billing';
import { o2cCounter } from '@o2c/observability';
import { type ItemOutcome, RunFailures, type RunItem, SERVICE_ENV } from '@o2c/platform';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { type InvoicingEnv } from '../../../../config/env.schema';
import { type BillRunOutcome } from '../../domain/bill-run';
import { BillRunRepository } from '../../infra/bill-run.repository';
import {
  InvoicingRepository,
  type IssuedRow,
  type StoredContractVersion,
} from '../../infra/invoicing.repository';
import {
  type IssuedDocument,
  IssueDueDocumentsHandler,
  type IssuePlan,
} from '../issue-due-documents/issue-due-documents.handler';
import { MarkOverdueInvoicesHandler } from '../mark-overdue-invoices/mark-overdue-invoices.handler';

/**
 * Contracts of a chunk billed one by one (credit notes, corrections, a plan or a batch that fails), each in a
 * savepoint of its own: at most this many in one transaction, the rest in the next. Up to 64 subtransactions keep
 * every PostgreSQL snapshot cheap meanwhile.
 */
const ALONE_PER_TRANSACTION = 50;

/** Contracts planned between two looks at what the other chunk in flight is waiting for. */
const PLAN_SLICE = 25;

/**
 * Chunks of the due contracts in flight at once, each in its own transaction: while one holds the numbering and
 * writes (waiting for PostgreSQL), the next locks and reads its contracts and plans their documents.
 */
const CHUNKS_IN_FLIGHT = 2;

/** The run's name in its failures (`GET /v1/admin/run-failures?run=bill-run`). */
export const BILL_RUN = 'bill-run';

/** What a run did: its counts and what it set aside (the documents are listed by run, page by page). */
export interface BillRunSummary extends BillRunOutcome {
  billRunId: string;
  asOf: string;
  /** Contracts tried: due ones and those whose last run failed. */
  contracts: number;
  /** Documents issued. */
  issued: number;
}

/**
 * Issues every document due on or before `asOf`, then marks the invoices due before `asOf` and still unsettled
 * overdue. Contracts are read in key order (due date, contract id) in chunks: the run's memory and each query's
 * cost stay the same for a hundred or a million contracts. A contract another transaction is billing at that
 * moment is left for the end of the run, then billed on its own. A contract that fails is recorded with its
 * reason and set aside; the next run tries it again (even if nothing is due for it any more, so that its
 * failure is resolved once it goes through).
 *
 * Idempotent (a second run for the same date issues nothing), safe on several instances at once (a contract is
 * locked while it is billed, a document key is issued once) and after a crash (what a chunk committed stays
 * issued; the rest is picked up by the next run). Progress is committed with each chunk.
 */
@Injectable()
export class RunBillRunHandler implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RunBillRunHandler.name);
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: InvoicingRepository,
    private readonly billRuns: BillRunRepository,
    private readonly issue: IssueDueDocumentsHandler,
    private readonly markOverdue: MarkOverdueInvoicesHandler,
    private readonly failures: RunFailures,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: InvoicingEnv,
  ) {}

  /** Starts a run in the background; its progress and outcome are on `bill_run` (`GET /v1/bill-runs/{id}`). */
  async start(asOf: CalendarDate): Promise<string> {
    const billRunId = await this.open(asOf);
    const run = this.run(billRunId, asOf)
      .catch((error: unknown) =>
        this.logger.error({ msg: 'bill run stopped on an error', billRunId, err: error }),
      )
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return billRunId;
  }

  /** A whole run, waited for (the daily job). */
  async execute(asOf: CalendarDate): Promise<BillRunSummary> {
    return this.run(await this.open(asOf), asOf);
  }

  /** A shutdown lets the chunk in flight commit, then stops: the run shows as interrupted, the next one goes on. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  private async open(asOf: CalendarDate): Promise<string> {
    const billRunId = uuidv7();
    await this.billRuns.start(this.dataSource.manager, billRunId, asOf.toString(), this.clock.now());
    return billRunId;
  }

  private async run(billRunId: string, asOf: CalendarDate): Promise<BillRunSummary> {
    const summary: BillRunSummary = {
      billRunId,
      asOf: asOf.toString(),
      contracts: 0,
      issued: 0,
      failed: [],
      overdue: [],
      overdueFailed: [],
    };
    try {
      const { manager } = this.dataSource;
      const retry = await this.failures.openItems(manager, BILL_RUN);
      const retried: ReadonlySet<string> = new Set(retry);
      const deferred: string[] = [];
      const size = this.env.BILL_RUN_CHUNK_CONTRACTS;
      for (let i = 0; i < retry.length && !this.stopping; i += size) {
        await this.chunk(summary, asOf, retry.slice(i, i + size), deferred, retried);
      }
      // Pages of due contracts in key order, up to CHUNKS_IN_FLIGHT billed at once (pages never overlap). A chunk
      // that fails stops the run once the others in flight are done.
      const inFlight = new Set<Promise<void>>();
      const errors: unknown[] = [];
      const settle = async (all: boolean) => {
        while (inFlight.size >= (all ? 1 : CHUNKS_IN_FLIGHT)) await Promise.race(inFlight);
        if (errors.length > 0) throw errors[0];
      };
      let after: { date: string; contractId: string } | undefined;
      try {
        while (!this.stopping) {
          const due = await this.repository.dueContracts(manager, summary.asOf, size, after);
          if (due.length === 0) break;
          after = due.at(-1)!;
          const fresh = due.map((d) => d.contractId).filter((id) => !retried.has(id));
          if (fresh.length === 0) continue;
          const chunk: Promise<void> = this.chunk(summary, asOf, fresh, deferred, retried)
            .catch((error: unknown) => void errors.push(error))
            .finally(() => inFlight.delete(chunk));
          inFlight.add(chunk);
          await settle(false);
        }
      } finally {
        await Promise.all(inFlight);
      }
      await settle(true);
      // Those another transaction held: one at a time, waiting for the lock, holding no numbers meanwhile.
      for (const contractId of deferred) {
        if (this.stopping) break;
        await this.chunk(summary, asOf, [contractId], [], retried, { wait: true });
      }
      if (this.stopping) return summary;
      // After issuing, so that what this run issued already past its due date is found too.
      const overdue = await this.markOverdue.execute(asOf);
      summary.overdue = overdue.marked;
      summary.overdueFailed = overdue.failed;
      await this.billRuns.finish(manager, billRunId, this.outcomeOf(summary), this.clock.now());
      return summary;
    } catch (error) {
      summary.error = error instanceof Error ? error.message : String(error);
      await this.billRuns.finish(
        this.dataSource.manager,
        billRunId,
        this.outcomeOf(summary),
        this.clock.now(),
      );
      throw error;
    }
  }

  /**
   * Bills `contractIds` in one transaction, each on its own; a contract locked elsewhere goes to `deferred`. Those
   * past the transaction's share of contracts billed one by one go on in the next transaction.
   */
  private async chunk(
    summary: BillRunSummary,
    asOf: CalendarDate,
    contractIds: readonly string[],
    deferred: string[],
    open: ReadonlySet<string>,
    options: { wait?: boolean } = {},
  ): Promise<void> {
    const counted = await this.dataSource.transaction(async (manager) => {
      // Contracts first, numbering last (with the first number, held until the commit), as a consumer does: whoever
      // holds the numbering waits for no contract.
      const counts = { contracts: 0, issued: 0, failed: 0 };
      const kinds: string[] = [];
      const failed: BillRunSummary['failed'] = [];
      const later: string[] = [];
      // Locked, and what they stored read, for the whole chunk at once: a round trip each, not one per contract.
      const locked = options.wait ? undefined : await this.repository.tryLockContracts(manager, contractIds);
      const billed = locked ? contractIds.filter((id) => locked.has(id)) : [];
      const versions = billed.length > 0 ? await this.repository.versionsOf(manager, billed) : undefined;
      const issued = billed.length > 0 ? await this.repository.issuedOf(manager, billed) : undefined;
      const knownOf = (contractId: string) =>
        versions && issued
          ? { versions: versions.get(contractId)!, issued: issued.get(contractId)! }
          : undefined;
      const items: RunItem[] = [];
      const plans = new Map<string, IssuePlan>();
      for (const [index, contractId] of contractIds.entries()) {
        // Planning is this thread's work alone: in slices, so that the chunk holding the numbering goes on between.
        if (index > 0 && index % PLAN_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
        if (locked && !locked.has(contractId)) {
          deferred.push(contractId);
          continue;
        }
        items.push({ run: BILL_RUN, itemId: contractId, contractId, asOf: summary.asOf });
        const plan = this.planOf(contractId, knownOf(contractId), asOf);
        if (plan && this.issue.issuesTogether(plan, asOf)) plans.set(contractId, plan);
      }
      // Contracts with only invoices of their schedule due: in a few statements together. The others (credit
      // notes, corrections, a plan that fails), or all of them if the batch fails, one by one in contract order,
      // each in a savepoint of its own.
      const batch = items.filter((item) => plans.has(item.itemId));
      const batched = await this.failures.attemptTogether(
        manager,
        batch,
        (batchManager) =>
          this.issue.issueTogether(batchManager, [...plans.values()], asOf, summary.billRunId),
        open,
      );
      const together = new Map(batched ? batch.map((item, i) => [item.itemId, batched[i]!]) : []);
      let alone = 0;
      for (const item of items) {
        const value = together.get(item.itemId);
        if (value === undefined && alone === ALONE_PER_TRANSACTION) {
          later.push(item.itemId);
          continue;
        }
        if (value === undefined) alone++;
        counts.contracts++;
        const outcome: ItemOutcome<IssuedDocument[]> =
          value !== undefined
            ? { ok: true, value }
            : await this.failures.attempt(
                manager,
                item,
                (itemManager) =>
                  this.issue.execute(
                    itemManager,
                    item.contractId,
                    asOf,
                    summary.billRunId,
                    knownOf(item.contractId),
                  ),
                { open: open.has(item.itemId) },
              );
        if (outcome.ok) {
          counts.issued += outcome.value.length;
          kinds.push(...outcome.value.map((document) => document.kind));
        } else failed.push({ contractId: item.contractId, ...outcome.failure });
      }
      counts.failed = failed.length;
      await this.billRuns.progress(manager, summary.billRunId, counts, this.clock.now());
      return { counts, failed, kinds, later };
    });
    for (const kind of counted.kinds) o2cCounter('billRunDocuments').add(1, { kind });
    // Counted once the chunk is committed.
    summary.contracts += counted.counts.contracts;
    summary.issued += counted.counts.issued;
    summary.failed.push(...counted.failed);
    // Unless the service is stopping: they are still due, and the next run bills them.
    if (counted.later.length > 0 && !this.stopping) {
      await this.chunk(summary, asOf, counted.later, deferred, open, options);
    }
  }

  /**
   * What a contract of the chunk has to issue, from what the chunk read; undefined when it is to go on its own
   * (not read with the chunk, nothing stored, or a plan that fails: `execute` records why).
   */
  private planOf(
    contractId: string,
    known: { versions: StoredContractVersion[]; issued: IssuedRow[] } | undefined,
    asOf: CalendarDate,
  ): IssuePlan | undefined {
    if (!known || known.versions.length === 0) return undefined;
    try {
      return this.issue.plan(contractId, known.versions, known.issued, asOf);
    } catch {
      return undefined;
    }
  }

  private outcomeOf(summary: BillRunSummary): BillRunOutcome {
    return {
      failed: summary.failed,
      overdue: summary.overdue,
      overdueFailed: summary.overdueFailed,
      ...(summary.error === undefined ? {} : { error: summary.error }),
    };
  }
}
