import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayNotEmpty, IsArray, Matches, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../shared/validators';
import { EventTypes, Topics } from '../topics';
import { DocumentLineV1, documentNumberPattern, IssuedDocumentV1, NumberYearIsIssueYear } from './document';

/** `data` of `o2c.invoice.issued.v1` on `o2c.invoices.v1`: an issued invoice, whole and final. */
export class InvoiceIssuedV1 extends IssuedDocumentV1 {
  static readonly ceType = EventTypes.invoiceIssued;
  static readonly topic = Topics.invoices;

  /** Gapless per issuing entity and calendar year: `INV-2026-000001`. */
  @Matches(documentNumberPattern('INV'), { message: '$property must look like INV-2026-000001' })
  @NumberYearIsIssueYear()
  number!: string;

  /** `issueDate + paymentTermsDays`. */
  @IsCalendarDate()
  dueDate!: string;

  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => DocumentLineV1)
  lines!: DocumentLineV1[];
}
