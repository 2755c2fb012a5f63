import { assertEquals } from "../helpers/assert.ts";
import { CommandHistogram, highestEquivalent } from "../../src/server/latency_histogram.ts";

Deno.test("latency histogram: HdrHistogram's two-significant-digit buckets", () => {
  assertEquals(highestEquivalent(0), 0);
  assertEquals(highestEquivalent(255), 255);
  assertEquals(highestEquivalent(1024), 1031);
  assertEquals(highestEquivalent(3000), 3007);
  assertEquals(highestEquivalent(5000), 5023);
  assertEquals(highestEquivalent(8000), 8031);
  assertEquals(highestEquivalent(172_000), 172_031);
  assertEquals(highestEquivalent(32_768), 33_023);
});

Deno.test("latency histogram: percentiles and buckets are the numbers Redis prints", () => {
  // Redis 7.0 for GET calls of 3 µs and 5 µs: p50=3.007, p99=5.023, buckets {4: 1, 8: 2}.
  const get = new CommandHistogram();
  get.record(3000);
  get.record(5000);
  assertEquals(get.percentileMicros(50).toFixed(3), "3.007");
  assertEquals(get.percentileMicros(99).toFixed(3), "5.023");
  assertEquals(get.cumulativeMicros(), [[4, 1], [8, 2]]);
  const slow = new CommandHistogram();
  for (const micros of [1, 9, 20, 20, 150_000]) slow.record(micros * 1000);
  assertEquals(slow.calls, 5);
  assertEquals(slow.cumulativeMicros(), [[1, 1], [16, 2], [33, 4], [270_532, 5]]);
  assertEquals(slow.percentileMicros(50).toFixed(3), "20.095");
  assertEquals(
    slow.percentileMicros(100).toFixed(3),
    (highestEquivalent(150_000_000) / 1000).toFixed(3),
  );
  let cases = 0;
  // Property: the last bucket always holds every call; counts never decrease.
  for (let seed = 1; seed <= 200; seed++) {
    const h = new CommandHistogram();
    let x = seed;
    for (let i = 0; i < 50; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      h.record((x % 100_000) * 1000);
    }
    const buckets = h.cumulativeMicros();
    assertEquals(buckets[buckets.length - 1][1], 50);
    for (let i = 1; i < buckets.length; i++) {
      assertEquals(buckets[i][1] > buckets[i - 1][1] && buckets[i][0] > buckets[i - 1][0], true);
    }
    cases++;
  }
  assertEquals(cases, 200);
});

Deno.test("highestEquivalent: the integer fast path equals HdrHistogram's formula everywhere", () => {
  const formula = (ns: number) => {
    if (ns < 256) return ns;
    const unit = 2 ** (Math.floor(Math.log2(ns)) - 7);
    return Math.floor(ns / unit) * unit + unit - 1;
  };
  let cases = 0;
  for (let ns = 0; ns < 5_000_000; ns += 1 + (ns >> 12)) {
    assertEquals(highestEquivalent(ns), formula(ns), `ns=${ns}`);
    cases++;
  }
  for (let bits = 8; bits <= 40; bits++) {
    for (const delta of [-1, 0, 1]) {
      const ns = 2 ** bits + delta;
      assertEquals(highestEquivalent(ns), formula(ns), `ns=${ns}`);
      cases++;
    }
  }
  assertEquals(cases, 31480 + 99);
});

Deno.test("latency histogram: buckets kept in an array give what a map of highestEquivalent gives", () => {
  const histogram = new CommandHistogram();
  const reference = new Map<number, number>();
  let cases = 0;
  for (let ns = 0; ns < 3e9; ns = ns < 1000 ? ns + 1 : Math.floor(ns * 1.013) + 1) {
    histogram.record(ns);
    const bucket = highestEquivalent(ns);
    reference.set(bucket, (reference.get(bucket) ?? 0) + 1);
    cases++;
  }
  histogram.record(2 ** 45);
  reference.set(highestEquivalent(2 ** 45), 1);
  const sorted = [...reference].sort((a, b) => a[0] - b[0]);
  for (const percentile of [0, 1, 50, 90, 99, 99.9, 100]) {
    const wanted = Math.max(1, Math.floor((percentile / 100) * (cases + 1) + 0.5));
    let seen = 0;
    let value = 0;
    for (const [bucket, count] of sorted) {
      seen += count;
      value = bucket;
      if (seen >= wanted) break;
    }
    assertEquals(histogram.percentileMicros(percentile), value / 1000, `p${percentile}`);
  }
  assertEquals(cases, 2152);
});
