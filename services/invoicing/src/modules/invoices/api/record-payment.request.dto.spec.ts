import { fieldProblems } from '@o2c/platform';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { RecordPaymentRequestDto } from './record-payment.request.dto';

function invalidPaths(body: unknown): string[] {
  const sut = plainToInstance(RecordPaymentRequestDto, body);
  return [
    ...new Set(
      fieldProblems(validateSync(sut, { whitelist: true, forbidNonWhitelisted: true })).map((p) => p.path),
    ),
  ];
}

const valid = {
  amount: { amountMinor: '150000', currency: 'USD' },
  paymentDate: '2026-02-20',
  reference: 'BANK-2026-02-20-0042',
  idempotencyKey: '0f6c2a2e-7d4b-4b8e-9a51-8c3d2f1e0a11',
};

describe(RecordPaymentRequestDto.name, () => {
  it('accepts a payment', () => {
    expect(invalidPaths(valid)).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    [
      'an amount in major units',
      { ...valid, amount: { amountMinor: '1500.00', currency: 'USD' } },
      ['amount.amountMinor'],
    ],
    ['a zero amount', { ...valid, amount: { amountMinor: '0', currency: 'USD' } }, ['amount.amountMinor']],
    [
      'a negative amount',
      { ...valid, amount: { amountMinor: '-1', currency: 'USD' } },
      ['amount.amountMinor'],
    ],
    [
      'an amount as a number',
      { ...valid, amount: { amountMinor: 150000, currency: 'USD' } },
      ['amount.amountMinor'],
    ],
    [
      'a lower-case currency',
      { ...valid, amount: { amountMinor: '1', currency: 'usd' } },
      ['amount.currency'],
    ],
    ['no amount', { ...valid, amount: undefined }, ['amount']],
    ['a date that does not exist', { ...valid, paymentDate: '2026-02-30' }, ['paymentDate']],
    ['a timestamp', { ...valid, paymentDate: '2026-02-20T10:00:00Z' }, ['paymentDate']],
    ['an empty reference', { ...valid, reference: '' }, ['reference']],
    ['no idempotency key', { ...valid, idempotencyKey: undefined }, ['idempotencyKey']],
    ['a field it does not know', { ...valid, method: 'card' }, ['method']],
  ])('refuses %s', (_case, body, paths) => {
    expect(invalidPaths(body)).toEqual(paths);
  });
});
