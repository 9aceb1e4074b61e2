import { Injectable } from '@nestjs/common';
import { type CatalogVersion, CatalogRepository } from '../../infra/catalog.repository';
import { type PutCatalogEntryCommand } from './put-catalog-entry.command';

/**
 * A new version of a catalog entry (a new entry gets version 1); deals accepted from then on snapshot
 * it, those accepted before keep theirs. The current content again makes no new version.
 */
@Injectable()
export class PutCatalogEntryHandler {
  constructor(private readonly catalog: CatalogRepository) {}

  execute(command: PutCatalogEntryCommand): Promise<{ created: boolean; version: CatalogVersion }> {
    return this.catalog.put(command.sku, command.entry);
  }
}
