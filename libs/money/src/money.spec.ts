import fc from 'fast-check';
import { minorUnitDecimals } from './currencies';
import { Fraction } from './fraction';
import {
  formatMinor,
  formatExactPrice,
  formatPrice,
  fromWireMoney,
  minorToFraction,
  parseMoney,
  roundHalfAwayFromZero,
  toWireMoney,
} from './money';
import { type MoneyError, MoneyErrorCode } from './money.errors';

const code = (value: MoneyErrorCode) => expect.objectContaining({ code: value }) as MoneyError;

describe(minorUnitDecimals.name, () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['CHF', 2],
    ['JPY', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['SEK', 2],
    ['NOK', 2],
    ['DKK', 2],
    ['PLN', 2],
    ['CZK', 2],
    ['HUF', 2],
    ['AUD', 2],
    ['CAD', 2],
  ])('%s has %i decimals', (currency, expected) => {
    expect(minorUnitDecimals(currency)).toBe(expected);
  });

  it.each(['XYZ', 'usd', '', 'US'])('refuses the unknown currency "%s"', (currency) => {
    expect(() => minorUnitDecimals(currency)).toThrow(code(MoneyErrorCode.UnknownCurrency));
  });
});

describe(roundHalfAwayFromZero.name, () => {
  const sut = roundHalfAwayFromZero;

  it('rounds the worked example of billing rules §10 once: 1496880/365 USD is 410104 cents', () => {
    const amount = Fraction.fromInteger(20n).mul(Fraction.fromInteger(324n)).mul(Fraction.of(231n, 365n));

    expect(sut(amount, 'USD')).toBe(410104n);
  });

  it('rounds the first invoice of §10: 50 × 360.00 × (1 − 10/100) is 1620000 cents', () => {
    const net = Fraction.parseDecimal('360.00').mul(Fraction.ONE.sub(Fraction.of(10n, 100n)));

    expect(sut(net.mul(Fraction.fromInteger(50n)), 'USD')).toBe(1620000n);
  });

  it('rounds the renewal of §10: 70 × 324 × 1.07 is 2426760 cents', () => {
    const amount = Fraction.fromInteger(70n * 324n).mul(Fraction.parseDecimal('1.07'));

    expect(sut(amount, 'USD')).toBe(2426760n);
  });

  it.each([
    ['0.005', 1n],
    ['-0.005', -1n],
    ['0.015', 2n],
    ['-0.015', -2n],
    ['0.025', 3n],
    ['-0.025', -3n],
    ['0.00499', 0n],
    ['-0.00499', 0n],
    ['0.00501', 1n],
    ['-0.00501', -1n],
    ['123.45', 12345n],
  ])('USD %s is %i cents', (value, expected) => {
    expect(sut(Fraction.parseDecimal(value), 'USD')).toBe(expected);
  });

  it.each([
    [Fraction.of(1n, 2n), 1n],
    [Fraction.of(-1n, 2n), -1n],
    [Fraction.of(5n, 2n), 3n],
    [Fraction.of(-5n, 2n), -3n],
    [Fraction.of(7n, 3n), 2n],
    [Fraction.of(-8n, 3n), -3n],
  ])('JPY %s is %i yen (no minor unit)', (amount, expected) => {
    expect(sut(amount, 'JPY')).toBe(expected);
  });

  it.each([
    [Fraction.of(1n, 2000n), 1n],
    [Fraction.of(-1n, 2000n), -1n],
    [Fraction.of(2n, 3n), 667n],
    [Fraction.of(-2n, 3n), -667n],
    [Fraction.parseDecimal('12.345'), 12345n],
  ])('KWD %s is %i fils (3 decimals)', (amount, expected) => {
    expect(sut(amount, 'KWD')).toBe(expected);
  });

  it('leaves an amount already in minor units unchanged', () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.constantFrom('USD', 'JPY', 'KWD'), (minor, currency) => {
        expect(sut(minorToFraction(minor, currency), currency)).toBe(minor);
      }),
    );
  });
});

describe(parseMoney.name, () => {
  const sut = parseMoney;

  it.each([
    ['360.00', 'USD', 36000n],
    ['360', 'USD', 36000n],
    ['0.5', 'USD', 50n],
    ['0', 'EUR', 0n],
    ['1000', 'JPY', 1000n],
    ['1.234', 'KWD', 1234n],
    ['1.2', 'BHD', 1200n],
    ['12345678901234567890.12', 'USD', 1234567890123456789012n],
  ])('parses "%s" %s as %i minor units', (value, currency, expected) => {
    expect(sut(value, currency)).toBe(expected);
  });

  it.each([
    ['1000.5', 'JPY', 'Amount "1000.5" has 1 decimals but JPY allows at most 0'],
    ['1000.0', 'JPY', 'Amount "1000.0" has 1 decimals but JPY allows at most 0'],
    ['1.234', 'USD', 'Amount "1.234" has 3 decimals but USD allows at most 2'],
    ['1.2345', 'KWD', 'Amount "1.2345" has 4 decimals but KWD allows at most 3'],
  ])('refuses "%s" %s rather than rounding it', (value, currency, message) => {
    expect(() => sut(value, currency)).toThrow(message);
    expect(() => sut(value, currency)).toThrow(code(MoneyErrorCode.TooManyDecimals));
  });

  it.each(['1e3', '', ' 1', '1 ', '1,000', '+1', '1.', '.5', '01', '0x10', 'abc'])(
    'refuses "%s"',
    (value) => {
      expect(() => sut(value, 'USD')).toThrow(code(MoneyErrorCode.InvalidAmount));
    },
  );

  it('refuses negative amounts', () => {
    expect(() => sut('-1.00', 'USD')).toThrow(code(MoneyErrorCode.NegativeAmount));
  });

  it('refuses an unknown currency', () => {
    expect(() => sut('1.00', 'XYZ')).toThrow(code(MoneyErrorCode.UnknownCurrency));
  });
});

describe(formatMinor.name, () => {
  it.each([
    [12345n, 'USD', '123.45'],
    [5n, 'USD', '0.05'],
    [0n, 'USD', '0.00'],
    [-12345n, 'USD', '-123.45'],
    [12345n, 'JPY', '12345'],
    [12345n, 'KWD', '12.345'],
    [1n, 'BHD', '0.001'],
    [410104n, 'USD', '4101.04'],
  ])('formats %i %s as "%s"', (amountMinor, currency, expected) => {
    expect(formatMinor(amountMinor, currency)).toBe(expected);
  });
});

describe(toWireMoney.name, () => {
  it('writes minor units as a string', () => {
    expect(toWireMoney({ amountMinor: 410104n, currency: 'USD' })).toEqual({
      amountMinor: '410104',
      currency: 'USD',
    });
  });

  it('refuses negative amounts and unknown currencies', () => {
    expect(() => toWireMoney({ amountMinor: -1n, currency: 'USD' })).toThrow(
      code(MoneyErrorCode.NegativeAmount),
    );
    expect(() => toWireMoney({ amountMinor: 1n, currency: 'XYZ' })).toThrow(
      code(MoneyErrorCode.UnknownCurrency),
    );
  });
});

describe(fromWireMoney.name, () => {
  it('reads minor units', () => {
    expect(fromWireMoney({ amountMinor: '1620000', currency: 'USD' })).toEqual({
      amountMinor: 1620000n,
      currency: 'USD',
    });
    expect(fromWireMoney({ amountMinor: '0', currency: 'JPY' })).toEqual({
      amountMinor: 0n,
      currency: 'JPY',
    });
  });

  it.each(['-1', '-0', '007', '16200.00', '1e3', '', ' 1'])('refuses amountMinor "%s"', (amountMinor) => {
    expect(() => fromWireMoney({ amountMinor, currency: 'USD' })).toThrow(code(MoneyErrorCode.InvalidAmount));
  });

  it('refuses an unknown currency', () => {
    expect(() => fromWireMoney({ amountMinor: '1', currency: 'usd' })).toThrow(
      code(MoneyErrorCode.UnknownCurrency),
    );
  });
});

describe(formatPrice.name, () => {
  it.each([
    ['360', 'USD', '360.00'],
    ['508.8725', 'USD', '508.8725'],
    ['3300', 'JPY', '3300'],
    ['1234.5', 'KWD', '1234.500'],
  ])('writes %s %s as %s', (value, currency, expected) => {
    expect(formatPrice(Fraction.parseDecimal(value), currency)).toBe(expected);
  });

  it('marks a value that does not terminate', () => {
    expect(formatPrice(Fraction.of(1n, 3n), 'USD', 4)).toBe('0.3333…');
  });
});

describe(formatExactPrice.name, () => {
  it.each([
    ['360', 'USD', '360.00'],
    [
      '508.872512345678901234567890123456789012345678901',
      'USD',
      '508.872512345678901234567890123456789012345678901',
    ],
    ['3300', 'JPY', '3300'],
    ['1234.5', 'KWD', '1234.500'],
  ])('writes %s %s as %s', (value, currency, expected) => {
    expect(formatExactPrice(Fraction.parseDecimal(value), currency)).toBe(expected);
  });

  it('refuses a value that does not terminate rather than cut it', () => {
    expect(() => formatExactPrice(Fraction.of(1n, 3n), 'USD')).toThrow(code(MoneyErrorCode.InvalidAmount));
  });
});
