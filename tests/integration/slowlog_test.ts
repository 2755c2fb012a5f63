import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { type Value } from "../helpers/client.ts";
import { withPair } from "../helpers/differential.ts";
import { withRift } from "../helpers/server.ts";

/** Drops the fields that differ between servers (timestamp, duration, client port). */
function shape(entries: Value): Value[] {
  return (entries as Value[][]).map((e) => [e[0], e[3], e[5]]);
}

Deno.test("slowlog: records commands over the threshold with id, time, duration, args, addr, name", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    assertEquals(await c.raw("CONFIG", "SET", "slowlog-log-slower-than", "0"), "+OK\r\n");
    assertEquals(await c.raw("CLIENT", "SETNAME", "worker-1"), "+OK\r\n");
    assertEquals(await c.raw("SET", "k", "v"), "+OK\r\n");
    const entries = await c.value("SLOWLOG", "GET") as Value[][];
    // CONFIG SET is there too (the slow log does not skip admin commands).
    const set = entries.find((e) => (e[3] as Value[])[0] === "SET")!;
    assertTrue(set !== undefined, "SET is logged");
    assertEquals(set.length, 6);
    assertTrue(typeof set[0] === "number");
    assertTrue(Math.abs((set[1] as number) - Date.now() / 1000) < 5, "unix time in seconds");
    assertTrue(typeof set[2] === "number" && (set[2] as number) >= 0);
    assertEquals(set[3], ["SET", "k", "v"]);
    const port = (c.conn.localAddr as Deno.NetAddr).port;
    assertEquals(set[4], `127.0.0.1:${port}`);
    assertEquals(set[5], "worker-1");
    // Newest first, ids increasing.
    const ids = entries.map((e) => e[0] as number);
    assertEquals(ids, [...ids].sort((a, b) => b - a));
  });
});

Deno.test("slowlog: threshold -1 disables, a high threshold skips fast commands, max-len trims", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1");
    for (let i = 0; i < 5; i++) await c.call("SET", `k${i}`, "v");
    assertEquals(await c.value("SLOWLOG", "LEN"), 0);
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "1000000");
    await c.call("SET", "fast", "v");
    assertEquals(await c.value("SLOWLOG", "LEN"), 0);
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "3");
    for (let i = 0; i < 10; i++) await c.call("SET", `k${i}`, "v");
    assertEquals(await c.value("SLOWLOG", "LEN"), 3);
    const newest = await c.value("SLOWLOG", "GET", "1") as Value[][];
    assertEquals(newest.length, 1);
    // The newest entry is the previous command (SLOWLOG LEN is logged after it runs).
    assertEquals(newest[0][3], ["SLOWLOG", "LEN"]);
    assertEquals((await c.value("SLOWLOG", "GET", "-1") as Value[]).length, 3);
    assertEquals((await c.value("SLOWLOG", "GET", "0") as Value[]).length, 0);
    // Lowering the limit trims at once.
    await c.call("CONFIG", "SET", "slowlog-max-len", "1");
    assertEquals(await c.value("SLOWLOG", "LEN"), 1);
    assertEquals(await c.raw("SLOWLOG", "RESET"), "+OK\r\n");
    // RESET itself is logged after it runs.
    assertEquals(await c.value("SLOWLOG", "LEN"), 1);
  });
});

Deno.test("slowlog: arguments truncated like Redis (32 args, 128 bytes) and secrets redacted", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
    const keys = Array.from({ length: 40 }, (_, i) => `key${i}`);
    await c.call("DEL", ...keys);
    const big = "x".repeat(300);
    await c.call("SET", "big", big);
    await c.call("AUTH", "secret");
    await c.call("HELLO", "2", "AUTH", "default", "pw");
    const entries = await c.value("SLOWLOG", "GET", "4") as Value[][];
    const [hello, auth, set, del] = entries.map((e) => e[3] as string[]);
    assertEquals(hello, ["HELLO", "2", "AUTH", "(redacted)", "(redacted)"]);
    assertEquals(auth, ["AUTH", "(redacted)"]);
    assertEquals(set, ["SET", "big", "x".repeat(128) + "... (172 more bytes)"]);
    assertEquals(del.length, 32);
    assertEquals(del[30], "key29");
    assertEquals(del[31], "... (10 more arguments)");
  });
});

Deno.test("slowlog: binary arguments are kept as bytes", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
    const value = new Uint8Array([0, 13, 10, 255, 128]);
    await c.call("SET", new Uint8Array([0xff, 0]), value);
    const entries = await c.value("SLOWLOG", "GET", "1") as Value[][];
    assertEquals(entries[0][3], ["SET", "\xff\x00", "\x00\r\n\xff\x80"]);
  });
});

Deno.test("slowlog: errors, help and arity match redis-server", async () => {
  const ran = await withPair(async (p) => {
    await p.same("SLOWLOG", "HELP");
    await p.same("SLOWLOG", "GET", "-2");
    await p.same("SLOWLOG", "GET", "abc");
    await p.same("SLOWLOG", "GET", "1", "2");
    await p.same("SLOWLOG", "LEN", "x");
    await p.same("SLOWLOG", "RESET", "x");
    await p.same("SLOWLOG", "FOO");
    await p.same("SLOWLOG");
    await p.same("SLOWLOG", "RESET");
    await p.same("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await p.same("CONFIG", "SET", "slowlog-log-slower-than", "-2");
    await p.same("CONFIG", "SET", "slowlog-max-len", "-1");
    await p.same("CONFIG", "GET", "slowlog-log-slower-than");
    await p.same("CONFIG", "GET", "slowlog-max-len");
    await p.same("CLIENT", "SETNAME", "same-name");
    await p.same("SET", "a", "1");
    await p.same("SET", "b", "x".repeat(200));
    await p.same("DEL", ...Array.from({ length: 40 }, (_, i) => `k${i}`));
    const [rift, redis] = await Promise.all([
      p.rift.value("SLOWLOG", "GET", "-1"),
      p.redis.value("SLOWLOG", "GET", "-1"),
    ]);
    assertEquals(shape(rift), shape(redis));
    await p.same("SLOWLOG", "LEN");
  });
  if (!ran) console.log("redis-server not installed: differential part skipped");
});
