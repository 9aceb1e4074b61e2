import { IsCalendarDate, IsCurrencyCode, NestedProperty } from '@o2c/contracts';
import { IsString, Length, Matches } from 'class-validator';

export class PaymentAmountRequestDto {
  /** Integer minor units of `currency`, more than zero, as a string: `"150000"` is 1,500.00 USD. */
  @Matches(/^[1-9]\d{0,17}$/, {
    message: '$property must be a positive integer string of minor units (at most 18 digits)',
  })
  amountMinor!: string;

  /** ISO 4217; must be the invoice's currency. */
  @IsCurrencyCode()
  currency!: string;
}

export class RecordPaymentRequestDto {
  @NestedProperty(() => PaymentAmountRequestDto)
  amount!: PaymentAmountRequestDto;

  /** The value date of the payment (`YYYY-MM-DD`), as on the bank statement. */
  @IsCalendarDate()
  paymentDate!: string;

  /** The bank's or the payment provider's reference, for reconciliation. */
  @IsString()
  @Length(1, 200)
  reference!: string;

  /** Chosen by the caller, one per payment: a repeated request with the same key and body records nothing more. */
  @IsString()
  @Length(1, 200)
  idempotencyKey!: string;
}
