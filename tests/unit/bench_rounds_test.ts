/**
 * The benchmark harness's ratios: taken round by round (Rift's and Redis's
 * runs of a round were back to back), so a round in which the machine ran
 * slow cannot pair one server's fast run with the other's slow one.
 */

import { assertEquals, assertMatch } from "../helpers/assert.ts";
import {
  renderReport,
  renderTargets,
  roundRatios,
  type Row,
  type Run,
} from "../../bench/compare.ts";
import { benchResult } from "../helpers/bench_results.ts";

const run = (krps: number, p99: number): Run => ({
  rps: krps * 1000,
  p50: p99 / 3,
  p99,
  cpuPerRequest: 10,
  load: 0,
});

Deno.test("bench: ratios are medians of the rounds' ratios, not ratios of the medians", () => {
  // SADD in a run whose third round fell in a slow spell and whose first
  // found Rift less warm: the medians come from different rounds (90 and 105,
  // 0.86), the rounds say 0.83, 0.99 and 1.08.
  const rift = [run(90, 1.27), run(104, 0.71), run(82, 1.06)];
  const redis = [run(109, 0.49), run(105, 0.47), run(76, 0.77)];
  const { ratio, p99Ratio } = roundRatios(rift, redis);
  assertEquals(ratio.toFixed(3), (104 / 105).toFixed(3));
  assertEquals(p99Ratio.toFixed(3), (0.71 / 0.47).toFixed(3));
  // An even number of rounds takes the mean of the middle two.
  const two = roundRatios([run(90, 1), run(100, 1)], [run(100, 1), run(100, 2)]);
  assertEquals(two.ratio.toFixed(3), "0.950");
  assertEquals(two.p99Ratio.toFixed(3), "0.750");
});

Deno.test("bench: the p99 target and table read the round ratio, older results the medians'", () => {
  const measurement = (rps: number, p99: number) => ({
    rps,
    p50: p99 / 3,
    p99,
    cpuPerRequest: 10,
    runs: [],
  });
  const row: Row = {
    test: "set",
    pipeline: 1,
    requests: 1,
    rift: measurement(100_000, 1.0),
    redis: measurement(100_000, 0.5),
    ratio: 1,
    p99Ratio: 1.2,
  };
  const current = benchResult({ rows: [row], spreadRounds: true, reps: 3 });
  assertMatch(
    renderTargets(current),
    /✅ p99 latency without pipelining ≤ 1\.5 × Redis: highest 1\.20/,
  );
  assertMatch(
    renderReport(current),
    /\| SET \| 1 \| 100,000 \| 100,000 \| 1\.00 \| .* \| 1\.20 \|/,
  );
  assertMatch(renderReport(current), /3 rounds of all the tests/);
  const { p99Ratio: _, ...older } = row;
  const old = benchResult({ rows: [older] });
  assertMatch(
    renderTargets(old),
    /❌ p99 latency without pipelining ≤ 1\.5 × Redis: highest 2\.00/,
  );
  assertMatch(renderReport(old), /median of 1 alternating runs per server/);
});
