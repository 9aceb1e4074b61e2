import { type CatalogEntrySnapshotV1 } from '@o2c/contracts';

/** Make `entry` the current version of the catalog entry `sku`. */
export interface PutCatalogEntryCommand {
  readonly sku: string;
  readonly entry: Omit<CatalogEntrySnapshotV1, 'sku' | 'version'>;
}
