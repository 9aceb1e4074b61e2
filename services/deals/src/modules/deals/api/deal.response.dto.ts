import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DealKinds } from '@o2c/contracts';
import { type DealState, type StoredDealResult } from '../usecases/accept-deal/accept-deal.command';
import { type DealStatus, DealStatuses, reasonOf } from '../domain/deal';
import { type DealAttempt, type DealRecord } from '../infra/deal.repository';
import { DealWebhookDeal } from './deal-webhook.request.dto';

/** One attempt at a deal: its first receipt, a repeat, a replay, or its release once the deal it amends was accepted. */
export class DealAttemptResponse {
  @ApiProperty({ type: 'integer' })
  revision!: number;

  @ApiProperty({ enum: ['webhook', 'replay', 'release'] })
  source!: string;

  @ApiProperty({
    enum: ['accepted', 'rejected', 'held', 'duplicate', 'unchanged'],
    description:
      '`duplicate`: the same deal id and revision again; `unchanged`: a replay of an accepted deal',
  })
  outcome!: string;

  @ApiProperty({ type: [String] })
  reasons!: string[];

  @ApiProperty({ format: 'date-time' })
  at!: string;

  static of(attempt: DealAttempt): DealAttemptResponse {
    return {
      revision: attempt.revision,
      source: attempt.source,
      outcome: attempt.outcome,
      reasons: attempt.problems.map(reasonOf),
      at: attempt.at.toISOString(),
    };
  }
}

/** A deal in the exception queue: its newest revision and where it stands. */
export class DealSummaryResponse {
  @ApiProperty({ description: "The CRM's deal id" })
  dealId!: string;

  @ApiProperty({ type: 'integer' })
  revision!: number;

  @ApiProperty({ enum: DealKinds })
  kind!: string;

  @ApiProperty({ enum: DealStatuses })
  status!: DealStatus;

  @ApiProperty()
  accountId!: string;

  @ApiProperty({ type: String, nullable: true })
  contractId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The deal whose contract a change amends' })
  amends!: string | null;

  @ApiProperty({ type: [String], description: 'Why it is rejected or held; empty when accepted' })
  reasons!: string[];

  @ApiProperty({ format: 'date-time' })
  receivedAt!: string;

  static of(record: DealRecord): DealSummaryResponse {
    return {
      dealId: record.dealId,
      revision: record.revision,
      kind: record.kind,
      status: record.status,
      accountId: record.accountId,
      contractId: record.contractId,
      amends: record.amends,
      reasons: record.problems.map(reasonOf),
      receivedAt: record.receivedAt.toISOString(),
    };
  }
}

export class DealPageResponse {
  @ApiProperty({ type: [DealSummaryResponse] })
  items!: DealSummaryResponse[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor!: string | null;
}

/** A deal with its normalised body and every attempt at every revision. */
export class DealDetailResponse extends DealSummaryResponse {
  @ApiProperty({ type: () => DealWebhookDeal, description: 'The newest revision as received, normalised' })
  deal!: DealWebhookDeal;

  @ApiProperty({ type: [DealAttemptResponse], description: 'Oldest first' })
  history!: DealAttemptResponse[];
}

/** What a replay did to one deal. */
export class ReplayResultResponse {
  @ApiProperty()
  dealId!: string;

  @ApiProperty({
    enum: ['replayed', 'unchanged', 'not_found'],
    description: '`unchanged`: the deal is accepted already and nothing was done',
  })
  outcome!: 'replayed' | 'unchanged' | 'not_found';

  @ApiPropertyOptional({ type: 'integer' })
  revision?: number;

  @ApiPropertyOptional({ enum: DealStatuses })
  previousStatus?: DealStatus;

  @ApiPropertyOptional({ enum: DealStatuses })
  status?: DealStatus;

  @ApiPropertyOptional({ type: String, nullable: true })
  contractId?: string | null;

  @ApiPropertyOptional({ type: [String] })
  reasons?: string[];

  @ApiProperty()
  detail!: string;

  static of(result: StoredDealResult): ReplayResultResponse {
    const state = (deal: DealState) => ({
      dealId: deal.dealId,
      revision: deal.revision,
      status: deal.status,
      contractId: deal.contractId,
      reasons: deal.problems.map(reasonOf),
    });
    switch (result.outcome) {
      case 'not_found':
        return { dealId: result.dealId, outcome: 'not_found', detail: `no deal ${result.dealId} is known` };
      case 'unchanged':
        return {
          ...state(result.deal),
          outcome: 'unchanged',
          previousStatus: result.deal.status,
          detail: 'the deal is accepted already; nothing was done',
        };
      case 'decided':
        return {
          ...state(result.deal),
          outcome: 'replayed',
          previousStatus: result.previousStatus,
          detail: `${result.previousStatus} before, ${result.deal.status} now`,
        };
    }
  }
}

export class ReplayResultsResponse {
  @ApiProperty({ type: [ReplayResultResponse] })
  results!: ReplayResultResponse[];
}
