import { Controller, Get } from '@nestjs/common';
import { HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { CatalogEntryRequest } from './catalog-entry.request.dto';
import { openApiDocument } from './openapi-document';

/** The OpenAPI document of the deals service's HTTP API, made once, on first request. */
@ApiExcludeController()
@Controller()
export class OpenApiHttpController {
  private document?: OpenAPIObject;

  constructor(
    private readonly modules: ModulesContainer,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('openapi.json')
  get(): OpenAPIObject {
    this.document ??= openApiDocument({
      modules: this.modules,
      adapterHost: this.adapterHost,
      servedBy: OpenApiHttpController,
      inheritingModels: [CatalogEntryRequest],
    });
    return this.document;
  }
}
