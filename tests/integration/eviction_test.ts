import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { RespClient } from "../helpers/client.ts";
import { withPair } from "../helpers/differential.ts";
import { type TestRift, withRift } from "../helpers/server.ts";
import { ManualClock } from "../../src/mod.ts";
import { production } from "../../src/server/production.ts";
import { lfuDecay, lfuLogIncrement } from "../../src/store/lfu.ts";

const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
const LIMIT = 2 * 1024 * 1024;
/** One 400-byte entry with its key, columns and slab rounding, generously. */
const ONE_ENTRY_SLACK = 1024;

/**
 * Subscribes a test connection to a channel on the server side (SUBSCRIBE
 * belongs to another command family); messages still arrive over TCP.
 */
async function subscribe(rift: TestRift, c: RespClient, channel: string): Promise<void> {
  const id = await c.value("CLIENT", "ID") as number;
  rift.server.pubsub.subscribe(rift.server.clients.get(id)!, channel);
}

async function usedMemory(c: RespClient): Promise<number> {
  const info = await c.value("INFO", "memory") as string;
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

/** Writes `count` keys of `valueSize` bytes in pipelined batches; returns how many were refused. */
async function writeLoad(
  rift: TestRift,
  c: RespClient,
  count: number,
  valueSize: number,
  options: { ttlEvery?: number } = {},
): Promise<number> {
  const value = "v".repeat(valueSize);
  let refused = 0;
  const batch = 200;
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    for (let j = 0; j < n; j++) {
      const k = i + j;
      if (options.ttlEvery && k % options.ttlEvery === 0) {
        await c.send("SET", `key:${k}`, value, "EX", String(1000 + k));
      } else {
        await c.send("SET", `key:${k}`, value);
      }
    }
    for (let j = 0; j < n; j++) {
      const { reply } = await c.read();
      if (reply.type === "error") refused++;
    }
    // Like Redis, eviction runs before each command, so the last write may
    // overshoot by about one entry until the next command evicts.
    const used = production(rift.server).memory.used();
    const limit = rift.server.config.int("maxmemory");
    assertTrue(used <= limit + ONE_ENTRY_SLACK, `accounted ${used} <= ${limit} + one entry`);
  }
  return refused;
}

for (const policy of ["allkeys-lru", "allkeys-random", "volatile-ttl", "allkeys-lfu"]) {
  Deno.test(`eviction: ${policy} keeps memory under maxmemory during a long write load`, async () => {
    await withRift(async (rift) => {
      const c = await rift.client();
      const events = await rift.client();
      await subscribe(rift, events, "__keyevent@0__:evicted");
      const volatile = policy.startsWith("volatile");
      const refused = await writeLoad(rift, c, 12_000, 400, { ttlEvery: volatile ? 1 : undefined });
      assertEquals(refused, 0, "no write refused while keys can be evicted");
      const used = await usedMemory(c);
      assertTrue(used <= LIMIT, `used_memory ${used} <= ${LIMIT} (INFO evicts first)`);
      const info = await c.value("INFO", "stats") as string;
      const evicted = Number(/evicted_keys:(\d+)/.exec(info)![1]);
      const keys = await c.value("DBSIZE") as number;
      assertTrue(evicted > 5000, `evicted ${evicted}`);
      assertEquals(keys + evicted, 12_000, "every key is either present or evicted");
      // The latest keys survive under LRU/TTL (older ones are idler or expire sooner).
      if (policy === "allkeys-lru" || policy === "volatile-ttl") {
        assertEquals(await c.value("EXISTS", "key:11999"), 1);
      }
      // `evicted` keyspace events (class e) arrive for evicted keys.
      const { reply } = await events.read();
      const [kind, channel, key] = (reply as { items: { value: Uint8Array }[] }).items.map((i) =>
        new TextDecoder().decode(i.value)
      );
      assertEquals([kind, channel], ["message", "__keyevent@0__:evicted"]);
      assertTrue(key.startsWith("key:"));
    }, {
      config: {
        maxmemory: LIMIT,
        "maxmemory-policy": policy,
        "notify-keyspace-events": "Ee",
        hz: 100,
      },
    });
  });
}

Deno.test("eviction: noeviction refuses denyoom commands with Redis's OOM error, reads still work", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const refused = await writeLoad(rift, c, 8000, 400);
    assertTrue(refused > 1000, `refused ${refused}`);
    assertEquals(await c.raw("SET", "new", "v"), OOM);
    assertEquals(await c.raw("GET", "key:0"), "$400\r\n" + "v".repeat(400) + "\r\n");
    assertEquals(await c.raw("DEL", "key:0"), ":1\r\n", "DEL is not denyoom");
    // Deleting makes room again.
    await c.call("DEL", ...Array.from({ length: 20 }, (_, i) => `key:${i + 1}`));
    assertEquals(await c.raw("SET", "new", "v"), "+OK\r\n");
    const info = await c.value("INFO", "stats") as string;
    assertEquals(/evicted_keys:(\d+)/.exec(info)![1], "0");
    const errors = await c.value("INFO", "errorstats") as string;
    assertTrue(/errorstat_OOM:count=\d+/.test(errors));
  }, { config: { maxmemory: LIMIT } });
});

Deno.test("eviction: volatile policies fail with OOM when no key has a TTL", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const refused = await writeLoad(rift, c, 8000, 400);
    assertTrue(refused > 0);
    assertEquals(await c.raw("SET", "x", "y"), OOM);
  }, { config: { maxmemory: LIMIT, "maxmemory-policy": "volatile-lru" } });
});

Deno.test("eviction: allkeys-lru evicts the idle keys and keeps the recently read ones", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  await withRift(async (rift) => {
    const c = await rift.client();
    for (let i = 0; i < 2000; i++) await c.send("SET", `old:${i}`, "x".repeat(300));
    for (let i = 0; i < 2000; i++) await c.read();
    clock.advance(60_000);
    // Touch a hot subset, then add new data past the limit.
    for (let i = 0; i < 200; i++) await c.call("GET", `old:${i}`);
    clock.advance(1000);
    await c.call("CONFIG", "SET", "maxmemory", String(Math.floor(await usedMemory(c) * 0.9)));
    for (let i = 0; i < 500; i++) await c.call("SET", `new:${i}`, "x".repeat(300));
    let hot = 0;
    for (let i = 0; i < 200; i++) hot += await c.value("EXISTS", `old:${i}`) as number;
    let cold = 0;
    for (let i = 1000; i < 2000; i++) cold += await c.value("EXISTS", `old:${i}`) as number;
    // Sampling is approximate: nearly all hot keys survive, most cold ones are gone.
    assertTrue(hot >= 190, `hot keys kept: ${hot}/200`);
    assertTrue(cold < 900, `cold keys kept: ${cold}/1000`);
  }, { clock, config: { "maxmemory-policy": "allkeys-lru", "maxmemory-samples": 10 } });
});

Deno.test("eviction: an evicted key produces an evicted event and counts in INFO", async () => {
  await withRift(async (rift) => {
    const sub = await rift.client();
    await subscribe(rift, sub, "__keyevent@0__:evicted");
    const c = await rift.client();
    await c.call("SET", "only", "x".repeat(1000));
    await c.call("CONFIG", "SET", "maxmemory", "1");
    // Any command triggers eviction; PING is not denyoom so it succeeds.
    assertEquals(await c.raw("PING"), "+PONG\r\n");
    const { raw } = await sub.read();
    assertEquals(
      new TextDecoder().decode(raw),
      "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n$4\r\nonly\r\n",
    );
    assertEquals(await c.value("DBSIZE"), 0);
    assertEquals(await c.raw("SET", "x", "y"), OOM);
    const stats = await c.value("INFO", "stats") as string;
    assertEquals(/evicted_keys:(\d+)/.exec(stats)![1], "1");
  }, { config: { "maxmemory-policy": "allkeys-random", "notify-keyspace-events": "Ee" } });
});

Deno.test("eviction: LFU counter increments logarithmically and decays per period", () => {
  assertEquals(lfuLogIncrement(5, 10, 0.99), 6, "at the initial value every hit counts");
  assertEquals(lfuLogIncrement(15, 10, 0.5), 15, "p = 1/101 at counter 15");
  assertEquals(lfuLogIncrement(15, 10, 0.005), 16);
  assertEquals(lfuLogIncrement(255, 10, 0), 255);
  assertEquals(lfuDecay(10, 3, 1), 7);
  assertEquals(lfuDecay(10, 30, 1), 0);
  assertEquals(lfuDecay(10, 3, 2), 9);
  assertEquals(lfuDecay(10, 100, 0), 10, "decay time 0 never decays");
});

Deno.test("eviction: CONFIG errors for maxmemory directives match redis-server", async () => {
  const ran = await withPair(async (p) => {
    for (
      const name of [
        "maxmemory",
        "maxmemory-policy",
        "maxmemory-samples",
        "maxmemory-eviction-tenacity",
        "maxmemory-clients",
        "lfu-log-factor",
        "lfu-decay-time",
      ]
    ) await p.same("CONFIG", "GET", name);
    await p.same("CONFIG", "SET", "maxmemory-policy", "foo");
    await p.same("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU");
    await p.same("CONFIG", "SET", "maxmemory-samples", "0");
    await p.same("CONFIG", "SET", "maxmemory", "-1");
    await p.same("CONFIG", "SET", "maxmemory", "1.5mb");
    await p.same("CONFIG", "SET", "maxmemory-clients", "101%");
    await p.same("CONFIG", "SET", "maxmemory-clients", "abc");
    await p.same("CONFIG", "SET", "maxmemory-clients", "10%");
    await p.same("CONFIG", "SET", "maxmemory-eviction-tenacity", "101");
    await p.same("CONFIG", "SET", "lfu-log-factor", "-1");
    await p.same("CONFIG", "GET", "maxmemory-clients");
    await p.same("CONFIG", "GET", "maxmemory-policy");
  });
  if (!ran) console.log("redis-server not installed: differential part skipped");
});

Deno.test("client eviction: maxmemory-clients disconnects clients, sparing CLIENT NO-EVICT", async () => {
  await withRift(async (rift) => {
    const admin = await rift.client();
    const victim = await rift.client();
    assertEquals(await victim.raw("PING"), "+PONG\r\n");
    assertEquals(await admin.raw("CLIENT", "NO-EVICT", "on"), "+OK\r\n");
    assertEquals(await admin.raw("CONFIG", "SET", "maxmemory-clients", "1"), "+OK\r\n");
    rift.server.cron();
    assertTrue(await victim.closedByServer(2000), "the unprotected client is evicted");
    assertEquals(await admin.raw("PING"), "+PONG\r\n");
    const stats = await admin.value("INFO", "stats") as string;
    assertEquals(/evicted_clients:(\d+)/.exec(stats)![1], "1");
  });
});
