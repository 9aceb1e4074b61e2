/** The time source of everything that stamps a time; tests and simulations pass their own. */
export interface Clock {
  now(): Date;
}

/** The system's clock: the one place o2c reads the time of day. */
export const systemClock: Clock = { now: () => new Date() };

/** Injection token of the service's Clock. */
export const CLOCK = Symbol('CLOCK');
