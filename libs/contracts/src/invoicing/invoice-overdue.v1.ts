import 'reflect-metadata';
import { Matches } from 'class-validator';
import { MoneyV1 } from '../shared/money';
import { IsCalendarDate, IsIdentifier, NestedProperty } from '../shared/validators';
import { EventTypes, Topics } from '../topics';
import { documentNumberPattern } from './document';

/**
 * `data` of `o2c.invoice.overdue.v1` on `o2c.invoices.v1`: an invoice was found unsettled after its due date.
 * Published once per invoice, by the first bill run (daily or as-of) whose date is after the due date.
 */
export class InvoiceOverdueV1 {
  static readonly ceType = EventTypes.invoiceOverdue;
  static readonly topic = Topics.invoices;

  @IsIdentifier()
  documentId!: string;

  @Matches(documentNumberPattern('INV'), { message: '$property must look like INV-2026-000001' })
  number!: string;

  @IsIdentifier()
  accountId!: string;

  @IsIdentifier()
  contractId!: string;

  @IsCalendarDate()
  issueDate!: string;

  @IsCalendarDate()
  dueDate!: string;

  /** The as-of date of the bill run that found it overdue (after `dueDate`). */
  @IsCalendarDate()
  overdueOn!: string;

  /** The invoice's total. */
  @NestedProperty(() => MoneyV1)
  total!: MoneyV1;

  /** What was left to pay on `overdueOn`: total − payments − credit notes against it. */
  @NestedProperty(() => MoneyV1)
  amountDue!: MoneyV1;
}
