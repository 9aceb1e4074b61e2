import { Controller, Get, Inject } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiTags, type OpenAPIObject } from '@nestjs/swagger';
import { asyncApiDocument } from '@o2c/contracts';
import { ADMIN_TOKEN_SETTINGS, type AdminTokenSettings } from './http/admin-token.guard';
import { openApiDocument } from './openapi/openapi-document';

/**
 * The API documents every service serves, open to all: the AsyncAPI document of o2c's events (the same in
 * every service) and the OpenAPI document of the service's own HTTP API, made once, on first request.
 */
@ApiTags('documentation')
@Controller()
export class AsyncApiController {
  private readonly asyncApi = asyncApiDocument('1.0.0');
  private openApi?: OpenAPIObject;

  constructor(
    private readonly modules: ModulesContainer,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ADMIN_TOKEN_SETTINGS) private readonly settings: AdminTokenSettings,
  ) {}

  @Get('asyncapi.json')
  @ApiOperation({ summary: 'The AsyncAPI 3.0 document of every o2c event (docs/api/asyncapi.json)' })
  @ApiOkResponse({ description: 'An AsyncAPI 3.0 document', schema: { type: 'object' } })
  get(): Record<string, unknown> {
    return this.asyncApi;
  }

  @Get('openapi.json')
  @ApiOperation({
    summary: "The OpenAPI 3.1 document of this service's HTTP API (docs/api/<service>.openapi.json)",
  })
  @ApiOkResponse({ description: 'An OpenAPI 3.1 document', schema: { type: 'object' } })
  openApiDocument(): OpenAPIObject {
    // The scanner reads the application's modules, HTTP adapter and config; services set no global prefix or
    // versioning, so a fresh ApplicationConfig describes theirs.
    this.openApi ??= openApiDocument(
      {
        container: { getModules: () => this.modules, isGlobalModule: () => false },
        config: new ApplicationConfig(),
        getHttpAdapter: () => this.adapterHost.httpAdapter,
      },
      this.settings.service,
    );
    return this.openApi;
  }
}
