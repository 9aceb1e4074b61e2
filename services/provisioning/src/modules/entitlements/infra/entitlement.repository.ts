import { Injectable } from '@nestjs/common';
import { type SubscriptionEventData, type SubscriptionEventType } from '@o2c/contracts';
import { type EntityManager } from 'typeorm';
import {
  type ContractVersionRecord,
  type Entitlement,
  type EntitlementChange,
} from '../domain/entitlement-timeline';

/** What provisioning keeps of a contract beside its versions. */
export interface ContractRow {
  readonly contractId: string;
  readonly accountId: string;
  readonly latestVersion: number;
  /** The latest day its entitlements were brought to; null before the first. */
  readonly provisionedAsOf: string | null;
}

export interface StoredEntitlement extends Entitlement {
  readonly contractId: string;
  readonly licenseId: string;
}

export interface RecordedChange extends EntitlementChange {
  readonly accountId: string;
  readonly contractId: string;
  readonly appliedAsOf: string;
  readonly event: { readonly id: string; readonly type: string; readonly contractVersion: number };
  readonly licenseId: string;
  readonly licenceEvent: string;
  readonly recordedAt: string;
}

export interface ChangeView extends RecordedChange {
  readonly id: string;
}

interface ContractDbRow {
  contract_id: string;
  account_id: string;
  latest_version: number;
  provisioned_as_of: string | null;
}

interface EntitlementDbRow {
  contract_id: string;
  licence_id: string;
  product: string;
  seats: number;
  features: string[];
  valid_from: string;
  valid_to: string;
  since: string;
}

// `date` columns are read as text: node-postgres would turn them into local-time Date objects.
const CONTRACT_COLUMNS = `contract_id, account_id, latest_version, provisioned_as_of::text AS provisioned_as_of`;
const ENTITLEMENT_COLUMNS = `contract_id, licence_id, product, seats, features, valid_from::text AS valid_from,
  valid_to::text AS valid_to, since::text AS since`;

const contractOf = (row: ContractDbRow): ContractRow => ({
  contractId: row.contract_id,
  accountId: row.account_id,
  latestVersion: row.latest_version,
  provisionedAsOf: row.provisioned_as_of,
});

const entitlementOf = (row: EntitlementDbRow): StoredEntitlement => ({
  contractId: row.contract_id,
  licenseId: row.licence_id,
  product: row.product,
  seats: row.seats,
  features: row.features,
  validFrom: row.valid_from,
  validTo: row.valid_to,
  since: row.since,
});

/** Contracts, their versions, the entitlements in force and their history. */
@Injectable()
export class EntitlementRepository {
  /**
   * The contract's row, created on its first event and locked until the transaction ends (one statement: an
   * existing row is "updated" to itself, which locks it and returns it as it is).
   */
  async lockContract(
    manager: EntityManager,
    contractId: string,
    accountId: string,
    now: Date,
  ): Promise<ContractRow> {
    const rows = await manager.query<ContractDbRow[]>(
      `INSERT INTO contract (contract_id, account_id, latest_version, updated_at) VALUES ($1, $2, 0, $3)
       ON CONFLICT (contract_id) DO UPDATE SET contract_id = EXCLUDED.contract_id
       RETURNING ${CONTRACT_COLUMNS}`,
      [contractId, accountId, now],
    );
    return contractOf(rows[0]!);
  }

  /** Locks up to `limit` contracts that may change on or before `asOf`, skipping those another run holds. */
  async lockDue(manager: EntityManager, asOf: string, limit: number): Promise<ContractRow[]> {
    const rows = await manager.query<ContractDbRow[]>(
      `SELECT ${CONTRACT_COLUMNS} FROM contract
        WHERE next_change_on <= $1 AND (provisioned_as_of IS NULL OR provisioned_as_of < $1)
        ORDER BY next_change_on, contract_id
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [asOf, limit],
    );
    return rows.map(contractOf);
  }

  /**
   * Locks up to `limit` contracts for the run of `asOf`, skipping those another run holds: those that may change
   * on or before `asOf` and those of `retry` (their last run failed) whether due or not, except those of `skip`
   * (tried by this run already). Never one already brought to `asOf` or later: a contract never goes back.
   */
  async lockForRun(
    manager: EntityManager,
    asOf: string,
    contracts: { retry: readonly string[]; skip: readonly string[] },
    limit: number,
  ): Promise<ContractRow[]> {
    const rows = await manager.query<ContractDbRow[]>(
      `SELECT ${CONTRACT_COLUMNS} FROM contract
        WHERE (next_change_on <= $1 OR contract_id = ANY($2::text[]))
          AND (provisioned_as_of IS NULL OR provisioned_as_of < $1)
          AND NOT (contract_id = ANY($3::text[]))
        ORDER BY next_change_on, contract_id
        LIMIT $4
        FOR UPDATE SKIP LOCKED`,
      [asOf, contracts.retry, contracts.skip, limit],
    );
    return rows.map(contractOf);
  }

  async addVersion(
    manager: EntityManager,
    contractId: string,
    record: ContractVersionRecord,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `WITH added AS (
         INSERT INTO contract_version (contract_id, version, event_id, event_type, relevant_date, data, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7))
       UPDATE contract SET latest_version = GREATEST(latest_version, $2), updated_at = $7 WHERE contract_id = $1`,
      [
        contractId,
        record.version,
        record.eventId,
        record.type,
        record.relevantDate,
        JSON.stringify(record.data),
        now,
      ],
    );
  }

  async versions(manager: EntityManager, contractId: string): Promise<ContractVersionRecord[]> {
    const rows = await manager.query<
      {
        version: number;
        event_id: string;
        event_type: SubscriptionEventType;
        relevant_date: string;
        data: SubscriptionEventData;
      }[]
    >(
      `SELECT version, event_id, event_type, relevant_date::text AS relevant_date, data
         FROM contract_version WHERE contract_id = $1 ORDER BY version`,
      [contractId],
    );
    return rows.map((row) => ({
      version: row.version,
      type: row.event_type,
      eventId: row.event_id,
      relevantDate: row.relevant_date,
      data: row.data,
    }));
  }

  /** Every version of every contract of the account, by contract. */
  async accountVersions(
    manager: EntityManager,
    accountId: string,
  ): Promise<Map<string, ContractVersionRecord[]>> {
    const contracts = await manager.query<{ contract_id: string }[]>(
      `SELECT contract_id FROM contract WHERE account_id = $1 ORDER BY contract_id`,
      [accountId],
    );
    const result = new Map<string, ContractVersionRecord[]>();
    for (const { contract_id } of contracts)
      result.set(contract_id, await this.versions(manager, contract_id));
    return result;
  }

  /** Records that the contract was brought to `asOf` and when to look at it again. */
  async markProvisioned(
    manager: EntityManager,
    contractId: string,
    asOf: string | null,
    nextChangeOn: string | undefined,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE contract SET provisioned_as_of = $2, next_change_on = $3, updated_at = $4 WHERE contract_id = $1`,
      [contractId, asOf, nextChangeOn ?? null, now],
    );
  }

  async entitlements(manager: EntityManager, contractId: string): Promise<StoredEntitlement[]> {
    const rows = await manager.query<EntitlementDbRow[]>(
      `SELECT ${ENTITLEMENT_COLUMNS} FROM entitlement WHERE contract_id = $1 ORDER BY product`,
      [contractId],
    );
    return rows.map(entitlementOf);
  }

  async accountEntitlements(manager: EntityManager, accountId: string): Promise<StoredEntitlement[]> {
    const rows = await manager.query<EntitlementDbRow[]>(
      `SELECT ${ENTITLEMENT_COLUMNS} FROM entitlement WHERE account_id = $1 ORDER BY product, contract_id`,
      [accountId],
    );
    return rows.map(entitlementOf);
  }

  /**
   * Replaces the contract's entitlements in force with `entitlements`, all under one licence, and records `changes`
   * in their order, in one statement: products no longer granted are deleted, the others inserted or overwritten
   * whole (two disjoint sets of rows, so the order in which PostgreSQL runs the parts does not matter).
   */
  async replaceEntitlements(
    manager: EntityManager,
    contract: ContractRow,
    licenseId: string,
    entitlements: readonly Entitlement[],
    changes: readonly RecordedChange[],
    now: Date,
  ): Promise<void> {
    await manager.query(
      `WITH wanted AS (
         SELECT e.* FROM jsonb_to_recordset($5::jsonb)
           AS e(product text, seats integer, features jsonb, valid_from date, valid_to date, since date)),
       gone AS (
         DELETE FROM entitlement WHERE contract_id = $1 AND product NOT IN (SELECT product FROM wanted)),
       kept AS (
         INSERT INTO entitlement (contract_id, product, account_id, licence_id, seats, features, valid_from, valid_to,
                                  since, updated_at)
         SELECT $1, w.product, $2, $3, w.seats, w.features, w.valid_from, w.valid_to, w.since, $4 FROM wanted w
         ON CONFLICT (contract_id, product) DO UPDATE SET
           account_id = EXCLUDED.account_id, licence_id = EXCLUDED.licence_id, seats = EXCLUDED.seats,
           features = EXCLUDED.features, valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
           since = EXCLUDED.since, updated_at = EXCLUDED.updated_at)
       INSERT INTO entitlement_change (account_id, contract_id, product, kind, effective_date, applied_as_of, event_id,
                                       event_type, contract_version, before, after, licence_id, licence_event, recorded_at)
       SELECT c.account_id, c.contract_id, c.product, c.kind, c.effective_date, c.applied_as_of, c.event_id,
              c.event_type, c.contract_version, c.before, c.after, c.licence_id, c.licence_event, c.recorded_at
         FROM ROWS FROM (jsonb_to_recordset($6::jsonb)
                AS (account_id text, contract_id text, product text, kind text, effective_date date,
                    applied_as_of date, event_id text, event_type text, contract_version integer, before jsonb,
                    after jsonb, licence_id text, licence_event text, recorded_at timestamptz))
              WITH ORDINALITY AS c(account_id, contract_id, product, kind, effective_date, applied_as_of, event_id,
                                   event_type, contract_version, before, after, licence_id, licence_event,
                                   recorded_at, n)
        ORDER BY c.n`,
      [
        contract.contractId,
        contract.accountId,
        licenseId,
        now,
        JSON.stringify(
          entitlements.map((e) => ({
            product: e.product,
            seats: e.seats,
            features: e.features,
            valid_from: e.validFrom,
            valid_to: e.validTo,
            since: e.since,
          })),
        ),
        JSON.stringify(
          changes.map((change) => ({
            account_id: change.accountId,
            contract_id: change.contractId,
            product: change.product,
            kind: change.kind,
            effective_date: change.effectiveDate,
            applied_as_of: change.appliedAsOf,
            event_id: change.event.id,
            event_type: change.event.type,
            contract_version: change.event.contractVersion,
            before: change.before ?? null,
            after: change.after ?? null,
            licence_id: change.licenseId,
            licence_event: change.licenceEvent,
            recorded_at: change.recordedAt,
          })),
        ),
      ],
    );
  }

  /** Every change of the account's entitlements, in the order they were made. */
  async accountHistory(manager: EntityManager, accountId: string): Promise<ChangeView[]> {
    const rows = await manager.query<
      {
        id: string;
        account_id: string;
        contract_id: string;
        product: string;
        kind: EntitlementChange['kind'];
        effective_date: string;
        applied_as_of: string;
        event_id: string;
        event_type: string;
        contract_version: number;
        before: Entitlement | null;
        after: Entitlement | null;
        licence_id: string;
        licence_event: string;
        recorded_at: Date;
      }[]
    >(
      `SELECT id::text AS id, account_id, contract_id, product, kind, effective_date::text AS effective_date,
              applied_as_of::text AS applied_as_of, event_id, event_type, contract_version, before, after, licence_id,
              licence_event, recorded_at
         FROM entitlement_change WHERE account_id = $1 ORDER BY id`,
      [accountId],
    );
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      contractId: row.contract_id,
      product: row.product,
      kind: row.kind,
      effectiveDate: row.effective_date,
      appliedAsOf: row.applied_as_of,
      event: { id: row.event_id, type: row.event_type, contractVersion: row.contract_version },
      ...(row.before === null ? {} : { before: row.before }),
      ...(row.after === null ? {} : { after: row.after }),
      licenseId: row.licence_id,
      licenceEvent: row.licence_event,
      recordedAt: row.recorded_at.toISOString(),
    }));
  }
}
