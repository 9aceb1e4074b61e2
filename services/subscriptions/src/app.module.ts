import { type DynamicModule, Module } from '@nestjs/common';
import { messagingMigrations } from '@o2c/messaging';
import { ServiceCoreModule, type ServiceDefinition } from '@o2c/platform';
import { SubscriptionsEnv } from './config/env.schema';

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
          migrations: [...messagingMigrations],
        }),
      ],
    };
  }
}

export const subscriptionsService: ServiceDefinition<SubscriptionsEnv> = {
  service: 'subscriptions',
  envSchema: SubscriptionsEnv,
  appModule: (env) => SubscriptionsAppModule.register(env),
};
