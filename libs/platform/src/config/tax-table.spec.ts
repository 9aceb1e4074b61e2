import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTaxTable } from './tax-table';

describe(parseTaxTable.name, () => {
  const sut = parseTaxTable;

  it('reads the shipped table: the EU standard VAT rates, GB, CH and US (billing-rules.md §8)', () => {
    const file = join(__dirname, '../../../../deploy/tax/tax-rates.v1.json');
    const table = sut(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(Object.fromEntries(table)).toEqual({
      AT: '20',
      BE: '21',
      BG: '20',
      CY: '19',
      CZ: '21',
      DE: '19',
      DK: '25',
      EE: '24',
      ES: '21',
      FI: '25.5',
      FR: '20',
      GR: '24',
      HR: '25',
      HU: '27',
      IE: '23',
      IT: '22',
      LT: '21',
      LU: '17',
      LV: '21',
      MT: '18',
      NL: '21',
      PL: '23',
      PT: '23',
      RO: '21',
      SE: '25',
      SI: '22',
      SK: '23',
      GB: '20',
      CH: '8.1',
      US: '0',
    });
  });

  it('names every bad entry', () => {
    expect(() => sut({ rates: { de: '19', XX: '5', FR: '20%', GB: 20, IT: '101' } }, 't.json')).toThrow(
      new Error(
        't.json is invalid: de is not an ISO 3166-1 alpha-2 country code in upper case; ' +
          'XX is not an ISO 3166-1 alpha-2 country code in upper case; ' +
          'the rate of FR must be a decimal string from "0" to "100"; ' +
          'the rate of GB must be a decimal string from "0" to "100"; ' +
          'the rate of IT must be a decimal string from "0" to "100"',
      ),
    );
    expect(() => sut({ rates: {} }, 't.json')).toThrow(new Error('t.json is invalid: it has no rate'));
    expect(() => sut({ rate: { DE: '19' } }, 't.json')).toThrow(new Error('t.json has no "rates" object'));
    expect(() => sut(null, 't.json')).toThrow(new Error('t.json has no "rates" object'));
  });
});
