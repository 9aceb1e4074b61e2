import { type DynamicModule, Module } from '@nestjs/common';
import { messagingMigrations } from '@o2c/messaging';
import { ServiceCoreModule, type ServiceDefinition } from '@o2c/platform';
import { DealsEnv } from './config/env.schema';

@Module({})
export class DealsAppModule {
  static register(env: DealsEnv): DynamicModule {
    return {
      module: DealsAppModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'deals',
          env,
          entities: [],
          migrations: [...messagingMigrations],
        }),
      ],
    };
  }
}

export const dealsService: ServiceDefinition<DealsEnv> = {
  service: 'deals',
  envSchema: DealsEnv,
  appModule: (env) => DealsAppModule.register(env),
};
