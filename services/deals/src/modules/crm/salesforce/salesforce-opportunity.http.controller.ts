import { Controller, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { DealsErrorFilter } from '../../deals/api/deals-error.filter';
import { CrmErrorFilter } from '../shared/crm-error.filter';
import { CRM_ENV, type CrmEnv, salesforceMappingOptions } from '../config/crm-env.schema';
import { type CrmMapping } from '../crm.errors';
import { ApiCrmWebhookResponses } from '../shared/crm-webhook.openapi';
import { CrmIntake } from '../shared/crm-intake';
import { mapSalesforceOpportunity } from './salesforce-opportunity.mapper';
import { SalesforceSignatureGuard } from './salesforce-signature.guard';

/** Where a Salesforce Apex callout pushes a closed-won Opportunity with its line items (CPQ). */
@ApiTags('webhooks')
@UseFilters(DealsErrorFilter, CrmErrorFilter)
@Controller('v1/webhooks/salesforce/opportunities')
export class SalesforceOpportunityHttpController {
  private readonly map: (payload: unknown) => CrmMapping;

  constructor(
    private readonly intake: CrmIntake,
    @Inject(CRM_ENV) env: CrmEnv,
  ) {
    const options = salesforceMappingOptions(env);
    this.map = (payload) => mapSalesforceOpportunity(payload, options);
  }

  @Post()
  @UseGuards(SalesforceSignatureGuard)
  @ApiOperation({
    summary: 'Take a closed-won Salesforce Opportunity with its line items (docs/crm-adapters.md)',
    description:
      'The Opportunity as Apex `JSON.serialize` writes it (CPQ fields included), mapped onto the canonical ' +
      'closed deal (deal-webhook.md) and answered as POST /v1/webhooks/deals answers. Signed as Standard ' +
      'Webhooks says with one of SALESFORCE_WEBHOOK_SECRETS. A single-currency org’s currency is ' +
      'SALESFORCE_DEFAULT_CURRENCY; which `Type` values are new deals, renewals and amendments is ' +
      'SALESFORCE_TYPE_NEW, SALESFORCE_TYPE_RENEWAL and SALESFORCE_TYPE_AMENDMENT.',
  })
  @ApiHeader({ name: 'webhook-id', required: true, description: 'Unique message id' })
  @ApiHeader({
    name: 'webhook-timestamp',
    required: true,
    description: 'Unix seconds; at most 5 minutes off',
  })
  @ApiHeader({
    name: 'webhook-signature',
    required: true,
    description: '`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, several separated by spaces',
  })
  @ApiBody({
    description:
      'The Opportunity sObject: `attributes`, its fields, `Account`, `SBQQ__PrimaryQuote__r` and ' +
      '`OpportunityLineItems` (`{ totalSize, done, records }`)',
    schema: {
      type: 'object',
      required: ['Id', 'StageName', 'CloseDate', 'SystemModstamp', 'Account', 'OpportunityLineItems'],
      properties: {
        attributes: { type: 'object', properties: { type: { type: 'string', enum: ['Opportunity'] } } },
        Id: { type: 'string' },
        StageName: { type: 'string' },
        IsWon: { type: 'boolean' },
        CloseDate: { type: 'string', format: 'date' },
        Type: { type: 'string' },
        CurrencyIsoCode: {
          type: 'string',
          description: 'Only in multi-currency orgs; else SALESFORCE_DEFAULT_CURRENCY',
        },
        SystemModstamp: { type: 'string' },
        Account: { type: 'object' },
        SBQQ__PrimaryQuote__r: { type: 'object' },
        OpportunityLineItems: {
          type: 'object',
          properties: {
            totalSize: { type: 'integer' },
            done: { type: 'boolean' },
            records: { type: 'array', items: { type: 'object' } },
          },
        },
      },
    },
  })
  @ApiCrmWebhookResponses()
  receive(
    @Req() request: Request & { rawBody?: Buffer },
    @Res({ passthrough: true }) response: Response,
  ): Promise<object> {
    return this.intake.receive(request.rawBody, this.map, response);
  }
}
