/**
 * A monotonic clock in milliseconds (fractional, sub-microsecond
 * resolution) for timing commands.
 *
 * Every command is timed (INFO commandstats, latency histograms, SLOWLOG),
 * so the clock is read once per command and once per batch of commands.
 * `performance.now()` costs about 100 ns in Deno (an op call), which is a
 * third of the whole cost of a pipelined PING. Where Rift may use FFI (the
 * `--allow-ffi` permission, which `deno task start` and the compiled binary
 * have), it calls libc's `clock_gettime(CLOCK_MONOTONIC)` directly instead:
 * about 30 ns. Elsewhere (embedded without that permission, other systems)
 * it falls back to `performance.now()`. Both count from an arbitrary origin:
 * only differences between readings mean anything.
 *
 * @module
 */

import { openLibc } from "./libc.ts";

/** `CLOCK_MONOTONIC` on Linux. */
const LINUX_CLOCK_MONOTONIC = 1;

function performanceClock(): () => number {
  return () => performance.now();
}

/**
 * libc's clock through FFI, or null when FFI is not permitted, not Linux,
 * or the library does not load.
 */
function libcClock(): (() => number) | null {
  const libc = openLibc({ clock_gettime: { parameters: ["i32", "buffer"], result: "i32" } });
  if (libc === null) return null;
  const clockGettime = libc.clock_gettime;
  // struct timespec { int64 tv_sec; long tv_nsec; }, little-endian on Linux's
  // 64-bit targets. Seconds since boot fit the low 32 bits for 136 years.
  const timespec = new Uint32Array(4);
  const bytes = new Uint8Array(timespec.buffer);
  if (clockGettime(LINUX_CLOCK_MONOTONIC, bytes) !== 0) return null;
  return () => {
    clockGettime(LINUX_CLOCK_MONOTONIC, bytes);
    return timespec[0] * 1000 + timespec[2] / 1e6;
  };
}

/** Which clock {@link monotonicNow} reads: `clock_gettime` (FFI) or `performance.now`. */
export let monotonicSource: "clock_gettime" | "performance.now" = "performance.now";

function pick(): () => number {
  const fast = libcClock();
  if (fast === null) return performanceClock();
  monotonicSource = "clock_gettime";
  return fast;
}

/** Current monotonic time in milliseconds, for measuring durations. */
export const monotonicNow: () => number = pick();
