/**
 * Keyspace notifications beyond the differential table: the
 * `notify-keyspace-events` directive (parsing and CONFIG GET formatting),
 * `expired` from active and lazy expiry with a manual clock, RESP3
 * subscribers (pushes inside a transaction's reply), plain-channel
 * subscriptions to `__keyspace@...` and `__keyevent@...`.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { latin1 } from "../helpers/client.ts";
import { withPair } from "../helpers/differential.ts";
import { barrier, decodeFrame, sameScenario, step } from "../helpers/scenario.ts";
import { withRift } from "../helpers/server.ts";
import { ManualClock } from "../../src/mod.ts";

const s = step;

Deno.test("notifications: notify-keyspace-events reads back like Redis 7.0", async () => {
  await withPair(async (p) => {
    const values = [
      "KEA",
      "A",
      "KA",
      "EA",
      "Kg",
      "K",
      "E",
      "g",
      "g$lshzxet",
      "g$lshzxetd",
      "KEAmn",
      "n",
      "m",
      "Kn",
      "KEm",
      "Ex",
      "xE",
      "AAA",
      "",
      "KEd",
      "Kd",
      "KEte",
      "nmKE$",
      "EKxe",
      "AKEn",
    ];
    for (const v of values) {
      await p.same("CONFIG", "SET", "notify-keyspace-events", v);
      await p.same("CONFIG", "GET", "notify-keyspace-events");
    }
    for (const bad of ["KEAq", "k", "a", "KE ", "\xff", "G"]) {
      await p.same("CONFIG", "SET", "notify-keyspace-events", bad);
    }
    await p.same("CONFIG", "GET", "notify-keyspace-events");
  });
});

Deno.test("notifications: active expiry sends 'expired' like Redis", async () => {
  const clock = new ManualClock(Date.now());
  await withPair(async (p) => {
    await p.same("CONFIG", "SET", "notify-keyspace-events", "Ex");
    const [subRift, subRedis] = [await p.open("rift"), await p.open("redis")];
    await subRift.call("SUBSCRIBE", "__keyevent@0__:expired");
    await subRedis.call("SUBSCRIBE", "__keyevent@0__:expired");
    await p.same("SET", "k", "v", "PX", "1");
    // Rift: time moves only when told, then one expiry cycle runs.
    clock.advance(2);
    p.riftServer.cron();
    const fromRift = latin1((await subRift.read()).raw);
    // Redis: its own cycle (10 times a second) deletes the key unasked.
    const fromRedis = latin1((await subRedis.read(5000)).raw);
    assertEquals(fromRift, fromRedis);
    assertEquals(fromRift, "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$1\r\nk\r\n");
    await p.same("DBSIZE");
  }, { rift: { clock } });
});

Deno.test("notifications: lazy and active expiry with a manual clock", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  await withRift(async (rift) => {
    const c = await rift.client();
    const sub = await rift.client();
    await c.raw("CONFIG", "SET", "notify-keyspace-events", "KEA");
    await sub.call("PSUBSCRIBE", "__keyspace@0__:*");
    await c.raw("SET", "lazy", "v", "PX", "1000");
    await c.raw("SET", "active", "v", "PX", "1000");
    await c.raw("SET", "forever", "v");
    clock.advance(999);
    rift.server.cron();
    assertEquals(await c.raw("GET", "lazy"), "$1\r\nv\r\n");
    clock.advance(2);
    assertEquals(await c.raw("GET", "lazy"), "$-1\r\n");
    rift.server.cron();
    const events = (await barrier(sub)).map((raw) => {
      const [, , channel, event] = decodeFrame(raw) as string[];
      return `${channel} ${event}`;
    });
    assertEquals(events, [
      "__keyspace@0__:lazy set",
      "__keyspace@0__:lazy expire",
      "__keyspace@0__:active set",
      "__keyspace@0__:active expire",
      "__keyspace@0__:forever set",
      "__keyspace@0__:lazy expired",
      "__keyspace@0__:active expired",
    ]);
    assertEquals(rift.server.stats.expiredKeys, 2);
  }, { clock });
});

Deno.test("notifications: RESP3 subscribers get pushes, even inside their own EXEC reply", async () => {
  await withPair(async (p) => {
    await p.same("CONFIG", "SET", "notify-keyspace-events", "KEA");
    await sameScenario(p, [
      { on: "s1", cmd: ["HELLO", "3"], ignore: true },
      s("s1", "SUBSCRIBE", "__keyevent@0__:set", "__keyspace@0__:k"),
      s("s1", "SET", "k", "v"),
      s("s1", "SET", "other", "v"),
      s("s1", "MULTI"),
      s("s1", "SET", "k", "1"),
      s("s1", "DEL", "k"),
      s("s1", "GET", "k"),
      s("s1", "EXEC"),
      s("a", "SET", "k", "from-a", "EX", "100"),
      s("s2", "PSUBSCRIBE", "__keyevent@*__:del"),
      s("a", "SELECT", "5"),
      s("a", "SET", "k", "v"),
      s("a", "DEL", "k"),
      s("s1", "UNSUBSCRIBE", "__keyspace@0__:k"),
      s("s1", "UNSUBSCRIBE"),
      s("s1", "SET", "k", "quiet"),
    ]);
  });
});

Deno.test("notifications: nothing is built when notifications are off", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const sub = await rift.client();
    await sub.call("PSUBSCRIBE", "*");
    for (let i = 0; i < 100; i++) await c.raw("SET", `k${i}`, "v");
    await c.raw("GET", "missing");
    await c.raw("DEL", "k1");
    assertEquals(await barrier(sub), []);
    await c.raw("CONFIG", "SET", "notify-keyspace-events", "Kn");
    await c.raw("SET", "k1", "v");
    const events = await barrier(sub);
    assertEquals(events.length, 1);
    assertTrue(events[0].includes("__keyspace@0__:k1\r\n$3\r\nnew\r\n"));
  });
});
