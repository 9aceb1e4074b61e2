import { type DynamicModule, Module } from '@nestjs/common';
import { messagingMigrations } from '@o2c/messaging';
import { ServiceCoreModule, type ServiceDefinition } from '@o2c/platform';
import { InvoicingEnv } from './config/env.schema';

@Module({})
export class InvoicingAppModule {
  static register(env: InvoicingEnv): DynamicModule {
    return {
      module: InvoicingAppModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'invoicing',
          env,
          entities: [],
          migrations: [...messagingMigrations],
        }),
      ],
    };
  }
}

export const invoicingService: ServiceDefinition<InvoicingEnv> = {
  service: 'invoicing',
  envSchema: InvoicingEnv,
  appModule: (env) => InvoicingAppModule.register(env),
};
