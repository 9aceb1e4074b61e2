import { ApiProperty } from '@nestjs/swagger';
import { CatalogEntrySnapshotV1, IsRfc3339Timestamp } from '@o2c/contracts';
import { type CatalogVersion } from '../infra/catalog.repository';

/** One version of a catalog entry, as deals accepted while it was current snapshot it, and when it was made. */
export class CatalogEntryResponse extends CatalogEntrySnapshotV1 {
  @ApiProperty({ format: 'date-time' })
  @IsRfc3339Timestamp()
  createdAt!: string;

  static of(version: CatalogVersion): CatalogEntryResponse {
    return { ...version.entry, createdAt: version.createdAt.toISOString() };
  }
}

export class CatalogListResponse {
  @ApiProperty({ type: [CatalogEntryResponse], description: 'The current version of every entry, by SKU' })
  items!: CatalogEntryResponse[];
}

export class CatalogEntryDetailResponse {
  @ApiProperty()
  sku!: string;

  @ApiProperty({ type: CatalogEntryResponse, description: 'The version deals accepted now snapshot' })
  current!: CatalogEntryResponse;

  @ApiProperty({ type: [CatalogEntryResponse], description: 'Every version, newest first' })
  versions!: CatalogEntryResponse[];
}
