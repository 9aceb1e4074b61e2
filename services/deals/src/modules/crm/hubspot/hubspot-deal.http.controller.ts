import { Controller, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { DealsErrorFilter } from '../../deals/api/deals-error.filter';
import { CrmErrorFilter } from '../shared/crm-error.filter';
import { ApiCrmWebhookResponses } from '../shared/crm-webhook.openapi';
import { CrmIntake } from '../shared/crm-intake';
import { mapHubSpotDeal } from './hubspot-deal.mapper';
import { HubSpotSignatureGuard } from './hubspot-signature.guard';

/** Where HubSpot (a workflow or an app of ours) pushes a closed-won deal with its line items and companies. */
@ApiTags('webhooks')
@UseFilters(DealsErrorFilter, CrmErrorFilter)
@Controller('v1/webhooks/hubspot/deals')
export class HubSpotDealHttpController {
  constructor(private readonly intake: CrmIntake) {}

  @Post()
  @UseGuards(HubSpotSignatureGuard)
  @ApiOperation({
    summary: 'Take a closed-won HubSpot deal with its line items and companies (docs/crm-adapters.md)',
    description:
      'The records as the CRM API v3 returns them, mapped onto the canonical closed deal (deal-webhook.md) ' +
      'and answered as POST /v1/webhooks/deals answers. Signed with HubSpot’s v3 signature by the app’s ' +
      'client secret (HUBSPOT_CLIENT_SECRETS) over POST, the public URL (HUBSPOT_WEBHOOK_BASE_URL + path), ' +
      'the raw body and the timestamp.',
  })
  @ApiHeader({
    name: 'X-HubSpot-Request-Timestamp',
    required: true,
    description: 'Unix milliseconds; at most 5 minutes off',
  })
  @ApiHeader({
    name: 'X-HubSpot-Signature-v3',
    required: true,
    description: 'base64 of HMAC-SHA256 (client secret) of `POST` + full URL + raw body + timestamp',
  })
  @ApiBody({
    description: 'The deal, its line items and companies, as CRM API v3 objects (every property a string)',
    schema: {
      type: 'object',
      required: ['deal', 'lineItems', 'companies'],
      properties: {
        deal: {
          type: 'object',
          description: '`{ id, properties, associations }` of the deal (dealstage closedwon)',
        },
        lineItems: {
          type: 'array',
          items: { type: 'object' },
          description: 'Every line item associated with the deal: `{ id, properties }`',
        },
        companies: {
          type: 'array',
          items: { type: 'object' },
          description: 'The associated companies (the primary one is billed): `{ id, properties }`',
        },
      },
    },
  })
  @ApiCrmWebhookResponses()
  receive(
    @Req() request: Request & { rawBody?: Buffer },
    @Res({ passthrough: true }) response: Response,
  ): Promise<object> {
    return this.intake.receive(request.rawBody, mapHubSpotDeal, response);
  }
}
