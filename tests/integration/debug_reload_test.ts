import { assertEquals } from "../helpers/assert.ts";
import { withRift } from "../helpers/server.ts";
import { withPair } from "../helpers/differential.ts";
import { withEventsPair } from "../helpers/events_pair.ts";

Deno.test("DEBUG RELOAD saves, flushes and loads every type back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rift-reload-" });
  try {
    await withRift(async (rift) => {
      const c = await rift.client();
      await c.call("SET", "s", "v", "PX", "100000");
      await c.call("RPUSH", "l", "a", "b");
      await c.call("HSET", "h", "f", "1");
      await c.call("SADD", "set", "1", "x");
      await c.call("ZADD", "z", "1.5", "m");
      await c.call("SELECT", "3");
      await c.call("SET", "other", "db3");
      await c.call("SELECT", "0");
      assertEquals(await c.raw("DEBUG", "RELOAD"), "+OK\r\n");
      assertEquals(await c.value("DBSIZE"), 5);
      assertEquals(await c.value("GET", "s"), "v");
      assertEquals(await c.value("LRANGE", "l", "0", "-1"), ["a", "b"]);
      assertEquals(await c.value("HGETALL", "h"), ["f", "1"]);
      assertEquals(await c.value("ZSCORE", "z", "m"), "1.5");
      assertEquals((await c.value("PTTL", "s")) as number > 0, true);
      await c.call("SELECT", "3");
      assertEquals(await c.value("GET", "other"), "db3");
      // NOSAVE loads the file as it is: keys added since are gone.
      await c.call("SET", "new", "x");
      assertEquals(await c.raw("DEBUG", "RELOAD", "NOSAVE"), "+OK\r\n");
      assertEquals(await c.value("EXISTS", "new"), 0);
      // NOFLUSH MERGE keeps keys the file does not have and takes the file's values.
      await c.call("SET", "kept", "x");
      await c.call("SET", "other", "changed");
      assertEquals(await c.raw("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"), "+OK\r\n");
      assertEquals(await c.value("GET", "kept"), "x");
      assertEquals(await c.value("GET", "other"), "db3");
      // NOFLUSH alone refuses keys already present.
      assertEquals(
        await c.raw("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"),
        "-ERR Error trying to load the RDB dump\r\n",
      );
      assertEquals(
        await c.raw("DEBUG", "RELOAD", "BOGUS"),
        "-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n",
      );
    }, { config: { dir, "enable-debug-command": "yes" } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DEBUG RELOAD dirties WATCHes of existing keys, as Redis's flush does (differential)", async () => {
  // Found by the mixed fuzzer with persistence: Rift's EXEC ran, Redis's aborted.
  const dir = await Deno.makeTempDir({ prefix: "rift-reload-watch-" });
  try {
    await withPair(async (p) => {
      const others = { rift: await p.open("rift"), redis: await p.open("redis") };
      await p.same("SET", "present", "1");
      for (const [watched, expectAbort] of [["present", true], ["absent", false]] as const) {
        await p.same("WATCH", watched);
        const [x, y] = await Promise.all([
          others.rift.raw("DEBUG", "RELOAD"),
          others.redis.raw("DEBUG", "RELOAD"),
        ]);
        assertEquals([x, y], ["+OK\r\n", "+OK\r\n"]);
        await p.same("MULTI");
        await p.same("INCR", "counter");
        const reply = await p.same("EXEC");
        assertEquals(reply === "*-1\r\n", expectAbort, `EXEC after WATCH ${watched}`);
      }
    }, {
      rift: { config: { "enable-debug-command": "yes", dir } },
      redisArgs: ["--enable-debug-command", "yes"],
    });
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("DEBUG RELOAD publishes no `new` key events for the keys it loads (differential)", async () => {
  // Found by the mixed fuzzer with random notify-keyspace-events flags.
  const dir = await Deno.makeTempDir({ prefix: "rift-reload-new-" });
  try {
    await withEventsPair(async (p) => {
      for (const c of [p.rift, p.redis]) {
        await c.call("CONFIG", "SET", "notify-keyspace-events", "KEAn");
      }
      await p.step("SET", "a", "1");
      await p.step("RPUSH", "l", "x");
      await p.step("DEBUG", "RELOAD");
      await p.step("SET", "b", "1");
    }, { dir });
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
