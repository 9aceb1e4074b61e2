import { EVENT_DATA_VALIDATION, eventDataExamples, eventSchemas, type EventType } from '@o2c/contracts';
import { validateEventData } from '@o2c/messaging';
import { cacheValidationMetadata, useKeyedValidatorContainer } from '@o2c/platform';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/** The cost of checking one event's data against its schema, three ways, in µs per event. */
export interface EventCheckRow {
  readonly type: string;
  /** plainToInstance and validateSync with class-validator's own container (validateEventData before 5dfd9ce). */
  readonly classValidatorMicros: number;
  /** The same with the services' keyed container (useKeyedValidatorContainer). */
  readonly keyedContainerMicros: number;
  /** validateEventData as the services run it: the quick check, class-validator only for what it declines. */
  readonly validateEventDataMicros: number;
}

/** µs per call: the fastest of three rounds of `iterations` calls, after a warm-up round. */
function microsPerCall(call: () => void, iterations: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 4; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) call();
    const micros = Number(process.hrtime.bigint() - started) / 1000 / iterations;
    if (round > 0) best = Math.min(best, micros);
  }
  return Math.round(best * 10) / 10;
}

function classValidator(type: EventType, data: object): void {
  const errors = validateSync(plainToInstance(eventSchemas.get(type)!, data), EVENT_DATA_VALIDATION);
  if (errors.length > 0) throw new Error(`the example of ${type} is invalid`);
}

/**
 * Times the check of each event type's example (as it arrives: parsed JSON) in this process. Run it before
 * anything else installs the keyed container in the process: its first column needs class-validator's own.
 */
export function measureEventChecks(iterations: number): EventCheckRow[] {
  cacheValidationMetadata();
  const samples = [...eventSchemas.keys()].map((type) => {
    const data = JSON.parse(JSON.stringify(eventDataExamples[type as EventType]()[0])) as object;
    return { type: type as EventType, data };
  });
  const own = samples.map(({ type, data }) => microsPerCall(() => classValidator(type, data), iterations));
  useKeyedValidatorContainer();
  const keyed = samples.map(({ type, data }) => microsPerCall(() => classValidator(type, data), iterations));
  const now = samples.map(({ type, data }) =>
    microsPerCall(() => validateEventData(eventSchemas, type, data), iterations),
  );
  return samples.map(({ type }, i) => ({
    type,
    classValidatorMicros: own[i]!,
    keyedContainerMicros: keyed[i]!,
    validateEventDataMicros: now[i]!,
  }));
}
