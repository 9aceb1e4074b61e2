import { Controller, Post, Req, Res, UseGuards } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { CrmIntake } from '../shared/crm-intake';
import { mapSalesforceOpportunity } from './salesforce-opportunity.mapper';
import { SalesforceSignatureGuard } from './salesforce-signature.guard';

/** Where a Salesforce Apex callout pushes a closed-won Opportunity with its line items (CPQ). */
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
