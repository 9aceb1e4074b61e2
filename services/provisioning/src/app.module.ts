import { type DynamicModule, Module } from '@nestjs/common';
import { messagingMigrations } from '@o2c/messaging';
import { ServiceCoreModule, type ServiceDefinition } from '@o2c/platform';
import { ProvisioningEnv } from './config/env.schema';
import { CreateLicences1764300000000 } from './modules/licences/infra/1764300000000-create-licences';
import { LicencesModule } from './modules/licences/licences.module';

@Module({})
export class ProvisioningAppModule {
  static register(env: ProvisioningEnv): DynamicModule {
    return {
      module: ProvisioningAppModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'provisioning',
          env,
          entities: [],
          migrations: [...messagingMigrations, CreateLicences1764300000000],
        }),
        LicencesModule,
      ],
    };
  }
}

export const provisioningService: ServiceDefinition<ProvisioningEnv> = {
  service: 'provisioning',
  envSchema: ProvisioningEnv,
  appModule: (env) => ProvisioningAppModule.register(env),
};
