import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { CalendarDate } from '@o2c/billing';
import {
  type SubscriptionEventData,
  type SubscriptionEventType,
  versionArrival,
  versionGapReason,
} from '@o2c/contracts';
import { NonRetryableError } from '@o2c/messaging';
import { SERVICE_ENV } from '@o2c/platform';
import { type EntityManager } from 'typeorm';
import { type InvoicingEnv } from '../../../../config/env.schema';
import { InvoicingRepository } from '../../infra/invoicing.repository';
import {
  CannotIssueError,
  IssueDueDocumentsHandler,
} from '../issue-due-documents/issue-due-documents.handler';

/** An as-of date before any document. */
const NOTHING_DUE = CalendarDate.parse('0001-01-01');

/**
 * Keeps a new version of a contract and issues at once what it makes due by today (an activation's first
 * invoice, an amendment's documents dated on or before today); later documents come with the bill runs. A
 * version is applied once and in order (`versionArrival` of `@o2c/contracts`: one stored already changes
 * nothing, one after a gap is refused). Decides what retrying cannot fix: a gap and a contract whose documents
 * cannot be issued are `NonRetryableError`s (dead-lettered with the reason at once); anything else is retried.
 */
@Injectable()
export class RecordContractVersionHandler {
  constructor(
    private readonly repository: InvoicingRepository,
    private readonly issue: IssueDueDocumentsHandler,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: InvoicingEnv,
  ) {}

  async execute(
    manager: EntityManager,
    type: SubscriptionEventType,
    data: SubscriptionEventData,
  ): Promise<void> {
    await this.repository.lockContract(manager, data.contractId);
    const known = await this.repository.versions(manager, data.contractId);
    const latest = known.at(-1)?.version ?? 0;
    switch (versionArrival(latest, data.version)) {
      case 'stored':
        return;
      case 'gap':
        throw new NonRetryableError(versionGapReason(data.contractId, data.version, latest));
      case 'next':
        break;
    }
    await this.repository.addVersion(manager, type, data, this.clock.now());
    // With issuing on change turned off nothing is due yet; the call still records when the next document is.
    const asOf =
      this.env.ISSUE_ON_CONTRACT_CHANGE === 'on' ? CalendarDate.ofInstant(this.clock.now()) : NOTHING_DUE;
    // The contract is locked and its versions read above: issuing neither locks nor reads them again. The new one
    // goes in as the database gives it back (JSON), exactly what reading it again would give.
    const stored = JSON.parse(JSON.stringify(data)) as SubscriptionEventData;
    const versions = [...known, { version: data.version, eventType: type, data: stored }];
    try {
      await this.issue.execute(manager, data.contractId, asOf, undefined, { versions });
    } catch (error) {
      if (error instanceof CannotIssueError) throw new NonRetryableError(error.message);
      throw error;
    }
  }
}
