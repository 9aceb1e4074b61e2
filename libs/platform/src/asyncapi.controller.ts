import { Controller, Get } from '@nestjs/common';
import { asyncApiDocument } from '@o2c/contracts';

/** The AsyncAPI document of o2c's events (the v1 contracts), served by every service. */
@Controller()
export class AsyncApiController {
  private readonly document = asyncApiDocument('1.0.0');

  @Get('asyncapi.json')
  get(): Record<string, unknown> {
    return this.document;
  }
}
