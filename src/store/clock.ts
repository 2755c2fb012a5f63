/**
 * Time source for expiry. The server reads the clock once per command (like
 * Redis's cached `mstime`), so tests can swap in a {@link ManualClock} and
 * move time forward instead of sleeping.
 *
 * @module
 */

import { monotonicNow } from "../util/monotonic.ts";

/** Something that tells the current time in milliseconds since the epoch. */
export interface Clock {
  /** Current time in ms. */
  now(): number;
  /**
   * Current time in ms, given a reading of {@link monotonicNow} taken just
   * now: lets the server read one clock per batch of commands instead of two.
   * Clocks without it are asked {@link now}.
   */
  nowAt?(monotonic: number): number;
}

/** How often the wall clock is re-read to follow adjustments (ms of monotonic time). */
const WALL_RESYNC_MS = 100;

/**
 * The real wall clock. Between re-reads of `Date.now()` (every 100 ms, so
 * that clock adjustments are followed as Redis follows them) it is derived
 * from the monotonic reading the server takes anyway.
 */
class SystemClock implements Clock {
  private offset = 0;
  private syncedAt = -Infinity;

  now(): number {
    return Date.now();
  }

  nowAt(monotonic: number): number {
    if (monotonic - this.syncedAt >= WALL_RESYNC_MS || monotonic < this.syncedAt) {
      // Date.now() is whole milliseconds: the true time is within the next
      // one, so centre the offset on it.
      this.offset = Date.now() + 0.5 - monotonicNow();
      this.syncedAt = monotonic;
    }
    return Math.floor(this.offset + monotonic);
  }
}

/** The real wall clock. */
export const systemClock: Clock = new SystemClock();

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
