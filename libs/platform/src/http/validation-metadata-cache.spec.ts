import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  getFromContainer,
  Min,
  MetadataStorage,
  validateSync,
  ValidateNested,
  type ValidationError,
} from 'class-validator';
import { cacheValidationMetadata, useKeyedValidatorContainer } from './validation-metadata-cache';

class Line {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

class Base {
  @IsString()
  id!: string;
}

class Order extends Base {
  @ValidateNested({ each: true })
  @Type(() => Line)
  lines!: Line[];

  @IsOptional()
  @IsString({ groups: ['strict'] })
  note?: unknown;
}

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

function problems(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.keys(e.constraints ?? {}).map((c) => `${prefix}${e.property}:${c}`),
    ...problems(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

const samples: unknown[] = [
  { id: 'o-1', lines: [{ sku: 'A', quantity: 2 }] },
  { id: 7, lines: [{ sku: 'A', quantity: 0 }, { sku: 3 }], extra: true },
  { lines: 'none', note: 5 },
  { id: 'o-2', lines: [], note: 'fine' },
];

function validateAll(groups?: string[]): string[][] {
  return samples.map((plain) =>
    problems(validateSync(plainToInstance(Order, plain), { ...OPTIONS, ...(groups ? { groups } : {}) })),
  );
}

describe('cacheValidationMetadata', () => {
  it('answers every validation exactly as class-validator does without it, with groups and inherited rules', () => {
    const before = [validateAll(), validateAll(['strict'])];
    expect(before[0]![0]).toEqual([]);
    expect(before[0]![1]).toEqual(
      expect.arrayContaining(['id:isString', 'extra:whitelistValidation', 'lines.0.quantity:min']),
    );
    expect(before[1]![2]).toContain('note:isString');
    cacheValidationMetadata();
    cacheValidationMetadata(); // idempotent
    expect([validateAll(), validateAll(['strict'])]).toEqual(before);
    expect([validateAll(), validateAll(['strict'])]).toEqual(before);
  });

  it('works out the rules of a class once, and again after a decorator adds one', () => {
    const storage = new MetadataStorage();
    let lookups = 0;
    const original = storage.getTargetValidationMetadatas.bind(storage);
    storage.getTargetValidationMetadatas = (...args) => {
      lookups += 1;
      return original(...args);
    };
    cacheValidationMetadata(storage);
    const first = storage.getTargetValidationMetadatas(Order, '', false, false);
    expect(storage.getTargetValidationMetadatas(Order, '', false, false)).toBe(first);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
    expect(lookups).toBe(1);
    storage.getTargetValidationMetadatas(Order, '', false, false, ['strict']);
    expect(lookups).toBe(2);
    storage.addConstraintMetadata({ target: Order } as never);
    storage.getTargetValidationMetadatas(Order, '', false, false);
    expect(lookups).toBe(3);
  });

  it('sees a class defined after it was installed', () => {
    cacheValidationMetadata();
    class Later {
      @IsInt()
      count!: number;
    }
    expect(problems(validateSync(plainToInstance(Later, { count: 'x' }), OPTIONS))).toEqual(['count:isInt']);
    expect(problems(validateSync(plainToInstance(Later, { count: 2 }), OPTIONS))).toEqual([]);
  });
});

describe(useKeyedValidatorContainer.name, () => {
  it('puts its own container in class-validator: one validator object per class, made on first use', () => {
    class Counted {
      static made = 0;
      constructor() {
        Counted.made += 1;
      }
    }
    const before = problems(
      validateSync(plainToInstance(Order, { id: 1, lines: [{ sku: 'A', quantity: 0 }] })),
    );
    const fromDefault = getFromContainer(Counted);
    useKeyedValidatorContainer();
    const first = getFromContainer(Counted);
    expect(first).toBeInstanceOf(Counted);
    expect(first).not.toBe(fromDefault); // the default container's object is no longer the one used
    expect(getFromContainer(Counted)).toBe(first);
    expect(Counted.made).toBe(2);
    const after = problems(
      validateSync(plainToInstance(Order, { id: 1, lines: [{ sku: 'A', quantity: 0 }] })),
    );
    expect(after).toEqual(before);
    expect(after).toEqual(['lines.0.quantity:min', 'id:isString']);
  });
});
