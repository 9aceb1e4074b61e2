import { type DynamicModule, Module } from '@nestjs/common';
import { messagingMigrations } from '@o2c/messaging';
import {
  RunFailuresModule,
  runFailureMigrations,
  ServiceCoreModule,
  type ServiceDefinition,
} from '@o2c/platform';
import { SubscriptionsEnv } from './config/env.schema';
import { ContractsModule } from './modules/contracts/contracts.module';
import { CreateContracts1764200000000 } from './modules/contracts/infra/1764200000000-create-contracts';
import { AddVersionChange1764300000000 } from './modules/contracts/infra/1764300000000-add-version-change';
import { RENEWAL_RUN } from './modules/contracts/usecases/renew-contracts/renew-contracts.handler';
import { KeepAppliedDeals1765000000000 } from './modules/contracts/infra/1765000000000-keep-applied-deals';
import { DropUnreadContractState1765400000000 } from './modules/contracts/infra/1765400000000-drop-unread-contract-state';

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
          migrations: [
            ...messagingMigrations,
            CreateContracts1764200000000,
            AddVersionChange1764300000000,
            KeepAppliedDeals1765000000000,
            ...runFailureMigrations,
            DropUnreadContractState1765400000000,
          ],
        }),
        RunFailuresModule.forRoot({ runs: [RENEWAL_RUN] }),
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
