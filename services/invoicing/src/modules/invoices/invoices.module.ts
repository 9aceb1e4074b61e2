import { Module } from '@nestjs/common';
import { DocumentsHttpController } from './api/documents.http.controller';
import { BillContractWhenSubscriptionChangedConsumer } from './consumers/bill-contract-when-subscription-changed.consumer';
import { InvoicingRepository } from './infra/invoicing.repository';
import { taxRatesProvider } from './infra/tax-rates.provider';
import { IssueDueDocumentsHandler } from './usecases/issue-due-documents/issue-due-documents.handler';
import { BillRunJob } from './usecases/run-bill-run/bill-run.job';
import { RunBillRunHandler } from './usecases/run-bill-run/run-bill-run.handler';

@Module({
  controllers: [BillContractWhenSubscriptionChangedConsumer, DocumentsHttpController],
  providers: [InvoicingRepository, taxRatesProvider, IssueDueDocumentsHandler, RunBillRunHandler, BillRunJob],
})
export class InvoicesModule {}
