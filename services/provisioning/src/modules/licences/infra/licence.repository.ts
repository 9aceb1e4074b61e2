import { Injectable } from '@nestjs/common';
import { type LicenseStateV1 } from '@o2c/contracts';
import { DataSource, type EntityManager } from 'typeorm';

export interface ActiveLicence {
  readonly licenceId: string;
  readonly keyId: string;
}

export type LicenceStatus = 'active' | 'revoked';

/** The licence of each contract: its latest signed state, and whether it was revoked. */
@Injectable()
export class LicenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async active(manager: EntityManager, contractId: string): Promise<ActiveLicence | undefined> {
    const rows = await manager.query<{ licence_id: string; key_id: string }[]>(
      `SELECT licence_id, state->>'keyId' AS key_id FROM licence WHERE contract_id = $1 AND status = 'active'`,
      [contractId],
    );
    return rows[0] && { licenceId: rows[0].licence_id, keyId: rows[0].key_id };
  }

  /** Stores a new licence or the new state of an active one (same `licenseId`, a new key). */
  async save(manager: EntityManager, licence: LicenseStateV1): Promise<void> {
    await manager.query(
      `INSERT INTO licence (licence_id, contract_id, account_id, state, issued_at, status)
       VALUES ($1, $2, $3, $4, $5, 'active')
       ON CONFLICT (licence_id) DO UPDATE SET state = EXCLUDED.state, issued_at = EXCLUDED.issued_at`,
      [licence.licenseId, licence.contractId, licence.accountId, JSON.stringify(licence), licence.issuedAt],
    );
  }

  async revoke(manager: EntityManager, licenceId: string, revokedAt: string): Promise<void> {
    await manager.query(`UPDATE licence SET status = 'revoked', revoked_at = $2 WHERE licence_id = $1`, [
      licenceId,
      revokedAt,
    ]);
  }

  async statusOf(licenceId: string): Promise<LicenceStatus | undefined> {
    const rows = await this.dataSource.query<{ status: LicenceStatus }[]>(
      `SELECT status FROM licence WHERE licence_id = $1`,
      [licenceId],
    );
    return rows[0]?.status;
  }
}
