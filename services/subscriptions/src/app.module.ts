import { type DynamicModule, Module } from '@nestjs/common';
import { messagingMigrations } from '@o2c/messaging';
import { ServiceCoreModule, type ServiceDefinition } from '@o2c/platform';
import { SubscriptionsEnv } from './config/env.schema';
import { ContractsModule } from './modules/contracts/contracts.module';
import { CreateContracts1764200000000 } from './modules/contracts/infra/1764200000000-create-contracts';
import { AddVersionChange1764300000000 } from './modules/contracts/infra/1764300000000-add-version-change';

@Module({})
export class SubscriptionsAppModule {
  static register(env: SubscriptionsEnv): DynamicModule {
    return {
      module: SubscriptionsAppModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'subscriptions',
          env,
          entities: [],
          migrations: [...messagingMigrations, CreateContracts1764200000000, AddVersionChange1764300000000],
        }),
        ContractsModule,
      ],
    };
  }
}

export const subscriptionsService: ServiceDefinition<SubscriptionsEnv> = {
  service: 'subscriptions',
  envSchema: SubscriptionsEnv,
  appModule: (env) => SubscriptionsAppModule.register(env),
};
