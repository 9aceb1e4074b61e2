import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CatalogEntrySnapshotV1 } from '@o2c/contracts';
import { SERVICE_ENV } from '@o2c/platform';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { type DealsEnv } from '../../../config/env.schema';

/** The versioned product catalog: seeded from a file at start-up, read by SKU at intake. */
@Injectable()
export class CatalogRepository implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_ENV) private readonly env: DealsEnv,
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
        `INSERT INTO catalog_entry (sku, version, entry) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [entry.sku, entry.version, JSON.stringify(entry)],
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
}
