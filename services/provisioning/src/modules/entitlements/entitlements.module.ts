import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { LicencesModule } from '../licences/licences.module';
import { EntitlementsHttpController } from './api/entitlements.http.controller';
import { ProvisionEntitlementsWhenSubscriptionChangedConsumer } from './consumers/provision-entitlements-when-subscription-changed.consumer';
import { EntitlementRepository } from './infra/entitlement.repository';
import { ApplyEntitlementsHandler } from './usecases/apply-entitlements/apply-entitlements.handler';
import { RecordContractVersionHandler } from './usecases/record-contract-version/record-contract-version.handler';
import { ProvisioningJob } from './usecases/run-provisioning/provisioning.job';
import { RunProvisioningHandler } from './usecases/run-provisioning/run-provisioning.handler';

@Module({
  imports: [LicencesModule, DeliveriesModule],
  controllers: [ProvisionEntitlementsWhenSubscriptionChangedConsumer, EntitlementsHttpController],
  providers: [
    EntitlementRepository,
    ApplyEntitlementsHandler,
    RecordContractVersionHandler,
    RunProvisioningHandler,
    ProvisioningJob,
  ],
})
export class EntitlementsModule {}
