import { Module } from '@nestjs/common';
import { CatalogHttpController } from './api/catalog.http.controller';
import { DealPreviewHttpController } from './api/deal-preview.http.controller';
import { DealWebhookHttpController } from './api/deal-webhook.http.controller';
import { DealsHttpController } from './api/deals.http.controller';
import { DealsErrorFilter } from './api/deals-error.filter';
import { WebhookSignatureGuard } from './api/webhook-signature.guard';
import { CatalogRepository } from './infra/catalog.repository';
import { DealRepository } from './infra/deal.repository';
import { TaxRatesRepository } from './infra/tax-rates.repository';
import { AcceptDealHandler } from './usecases/accept-deal/accept-deal.handler';
import { CheckDealHandler } from './usecases/check-deal/check-deal.handler';
import { GetDealHandler } from './usecases/get-deal/get-deal.handler';
import { ListDealsHandler } from './usecases/list-deals/list-deals.handler';
import { PreviewDealHandler } from './usecases/preview-deal/preview-deal.handler';
import { PutCatalogEntryHandler } from './usecases/put-catalog-entry/put-catalog-entry.handler';
import { ReplayDealsHandler } from './usecases/replay-deals/replay-deals.handler';

@Module({
  controllers: [
    DealWebhookHttpController,
    DealPreviewHttpController,
    DealsHttpController,
    CatalogHttpController,
  ],
  providers: [
    AcceptDealHandler,
    CheckDealHandler,
    PreviewDealHandler,
    ReplayDealsHandler,
    ListDealsHandler,
    GetDealHandler,
    PutCatalogEntryHandler,
    DealRepository,
    CatalogRepository,
    TaxRatesRepository,
    WebhookSignatureGuard,
    DealsErrorFilter,
  ],
  // The CRM adapters hand their mapped deals to the same intake.
  exports: [AcceptDealHandler],
})
export class DealsModule {}
