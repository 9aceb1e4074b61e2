import { getMetadataStorage, useContainer, type MetadataStorage } from 'class-validator';

type Lookup = MetadataStorage['getTargetValidationMetadatas'];
type Metadatas = ReturnType<Lookup>;
type Grouped = ReturnType<MetadataStorage['groupByPropertyName']>;

const INSTALLED = Symbol.for('o2c.validationMetadataCache');

/**
 * Makes class-validator remember, per class, which of its rules apply, instead of working it out again for every
 * object it validates. class-validator 0.15 filters the rules of the class, then tests the class against every
 * class that has rules (`instanceof`, for inherited ones), then groups the result by property, on each object and
 * each nested object: about a quarter of the time of validating an event. The rules of a class only change when a
 * decorator adds one, at the class's definition; any addition empties what is remembered. What is remembered is
 * what class-validator computed, returned as it was, so validation answers exactly as before. Idempotent.
 */
export function cacheValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  const marked = storage as MetadataStorage & { [INSTALLED]?: true };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;

  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let byClass = new Map<unknown, Map<string, Metadatas>>();
  let grouped = new WeakMap<Metadatas, Grouped>();
  const forget = () => {
    byClass = new Map();
    grouped = new WeakMap();
  };

  storage.getTargetValidationMetadatas = (targetConstructor, targetSchema, always, strictGroups, groups) => {
    const key = `${targetSchema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let ofClass = byClass.get(targetConstructor);
    if (!ofClass) byClass.set(targetConstructor, (ofClass = new Map<string, Metadatas>()));
    let metadatas = ofClass.get(key);
    if (!metadatas) {
      metadatas = lookup(targetConstructor, targetSchema, always, strictGroups, groups);
      ofClass.set(key, metadatas);
    }
    return metadatas;
  };
  storage.groupByPropertyName = (metadatas) => {
    let result = grouped.get(metadatas);
    if (!result) {
      result = group(metadatas);
      grouped.set(metadatas, result);
    }
    return result;
  };
  const addValidationMetadata = storage.addValidationMetadata.bind(storage);
  const addConstraintMetadata = storage.addConstraintMetadata.bind(storage);
  const addValidationSchema = storage.addValidationSchema.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    forget();
    addValidationMetadata(metadata);
  };
  storage.addConstraintMetadata = (metadata) => {
    forget();
    addConstraintMetadata(metadata);
  };
  storage.addValidationSchema = (schema) => {
    forget();
    addValidationSchema(schema);
  };
}

const KEYED = Symbol.for('o2c.keyedValidatorContainer');

/**
 * Gives class-validator a container that finds the validator object of a rule by its class in a Map. Its own
 * container keeps them in an array it searches from the start each time a rule runs, and every decorator built with
 * `ValidateBy` is a class of its own: hundreds in a service, searched for every property of every object validated.
 * This one makes the same objects (one per class, `new` on first use) and finds each at once. Idempotent; it
 * replaces a container set with `useContainer` before it (o2c sets none).
 */
export function useKeyedValidatorContainer(): void {
  const marked = globalThis as typeof globalThis & { [KEYED]?: true };
  if (marked[KEYED]) return;
  marked[KEYED] = true;
  const instances = new Map<unknown, unknown>();
  useContainer({
    get<T>(someClass: (new (...args: unknown[]) => T) | (() => T)): T {
      let instance = instances.get(someClass) as T | undefined;
      if (instance === undefined) {
        instance = new (someClass as new () => T)();
        instances.set(someClass, instance);
      }
      return instance;
    },
  });
}
