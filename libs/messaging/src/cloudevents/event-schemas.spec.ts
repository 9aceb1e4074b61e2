import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { InvalidEventError } from '../errors';
import { validateEventData } from './event-schemas';

class Line {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

class Ordered {
  @IsString()
  orderId!: string;

  @ValidateNested()
  @Type(() => Line)
  lines!: Line[];
}

const schemas = new Map([['test.ordered.v1', Ordered]]);

function problems(data: unknown): readonly string[] {
  try {
    validateEventData(schemas, 'test.ordered.v1', data);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  return [];
}

describe(validateEventData.name, () => {
  it('returns valid data as it is', () => {
    const data = JSON.parse('{"orderId":"o-1","lines":[{"sku":"A","quantity":2}]}') as object;
    expect(validateEventData(schemas, 'test.ordered.v1', data)).toBe(data);
  });

  it('names every problem of invalid data, with its path', () => {
    expect(problems({ orderId: 1, lines: [{ sku: 'A', quantity: 0 }], extra: true })).toEqual([
      'extra: property extra should not exist',
      'orderId: orderId must be a string',
      'lines.0.quantity: quantity must not be less than 1',
    ]);
  });

  it('validates data the quick check declines as class-validator does, and returns its instance', () => {
    const valid = { orderId: 'o-1', lines: [{ sku: 'A', quantity: 2 }], toString: undefined };
    // `toString` is a key plainToInstance drops; the quick check leaves such data to class-validator
    expect(validateEventData(schemas, 'test.ordered.v1', valid)).toBeInstanceOf(Ordered);
    expect(problems({ orderId: 'o-1', lines: [{ sku: 'A', quantity: 0 }], toString: undefined })).toEqual([
      'lines.0.quantity: quantity must not be less than 1',
    ]);
  });

  it('refuses an unknown type and data that is not an object', () => {
    expect(() => validateEventData(schemas, 'test.unknown.v1', {})).toThrow(
      'no schema is registered for this event type',
    );
    expect(problems([])).toEqual(['data must be a JSON object']);
  });
});
