import { Injectable } from '@nestjs/common';
import {
  type ContractStateV1,
  type DealClosedV1,
  type SubscriptionEventData,
  type SubscriptionEventType,
} from '@o2c/contracts';
import { type EntityManager } from 'typeorm';
import { type StoredVersion } from '../domain/contract-history';

/** Contracts as the history of their versions; the `contract` row is the head, locked while a change applies. */
@Injectable()
export class ContractRepository {
  /** The versions of a contract in order, the head row locked (`FOR UPDATE`) when `lock` is set; [] if unknown. */
  async history(manager: EntityManager, contractId: string, lock = false): Promise<StoredVersion[]> {
    if (lock) {
      const head = await manager.query<unknown[]>(
        `SELECT 1 FROM contract WHERE contract_id = $1 FOR UPDATE`,
        [contractId],
      );
      if (head.length === 0) return [];
    }
    const rows = await manager.query<
      {
        version: number;
        event_type: SubscriptionEventType;
        event_data: SubscriptionEventData;
        deal_id: string | null;
        revision: number | null;
        deal: DealClosedV1 | null;
        created_at: Date;
      }[]
    >(
      `SELECT version, event_type, event_data, deal_id, revision, deal, created_at
         FROM contract_version WHERE contract_id = $1 ORDER BY version`,
      [contractId],
    );
    return rows.map((row) => ({
      version: row.version,
      eventType: row.event_type,
      data: row.event_data,
      dealId: row.deal_id,
      revision: row.revision,
      deal: row.deal,
      createdAt: row.created_at.toISOString(),
    }));
  }

  /** Whether a deal (any revision) already made a version of some contract. */
  async versionOfDeal(
    manager: EntityManager,
    dealId: string,
  ): Promise<{ contractId: string; revision: number } | undefined> {
    const rows = await manager.query<{ contract_id: string; revision: number }[]>(
      `SELECT contract_id, revision FROM contract_version WHERE deal_id = $1 ORDER BY revision DESC LIMIT 1`,
      [dealId],
    );
    return rows[0] === undefined
      ? undefined
      : { contractId: rows[0].contract_id, revision: rows[0].revision };
  }

  async append(
    manager: EntityManager,
    entry: {
      eventType: SubscriptionEventType;
      data: SubscriptionEventData;
      dealId?: string;
      revision?: number;
      deal?: DealClosedV1;
      at: Date;
    },
  ): Promise<void> {
    const state: ContractStateV1 = entry.data;
    // The head keeps what the renewal run selects by; the state itself is the latest version's event data. Head and
    // version are written in one statement.
    const head =
      state.version === 1
        ? `INSERT INTO contract (contract_id, account_id, status, term_end, auto_renew) VALUES ($1, $2, $3, $4, $5)`
        : `UPDATE contract SET account_id = $2, status = $3, term_end = $4, auto_renew = $5 WHERE contract_id = $1`;
    await manager.query(
      `WITH head AS (${head})
       INSERT INTO contract_version (contract_id, version, deal_id, revision, event_type, event_data, created_at, deal)
       VALUES ($1, $6, $7, $8, $9, $10, $11, $12)`,
      [
        state.contractId,
        state.accountId,
        state.status,
        state.term.endDate,
        state.term.autoRenew,
        state.version,
        entry.dealId ?? null,
        entry.revision ?? null,
        entry.eventType,
        JSON.stringify(entry.data),
        entry.at.toISOString(),
        entry.deal === undefined ? null : JSON.stringify(entry.deal),
      ],
    );
  }

  /**
   * Up to `limit` contracts for a renewal run, locked, skipping rows another run holds: those due for renewal on
   * `asOf` and those of `retry` (their last renewal failed) whether due or not, except those of `skip` (tried
   * by this run already).
   */
  async forRenewalRun(
    manager: EntityManager,
    asOf: string,
    contracts: { retry: readonly string[]; skip: readonly string[] },
    limit: number,
  ): Promise<string[]> {
    const rows = await manager.query<{ contract_id: string }[]>(
      `SELECT contract_id FROM contract
        WHERE ((status = 'active' AND auto_renew AND term_end <= $1::date) OR contract_id = ANY($2::text[]))
          AND NOT (contract_id = ANY($3::text[]))
        ORDER BY term_end, contract_id LIMIT $4 FOR UPDATE SKIP LOCKED`,
      [asOf, contracts.retry, contracts.skip, limit],
    );
    return rows.map((row) => row.contract_id);
  }
}
