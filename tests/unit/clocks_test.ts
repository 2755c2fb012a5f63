/**
 * The clocks the hot path reads: the monotonic clock commands are timed
 * with (libc's clock_gettime through FFI when permitted, else
 * performance.now) and the wall clock derived from it once per batch.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { monotonicNow, monotonicSource } from "../../src/util/monotonic.ts";
import { systemClock } from "../../src/store/clock.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Busy-waits (timers are too coarse for a sub-millisecond comparison). */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* wait */ }
}

Deno.test("monotonic clock: measures what performance.now measures, in ms", () => {
  // The suite runs with every permission, so on Linux this is the FFI clock.
  if (Deno.build.os === "linux") assertEquals(monotonicSource, "clock_gettime");
  let checked = 0;
  for (const ms of [0.2, 1, 5, 20]) {
    // Each monotonic reading is bracketed by two of performance.now, so the
    // interval it measures must lie between the brackets' inner and outer
    // spans however long the thread was preempted between reads.
    const before0 = performance.now();
    const m0 = monotonicNow();
    const after0 = performance.now();
    spin(ms);
    const before1 = performance.now();
    const m1 = monotonicNow();
    const after1 = performance.now();
    const measured = m1 - m0;
    assertTrue(measured >= ms, `${measured} < ${ms}`);
    const tolerance = 0.05; // the two clocks' rounding
    assertTrue(
      measured >= before1 - after0 - tolerance && measured <= after1 - before0 + tolerance,
      `${measured} outside ${before1 - after0}..${after1 - before0}`,
    );
    checked++;
  }
  assertEquals(checked, 4);
  // Sub-microsecond resolution: consecutive readings are not all equal.
  const readings = new Set<number>();
  for (let i = 0; i < 1000; i++) readings.add(monotonicNow());
  assertTrue(readings.size > 10, `${readings.size} distinct readings`);
});

Deno.test("monotonic clock: without the FFI permission it falls back to performance.now", async () => {
  const script = `import { monotonicNow, monotonicSource } from "${ROOT}src/util/monotonic.ts";
    const a = monotonicNow(); const b = monotonicNow();
    console.log(monotonicSource, b >= a);`;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, script);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", "--allow-read", file],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  await Deno.remove(file);
  assertEquals(new TextDecoder().decode(out.stdout).trim(), "performance.now true");
});

Deno.test("wall clock from the monotonic reading stays within a millisecond of Date.now()", () => {
  const nowAt = systemClock.nowAt!.bind(systemClock);
  let compared = 0;
  const until = performance.now() + 350; // spans several re-syncs (every 100 ms)
  let last = 0;
  while (performance.now() < until) {
    const before = Date.now();
    const derived = nowAt(monotonicNow());
    const after = Date.now();
    assertTrue(derived >= before - 1 && derived <= after + 1, `${before} ${derived} ${after}`);
    assertTrue(Number.isInteger(derived));
    assertTrue(derived >= last - 1, "went back more than the rounding");
    last = derived;
    compared++;
  }
  assertTrue(compared > 1000, `${compared} comparisons`);
});
