import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { eventDataExamples } from './examples';
import { copy, invalidPaths } from '../test/schema-check';
import { eventSchemas } from './event-schemas';
import { isSurelyValid } from './schema-fast-path';
import { type EventType } from './topics';

type Schema = new () => object;

/** What isSurelyValid must agree with: validateEventData's own check. */
function classValidatorFinds(schema: Schema, data: object): boolean {
  return invalidPaths(schema, data).length > 0;
}

/** A small deterministic generator (mulberry32), so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Node = Record<string, unknown> | unknown[];

/** Every object and array inside `data`, with `data` itself. */
function containers(data: unknown, into: Node[] = []): Node[] {
  if (typeof data === 'object' && data !== null) {
    into.push(data as Node);
    for (const value of Object.values(data)) containers(value, into);
  }
  return into;
}

/** Every leaf value of `data`: the values most likely to be wrong in a way only a rule can tell. */
function leaves(data: unknown, into: unknown[] = []): unknown[] {
  if (typeof data === 'object' && data !== null) for (const value of Object.values(data)) leaves(value, into);
  else into.push(data);
  return into;
}

const ODD_VALUES: unknown[] = [
  null,
  undefined,
  '',
  'x',
  ' ',
  'x'.repeat(256),
  '2026-02-30',
  '2026-13-01',
  '1.',
  '-1',
  '100.5',
  'EUR',
  'eur',
  'DE',
  '0',
  0,
  -1,
  1.5,
  1e21,
  Number.NaN,
  true,
  false,
  [],
  [null],
  ['x'],
  {},
  { amountMinor: '1', currency: 'EUR' },
];

/** `data` changed in one to three places: a key removed, added or replaced, an array emptied or grown. */
function mutant(data: object, next: () => number): object {
  const changedData = copy(data);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const pool = [...ODD_VALUES, ...leaves(data)];
  const changes = 1 + Math.floor(next() * 3);
  for (let i = 0; i < changes; i++) {
    const node = pick(containers(changedData));
    const keys = Object.keys(node);
    const operation = next();
    if (Array.isArray(node)) {
      if (operation < 0.3 && node.length > 0) node.splice(Math.floor(next() * node.length), 1);
      else if (operation < 0.6 && node.length > 0) node.push(copy(pick(node)));
      else if (node.length > 0) node[Math.floor(next() * node.length)] = copy(pick(pool));
      else node.push(copy(pick(pool)));
    } else if (operation < 0.25 && keys.length > 0) {
      delete node[pick(keys)];
    } else if (operation < 0.35) {
      node[pick(['extra', 'note', 'id', 'lines', 'kind'])] = copy(pick(pool));
    } else if (keys.length > 0) {
      node[pick(keys)] = copy(pick(pool));
    }
  }
  return changedData;
}

describe(isSurelyValid.name, () => {
  const types = [...eventSchemas.keys()] as EventType[];

  it.each(types)('passes every example of %s, as class-validator does', (type) => {
    const schema = eventSchemas.get(type)!;
    for (const example of eventDataExamples[type]()) {
      expect(classValidatorFinds(schema, example)).toBe(false);
      expect(isSurelyValid(schema, example)).toBe(true);
    }
  });

  it.each(types)('answers as class-validator does for 600 changed examples of %s', (type) => {
    const schema = eventSchemas.get(type)!;
    const examples = eventDataExamples[type]();
    const next = random(types.indexOf(type) + 1);
    const disagreements: string[] = [];
    let valid = 0;
    for (let i = 0; i < 600; i++) {
      const data = mutant(examples[i % examples.length]!, next);
      const finds = classValidatorFinds(schema, data);
      if (!finds) valid++;
      if (isSurelyValid(schema, data) === finds) disagreements.push(JSON.stringify(data));
    }
    expect(disagreements).toEqual([]);
    // the changes must leave some data valid, or only one side of the answer would be tested
    expect(valid).toBeGreaterThan(0);
  });

  describe('answers false, for class-validator to answer, where plainToInstance would not merely copy', () => {
    const [schema, example] = [
      eventSchemas.get('o2c.invoice.paid.v1')!,
      eventDataExamples['o2c.invoice.paid.v1']()[0]!,
    ];

    it.each([
      ['a key named like a method of Object', { ...example, toString: 'x' }],
      ['a Date', { ...example, paymentDate: new Date(0) }],
      ['a class instance', Object.assign(new (class Paid {})(), example)],
      // eslint-disable-next-line no-sparse-arrays
      ['a sparse array', { ...example, extra: [, 1] }],
      ['a function', { ...example, extra: () => 1 }],
      ['an array', [example]],
      ['null', null],
    ])('%s', (_name, data) => {
      expect(isSurelyValid(schema, data)).toBe(false);
    });

    it('and while Object.prototype has an enumerable property (a polluted prototype)', () => {
      const data = { ...example };
      expect(isSurelyValid(schema, data)).toBe(true);
      Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true });
      try {
        expect(isSurelyValid(schema, data)).toBe(false);
      } finally {
        delete (Object.prototype as Record<string, unknown>)['polluted'];
      }
      expect(isSurelyValid(schema, data)).toBe(true);
    });

    it('and for a class whose fields have defaults, which plainToInstance keeps', () => {
      class WithDefault {
        @IsInt()
        count = 1;
      }
      expect(classValidatorFinds(WithDefault, {})).toBe(false);
      expect(isSurelyValid(WithDefault, {})).toBe(false);
    });

    it('and for a class with an asynchronous rule, which validate awaits and validateSync skips', () => {
      @ValidatorConstraint({ async: true })
      class Later implements ValidatorConstraintInterface {
        validate(): Promise<boolean> {
          return Promise.resolve(false);
        }
      }
      class Checked {
        @Validate(Later)
        name!: string;
      }
      expect(isSurelyValid(Checked, { name: 'a' })).toBe(false);
    });

    it('and for an object under @Type that is not validated as nested', () => {
      class Inner {
        @IsString()
        name!: string;
      }
      class Outer {
        @IsOptional()
        @Type(() => Inner)
        inner?: Inner;
      }
      expect(isSurelyValid(Outer, { inner: { name: 'a' } })).toBe(false);
    });
  });

  it('finds nested objects by their @Type, and refuses one without', () => {
    class Inner {
      @IsString()
      name!: string;
    }
    class Typed {
      @ValidateNested()
      @Type(() => Inner)
      inner!: Inner;
    }
    class Untyped {
      @ValidateNested()
      inner!: Inner;
    }
    expect(isSurelyValid(Typed, { inner: { name: 'a' } })).toBe(true);
    expect(isSurelyValid(Typed, { inner: { name: 1 } })).toBe(false);
    expect(isSurelyValid(Typed, { inner: [{ name: 'a' }, { name: 'b' }] })).toBe(true);
    expect(classValidatorFinds(Untyped, { inner: { name: 'a' } })).toBe(true);
    expect(isSurelyValid(Untyped, { inner: { name: 'a' } })).toBe(false);
  });
});
