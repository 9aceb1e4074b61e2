import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fraction } from '@o2c/money';
import { BillingErrorCode, type BillingError } from '../billing.errors';
import { CalendarDate } from '../calendar/calendar-date';
import type { ScheduledDocument } from '../schedule/scheduled-document';
import { applyTax, EU_COUNTRIES, taxTreatment } from './tax';

// The default table shipped with o2c (deploy/tax), as the services load it.
const rates: ReadonlyMap<string, string> = new Map(
  Object.entries(
    (
      JSON.parse(readFileSync(join(__dirname, '../../../../deploy/tax/tax-rates.v1.json'), 'utf8')) as {
        rates: Record<string, string>;
      }
    ).rates,
  ),
);

describe(taxTreatment.name, () => {
  const seller = { country: 'DE' };

  it.each([
    [
      'a French business with a tax id (reverse charge)',
      { country: 'FR', taxId: 'FR40303265045' },
      '0',
      true,
    ],
    ['a French customer without a tax id', { country: 'FR' }, '20', false],
    ['a French customer with a blank tax id', { country: 'FR', taxId: '  ' }, '20', false],
    ['a German business in the seller country', { country: 'DE', taxId: 'DE123456789' }, '19', false],
    ['a Swiss business (outside the EU)', { country: 'CH', taxId: 'CHE-123.456.789' }, '8.1', false],
    ['a British customer', { country: 'GB', taxId: 'GB123456789' }, '20', false],
    ['a US customer', { country: 'US' }, '0', false],
    ['a Finnish customer', { country: 'FI' }, '25.5', false],
  ])('charges %s at %s %', (_, customer, rate, reverseCharge) => {
    const sut = taxTreatment(seller, customer, rates);
    expect(sut.ratePercent.equals(Fraction.parseDecimal(rate))).toBe(true);
    expect(sut.reverseCharge).toBe(reverseCharge);
  });

  it('refuses a customer country the table does not hold', () => {
    expect(() => taxTreatment(seller, { country: 'BR' }, rates)).toThrow(
      expect.objectContaining({ code: BillingErrorCode.UnknownTaxCountry }) as BillingError,
    );
  });

  it('uses a configured table instead of the default', () => {
    expect(taxTreatment(seller, { country: 'BR' }, new Map([['BR', '17']])).ratePercent.toString()).toBe(
      '17',
    );
  });

  it('has, in the shipped table, a rate for every EU member state, GB, CH and US', () => {
    expect(EU_COUNTRIES.size).toBe(27);
    for (const country of [...EU_COUNTRIES, 'GB', 'CH', 'US']) expect(rates.get(country)).toBeDefined();
  });
});

describe(applyTax.name, () => {
  const day = CalendarDate.parse('2026-06-15');
  const document = (currency: string, amounts: bigint[]): ScheduledDocument => ({
    key: 'change:D2:invoice',
    kind: 'invoice',
    date: day,
    dueDate: day,
    currency,
    contractVersion: 2,
    change: { kind: 'amendment', id: 'D2', effectiveDate: day },
    lines: amounts.map((amountMinor) => ({
      chargeId: 'L1',
      sku: 'SEAT-PRO',
      chargeType: 'recurring',
      servicePeriod: { start: day, end: day },
      amountMinor,
      explanation: {
        rule: 'quantity_increase',
        quantity: 1,
        unitPrice: Fraction.ONE,
        discountPercent: Fraction.ZERO,
        netUnitPrice: Fraction.ONE,
        exactAmount: Fraction.ONE,
        formula: '',
      },
    })),
  });

  it('taxes each rounded line, half away from zero, and totals lines plus taxes', () => {
    // 4101.04 × 19 % = 779.1976 → 779.20; 0.05 × 19 % = 0.0095 → 0.01
    const sut = applyTax(
      document('USD', [410104n, 5n]),
      taxTreatment({ country: 'FR' }, { country: 'DE' }, rates),
    );
    expect(sut.lines.map((line) => line.taxMinor)).toEqual([77920n, 1n]);
    expect([sut.subtotalMinor, sut.taxMinor, sut.totalMinor]).toEqual([410109n, 77921n, 488030n]);
  });

  it('rounds in the currency of the document: JPY 1,234 × 8.1 % = 99.954 → 100', () => {
    const sut = applyTax(document('JPY', [1234n]), taxTreatment({ country: 'DE' }, { country: 'CH' }, rates));
    expect(sut.taxMinor).toBe(100n);
  });

  it('taxes nothing under reverse charge and says so', () => {
    const sut = applyTax(
      document('EUR', [100000n]),
      taxTreatment({ country: 'DE' }, { country: 'NL', taxId: 'NL123456789B01' }, rates),
    );
    expect([sut.taxMinor, sut.totalMinor, sut.tax.reverseCharge]).toEqual([0n, 100000n, true]);
  });
});
