import { Controller, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { DealsErrorFilter } from '../../deals/api/deals-error.filter';
import { CrmIntake } from '../shared/crm-intake';
import { mapSalesforceOpportunity } from './salesforce-opportunity.mapper';
import { SalesforceSignatureGuard } from './salesforce-signature.guard';

/** Where a Salesforce Apex callout pushes a closed-won Opportunity with its line items (CPQ). */
@UseFilters(DealsErrorFilter)
@Controller('v1/webhooks/salesforce/opportunities')
export class SalesforceOpportunityHttpController {
  constructor(private readonly intake: CrmIntake) {}

  @Post()
  @UseGuards(SalesforceSignatureGuard)
  receive(
    @Req() request: Request & { rawBody?: Buffer },
    @Res({ passthrough: true }) response: Response,
  ): Promise<object> {
    return this.intake.receive(request.rawBody, mapSalesforceOpportunity, response);
  }
}
