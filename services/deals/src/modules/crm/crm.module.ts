import { Module } from '@nestjs/common';
import { SERVICE_ENV } from '@o2c/platform';
import { DealsModule } from '../deals/deals.module';
import { CRM_ENV, crmEnvFrom } from './config/crm-env.schema';
import { HubSpotDealHttpController } from './hubspot/hubspot-deal.http.controller';
import { HubSpotSignatureGuard } from './hubspot/hubspot-signature.guard';
import { SalesforceOpportunityHttpController } from './salesforce/salesforce-opportunity.http.controller';
import { SalesforceSignatureGuard } from './salesforce/salesforce-signature.guard';
import { CrmIntake } from './shared/crm-intake';

/**
 * The HubSpot and Salesforce webhooks: each maps its CRM's records onto the canonical closed deal
 * (deal-webhook.md) and hands it to the deals module's intake (`AcceptDealHandler`, which
 * DealsModule must export). docs/crm-adapters.md describes both.
 */
@Module({
  imports: [DealsModule],
  controllers: [HubSpotDealHttpController, SalesforceOpportunityHttpController],
  providers: [
    // A bad value stops the start-up naming the variable, as the service's own settings do.
    { provide: CRM_ENV, inject: [SERVICE_ENV], useFactory: crmEnvFrom },
    CrmIntake,
    HubSpotSignatureGuard,
    SalesforceSignatureGuard,
  ],
})
export class CrmModule {}
