/**
 * Redis's LFU counter: an 8-bit logarithmic access counter that grows with
 * decreasing probability and decays by one per `lfu-decay-time` minutes
 * without access. Used by `Database.touch`/`frequency` and the evictor.
 *
 * @module
 */

/** A new key's LFU counter (Redis's LFU_INIT_VAL). */
export const LFU_INIT_VAL = 5;

/** The LFU counter after `elapsedMinutes` without access: minus one per decay period. */
export function lfuDecay(counter: number, elapsedMinutes: number, decayTime: number): number {
  if (decayTime <= 0) return counter;
  const periods = Math.floor(elapsedMinutes / decayTime);
  return periods >= counter ? 0 : counter - periods;
}

/**
 * A logarithmic increment: the higher the counter, the less likely a hit
 * increments it (`1 / ((counter - LFU_INIT_VAL) * logFactor + 1)`).
 */
export function lfuLogIncrement(
  counter: number,
  logFactor: number,
  random = Math.random(),
): number {
  if (counter >= 255) return 255;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  return random < 1 / (base * logFactor + 1) ? counter + 1 : counter;
}
