import { Module } from '@nestjs/common';
import { DealWebhookHttpController } from './api/deal-webhook.http.controller';
import { WebhookSignatureGuard } from './api/webhook-signature.guard';
import { CatalogRepository } from './infra/catalog.repository';
import { AcceptDealHandler } from './usecases/accept-deal/accept-deal.handler';

@Module({
  controllers: [DealWebhookHttpController],
  providers: [AcceptDealHandler, CatalogRepository, WebhookSignatureGuard],
})
export class DealsModule {}
