import { type DynamicModule, Module } from '@nestjs/common';
import { messagingMigrations } from '@o2c/messaging';
import { ServiceCoreModule, type ServiceDefinition } from '@o2c/platform';
import { ProvisioningEnv } from './config/env.schema';

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
          migrations: [...messagingMigrations],
        }),
      ],
    };
  }
}

export const provisioningService: ServiceDefinition<ProvisioningEnv> = {
  service: 'provisioning',
  envSchema: ProvisioningEnv,
  appModule: (env) => ProvisioningAppModule.register(env),
};
