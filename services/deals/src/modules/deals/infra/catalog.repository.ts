import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { CatalogEntrySnapshotV1 } from '@o2c/contracts';
import { SERVICE_ENV } from '@o2c/platform';
import { instanceToPlain, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { type DealsEnv } from '../../../config/env.schema';

/** One version of a catalog entry and when it was made. */
export interface CatalogVersion {
  readonly entry: CatalogEntrySnapshotV1;
  readonly createdAt: Date;
}

/** The versioned product catalog: seeded from a file at start-up, read by SKU at intake, new versions by operations. */
@Injectable()
export class CatalogRepository implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_ENV) private readonly env: DealsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const file = JSON.parse(readFileSync(this.env.CATALOG_SEED_FILE, 'utf8')) as { entries?: unknown };
    if (!Array.isArray(file.entries)) throw new Error(`${this.env.CATALOG_SEED_FILE} has no "entries" array`);
    const entries = file.entries.map((raw: unknown, i) => {
      const entry = plainToInstance(CatalogEntrySnapshotV1, raw);
      const errors = validateSync(entry, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length > 0) {
        throw new Error(
          `${this.env.CATALOG_SEED_FILE} entries[${i}] is invalid: ${errors.map((e) => e.toString()).join('; ')}`,
        );
      }
      return entry;
    });
    for (const entry of entries) {
      await this.dataSource.query(
        `INSERT INTO catalog_entry (sku, version, entry, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [entry.sku, entry.version, JSON.stringify(entry), this.clock.now().toISOString()],
      );
    }
  }

  /** The current (highest) version of each SKU asked for; unknown SKUs are absent. */
  async current(
    manager: EntityManager,
    skus: readonly string[],
  ): Promise<Map<string, CatalogEntrySnapshotV1>> {
    const rows = await manager.query<{ entry: CatalogEntrySnapshotV1 }[]>(
      `SELECT DISTINCT ON (sku) entry FROM catalog_entry WHERE sku = ANY($1) ORDER BY sku, version DESC`,
      [skus],
    );
    return new Map(rows.map((r) => [r.entry.sku, r.entry]));
  }

  /** The current version of every entry, by SKU. */
  async all(): Promise<CatalogVersion[]> {
    const rows = await this.dataSource.query<{ entry: CatalogEntrySnapshotV1; created_at: Date }[]>(
      `SELECT DISTINCT ON (sku) entry, created_at FROM catalog_entry ORDER BY sku, version DESC`,
    );
    return rows.map((r) => ({ entry: r.entry, createdAt: r.created_at }));
  }

  /** Every version of one entry, newest first; empty when the SKU is unknown. */
  async versions(sku: string): Promise<CatalogVersion[]> {
    const rows = await this.dataSource.query<{ entry: CatalogEntrySnapshotV1; created_at: Date }[]>(
      `SELECT entry, created_at FROM catalog_entry WHERE sku = $1 ORDER BY version DESC`,
      [sku],
    );
    return rows.map((r) => ({ entry: r.entry, createdAt: r.created_at }));
  }

  /**
   * Makes `entry` (without `sku` and `version`) the current version of `sku`: a new version, one
   * above the current, unless it is the current version's content already (a repeated PUT).
   */
  async put(
    sku: string,
    entry: Omit<CatalogEntrySnapshotV1, 'sku' | 'version'>,
  ): Promise<{ created: boolean; version: CatalogVersion }> {
    return this.dataSource.transaction(async (manager) => {
      // One writer per SKU at a time, so that two new versions never get the same number.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `o2c.deals.catalog:${sku}`,
      ]);
      const rows = await manager.query<{ entry: CatalogEntrySnapshotV1; created_at: Date }[]>(
        `SELECT entry, created_at FROM catalog_entry WHERE sku = $1 ORDER BY version DESC LIMIT 1`,
        [sku],
      );
      const current = rows[0];
      const content = instanceToPlain(entry);
      if (current) {
        const { sku: _sku, version: _version, ...currentContent } = current.entry;
        if (isDeepStrictEqual(currentContent, content)) {
          return { created: false, version: { entry: current.entry, createdAt: current.created_at } };
        }
      }
      const next = { sku, version: (current?.entry.version ?? 0) + 1, ...content } as CatalogEntrySnapshotV1;
      const createdAt = this.clock.now();
      await manager.query(
        `INSERT INTO catalog_entry (sku, version, entry, created_at) VALUES ($1, $2, $3, $4)`,
        [sku, next.version, JSON.stringify(next), createdAt.toISOString()],
      );
      return { created: true, version: { entry: next, createdAt } };
    });
  }
}
