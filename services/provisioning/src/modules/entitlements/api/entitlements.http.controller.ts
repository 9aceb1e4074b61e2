import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, RequiresScope } from '@o2c/platform';
import { DataSource } from 'typeorm';
import { entitlementsOn } from '../domain/entitlement-timeline';
import { type ChangeView, EntitlementRepository } from '../infra/entitlement.repository';
import {
  type ProvisioningRun,
  RunProvisioningHandler,
} from '../usecases/run-provisioning/run-provisioning.handler';
import { EntitlementsQueryRequestDto } from './entitlements-query.request.dto';
import { RunProvisioningRequestDto } from './run-provisioning.request.dto';

interface EntitlementView {
  contractId: string;
  licenseId?: string;
  product: string;
  seats: number;
  features: string[];
  validFrom: string;
  validTo: string;
  since: string;
}

/**
 * Operations' view of the accounts' entitlements and the provisioning run, behind ADMIN_TOKEN: what a customer
 * has bought is theirs to see, not anyone's who reaches the service. Products learn it from the webhooks and
 * check licences at the public `POST /v1/licenses/verify`.
 */
@ApiTags('entitlements')
@Controller()
@AdminOnly()
export class EntitlementsHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly entitlements: EntitlementRepository,
    private readonly runs: RunProvisioningHandler,
  ) {}

  /**
   * The account's entitlements per contract and product: as provisioned now (with the licence that carries
   * them), or, with `asOf`, what its contracts as known now grant on that date (future changes included).
   */
  @Get('v1/accounts/:id/entitlements')
  @RequiresScope('entitlements:read')
  @ApiOperation({ summary: "The account's entitlements per contract and product, now or as of a date" })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['accountId', 'entitlements'],
      properties: {
        accountId: { type: 'string' },
        asOf: { type: 'string', format: 'date' },
        entitlements: {
          type: 'array',
          items: {
            type: 'object',
            required: ['contractId', 'product', 'seats', 'features', 'validFrom', 'validTo'],
            properties: {
              contractId: { type: 'string' },
              licenseId: { type: 'string' },
              product: { type: 'string' },
              seats: { type: 'integer' },
              features: { type: 'array', items: { type: 'string' } },
              validFrom: { type: 'string', format: 'date' },
              validTo: { type: 'string', format: 'date' },
              since: { type: 'string' },
            },
          },
        },
      },
    },
  })
  async current(
    @Param('id') accountId: string,
    @Query() query: EntitlementsQueryRequestDto,
  ): Promise<{ accountId: string; asOf?: string; entitlements: EntitlementView[] }> {
    const { manager } = this.dataSource;
    if (query.asOf === undefined) {
      const stored = await this.entitlements.accountEntitlements(manager, accountId);
      return { accountId, entitlements: stored.map((e) => ({ ...e })) };
    }
    const asOf = query.asOf;
    const entitlements = [...(await this.entitlements.accountVersions(manager, accountId))]
      .flatMap(([contractId, versions]) => entitlementsOn(versions, asOf).map((e) => ({ contractId, ...e })))
      .sort((a, b) => a.product.localeCompare(b.product) || a.contractId.localeCompare(b.contractId));
    return { accountId, asOf, entitlements };
  }

  /** Every change of the account's entitlements: what, when it takes effect, the event and the licence it made. */
  @Get('v1/accounts/:id/entitlements/history')
  @RequiresScope('entitlements:read')
  @ApiOperation({
    summary: "Every change of the account's entitlements, with the event and the licence it made",
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['accountId', 'items'],
      properties: {
        accountId: { type: 'string' },
        items: { type: 'array', items: { type: 'object', description: 'A change' } },
      },
    },
  })
  async history(@Param('id') accountId: string): Promise<{ accountId: string; items: ChangeView[] }> {
    return { accountId, items: await this.entitlements.accountHistory(this.dataSource.manager, accountId) };
  }

  /** Provisions what takes effect on or before a date (the daily job does it for today). */
  @Post('v1/admin/provisioning-runs')
  @RequiresScope('provisioning:run')
  @ApiOperation({ summary: 'Provision what takes effect on or before asOf' })
  @ApiOkResponse({
    schema: { type: 'object', description: 'The run: what it provisioned and what failed, with reasons' },
  })
  @HttpCode(200)
  async run(@Body() body: RunProvisioningRequestDto): Promise<ProvisioningRun> {
    return this.runs.execute(body.asOf);
  }
}
