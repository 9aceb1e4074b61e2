import { Module } from '@nestjs/common';
import { BillRunsHttpController } from './api/bill-runs.http.controller';
import { DocumentPdfHttpController } from './api/document-pdf.http.controller';
import { DocumentsHttpController } from './api/documents.http.controller';
import { PaymentsHttpController } from './api/payments.http.controller';
import { BillContractWhenSubscriptionChangedConsumer } from './consumers/bill-contract-when-subscription-changed.consumer';
import { BillRunRepository } from './infra/bill-run.repository';
import { DocumentRepository } from './infra/document.repository';
import { InvoicingRepository } from './infra/invoicing.repository';
import { SettlementRepository } from './infra/settlement.repository';
import { taxRatesProvider } from './infra/tax-rates.provider';
import { GetDocumentHandler } from './usecases/get-document/get-document.handler';
import { IssueDueDocumentsHandler } from './usecases/issue-due-documents/issue-due-documents.handler';
import { ListDocumentsHandler } from './usecases/list-documents/list-documents.handler';
import { MarkOverdueInvoicesHandler } from './usecases/mark-overdue-invoices/mark-overdue-invoices.handler';
import { RecordContractVersionHandler } from './usecases/record-contract-version/record-contract-version.handler';
import { RecordPaymentHandler } from './usecases/record-payment/record-payment.handler';
import { RenderDocumentPdfHandler } from './usecases/render-document-pdf/render-document-pdf.handler';
import { BillRunJob } from './usecases/run-bill-run/bill-run.job';
import { RunBillRunHandler } from './usecases/run-bill-run/run-bill-run.handler';

@Module({
  controllers: [
    BillContractWhenSubscriptionChangedConsumer,
    DocumentsHttpController,
    PaymentsHttpController,
    DocumentPdfHttpController,
    BillRunsHttpController,
  ],
  providers: [
    InvoicingRepository,
    BillRunRepository,
    DocumentRepository,
    SettlementRepository,
    taxRatesProvider,
    GetDocumentHandler,
    ListDocumentsHandler,
    IssueDueDocumentsHandler,
    MarkOverdueInvoicesHandler,
    RecordContractVersionHandler,
    RecordPaymentHandler,
    RenderDocumentPdfHandler,
    RunBillRunHandler,
    BillRunJob,
  ],
})
export class InvoicesModule {}
