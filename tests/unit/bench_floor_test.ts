/**
 * The Deno floor of the benchmark harness (bench/deno_floor.ts): it frames
 * requests as Redis does, so pipelined and split requests get one +PONG each,
 * and the report shows it beside Redis and Rift.
 */

import { assertEquals, assertMatch } from "../helpers/assert.ts";
import { frameRequests } from "../../bench/deno_floor.ts";
import { startFloorProcess } from "../../bench/servers.ts";
import { renderReport, type Row } from "../../bench/compare.ts";
import { benchResult } from "../helpers/bench_results.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("bench floor: frameRequests counts complete requests and stops at a partial one", () => {
  const ping = "*1\r\n$4\r\nPING\r\n";
  // A bulk holding `*`, CR and LF is skipped by its length, not scanned.
  const set = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\n*\r\n\n*\r\r\n";
  const inline = "PING\r\n";
  const all = bytes(ping + set + inline + ping);
  assertEquals(frameRequests(all, 0, all.length), { count: 4, consumed: all.length });
  // Every cut inside the last request leaves it for the next read.
  const before = all.length - ping.length;
  for (let cut = before; cut < all.length; cut++) {
    assertEquals(frameRequests(all, 0, cut), { count: 3, consumed: before }, `cut at ${cut}`);
  }
  // Counting starts where the caller says.
  assertEquals(frameRequests(all, ping.length, all.length), {
    count: 3,
    consumed: all.length - ping.length,
  });
  assertEquals(frameRequests(all, 0, 0), { count: 0, consumed: 0 });
});

Deno.test("bench floor: answers pipelined and split requests with one +PONG each", async () => {
  const floor = await startFloorProcess();
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: floor.port });
    try {
      const request = bytes("*1\r\n$4\r\nPING\r\n".repeat(3) + "PING\r\n");
      // The last request arrives in two pieces.
      await conn.write(request.subarray(0, request.length - 3));
      await new Promise((r) => setTimeout(r, 50));
      await conn.write(request.subarray(request.length - 3));
      const expected = "+PONG\r\n".repeat(4);
      let received = "";
      const buf = new Uint8Array(256);
      while (received.length < expected.length) {
        const n = await conn.read(buf);
        if (n === null) break;
        received += new TextDecoder().decode(buf.subarray(0, n));
      }
      assertEquals(received, expected);
    } finally {
      conn.close();
    }
  } finally {
    await floor.stop();
  }
});

Deno.test("bench floor: the report shows the floor beside Redis and Rift when it was measured", () => {
  const measurement = (rps: number, p99: number, cpu: number) => ({
    rps,
    p50: p99 / 2,
    p99,
    cpuPerRequest: cpu,
    runs: [],
  });
  const row: Row = {
    test: "ping_mbulk",
    pipeline: 1,
    requests: 1,
    rift: measurement(80_000, 1.0, 12),
    redis: measurement(100_000, 0.5, 9),
    ratio: 0.8,
    floor: measurement(90_000, 0.6, 10),
  };
  const result = benchResult({ rows: [row] });
  assertMatch(
    renderReport(result),
    /\| 1 \| 90,000 \| 0\.90 \| 0\.300 \/ 0\.600 \| 1\.20 \| 10\.00 \/ 9\.00 \| 0\.89 \|/,
  );
  // Results without the floor (older ones, --no-floor) render no floor table.
  const { floor: _, ...withoutFloor } = row;
  assertEquals(renderReport({ ...result, rows: [withoutFloor] }).includes("Deno floor"), false);
});
