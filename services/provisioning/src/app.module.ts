import { type DynamicModule, Module } from '@nestjs/common';
import { type Clock } from '@o2c/clock';
import { messagingMigrations } from '@o2c/messaging';
import {
  RunFailuresModule,
  runFailureMigrations,
  ServiceCoreModule,
  type ServiceDefinition,
} from '@o2c/platform';
import { ProvisioningEnv } from './config/env.schema';
import { CreateDeliveries1764600000001 } from './modules/deliveries/infra/1764600000001-create-deliveries';
import { AddDeliveryTraceContext1764600000002 } from './modules/deliveries/infra/1764600000002-add-delivery-trace-context';
import { EntitlementsModule } from './modules/entitlements/entitlements.module';
import { CreateEntitlements1764600000000 } from './modules/entitlements/infra/1764600000000-create-entitlements';
import { PROVISIONING_RUN } from './modules/entitlements/usecases/run-provisioning/run-provisioning.handler';
import { CreateLicences1764300000000 } from './modules/licences/infra/1764300000000-create-licences';

@Module({})
export class ProvisioningAppModule {
  /** `clock`: the service's CLOCK (tests pass one to fix "today"); the system clock by default. */
  static register(env: ProvisioningEnv, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: ProvisioningAppModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'provisioning',
          env,
          entities: [],
          migrations: [
            ...messagingMigrations,
            CreateLicences1764300000000,
            CreateEntitlements1764600000000,
            CreateDeliveries1764600000001,
            AddDeliveryTraceContext1764600000002,
            ...runFailureMigrations,
          ],
          ...(options.clock ? { clock: options.clock } : {}),
        }),
        RunFailuresModule.forRoot({ runs: [PROVISIONING_RUN] }),
        EntitlementsModule,
      ],
    };
  }
}

export const provisioningService: ServiceDefinition<ProvisioningEnv> = {
  service: 'provisioning',
  envSchema: ProvisioningEnv,
  appModule: (env) => ProvisioningAppModule.register(env),
};
