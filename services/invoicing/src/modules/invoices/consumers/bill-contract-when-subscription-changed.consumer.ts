import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CalendarDate } from '@o2c/billing';
import {
  CLOCK,
  type Clock,
  EventTypes,
  type SubscriptionEventData,
  type SubscriptionEventType,
} from '@o2c/contracts';
import { type InboxContext, NonRetryableError } from '@o2c/messaging';
import { SERVICE_ENV } from '@o2c/platform';
import { type InvoicingEnv } from '../../../config/env.schema';
import { InvoicingRepository } from '../infra/invoicing.repository';
import {
  CannotIssueError,
  IssueDueDocumentsHandler,
} from '../usecases/issue-due-documents/issue-due-documents.handler';

/** An as-of date before any document. */
const NOTHING_DUE = CalendarDate.parse('0001-01-01');

/**
 * Keeps every version of every contract, and issues at once what the new version makes due by today
 * (an activation's first invoice, an amendment's documents dated on or before today); later documents come
 * with the bill runs.
 */
@Controller()
export class BillContractWhenSubscriptionChangedConsumer {
  constructor(
    private readonly repository: InvoicingRepository,
    private readonly issue: IssueDueDocumentsHandler,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: InvoicingEnv,
  ) {}

  @EventPattern<string>(EventTypes.subscriptionActivated)
  activated(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.record(EventTypes.subscriptionActivated, data, ctx);
  }

  @EventPattern<string>(EventTypes.subscriptionAmended)
  amended(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.record(EventTypes.subscriptionAmended, data, ctx);
  }

  @EventPattern<string>(EventTypes.subscriptionRenewed)
  renewed(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.record(EventTypes.subscriptionRenewed, data, ctx);
  }

  @EventPattern<string>(EventTypes.subscriptionCancelled)
  cancelled(@Payload() data: SubscriptionEventData, @Ctx() ctx: InboxContext): Promise<void> {
    return this.record(EventTypes.subscriptionCancelled, data, ctx);
  }

  private async record(
    type: SubscriptionEventType,
    data: SubscriptionEventData,
    ctx: InboxContext,
  ): Promise<void> {
    const { manager } = ctx;
    await this.repository.lockContract(manager, data.contractId);
    const known = await this.repository.versions(manager, data.contractId);
    const expected = (known.at(-1)?.version ?? 0) + 1;
    if (data.version < expected) return; // this version is stored already
    if (data.version > expected) {
      throw new NonRetryableError(
        `contract ${data.contractId} version ${data.version} arrived before version ${expected}`,
      );
    }
    await this.repository.addVersion(manager, type, data, this.clock.now());
    // With issuing on change turned off nothing is due yet; the call still records when the next document is.
    const asOf =
      this.env.ISSUE_ON_CONTRACT_CHANGE === 'on' ? CalendarDate.ofInstant(this.clock.now()) : NOTHING_DUE;
    try {
      await this.issue.execute(manager, data.contractId, asOf);
    } catch (error) {
      if (error instanceof CannotIssueError) throw new NonRetryableError(error.message);
      throw error;
    }
  }
}
