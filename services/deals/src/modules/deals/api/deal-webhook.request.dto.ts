import { OmitType } from '@nestjs/swagger';
import { DealClosedV1, DealLineV1, EmptyExactlyWhen, IsIdentifier } from '@o2c/contracts';
import { Type } from 'class-transformer';
import { Equals, IsArray, IsDefined, ValidateNested } from 'class-validator';

/** A deal line as the CRM sends it: the catalog entry is looked up by `sku` at intake. */
export class DealWebhookLine extends OmitType(DealLineV1, ['catalog'] as const) {}

/** The deal as the CRM sends it: the deal of `o2c.deal.closed.v1` before intake adds the contract and catalog. */
export class DealWebhookDeal extends OmitType(DealClosedV1, ['dealId', 'contractId', 'lines'] as const) {
  /** The CRM's deal id (`dealId` in the event). */
  @IsIdentifier()
  id!: string;

  @IsArray()
  @EmptyExactlyWhen((o) => o['kind'] === 'cancellation', 'kind is cancellation')
  @ValidateNested({ each: true })
  @Type(() => DealWebhookLine)
  lines!: DealWebhookLine[];
}

/** Body of `POST /v1/webhooks/deals` (deal-webhook.md). */
export class DealWebhookRequest {
  @Equals('deal.closed_won')
  type!: 'deal.closed_won';

  @IsDefined()
  @ValidateNested()
  @Type(() => DealWebhookDeal)
  deal!: DealWebhookDeal;
}
