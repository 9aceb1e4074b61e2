import { Controller, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { DealsErrorFilter } from '../../deals/api/deals-error.filter';
import { CrmIntake } from '../shared/crm-intake';
import { mapHubSpotDeal } from './hubspot-deal.mapper';
import { HubSpotSignatureGuard } from './hubspot-signature.guard';

/** Where HubSpot (a workflow or an app of ours) pushes a closed-won deal with its line items and companies. */
@UseFilters(DealsErrorFilter)
@Controller('v1/webhooks/hubspot/deals')
export class HubSpotDealHttpController {
  constructor(private readonly intake: CrmIntake) {}

  @Post()
  @UseGuards(HubSpotSignatureGuard)
  receive(
    @Req() request: Request & { rawBody?: Buffer },
    @Res({ passthrough: true }) response: Response,
  ): Promise<object> {
    return this.intake.receive(request.rawBody, mapHubSpotDeal, response);
  }
}
