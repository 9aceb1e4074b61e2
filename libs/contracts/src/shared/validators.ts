import { Type } from 'class-transformer';
import {
  buildMessage,
  IsDefined,
  IsISO31661Alpha2,
  IsISO4217CurrencyCode,
  IsObject,
  IsString,
  Length,
  Matches,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

// Format checks class-validator has no exact equivalent for: its IsISO8601 also takes week dates
// and timestamps where we want exactly YYYY-MM-DD, and its IsDecimal takes "-1", ".5" and "1.".

type Holder = Record<string, unknown>;

function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;
const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-29 is not one). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** True for an RFC 3339 timestamp with a real date and time and an explicit offset (leap seconds are refused). */
export function isRfc3339Timestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = TIMESTAMP.exec(value);
  if (!match || !isCalendarDate(match[1])) return false;
  const [hour, minute, second] = [Number(match[2]), Number(match[3]), Number(match[4])];
  const offsetOk = match[7] === undefined || (Number(match[7]) <= 23 && Number(match[8]) <= 59);
  return hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

/** True for a non-negative decimal string such as `"360.00"`, `"1000"`, `"7.5"`, at most `max` when given. */
export function isDecimalString(value: unknown, max?: number): value is string {
  if (typeof value !== 'string') return false;
  const match = DECIMAL.exec(value);
  if (!match) return false;
  if (max === undefined) return true;
  const whole = BigInt(match[1] ?? '0');
  const hasFraction = /[1-9]/.test(match[2] ?? '');
  return whole < BigInt(max) || (whole === BigInt(max) && !hasFraction);
}

/** A calendar date `YYYY-MM-DD`. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => isCalendarDate(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a calendar date YYYY-MM-DD`,
          options,
        ),
      },
    },
    options,
  );
}

/** An RFC 3339 timestamp with offset, e.g. `2026-01-20T16:03:00Z`. */
export function IsRfc3339Timestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339Timestamp',
      validator: {
        validate: (value) => isRfc3339Timestamp(value),
        defaultMessage: buildMessage((each) => `${each}$property must be an RFC 3339 timestamp`, options),
      },
    },
    options,
  );
}

/** A non-negative decimal string (`"360.00"`), never a JS number; `max` bounds it (100 for a percentage). */
export function IsDecimalString(max?: number, options?: ValidationOptions): PropertyDecorator {
  const bound = max === undefined ? '' : ` of at most ${max}`;
  return ValidateBy(
    {
      name: 'isDecimalString',
      constraints: [max],
      validator: {
        validate: (value) => isDecimalString(value, max),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a non-negative decimal string${bound} such as "360.00"`,
          options,
        ),
      },
    },
    options,
  );
}

/** A percentage as a decimal string from "0" to "100". */
export function IsPercentString(options?: ValidationOptions): PropertyDecorator {
  return IsDecimalString(100, options);
}

/** An ISO 4217 currency code in upper case (`EUR`). */
export function IsCurrencyCode(): PropertyDecorator {
  return compose(
    IsISO4217CurrencyCode(),
    Matches(/^[A-Z]{3}$/, { message: '$property must be 3 upper-case letters' }),
  );
}

/** An ISO 3166-1 alpha-2 country code in upper case (`DE`). */
export function IsCountryCode(): PropertyDecorator {
  return compose(
    IsISO31661Alpha2(),
    Matches(/^[A-Z]{2}$/, { message: '$property must be 2 upper-case letters' }),
  );
}

/** An identifier: a non-empty string of at most 255 characters. */
export function IsIdentifier(options?: ValidationOptions): PropertyDecorator {
  return compose(IsString(options), Length(1, 255, options));
}

/**
 * A required nested object of class `type()`, validated with its own rules (problems keep their path). An array
 * is not an object here (class-validator would validate its elements and let it through).
 */
export function NestedProperty(type: () => new () => object): PropertyDecorator {
  return compose(IsDefined(), IsObject(), ValidateNested(), Type(type));
}

/** The property may be omitted; when present it is validated. Unlike IsOptional, `null` is refused. */
export function OptionalProperty(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** The property is required when `when(object)` holds, optional otherwise; `condition` words `when` for the message. */
export function RequiredWhen(when: (object: Holder) => boolean, condition: string): PropertyDecorator {
  return compose(
    ValidateIf((object: object, value: unknown) => value !== undefined || when(object as Holder)),
    IsDefined({ message: `$property is required when ${condition}` }),
  );
}

/** The property must be absent when `when(object)` holds. Pair it with OptionalProperty or RequiredWhen. */
export function ForbiddenWhen(when: (object: Holder) => boolean, condition: string): PropertyDecorator {
  return ValidateBy({
    name: 'forbiddenWhen',
    validator: {
      validate: (value, args?: ValidationArguments) => value === undefined || !when(args?.object as Holder),
      defaultMessage: () => `$property is not allowed when ${condition}`,
    },
  });
}

/** The property is required when `when(object)` holds and refused otherwise. */
export function PresentExactlyWhen(when: (object: Holder) => boolean, condition: string): PropertyDecorator {
  return compose(
    RequiredWhen(when, condition),
    ValidateBy({
      name: 'presentExactlyWhen',
      validator: {
        validate: (value, args?: ValidationArguments) => value === undefined || when(args?.object as Holder),
        defaultMessage: () => `$property is only allowed when ${condition}`,
      },
    }),
  );
}

/** An array that is empty exactly when `when(object)` holds (a cancellation deal has no lines). */
export function EmptyExactlyWhen(when: (object: Holder) => boolean, condition: string): PropertyDecorator {
  return ValidateBy({
    name: 'emptyExactlyWhen',
    validator: {
      validate: (value, args?: ValidationArguments) =>
        !Array.isArray(value) || (value.length === 0) === when(args?.object as Holder),
      defaultMessage: (args?: ValidationArguments) =>
        when(args?.object as Holder)
          ? `$property must be empty when ${condition}`
          : '$property must not be empty',
    },
  });
}

/** A date YYYY-MM-DD strictly after the one in property `other` of the same object. */
export function IsAfterProperty(other: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAfterProperty',
      constraints: [other],
      validator: {
        // Dates YYYY-MM-DD of the same format compare as strings.
        validate: (value, args?: ValidationArguments) => {
          const before = (args?.object as Holder | undefined)?.[other];
          return typeof value !== 'string' || typeof before !== 'string' || value > before;
        },
        defaultMessage: buildMessage((each) => `${each}$property must be after $constraint1`, options),
      },
    },
    options,
  );
}
