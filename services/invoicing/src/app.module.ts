import { type DynamicModule, Module } from '@nestjs/common';
import { messagingMigrations } from '@o2c/messaging';
import {
  RunFailuresModule,
  runFailureMigrations,
  ServiceCoreModule,
  type ServiceDefinition,
} from '@o2c/platform';
import { InvoicingEnv } from './config/env.schema';
import { CreateInvoicing1764400000000 } from './modules/invoices/infra/1764400000000-create-invoicing';
import { BillRunJobs1765200000000 } from './modules/invoices/infra/1765200000000-bill-run-jobs';
import { OneIndexByContract1765300000000 } from './modules/invoices/infra/1765300000000-one-index-by-contract';
import { PaymentsAndOverdue1764500000000 } from './modules/invoices/infra/1764500000000-payments-and-overdue';
import { InvoicesModule } from './modules/invoices/invoices.module';
import { OVERDUE_RUN } from './modules/invoices/usecases/mark-overdue-invoices/mark-overdue-invoices.handler';
import { BILL_RUN } from './modules/invoices/usecases/run-bill-run/run-bill-run.handler';

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
          migrations: [
            ...messagingMigrations,
            CreateInvoicing1764400000000,
            PaymentsAndOverdue1764500000000,
            ...runFailureMigrations,
            BillRunJobs1765200000000,
            OneIndexByContract1765300000000,
          ],
        }),
        RunFailuresModule.forRoot({ runs: [BILL_RUN, OVERDUE_RUN] }),
        InvoicesModule,
      ],
    };
  }
}

export const invoicingService: ServiceDefinition<InvoicingEnv> = {
  service: 'invoicing',
  envSchema: InvoicingEnv,
  appModule: (env) => InvoicingAppModule.register(env),
};
