/**
 * The benchmark harness's idle-machine check: a process spinning on a core
 * is found, and a report says what else ran around the measurements.
 */

import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import { busyProcesses } from "../../bench/servers.ts";
import { renderReport, type Result } from "../../bench/compare.ts";

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
    } finally {
      spinner.kill("SIGKILL");
      await spinner.status;
    }
  },
});

Deno.test("bench: the report names other busy processes, and none when there were none", () => {
  const result: Result = {
    date: "2026-01-01T00:00:00.000Z",
    commit: "abc1234",
    machine: "test machine",
    loadBefore: [0, 0, 0],
    loadAfter: [0, 0, 0],
    busyBefore: [],
    busyAfter: [{ pid: 42, name: "redis-benchmark", share: 1 }],
    reps: 1,
    rows: [],
    memory: null,
  };
  assertMatch(
    renderReport(result),
    /Other processes over 10% of a core before: none, after: redis-benchmark \(pid 42\) 100%\./,
  );
  // Results stored before the check existed render as they did.
  const { busyBefore: _b, busyAfter: _a, ...older } = result;
  assertEquals(renderReport(older).includes("Other processes"), false);
});
