import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ProblemResponses, RequiresScope } from '@o2c/platform';
import { DataSource } from 'typeorm';
import { ProvisioningErrorFilter } from '../../../errors/provisioning-error.filter';
import { DeliveryRepository, type DeliveryView } from '../infra/delivery.repository';
import { ReplayDeliveryHandler } from '../usecases/replay-delivery/replay-delivery.handler';

/** Operations' log of the webhooks to the products and their replay, behind ADMIN_TOKEN: payloads carry licence keys. */
@ApiTags('deliveries')
@Controller()
@AdminOnly()
@UseFilters(ProvisioningErrorFilter)
export class DeliveriesHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryRepository,
    private readonly replays: ReplayDeliveryHandler,
  ) {}

  /** Every webhook sent or to send to the account's products, with every attempt. */
  @Get('v1/accounts/:id/deliveries')
  @RequiresScope('entitlements:read')
  @ApiOperation({ summary: "Every webhook sent or to send to the account's products, with every attempt" })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['accountId', 'items'],
      properties: {
        accountId: { type: 'string' },
        items: { type: 'array', items: { type: 'object', description: 'A delivery with its attempts' } },
      },
    },
  })
  async list(@Param('id') accountId: string): Promise<{ accountId: string; items: DeliveryView[] }> {
    return { accountId, items: await this.deliveries.forAccount(this.dataSource.manager, accountId) };
  }

  /** Sends a delivery again now (a dead one once its product is fixed, or one the product lost). */
  @Post('v1/deliveries/:id/replay')
  @RequiresScope('deliveries:replay')
  @ApiOperation({ summary: 'Send a delivery again now' })
  @ApiOkResponse({ schema: { type: 'object', description: 'The delivery with its attempts' } })
  @ProblemResponses([404, 'No such delivery'])
  @HttpCode(200)
  async replay(@Param('id', new ParseUUIDPipe()) id: string): Promise<DeliveryView> {
    return this.replays.execute(id);
  }
}
