import { ApiProperty, OmitType } from '@nestjs/swagger';
import { CatalogEntrySnapshotV1, IsIdentifier } from '@o2c/contracts';

/** Body of `PUT /v1/catalog/{sku}`: the entry without `sku` (the path's) and `version` (the next one). */
export class CatalogEntryRequest extends OmitType(CatalogEntrySnapshotV1, ['sku', 'version'] as const) {}

/** The `{sku}` of a catalog path. */
export class CatalogSkuParams {
  @ApiProperty({ example: 'SEAT-PRO' })
  @IsIdentifier()
  sku!: string;
}
