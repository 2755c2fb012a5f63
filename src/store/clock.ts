/**
 * Time source for expiry. The server reads the clock once per command (like
 * Redis's cached `mstime`), so tests can swap in a {@link ManualClock} and
 * move time forward instead of sleeping.
 *
 * @module
 */

/** Something that tells the current time in milliseconds since the epoch. */
export interface Clock {
  /** Current time in ms. */
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(1_700_000_000_000);
 * clock.advance(1500); // keys with a 1 s TTL are now expired
 * ```
 */
export class ManualClock implements Clock {
  /** @param time Starting time in ms since the epoch. */
  constructor(public time: number = Date.now()) {}

  /** Current time in ms. */
  now(): number {
    return this.time;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.time += ms;
  }
}
