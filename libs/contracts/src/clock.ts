/** The time source of everything that stamps a time; tests and simulations pass their own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Injection token of the service's Clock. */
export const CLOCK = Symbol('CLOCK');
