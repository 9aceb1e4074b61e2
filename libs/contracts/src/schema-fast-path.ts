import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes, type MetadataStorage } from 'class-validator';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = new (...args: any[]) => object;
type Metadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Constraint = ReturnType<MetadataStorage['getTargetValidatorConstraints']>[number];
type Holder = Record<string, unknown>;

interface Check {
  readonly metadata: Metadata;
  /** The rule's validator objects, taken once: class-validator looks each up in its container on every use. */
  readonly validators: readonly Constraint['instance'][];
}

interface PropertyPlan {
  readonly name: string;
  readonly conditions: readonly Metadata[];
  readonly checks: readonly Check[];
  readonly nested: boolean;
  /** class-transformer's @Type of the property: the class a nested object becomes. */
  readonly typeOf: (() => unknown) | undefined;
}

interface ClassPlan {
  readonly name: string;
  /** False when plainToInstance would change what the validators see (defaults, @Expose, @Transform…). */
  readonly usable: boolean;
  readonly names: ReadonlySet<string>;
  readonly properties: readonly PropertyPlan[];
}

/** How o2c validates event data with class-validator (validateEventData), and what isSurelyValid mirrors. */
export const EVENT_DATA_VALIDATION = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
} as const;

const KNOWN_TYPES = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.PROMISE_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.WHITELIST,
  ValidationTypes.IS_DEFINED,
]);

const plans = new Map<unknown, ClassPlan>();

/** A rule's answer that class-validator's validateSync counts as a pass (a promise it would not wait for is not). */
function isTrue(answer: unknown): boolean {
  return !!answer && typeof (answer as { then?: unknown }).then !== 'function';
}

/**
 * Whether class-transformer leaves `value` as it is, up to copying: nothing but strings, finite or not numbers,
 * booleans, null, undefined, dense arrays and plain objects, no key of which is also a property of
 * Object.prototype (`constructor`, `__proto__`, `toString`… which plainToInstance drops). JSON.parse makes only
 * such values.
 */
function isPlainData(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  if (type !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype === Array.prototype) {
    const array = value as unknown[];
    for (let i = 0; i < array.length; i++) if (!(i in array) || !isPlainData(array[i])) return false;
    return true;
  }
  if (prototype !== Object.prototype) return false;
  // for…in, not Object.keys: no array made; an enumerable key inherited from Object.prototype is refused below
  for (const key in value) {
    if (key in Object.prototype || !isPlainData((value as Holder)[key])) return false;
  }
  return true;
}

function planOf(schema: unknown): ClassPlan {
  let plan = plans.get(schema);
  if (!plan) {
    plan = compile(schema);
    plans.set(schema, plan);
  }
  return plan;
}

function unusable(name: string): ClassPlan {
  return { name, usable: false, names: new Set(), properties: [] };
}

function onPrototypeChain(cls: Schema, name: string): boolean {
  for (let p: unknown = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (Object.getOwnPropertyDescriptor(p, name)) return true;
  }
  return false;
}

/** The rules class-validator applies to `schema`, found once, the way its ValidationExecutor finds them. */
function compile(schema: unknown): ClassPlan {
  if (typeof schema !== 'function') return unusable('');
  const cls = schema as Schema;
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(cls, '', false, false, undefined);
  const grouped = storage.groupByPropertyName(metadatas);
  if (metadatas.some((m) => !KNOWN_TYPES.has(m.type))) return unusable(cls.name);
  if (
    defaultMetadataStorage.getStrategy(cls) !== 'none' ||
    defaultMetadataStorage.getExposedMetadatas(cls).length > 0 ||
    defaultMetadataStorage.getExcludedMetadatas(cls).length > 0
  ) {
    return unusable(cls.name);
  }
  let instance: Holder;
  try {
    instance = new cls() as Holder;
  } catch {
    return unusable(cls.name);
  }
  // plainToInstance starts from `new cls()`: a field with a default, or without rules, changes the answer.
  for (const key of Object.keys(instance)) {
    if (!grouped[key] || instance[key] !== undefined) return unusable(cls.name);
  }
  const properties: PropertyPlan[] = [];
  for (const name of Object.keys(grouped)) {
    // plainToInstance skips a key that is a method or a getter of the class (or fails on an inherited getter).
    if (onPrototypeChain(cls, name) || instance[name] instanceof Function) return unusable(cls.name);
    const transforms = defaultMetadataStorage.findTransformMetadatas(
      cls,
      name,
      TransformationType.PLAIN_TO_CLASS,
    );
    if (transforms.length > 0) return unusable(cls.name);
    const type = defaultMetadataStorage.findTypeMetadata(cls, name);
    if (type && (type.options?.discriminator || type.reflectedType === Set || type.reflectedType === Map)) {
      return unusable(cls.name);
    }
    const ofProperty = grouped[name]!;
    const defined = ofProperty.filter((m) => m.type === ValidationTypes.IS_DEFINED);
    const others = ofProperty.filter(
      (m) => m.type !== ValidationTypes.IS_DEFINED && m.type !== ValidationTypes.WHITELIST,
    );
    const rules = [...defined, ...others.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION)];
    const constraints = rules.map((metadata) =>
      storage.getTargetValidatorConstraints(metadata.constraintCls),
    );
    // validateSync skips an asynchronous rule and validate awaits it: leave both to class-validator
    if (constraints.some((ofRule) => ofRule.some((constraint) => constraint.async)))
      return unusable(cls.name);
    const checks = rules.map((metadata, i) => ({
      metadata,
      validators: constraints[i]!.map((constraint) => constraint.instance),
    }));
    const nested = others.some((m) => m.type === ValidationTypes.NESTED_VALIDATION);
    // an object under @Type without nested validation reaches the rules as an instance, not as the data
    if (type && !nested) return unusable(cls.name);
    properties.push({
      name,
      conditions: others.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION),
      checks,
      nested,
      typeOf: type?.typeFunction
        ? () => type.typeFunction({ newObject: undefined, object: undefined, property: name } as never)
        : undefined,
    });
  }
  return { name: cls.name, usable: true, names: new Set(Object.keys(grouped)), properties };
}

function passesChecks(plan: ClassPlan, object: Holder, value: unknown, checks: readonly Check[]): boolean {
  for (const { metadata, validators } of checks) {
    if (metadata.validateIf && !metadata.validateIf(object, value)) continue;
    for (const validator of validators) {
      const args = {
        targetName: plan.name,
        property: metadata.propertyName,
        object,
        value,
        constraints: metadata.constraints,
      };
      if (metadata.each && Array.isArray(value)) {
        for (const each of value as unknown[]) if (!isTrue(validator.validate(each, args))) return false;
      } else if (!isTrue(validator.validate(value, args))) {
        return false;
      }
    }
  }
  return true;
}

/** class-validator's nested validation of `value`, each of whose objects becomes a `typeOf()`. */
function passesNested(value: unknown, typeOf: (() => unknown) | undefined): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.every((each) => passesNested(each, typeOf));
  if (typeof value !== 'object' || value === null || !typeOf) return false;
  return passesObject(planOf(typeOf()), value as Holder);
}

function passesObject(plan: ClassPlan, object: Holder): boolean {
  // forbidUnknownValues: a class without rules is an error
  if (!plan.usable || plan.properties.length === 0) return false;
  // whitelist with forbidNonWhitelisted: a key without rules is an error
  for (const key in object) if (!plan.names.has(key)) return false; // plain data: for…in sees the own keys
  for (const property of plan.properties) {
    const value = object[property.name];
    if (!conditionsHold(property.conditions, object, value)) continue;
    if (!passesChecks(plan, object, value, property.checks)) return false;
    if (property.nested && !passesNested(value, property.typeOf)) return false;
  }
  return true;
}

type ConditionFn = (object: object, value: unknown) => boolean;

/** ValidateIf: every condition is asked, as class-validator does, and all must hold. */
function conditionsHold(conditions: readonly Metadata[], object: Holder, value: unknown): boolean {
  let hold = true;
  for (const condition of conditions) hold = (condition.constraints[0] as ConditionFn)(object, value) && hold;
  return hold;
}

/**
 * True only when validating `data` as `schema` the way o2c does it (class-transformer's plainToInstance, then
 * class-validator with EVENT_DATA_VALIDATION: forbidUnknownValues is its default) finds no problem.
 * False means it may find one: run it for the answer and its messages. It runs the same rules, found once per
 * class, on `data` as it is, without building the instances and the error objects. It answers false for data that
 * plainToInstance would not merely copy (a Date, a class instance, a key named like a method of Object) and for a
 * class it cannot mirror exactly (fields with defaults, @Expose, @Transform, asynchronous rules…).
 */
export function isSurelyValid(schema: Schema, data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !isPlainData(data)) return false;
  try {
    return passesObject(planOf(schema), data as Holder);
  } catch {
    return false; // a rule that throws: let class-validator answer
  }
}
