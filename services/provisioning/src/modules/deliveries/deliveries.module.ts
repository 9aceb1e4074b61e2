import { Module } from '@nestjs/common';
import { systemClock } from '@o2c/clock';
import { SERVICE_ENV } from '@o2c/platform';
import {
  PROVISIONING_SETTINGS,
  provisioningSettingsOf,
  type ProvisioningSettings,
} from '../../config/provisioning-settings';
import { DeliveriesHttpController } from './api/deliveries.http.controller';
import { DeliveryRepository } from './infra/delivery.repository';
import { DeliveryWorker } from './usecases/deliver-webhooks/delivery.worker';
import { WebhookSender } from './usecases/deliver-webhooks/webhook-sender';
import { ReplayDeliveryHandler } from './usecases/replay-delivery/replay-delivery.handler';
import { WALL_CLOCK } from './wall-clock';

@Module({
  controllers: [DeliveriesHttpController],
  providers: [
    { provide: PROVISIONING_SETTINGS, inject: [SERVICE_ENV], useFactory: provisioningSettingsOf },
    { provide: WALL_CLOCK, useValue: systemClock },
    {
      provide: WebhookSender,
      inject: [PROVISIONING_SETTINGS],
      useFactory: (settings: ProvisioningSettings) =>
        new WebhookSender(settings.webhookSecrets, settings.deliveryTimeoutMs),
    },
    DeliveryRepository,
    DeliveryWorker,
    ReplayDeliveryHandler,
  ],
  exports: [DeliveryRepository, WALL_CLOCK],
})
export class DeliveriesModule {}
