import { scalePrice, subtractPrice, trimToCurrency, wholeNumber } from './crm-decimal';

describe(scalePrice.name, () => {
  it('multiplies and divides exactly in minor units', () => {
    expect(scalePrice('90.10', 'EUR', 4n, 1n)).toEqual({ ok: true, value: '360.40' });
    expect(scalePrice('1080.0', 'EUR', 1n, 3n)).toEqual({ ok: true, value: '360.00' });
    expect(scalePrice('1000', 'JPY', 1n, 1n)).toEqual({ ok: true, value: '1000' });
    expect(scalePrice('1.235', 'KWD', 2n, 1n)).toEqual({ ok: true, value: '2.470' });
  });

  it('refuses what it would have to round', () => {
    expect(scalePrice('100.00', 'EUR', 1n, 3n)).toEqual({
      ok: false,
      reason: '100.00 EUR × 1 ÷ 3 is not a whole number of EUR minor units',
    });
    expect(scalePrice('480.005', 'EUR', 1n, 1n)).toEqual({
      ok: false,
      reason: 'Amount "480.005" has 3 decimals but EUR allows at most 2',
    });
  });
});

describe(trimToCurrency.name, () => {
  it('drops only zeros past the minor unit', () => {
    expect(trimToCurrency('480.000', 'EUR')).toBe('480.00');
    expect(trimToCurrency('1000.0', 'JPY')).toBe('1000');
    expect(trimToCurrency('480.5', 'EUR')).toBe('480.5');
    expect(trimToCurrency('480.0050', 'EUR')).toBe('480.005');
  });
});

describe(subtractPrice.name, () => {
  it('takes a unit discount off exactly, never below zero', () => {
    expect(subtractPrice('100', '12.5', 'EUR')).toEqual({ ok: true, value: '87.50' });
    expect(subtractPrice('10', '12', 'EUR')).toEqual({
      ok: false,
      reason: 'the discount 12 is larger than the price 10',
    });
  });
});

describe(wholeNumber.name, () => {
  it('reads quantities CRMs store as decimals', () => {
    expect(wholeNumber('50')).toBe(50);
    expect(wholeNumber('50.00')).toBe(50);
    expect(wholeNumber('50.5')).toBeUndefined();
    expect(wholeNumber('-1')).toBeUndefined();
  });
});
