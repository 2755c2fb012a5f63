import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import type { Value } from "../helpers/client.ts";
import { withPair } from "../helpers/differential.ts";
import { withRift } from "../helpers/server.ts";
import { ManualClock } from "../../src/mod.ts";

const DEBUG_ON = { config: { "enable-debug-command": "yes" } };

/** Parses an INFO reply into a field map. */
function infoFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

Deno.test("latency: commands over the threshold are recorded as command/fast-command events", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    assertEquals(await c.value("LATENCY", "LATEST"), []);
    await c.call("DEBUG", "SLEEP", "0.03");
    assertEquals(await c.value("LATENCY", "LATEST"), [], "threshold 0 = monitor off");
    await c.call("CONFIG", "SET", "latency-monitor-threshold", "10");
    await c.call("DEBUG", "SLEEP", "0.03");
    await c.call("DEBUG", "SLEEP", "0");
    const latest = await c.value("LATENCY", "LATEST") as Value[][];
    assertEquals(latest.length, 1);
    const [event, time, last, max] = latest[0];
    assertEquals(event, "command");
    assertTrue(Math.abs((time as number) - Date.now() / 1000) < 5);
    assertTrue((last as number) >= 30 && (max as number) >= (last as number), `${last} ${max}`);
    const history = await c.value("LATENCY", "HISTORY", "command") as number[][];
    assertEquals(history.length, 1);
    assertEquals(history[0][0], time);
    assertEquals(await c.value("LATENCY", "HISTORY", "no-such-event"), []);
    assertEquals(await c.value("LATENCY", "RESET", "no-such-event"), 0);
    assertEquals(await c.value("LATENCY", "RESET"), 1);
    assertEquals(await c.value("LATENCY", "LATEST"), []);
  }, DEBUG_ON);
});

Deno.test("latency: errors and help match redis-server", async () => {
  const ran = await withPair(async (p) => {
    await p.same("LATENCY", "LATEST");
    await p.same("LATENCY", "HISTORY", "command");
    await p.same("LATENCY", "HISTORY");
    await p.same("LATENCY", "HISTORY", "a", "b");
    await p.same("LATENCY", "RESET");
    await p.same("LATENCY", "RESET", "a", "b");
    await p.same("LATENCY", "LATEST", "x");
    await p.same("LATENCY", "FOO");
    await p.same("LATENCY");
    await p.same("CONFIG", "SET", "latency-monitor-threshold", "-1");
    await p.same("CONFIG", "SET", "latency-monitor-threshold", "5");
    await p.same("CONFIG", "GET", "latency-monitor-threshold");
  });
  if (!ran) console.log("redis-server not installed: differential part skipped");
});

Deno.test("memory: USAGE, STATS, DOCTOR, HELP shapes and errors match redis-server", async () => {
  const ran = await withPair(async (p) => {
    await p.same("MEMORY", "HELP");
    await p.same("MEMORY", "USAGE", "nokey");
    await p.same("SET", "k", "v");
    await p.same("MEMORY", "USAGE", "k", "SAMPLES");
    await p.same("MEMORY", "USAGE", "k", "SAMPLES", "-1");
    await p.same("MEMORY", "USAGE", "k", "SAMPLES", "abc");
    await p.same("MEMORY", "USAGE", "k", "FOO", "1");
    await p.same("MEMORY", "USAGE");
    await p.same("MEMORY", "STATS", "x");
    await p.same("MEMORY", "FOO");
    await p.same("MEMORY", "PURGE");
    await p.same("MEMORY", "DOCTOR");
    const [a, b] = await p.both("MEMORY", "USAGE", "k", "SAMPLES", "0");
    assertMatch(a, /^:\d+\r\n$/);
    assertMatch(b, /^:\d+\r\n$/);
    const [rift, redis] = await Promise.all([
      p.rift.value("MEMORY", "STATS"),
      p.redis.value("MEMORY", "STATS"),
    ]);
    const keysOf = (v: Value) => (v as Value[]).filter((_, i) => i % 2 === 0);
    assertEquals(keysOf(rift), keysOf(redis));
  });
  if (!ran) console.log("redis-server not installed: differential part skipped");
});

Deno.test("memory: USAGE grows with the value; STATS counts keys; INFO used_memory moves", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const before = infoFields(await c.value("INFO", "memory") as string);
    await c.call("SET", "small", "v");
    await c.call("SET", "big", "x".repeat(100_000));
    const small = await c.value("MEMORY", "USAGE", "small") as number;
    const big = await c.value("MEMORY", "USAGE", "big") as number;
    assertTrue(small > 0 && small < 200, `small ${small}`);
    assertTrue(big >= 100_000 && big < 300_000, `big ${big}`);
    const after = infoFields(await c.value("INFO", "memory") as string);
    const grown = Number(after.get("used_memory")) - Number(before.get("used_memory"));
    assertTrue(grown >= 100_000 && grown < 300_000, `used_memory grew by ${grown}`);
    for (
      const f of ["used_memory_rss", "used_memory_peak", "maxmemory", "maxmemory_policy"]
    ) assertTrue(after.has(f), f);
    assertEquals(after.get("maxmemory_policy"), "noeviction");
    // The machine's memory, read once like Redis's (the test process shares the machine).
    assertEquals(Number(after.get("total_system_memory")), Deno.systemMemoryInfo().total);
    assertEquals(after.get("total_system_memory"), before.get("total_system_memory"));
    await c.call("DEL", "big");
    const freed = infoFields(await c.value("INFO", "memory") as string);
    assertTrue(Number(freed.get("used_memory")) < Number(after.get("used_memory")) - 100_000);
    const stats = await c.value("MEMORY", "STATS") as Value[];
    const keysCount = stats[stats.indexOf("keys.count") + 1];
    assertEquals(keysCount, 1);
    assertTrue(stats.includes("db.0"));
  });
});

Deno.test("debug: disabled by default like Redis 7; local mode allows loopback clients", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    assertEquals(
      await c.raw("DEBUG", "HELP"),
      '-ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n',
    );
    assertEquals(
      await c.raw("CONFIG", "SET", "enable-debug-command", "yes"),
      "-ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config\r\n",
    );
  });
  await withRift(async (rift) => {
    const c = await rift.client();
    assertEquals(await c.raw("DEBUG", "SLEEP", "0"), "+OK\r\n");
  }, { config: { "enable-debug-command": "local" } });
});

Deno.test("debug: OBJECT, SET-ACTIVE-EXPIRE, POPULATE, LOG, ERROR, HEAPSTATS", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("SET", "s", "hello");
    await c.call("SET", "n", "12345");
    await c.call("SET", "long", "x".repeat(50));
    assertMatch(
      await c.value("DEBUG", "OBJECT", "s") as string,
      /^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:\d+ lru_seconds_idle:0$/,
    );
    assertMatch(
      await c.value("DEBUG", "OBJECT", "n") as string,
      / encoding:int serializedlength:3 /,
    );
    assertMatch(await c.value("DEBUG", "OBJECT", "long") as string, / encoding:raw /);
    clock.advance(5000);
    assertMatch(await c.value("DEBUG", "OBJECT", "s") as string, / lru_seconds_idle:5$/);
    assertEquals(await c.raw("DEBUG", "OBJECT", "missing"), "-ERR no such key\r\n");

    // With active expiry off, an expired key stays until it is touched.
    assertEquals(await c.raw("DEBUG", "SET-ACTIVE-EXPIRE", "0"), "+OK\r\n");
    await c.call("SET", "ttl", "v", "PX", "10");
    clock.advance(100);
    rift.server.cron();
    assertEquals(await c.value("DBSIZE"), 4);
    assertEquals(await c.raw("DEBUG", "SET-ACTIVE-EXPIRE", "1"), "+OK\r\n");
    rift.server.cron();
    assertEquals(await c.value("DBSIZE"), 3);

    assertEquals(await c.raw("DEBUG", "POPULATE", "3", "pre", "10"), "+OK\r\n");
    assertEquals(await c.raw("GET", "pre:1"), "$10\r\nvalue:1\x00\x00\x00\r\n");
    assertEquals(await c.raw("DEBUG", "POPULATE", "2"), "+OK\r\n");
    assertEquals(await c.raw("GET", "key:0"), "$7\r\nvalue:0\r\n");
    assertEquals(await c.value("DBSIZE"), 8);

    assertEquals(await c.raw("DEBUG", "LOG", "marker-123"), "+OK\r\n");
    assertTrue(rift.server.log.captured!.some((l) => l.endsWith("# DEBUG LOG: marker-123")));
    assertEquals(await c.raw("DEBUG", "ERROR", "CUSTOM failure"), "-CUSTOM failure\r\n");

    const heap = await c.value("DEBUG", "HEAPSTATS") as Value[];
    const used = heap[heap.indexOf("used_heap_size") + 1] as number;
    assertTrue(used > 0);
    assertTrue(heap.includes("spaces"));
  }, { clock, logLevel: "warning", config: { "enable-debug-command": "yes" } });
});

Deno.test("debug: errors and help match redis-server", async () => {
  const ran = await withPair(async (p) => {
    await p.same("DEBUG", "SLEEP", "0");
    await p.same("DEBUG", "SLEEP", "abc");
    await p.same("DEBUG", "SLEEP");
    await p.same("DEBUG", "FOO");
    await p.same("DEBUG");
    await p.same("DEBUG", "OBJECT", "nokey");
    await p.same("SET", "k", "v");
    await p.same("SET", "int", "-77");
    await p.same("DEBUG", "SET-ACTIVE-EXPIRE", "2");
    await p.same("DEBUG", "SET-ACTIVE-EXPIRE");
    await p.same("DEBUG", "SET-ACTIVE-EXPIRE", "1");
    await p.same("DEBUG", "ERROR", "foo");
    await p.same("DEBUG", "ERROR", "-WRONG x");
    await p.same("DEBUG", "LOG", "hi");
    await p.same("DEBUG", "POPULATE", "-1");
    await p.same("DEBUG", "POPULATE", "5", "pre", "3");
    await p.same("DBSIZE");
    await p.same("GET", "pre:4");
    const strip = (s: string) =>
      s.replace(/at:0x[0-9a-f]+ /, "").replace(/ lru:\d+ /, " ").replace(
        /lru_seconds_idle:\d+/,
        "lru_seconds_idle:N",
      );
    for (const key of ["k", "int", "pre:2"]) {
      const [a, b] = await p.both("DEBUG", "OBJECT", key);
      assertEquals(strip(a), strip(b), `DEBUG OBJECT ${key}`);
    }
  }, { rift: DEBUG_ON, redisArgs: ["--enable-debug-command", "yes"] });
  if (!ran) console.log("redis-server not installed: differential part skipped");
});

Deno.test("info: counters move (commandstats, hits/misses, expired, clients)", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("SET", "a", "1");
    await c.call("GET", "a");
    await c.call("GET", "missing");
    await c.call("SET", "t", "v", "PX", "50");
    clock.advance(100);
    await c.call("GET", "t");
    const other = await rift.client();
    await other.call("PING");
    const info = infoFields(await c.value("INFO", "all") as string);
    assertEquals(info.get("keyspace_hits"), "1");
    assertEquals(info.get("keyspace_misses"), "2");
    assertEquals(info.get("expired_keys"), "1");
    assertEquals(info.get("connected_clients"), "2");
    assertEquals(info.get("evicted_keys"), "0");
    assertMatch(
      info.get("cmdstat_get")!,
      /^calls=3,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0$/,
    );
    assertMatch(info.get("cmdstat_set")!, /^calls=2,/);
    assertTrue(Number(info.get("used_memory")) > 0);
  }, { clock });
});

Deno.test("latency histogram: per-command distributions, INFO latencystats, RESETSTAT", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    for (let i = 0; i < 5; i++) await c.call("SET", "k", "v");
    await c.call("GET", "k");
    const all = await c.value("LATENCY", "HISTOGRAM") as Value[];
    const names = all.filter((_, i) => i % 2 === 0);
    assertTrue(names.includes("set") && names.includes("get"), String(names));
    const set = await c.value("LATENCY", "HISTOGRAM", "SET", "nosuch") as Value[];
    assertEquals(set[0], "set");
    const detail = set[1] as Value[];
    assertEquals(detail.slice(0, 3), ["calls", 5, "histogram_usec"]);
    const buckets = detail[3] as number[];
    assertEquals(buckets[buckets.length - 1], 5, "cumulative count ends at calls");
    const info = await c.value("INFO", "latencystats") as string;
    assertMatch(
      info,
      /latency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n/,
    );
    await c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "50.5 90");
    assertMatch(
      await c.value("INFO", "latencystats") as string,
      /_get:p50\.5=[\d.]+,p90=[\d.]+\r\n/,
    );
    await c.call("CONFIG", "RESETSTAT");
    const after = await c.value("LATENCY", "HISTOGRAM", "set") as Value[];
    assertEquals(after, []);
    // Counting starts again (also for a command reset inside a transaction).
    await c.call("MULTI");
    await c.call("SET", "k", "v");
    await c.call("CONFIG", "RESETSTAT");
    await c.call("SET", "k", "v");
    await c.call("EXEC");
    await c.call("SET", "k", "v");
    const again = await c.value("LATENCY", "HISTOGRAM", "set") as Value[];
    assertEquals((again[1] as Value[]).slice(0, 2), ["calls", 2]);
    assertMatch(await c.value("INFO", "commandstats") as string, /cmdstat_set:calls=2,/);
    await c.call("CONFIG", "RESETSTAT");
    await c.call("CONFIG", "SET", "latency-tracking", "no");
    await c.call("SET", "k", "v");
    assertEquals(await c.value("LATENCY", "HISTOGRAM", "set"), []);
    assertEquals(await c.value("INFO", "latencystats"), "# Latencystats\r\n");
  });
});

Deno.test("latency histogram: shapes and config errors match redis-server", async () => {
  const ran = await withPair(async (p) => {
    await p.same("LATENCY", "HISTOGRAM", "nosuch");
    await p.same("CONFIG", "SET", "latency-tracking-info-percentiles", "50 abc");
    await p.same("CONFIG", "SET", "latency-tracking-info-percentiles", "101");
    await p.same("CONFIG", "SET", "latency-tracking-info-percentiles", "50.5 99");
    await p.same("CONFIG", "GET", "latency-tracking-info-percentiles");
    await p.same("CONFIG", "SET", "latency-tracking-info-percentiles", "");
    await p.same("CONFIG", "GET", "latency-tracking-info-percentiles");
    await p.same("CONFIG", "SET", "latency-tracking", "no");
    await p.same("INFO", "latencystats");
    await p.same("CONFIG", "GET", "latency-tracking");
    await p.same("LATENCY", "HELP");
    await p.same("LATENCY", "DOCTOR");
    await p.same("LATENCY", "GRAPH", "command");
    await p.same("LATENCY", "GRAPH");
    await p.same("LATENCY", "DOCTOR", "x");
    await p.same("CONFIG", "SET", "latency-monitor-threshold", "5");
    await p.same("LATENCY", "DOCTOR");
    // One spike each: same graph and report lines once the numbers are masked.
    await p.same("DEBUG", "SLEEP", "0.02");
    const mask = (s: string) => s.replace(/\d+/g, "N");
    const [graphA, graphB] = await p.both("LATENCY", "GRAPH", "command");
    assertEquals(mask(graphA), mask(graphB));
    const [doctorA, doctorB] = await p.both("LATENCY", "DOCTOR");
    const head = (s: string) => mask(s).split("\n").slice(0, 4).join("\n");
    assertEquals(head(doctorA), head(doctorB));
    await p.same("LATENCY", "RESET", "COMMAND");
    await p.same("LATENCY", "LATEST");
  }, { rift: DEBUG_ON, redisArgs: ["--enable-debug-command", "yes"] });
  if (!ran) console.log("redis-server not installed: differential part skipped");
});
