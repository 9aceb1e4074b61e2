import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { CalendarDate, presentDocument } from '@o2c/billing';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ProblemResponses, RequiresScope } from '@o2c/platform';
import { GetBillingScheduleHandler } from '../usecases/get-billing-schedule/get-billing-schedule.handler';
import { GetContractHandler } from '../usecases/get-contract/get-contract.handler';
import { RenewContractsHandler } from '../usecases/renew-contracts/renew-contracts.handler';
import { RunRenewalsRequestDto } from './run-renewals.request.dto';
import { SubscriptionsErrorFilter } from './subscriptions-error.filter';

/**
 * Operations' view of the contracts and the renewal run, behind ADMIN_TOKEN: a contract holds the customer's
 * name, tax id, prices and terms, which nobody without the token may read.
 */
@ApiTags('contracts')
@Controller()
@AdminOnly()
@UseFilters(SubscriptionsErrorFilter)
export class ContractsHttpController {
  constructor(
    private readonly contract: GetContractHandler,
    private readonly billingSchedule: GetBillingScheduleHandler,
    private readonly renewals: RenewContractsHandler,
  ) {}

  /** The contract as it stands, and every version with the change that made it. */
  @Get('v1/contracts/:id')
  @RequiresScope('contracts:read')
  @ApiOperation({ summary: 'The contract as it stands, with every version and the change that made it' })
  @ApiOkResponse({
    description: 'The current state (as in its latest o2c.subscription.*.v1 event) and `versions`',
    schema: {
      allOf: [
        { $ref: '#/components/schemas/ContractStateV1' },
        {
          type: 'object',
          required: ['versions'],
          properties: {
            versions: {
              type: 'array',
              items: {
                type: 'object',
                required: ['version', 'eventType', 'recordedAt', 'state'],
                properties: {
                  version: { type: 'integer' },
                  eventType: { type: 'string' },
                  source: { $ref: '#/components/schemas/ContractChangeSourceV1' },
                  effectiveDate: { type: 'string', format: 'date' },
                  cancellation: { $ref: '#/components/schemas/ContractCancellationV1' },
                  recordedAt: { type: 'string', format: 'date-time' },
                  state: { $ref: '#/components/schemas/ContractStateV1' },
                },
              },
            },
          },
        },
      ],
    },
  })
  @ProblemResponses([404, 'No such contract'])
  async get(@Param('id') id: string) {
    const stored = await this.contract.execute(id);
    return {
      ...stored.at(-1)!.data,
      versions: stored.map((version) => ({
        version: version.version,
        eventType: version.eventType,
        source: version.data.source,
        ...(version.data.effectiveDate === undefined ? {} : { effectiveDate: version.data.effectiveDate }),
        ...(version.data.cancellation === undefined ? {} : { cancellation: version.data.cancellation }),
        recordedAt: version.createdAt,
        state: version.data,
      })),
    };
  }

  /**
   * Every document the contract produces in its current term and, when it renews, the first renewal, each
   * line with its explanation. Before tax: invoicing applies the customer's rate when it issues them.
   */
  @Get('v1/contracts/:id/billing-schedule')
  @RequiresScope('contracts:read')
  @ApiOperation({
    summary: 'Every document of the current term and the first renewal, each line explained (before tax)',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['contractId', 'currency', 'term', 'documents'],
      properties: {
        contractId: { type: 'string' },
        currency: { type: 'string' },
        term: {
          type: 'object',
          properties: {
            startDate: { type: 'string', format: 'date' },
            endDate: { type: 'string', format: 'date' },
          },
        },
        documents: {
          type: 'array',
          items: { type: 'object', description: 'A scheduled document with its lines' },
        },
      },
    },
  })
  @ProblemResponses([404, 'No such contract'])
  async schedule(@Param('id') id: string) {
    const { currency, term, documents } = await this.billingSchedule.execute(id);
    return {
      contractId: id,
      currency,
      term: { startDate: term.start.toString(), endDate: term.end.toString() },
      documents: documents.map((document) => presentDocument(document)),
    };
  }

  /** Runs the automatic renewal for any date (the daily job runs it for today). */
  @Post('v1/admin/renewals')
  @RequiresScope('renewals:run')
  @ApiOperation({
    summary: 'Run the automatic renewal for a date: the contracts renewed and those it could not',
  })
  @ApiOkResponse({
    schema: { type: 'object', description: 'The run: what it renewed and what failed, with reasons' },
  })
  @HttpCode(200)
  async runRenewals(@Body() body: RunRenewalsRequestDto) {
    return this.renewals.execute(CalendarDate.parse(body.asOf));
  }
}
