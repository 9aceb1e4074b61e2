import { Body, Controller, Get, Param, Put, Res, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly, RequiresScope } from '@o2c/platform';
import { type Response } from 'express';
import { DealsError, DealsErrorCode } from '../domain/deals.errors';
import { CatalogRepository } from '../infra/catalog.repository';
import { PutCatalogEntryHandler } from '../usecases/put-catalog-entry/put-catalog-entry.handler';
import { CatalogEntryRequest, CatalogSkuParams } from './catalog-entry.request.dto';
import {
  CatalogEntryDetailResponse,
  CatalogEntryResponse,
  CatalogListResponse,
} from './catalog-entry.response.dto';
import { DealsErrorFilter } from './deals-error.filter';
import { ApiProblems } from './problem.response.dto';

/** The product catalog: read by anyone who may call the service, changed by operations (a new version each time). */
@ApiTags('catalog')
@Controller('v1/catalog')
@UseFilters(DealsErrorFilter)
export class CatalogHttpController {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly putEntry: PutCatalogEntryHandler,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The current version of every catalog entry' })
  @ApiOkResponse({ type: CatalogListResponse })
  async list(): Promise<CatalogListResponse> {
    return { items: (await this.catalog.all()).map((v) => CatalogEntryResponse.of(v)) };
  }

  @Get(':sku')
  @ApiOperation({ summary: 'A catalog entry with all its versions' })
  @ApiOkResponse({ type: CatalogEntryDetailResponse })
  @ApiProblems([400, 'A bad SKU'], [404, 'No such SKU'])
  async get(@Param() params: CatalogSkuParams): Promise<CatalogEntryDetailResponse> {
    const versions = (await this.catalog.versions(params.sku)).map((v) => CatalogEntryResponse.of(v));
    if (versions.length === 0) {
      throw new DealsError(DealsErrorCode.CatalogEntryNotFound, `no catalog entry ${params.sku} is known`);
    }
    return { sku: params.sku, current: versions[0]!, versions };
  }

  @Put(':sku')
  @RequiresScope('catalog:write')
  @AdminOnly()
  @ApiBearerAuth('admin')
  @ApiOperation({
    summary: 'Make the body the current version of an entry (version 1 of a new SKU)',
    description:
      'Deals accepted from then on snapshot it; the current content again makes no new version (200).',
  })
  @ApiResponse({ status: 201, type: CatalogEntryResponse, description: 'A new version' })
  @ApiResponse({
    status: 200,
    type: CatalogEntryResponse,
    description: 'The current version has this content already',
  })
  @ApiProblems([400, 'Invalid fields, each with its path'], [401, 'No or wrong admin token'])
  async put(
    @Param() params: CatalogSkuParams,
    @Body() request: CatalogEntryRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CatalogEntryResponse> {
    const { created, version } = await this.putEntry.execute({ sku: params.sku, entry: request });
    response.status(created ? 201 : 200);
    return CatalogEntryResponse.of(version);
  }
}
