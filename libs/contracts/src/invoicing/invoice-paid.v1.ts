import 'reflect-metadata';
import { Matches } from 'class-validator';
import { MoneyV1 } from '../shared/money';
import { IsCalendarDate, IsIdentifier, NestedProperty } from '../shared/validators';
import { EventTypes, Topics } from '../topics';
import { documentNumberPattern } from './document';

/** `data` of `o2c.invoice.paid.v1` on `o2c.invoices.v1`: an invoice was paid in full. */
export class InvoicePaidV1 {
  static readonly ceType = EventTypes.invoicePaid;
  static readonly topic = Topics.invoices;

  @IsIdentifier()
  documentId!: string;

  @Matches(documentNumberPattern('INV'), { message: '$property must look like INV-2026-000001' })
  number!: string;

  @IsIdentifier()
  accountId!: string;

  @IsIdentifier()
  contractId!: string;

  /** The value date of the payment (bank statement), which ageing and dunning use. */
  @IsCalendarDate()
  paymentDate!: string;

  /** What was received for this invoice. */
  @NestedProperty(() => MoneyV1)
  amountPaid!: MoneyV1;

  /** The invoice's total, repeated so a consumer needs no other event. */
  @NestedProperty(() => MoneyV1)
  total!: MoneyV1;
}
