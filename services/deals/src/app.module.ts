import { type DynamicModule, Module } from '@nestjs/common';
import { messagingMigrations } from '@o2c/messaging';
import { ServiceCoreModule, type ServiceDefinition } from '@o2c/platform';
import { DealsEnv } from './config/env.schema';
import { CrmModule } from './modules/crm/crm.module';
import { DealsModule } from './modules/deals/deals.module';
import { CreateDealsAndCatalog1764100000000 } from './modules/deals/infra/1764100000000-create-deals-and-catalog';
import { AddDealHistoryAndCatalogTimes1764110000000 } from './modules/deals/infra/1764110000000-add-deal-history-and-catalog-times';
import { AddAcceptedDealEvent1764120000000 } from './modules/deals/infra/1764120000000-add-accepted-deal-event';
import { DropDealReply1765400000000 } from './modules/deals/infra/1765400000000-drop-deal-reply';

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
          migrations: [
            ...messagingMigrations,
            CreateDealsAndCatalog1764100000000,
            AddDealHistoryAndCatalogTimes1764110000000,
            AddAcceptedDealEvent1764120000000,
            DropDealReply1765400000000,
          ],
        }),
        DealsModule,
        CrmModule,
      ],
    };
  }
}

export const dealsService: ServiceDefinition<DealsEnv> = {
  service: 'deals',
  envSchema: DealsEnv,
  appModule: (env) => DealsAppModule.register(env),
};
