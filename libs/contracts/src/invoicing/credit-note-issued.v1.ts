import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayNotEmpty, IsArray, Matches, ValidateNested } from 'class-validator';
import { IsIdentifier } from '../shared/validators';
import { EventTypes, Topics } from '../topics';
import { DocumentLineV1, documentNumberPattern, IssuedDocumentV1, NumberYearIsIssueYear } from './document';

/**
 * A credit note line: what it credits, at the amount and tax rate of the invoice it corrects.
 * The invoice is named per line because one credit note (an immediate cancellation, say) may
 * credit lines of several invoices; an EU credit note must name the invoice it corrects.
 */
export class CreditNoteLineV1 extends DocumentLineV1 {
  @IsIdentifier()
  creditedInvoiceId!: string;

  @Matches(documentNumberPattern('INV'), { message: '$property must look like INV-2026-000001' })
  creditedInvoiceNumber!: string;
}

/**
 * `data` of `o2c.credit_note.issued.v1` on `o2c.invoices.v1`: an issued credit note, whole and
 * final. Its amounts are positive and mean money owed back to the customer.
 */
export class CreditNoteIssuedV1 extends IssuedDocumentV1 {
  static readonly ceType = EventTypes.creditNoteIssued;
  static readonly topic = Topics.invoices;

  /** Gapless per issuing entity and calendar year: `CN-2026-000001`. */
  @Matches(documentNumberPattern('CN'), { message: '$property must look like CN-2026-000001' })
  @NumberYearIsIssueYear()
  number!: string;

  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => CreditNoteLineV1)
  lines!: CreditNoteLineV1[];
}
