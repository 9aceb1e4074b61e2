import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ProblemResponses, RequiresScope } from '@o2c/platform';
import { type Response } from 'express';
import { DataSource } from 'typeorm';
import { InvoicingError, InvoicingErrorCode } from '../domain/invoicing.errors';
import { amountDue } from '../domain/settlement';
import { SettlementRepository } from '../infra/settlement.repository';
import { RecordPaymentCommand } from '../usecases/record-payment/record-payment.command';
import { RecordPaymentHandler } from '../usecases/record-payment/record-payment.handler';
import { InvoicingErrorFilter } from './invoicing-error.filter';
import { RecordPaymentRequestDto } from './record-payment.request.dto';

function money(amountMinor: bigint, currency: string) {
  return { amountMinor: amountMinor.toString(), currency };
}

/** Payments received for an invoice, and what is still due on it. */
@ApiTags('payments')
@Controller('v1/invoices')
@AdminOnly()
@UseFilters(InvoicingErrorFilter)
export class PaymentsHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SettlementRepository,
    private readonly recordPayment: RecordPaymentHandler,
  ) {}

  /**
   * Records a payment (201). The same idempotency key with the same body answers the first answer again (201, with
   * `Idempotent-Replayed: true`); with another body 409; another currency or more than is due 422.
   */
  @Post(':id/payments')
  @RequiresScope('payments:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a payment of an invoice (idempotent by idempotencyKey)' })
  @ApiResponse({
    status: 201,
    description: 'Recorded, or the first answer again (`Idempotent-Replayed: true`)',
    schema: { type: 'object', description: 'The payment and the invoice balance after it' },
  })
  @ProblemResponses(
    [404, 'No such invoice'],
    [409, 'The idempotency key was used with another body'],
    [422, 'Another currency, or more than is due'],
  )
  async record(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RecordPaymentRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { result, replayed } = await this.recordPayment.execute(
      new RecordPaymentCommand(
        id,
        BigInt(body.amount.amountMinor),
        body.amount.currency,
        body.paymentDate,
        body.reference,
        body.idempotencyKey,
      ),
    );
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return result;
  }

  @Get(':id/payments')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: "An invoice's payments and credits, and what is still due" })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        invoiceId: { type: 'string' },
        invoiceNumber: { type: 'string' },
        status: { type: 'string' },
        total: { $ref: '#/components/schemas/MoneyV1' },
        amountPaid: { $ref: '#/components/schemas/MoneyV1' },
        amountCredited: { $ref: '#/components/schemas/MoneyV1' },
        amountDue: { $ref: '#/components/schemas/MoneyV1' },
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              paymentId: { type: 'string' },
              amount: { $ref: '#/components/schemas/MoneyV1' },
              paymentDate: { type: 'string', format: 'date' },
              reference: { type: 'string' },
              idempotencyKey: { type: 'string' },
              recordedAt: { type: 'string', format: 'date-time' },
            },
          },
        },
        credits: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              creditNoteId: { type: 'string' },
              number: { type: 'string' },
              issueDate: { type: 'string', format: 'date' },
              amount: { $ref: '#/components/schemas/MoneyV1' },
            },
          },
        },
      },
    },
  })
  @ProblemResponses([404, 'No such invoice'])
  async list(@Param('id', new ParseUUIDPipe()) id: string) {
    const manager = this.dataSource.manager;
    const invoice = await this.repository.invoice(manager, id);
    if (!invoice)
      throw new InvoicingError(InvoicingErrorCode.InvoiceNotFound, `Invoice ${id} does not exist`);
    const [payments, credits] = await Promise.all([
      this.repository.payments(manager, id),
      this.repository.credits(manager, id),
    ]);
    const { currency } = invoice;
    return {
      invoiceId: invoice.documentId,
      invoiceNumber: invoice.number,
      status: invoice.status,
      total: money(invoice.totalMinor, currency),
      amountPaid: money(invoice.paidMinor, currency),
      amountCredited: money(invoice.creditedMinor, currency),
      amountDue: money(amountDue(invoice), currency),
      items: payments.map((payment) => ({
        paymentId: payment.paymentId,
        amount: money(payment.amountMinor, payment.currency),
        paymentDate: payment.paymentDate,
        reference: payment.reference,
        idempotencyKey: payment.idempotencyKey,
        recordedAt: payment.recordedAt,
      })),
      credits: credits.map((credit) => ({
        creditNoteId: credit.creditNoteId,
        number: credit.number,
        issueDate: credit.issueDate,
        amount: money(credit.amountMinor, currency),
      })),
    };
  }
}
