import { assertEquals } from "../helpers/assert.ts";
import { latencyDoctor, latencyGraph, LatencyMonitor } from "../../src/server/latency.ts";

Deno.test("latency monitor: one sample per second (the worst), ring of 160, max kept", () => {
  const m = new LatencyMonitor();
  m.add("command", 12, 1000);
  m.add("command", 30, 1000);
  m.add("command", 20, 1000);
  assertEquals(m.history("command"), [{ time: 1000, latency: 30 }]);
  for (let t = 1001; t < 1001 + 200; t++) m.add("command", 5, t);
  const history = m.history("command");
  assertEquals(history.length, 160);
  assertEquals(history[0].time, 1041, "oldest kept");
  assertEquals(history[159].time, 1200);
  assertEquals(m.latest(), [{ event: "command", time: 1200, latency: 5, max: 30 }]);
  assertEquals(m.reset(["COMMAND"]), 1, "reset matches names case-insensitively");
  assertEquals(m.latest(), []);
});

Deno.test("latency graph: Redis's filled sparkline with vertical age labels", () => {
  const m = new LatencyMonitor();
  m.add("command", 10, 998);
  m.add("command", 20, 999);
  m.add("command", 30, 1000);
  assertEquals(
    latencyGraph(m, "command", 1000),
    "command - high 30 ms, low 10 ms (all time high 30 ms)\n" + "-".repeat(80) + "\n" +
      "  #\n _|\n ||\n_||\n   \n210\nsss\n",
  );
  assertEquals(latencyGraph(m, "nosuch", 1000), null);
});

Deno.test("latency doctor: spike statistics line per event", () => {
  const m = new LatencyMonitor();
  m.add("command", 10, 990);
  m.add("command", 30, 1000);
  const report = latencyDoctor(m, {
    threshold: 5,
    slowlogSlowerThan: 10000,
    hz: 10,
    nowSeconds: 1000,
  });
  const lines = report.split("\n");
  assertEquals(
    lines[2],
    "1. command: 2 latency spikes (average 20ms, mean deviation 10ms, period 5.00 sec). Worst all time event 30ms.",
  );
  assertEquals(lines[4], "I have a few advices for you:");
  assertEquals(report.includes("slowlog-log-slower-than 5000"), true);
});

Deno.test("latency: a slow active expiry cycle is recorded as expire-cycle", async () => {
  const { startServer, ManualClock } = await import("../../src/mod.ts");
  const { production } = await import("../../src/server/production.ts");
  const clock = new ManualClock(1_700_000_000_000);
  const rift = await startServer({
    clock,
    captureLogs: true,
    config: { "latency-monitor-threshold": 1, "active-expire-effort": 10 },
  });
  try {
    const db = rift.server.db(0);
    const value = new Uint8Array(8);
    for (let i = 0; i < 50_000; i++) {
      const id = db.setString(new TextEncoder().encode(`k${i}`), value);
      db.setExpire(id, clock.now() + 1);
    }
    clock.advance(10);
    // One cron pass expires keys for its whole budget (25 ms at hz 10, effort 10 caps it at 250 ms).
    rift.server.cron();
    const events = production(rift.server).latency.latest().map((e) => e.event);
    assertEquals(events, ["expire-cycle"]);
  } finally {
    await rift.close();
  }
});
