/**
 * The benchmark harness's idle-machine check: a process spinning on a core
 * is found, and a report says what else ran around the measurements.
 */

import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import { busyBetween, busyProcesses, type CpuSnapshot, cpuSnapshot } from "../../bench/servers.ts";
import { busyDuring, renderReport } from "../../bench/compare.ts";
import { benchResult } from "../helpers/bench_results.ts";

Deno.test({
  name: "bench: busyProcesses finds a process spinning on a core",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const spinner = new Deno.Command(Deno.execPath(), {
      args: ["eval", "for (;;) {}"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      // Let it start before sampling.
      await new Promise((r) => setTimeout(r, 300));
      const busy = await busyProcesses(500);
      const found = busy.find((p) => p.pid === spinner.pid);
      assertTrue(found !== undefined, `spinner ${spinner.pid} not in ${JSON.stringify(busy)}`);
      // Other test files share the cores: a spinner still gets far more than this.
      assertTrue(found.share > 0.2, `share ${found.share}`);
      assertTrue(busy.every((p) => p.pid !== Deno.pid), "listed itself");
      // The servers a test measures are excluded by pid.
      const before = cpuSnapshot();
      await new Promise((r) => setTimeout(r, 300));
      const after = cpuSnapshot();
      assertTrue(busyBetween(before, after).some((p) => p.pid === spinner.pid), "not seen");
      assertTrue(busyBetween(before, after, [spinner.pid]).every((p) => p.pid !== spinner.pid));
    } finally {
      spinner.kill("SIGKILL");
      await spinner.status;
    }
  },
});

Deno.test("bench: the report names other busy processes, and none when there were none", () => {
  const result = benchResult({
    busyBefore: [],
    busyAfter: [{ pid: 42, name: "redis-benchmark", share: 1 }],
  });
  const row = {
    test: "set",
    pipeline: 16,
    requests: 1,
    rift: { rps: 2, p50: 0.1, p99: 0.2, cpuPerRequest: 1, runs: [] },
    redis: { rps: 2, p50: 0.1, p99: 0.2, cpuPerRequest: 1, runs: [] },
    ratio: 1,
  };
  assertMatch(
    renderReport({
      ...result,
      rows: [row, { ...row, test: "get", busy: [{ pid: 7, name: "yes", share: 0.5 }] }],
    }),
    /Other processes used the CPU during: GET -P 16 \(yes \(pid 7\) 50%\)\./,
  );
  assertEquals(renderReport({ ...result, rows: [row] }).includes("used the CPU during"), false);
  assertMatch(
    renderReport(result),
    /Other processes over 10% of a core before: none, after: redis-benchmark \(pid 42\) 100%\./,
  );
  // Results stored before the check existed render as they did.
  const { busyBefore: _b, busyAfter: _a, ...older } = result;
  assertEquals(renderReport(older).includes("Other processes"), false);
});

Deno.test("bench: a test's rounds count only the CPU used while they ran", () => {
  // Process ticks are hundredths of a second; two one-second rounds four seconds apart.
  const at = (ms: number, ticks: Record<number, number>): CpuSnapshot => ({
    at: ms,
    ticks: new Map(
      Object.entries(ticks).map(([pid, t]) => [Number(pid), { name: `p${pid}`, ticks: t }]),
    ),
  });
  const rounds: [CpuSnapshot, CpuSnapshot][] = [
    [at(0, { 7: 0, 8: 0, 9: 0 }), at(1000, { 7: 30, 8: 1, 9: 50 })],
    // Process 8 used four seconds between the rounds: not during them.
    [at(5000, { 7: 30, 8: 401, 9: 50 }), at(6000, { 7: 40, 8: 402, 9: 100 })],
  ];
  const busy = busyDuring(rounds, [9]);
  // 30 + 10 ticks over two seconds: a fifth of a core. Process 9 is a measured server.
  assertEquals(busy.map((p) => [p.pid, p.name, Math.round(p.share * 100)]), [[7, "p7", 20]]);
  assertEquals(busyDuring(rounds, [7, 9]), []);
});
