/**
 * Injection token of the clock deliveries run on: the machine's time, not the service's CLOCK. A
 * webhook's timestamp is checked against the receiver's clock, and retries wait real hours, whatever
 * date the service is told it is.
 */
export const WALL_CLOCK = Symbol('WALL_CLOCK');
