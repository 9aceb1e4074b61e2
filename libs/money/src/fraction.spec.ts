import { Fraction } from './fraction';
import { MoneyError, MoneyErrorCode } from './money.errors';

describe(Fraction.name, () => {
  describe('of', () => {
    it.each([
      [6n, 4n, '3/2'],
      [6n, -4n, '-3/2'],
      [-6n, -4n, '3/2'],
      [0n, -5n, '0'],
      [10n, 5n, '2'],
      [-7n, 1n, '-7'],
    ])('%s/%s is %s, reduced with a positive denominator', (numerator, denominator, expected) => {
      const sut = Fraction.of(numerator, denominator);

      expect(sut.toString()).toBe(expected);
      expect(sut.denominator > 0n).toBe(true);
    });

    it('refuses a zero denominator', () => {
      expect(() => Fraction.of(1n, 0n)).toThrow(
        expect.objectContaining({ code: MoneyErrorCode.DivisionByZero }) as MoneyError,
      );
    });
  });

  it('fromInteger keeps the integer', () => {
    expect(Fraction.fromInteger(-42n).toString()).toBe('-42');
  });

  describe('arithmetic', () => {
    const half = Fraction.of(1n, 2n);
    const third = Fraction.of(1n, 3n);

    it('adds', () => {
      expect(half.add(third).toString()).toBe('5/6');
      expect(half.add(half.neg()).toString()).toBe('0');
    });

    it('subtracts into negatives', () => {
      expect(half.sub(Fraction.of(3n, 4n)).toString()).toBe('-1/4');
      expect(Fraction.of(-1n, 2n).sub(third).toString()).toBe('-5/6');
    });

    it('multiplies with signs and reduces', () => {
      expect(Fraction.of(-2n, 3n).mul(Fraction.of(9n, 4n)).toString()).toBe('-3/2');
      expect(Fraction.of(-2n, 3n).mul(Fraction.of(-3n, 2n)).toString()).toBe('1');
    });

    it('divides with signs and reduces', () => {
      expect(half.div(Fraction.of(-1n, 4n)).toString()).toBe('-2');
      expect(Fraction.of(-3n, 5n).div(Fraction.of(-9n, 10n)).toString()).toBe('2/3');
    });

    it('refuses division by zero', () => {
      expect(() => half.div(Fraction.ZERO)).toThrow(MoneyError);
    });

    it('computes the worked example of billing rules §10 exactly', () => {
      // 20 × 324 × 231/365 = 1496880/365 = 299376/73
      const sut = Fraction.fromInteger(20n).mul(Fraction.fromInteger(324n)).mul(Fraction.of(231n, 365n));

      expect(sut.toString()).toBe('299376/73');
    });
  });

  describe('compare and equals', () => {
    it('orders negatives before positives', () => {
      expect(Fraction.of(-1n, 2n).compare(Fraction.of(1n, 3n))).toBe(-1);
      expect(Fraction.of(1n, 3n).compare(Fraction.of(-1n, 2n))).toBe(1);
      expect(Fraction.of(2n, 4n).compare(Fraction.of(1n, 2n))).toBe(0);
    });

    it('equals compares values, not spellings', () => {
      expect(Fraction.of(2n, 4n).equals(Fraction.of(-1n, -2n))).toBe(true);
      expect(Fraction.of(1n, 2n).equals(Fraction.of(1n, 3n))).toBe(false);
    });

    it('isZero and isNegative', () => {
      expect(Fraction.of(0n, 7n).isZero()).toBe(true);
      expect(Fraction.of(1n, -7n).isNegative()).toBe(true);
      expect(Fraction.of(1n, 7n).isNegative()).toBe(false);
    });
  });

  describe('parseDecimal', () => {
    it.each([
      ['12.345', '2469/200'],
      ['360.00', '360'],
      ['360', '360'],
      ['0.1', '1/10'],
      ['-0.50', '-1/2'],
      ['1.07', '107/100'],
      ['0', '0'],
    ])('parses %s exactly as %s', (value, expected) => {
      expect(Fraction.parseDecimal(value).toString()).toBe(expected);
    });

    it.each(['1e3', '', ' 1', '1 ', '1,000', '+1', '1.', '.5', 'NaN', '--1'])('refuses "%s"', (value) => {
      expect(() => Fraction.parseDecimal(value)).toThrow(
        expect.objectContaining({ code: MoneyErrorCode.InvalidAmount }) as MoneyError,
      );
    });
  });

  describe('toDecimalString', () => {
    it.each([
      [Fraction.of(1496880n, 365n), 6, '4101.041095…'],
      [Fraction.of(410104n, 100n), 6, '4101.04'],
      [Fraction.of(-1n, 3n), 2, '-0.33…'],
      [Fraction.fromInteger(7n), 3, '7'],
      [Fraction.of(1n, 8n), 3, '0.125'],
      [Fraction.of(1n, 8n), 2, '0.12…'],
    ])('writes %s with %i decimals as %s', (value, digits, expected) => {
      expect(value.toDecimalString(digits)).toBe(expected);
    });
  });

  describe('toExactDecimalString', () => {
    it.each([
      [Fraction.of(410104n, 100n), '4101.04'],
      [Fraction.of(-1n, 8n), '-0.125'],
      [Fraction.fromInteger(360n), '360'],
      [Fraction.of(3n, 1250n), '0.0024'],
    ])('writes %s as %s', (value, expected) => {
      expect(value.toExactDecimalString()).toBe(expected);
    });

    it('keeps every decimal of a price uplifted by 3 % thirty times (sixty more decimals)', () => {
      const factor = Fraction.of(103n, 100n);
      let price = Fraction.parseDecimal('99.995');
      for (let i = 0; i < 30; i += 1) price = price.mul(factor);
      const text = price.toExactDecimalString();
      expect(text.split('.')[1]).toHaveLength(63);
      expect(Fraction.parseDecimal(text).equals(price)).toBe(true);
    });

    it('refuses a value whose decimals never end', () => {
      expect(() => Fraction.of(1n, 3n).toExactDecimalString()).toThrow(
        expect.objectContaining({ code: MoneyErrorCode.InvalidAmount }) as MoneyError,
      );
    });
  });
});
