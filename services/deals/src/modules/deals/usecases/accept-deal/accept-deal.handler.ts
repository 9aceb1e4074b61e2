import { Inject, Injectable } from '@nestjs/common';
import { type CatalogEntrySnapshotV1, CLOCK, type Clock, DealClosedV1, EventTypes } from '@o2c/contracts';
import { parseMoney } from '@o2c/money';
import { Outbox } from '@o2c/messaging';
import { instanceToPlain } from 'class-transformer';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { type DealWebhookDeal } from '../../api/deal-webhook.request.dto';
import { CatalogRepository } from '../../infra/catalog.repository';

export type DealReply =
  | {
      readonly status: 202 | 200;
      readonly body: { dealId: string; status: 'accepted' | 'held'; contractId: string | null };
    }
  | { readonly status: 422 | 200; readonly body: { dealId: string; status: 'rejected'; reasons: string[] } };

interface StoredDeal {
  reply_status: number;
  reply: DealReply['body'];
}

/**
 * Intake of one closed deal: a deal id and revision seen before gets its first reply again
 * and changes nothing; a billable deal is stored with its `o2c.deal.closed.v1` event in one
 * transaction; one that is not is kept as rejected with every reason.
 */
@Injectable()
export class AcceptDealHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: CatalogRepository,
    private readonly outbox: Outbox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(deal: DealWebhookDeal): Promise<DealReply> {
    const first = await this.dataSource.transaction((manager) => this.accept(manager, deal));
    if (first) return first;
    // Another request with the same deal id and revision won the race; answer as it was answered.
    const stored = await this.find(this.dataSource.manager, deal);
    return { status: 200, body: stored!.reply } as DealReply;
  }

  private async accept(manager: EntityManager, deal: DealWebhookDeal): Promise<DealReply | undefined> {
    const seen = await this.find(manager, deal);
    if (seen) return { status: 200, body: seen.reply } as DealReply;

    const entries = await this.catalog.current(manager, [...new Set(deal.lines.map((l) => l.sku))]);
    const reasons = this.billabilityProblems(deal, entries);
    let contractId: string | null = null;
    let status: 'accepted' | 'held' | 'rejected' = reasons.length > 0 ? 'rejected' : 'accepted';
    if (status === 'accepted') {
      if (deal.kind === 'new') contractId = uuidv7();
      else {
        const amended = await manager.query<{ contract_id: string }[]>(
          `SELECT contract_id FROM deal WHERE deal_id = $1 AND status = 'accepted' AND contract_id IS NOT NULL LIMIT 1`,
          [deal.amends],
        );
        contractId = amended[0]?.contract_id ?? null;
        if (!contractId) status = 'held'; // the CRM sent it before the deal it amends; released when that arrives
      }
    }
    const reply: DealReply =
      status === 'rejected'
        ? { status: 422, body: { dealId: deal.id, status, reasons } }
        : { status: 202, body: { dealId: deal.id, status, contractId } };
    const inserted = await manager.query<{ id: string }[]>(
      `INSERT INTO deal (id, deal_id, revision, kind, status, account_id, contract_id, body, reasons, reply_status, reply, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (deal_id, revision) DO NOTHING RETURNING id`,
      [
        uuidv7(),
        deal.id,
        deal.revision,
        deal.kind,
        status,
        deal.account.id,
        contractId,
        JSON.stringify(instanceToPlain(deal)),
        JSON.stringify(reasons),
        reply.status,
        JSON.stringify(reply.body),
        this.clock.now().toISOString(),
      ],
    );
    if (inserted.length === 0) return undefined;
    if (status === 'accepted') {
      await this.outbox.record(manager, {
        type: EventTypes.dealClosed,
        key: deal.account.id,
        subject: `deal/${deal.id}`,
        data: this.closedEvent(deal, contractId!, entries),
      });
    }
    return reply;
  }

  private find(manager: EntityManager, deal: DealWebhookDeal): Promise<StoredDeal | undefined> {
    return manager
      .query<StoredDeal[]>(`SELECT reply_status, reply FROM deal WHERE deal_id = $1 AND revision = $2`, [
        deal.id,
        deal.revision,
      ])
      .then((rows) => rows[0]);
  }

  /** The reasons a well-formed deal cannot be billed, all of them (deal-webhook.md, 422). */
  private billabilityProblems(deal: DealWebhookDeal, entries: Map<string, CatalogEntrySnapshotV1>): string[] {
    const reasons: string[] = [];
    deal.lines.forEach((line, i) => {
      if (!entries.has(line.sku)) reasons.push(`lines.${i}.sku: unknown SKU ${line.sku}`);
      const prices = [
        ...(line.unitPrice !== undefined ? [[`lines.${i}.unitPrice`, line.unitPrice]] : []),
        ...(line.segments ?? []).map((s, j) => [`lines.${i}.segments.${j}.unitPrice`, s.unitPrice]),
      ];
      for (const [path, price] of prices) {
        try {
          parseMoney(price!, deal.currency);
        } catch (error) {
          reasons.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
    return reasons;
  }

  private closedEvent(
    deal: DealWebhookDeal,
    contractId: string,
    entries: Map<string, CatalogEntrySnapshotV1>,
  ): DealClosedV1 {
    const { id, ...plain } = instanceToPlain(deal) as Record<string, unknown> & {
      lines: Record<string, unknown>[];
    };
    return {
      dealId: id,
      ...plain,
      contractId,
      lines: plain.lines.map((line) => ({ ...line, catalog: entries.get(line['sku'] as string)! })),
    } as unknown as DealClosedV1;
  }
}
