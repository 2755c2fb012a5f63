/**
 * Hash commands over TCP against an embedded Rift: exact replies, order of
 * small hashes, HRANDFIELD's properties, HINCRBY's 64-bit arithmetic,
 * events, propagation, WATCH, TTLs, encodings, large and binary values, and
 * a real client library.
 */

import { Redis } from "ioredis";
import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { RespClient } from "../helpers/client.ts";
import { type TestRift, withRift } from "../helpers/server.ts";
import { bytes, recordRiftEvents, recordRiftPropagation, Rng } from "../helpers/hashsets.ts";
import { ManualClock } from "../../src/mod.ts";
import type { HashValue } from "../../src/store/hash.ts";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

function bulkArray(items: string[], prefix = "*"): string {
  return `${prefix}${items.length}\r\n` + items.map((i) => `$${i.length}\r\n${i}\r\n`).join("");
}

function hashValue(rift: TestRift, key: string): HashValue | null {
  const db = rift.server.db(0);
  const id = db.find(bytes(key));
  return id < 0 ? null : db.object<HashValue>(id);
}

async function fields(c: RespClient, key: string): Promise<string[]> {
  return await c.value("HKEYS", key) as string[];
}

Deno.test("hashes: basic replies, exact bytes, insertion order", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    assertEquals(await c.raw("HSET", "h", "b", "1", "a", "2"), ":2\r\n");
    assertEquals(await c.raw("HSET", "h", "b", "3", "c", "4"), ":1\r\n");
    assertEquals(await c.raw("HMSET", "h", "d", "5"), "+OK\r\n");
    assertEquals(await c.raw("HSETNX", "h", "a", "x"), ":0\r\n");
    assertEquals(await c.raw("HSETNX", "h", "e", "6"), ":1\r\n");
    assertEquals(await c.raw("HKEYS", "h"), bulkArray(["b", "a", "c", "d", "e"]));
    assertEquals(await c.raw("HVALS", "h"), bulkArray(["3", "2", "4", "5", "6"]));
    assertEquals(
      await c.raw("HGETALL", "h"),
      bulkArray(["b", "3", "a", "2", "c", "4", "d", "5", "e", "6"]),
    );
    assertEquals(await c.raw("HGET", "h", "a"), "$1\r\n2\r\n");
    assertEquals(await c.raw("HGET", "h", "zz"), "$-1\r\n");
    assertEquals(await c.raw("HMGET", "h", "a", "zz"), "*2\r\n$1\r\n2\r\n$-1\r\n");
    assertEquals(await c.raw("HLEN", "h"), ":5\r\n");
    assertEquals(await c.raw("HEXISTS", "h", "c"), ":1\r\n");
    assertEquals(await c.raw("HSTRLEN", "h", "c"), ":1\r\n");
    assertEquals(await c.raw("HDEL", "h", "b", "zz", "b"), ":1\r\n");
    await c.raw("HSET", "h", "b", "7");
    assertEquals(await fields(c, "h"), ["a", "c", "d", "e", "b"], "a re-added field goes last");
    assertEquals(
      await c.raw("HSCAN", "h", "0", "MATCH", "[ab]"),
      "*2\r\n$1\r\n0\r\n" + bulkArray(["a", "2", "b", "7"]),
    );
    for (const cmd of ["HKEYS", "HVALS", "HGETALL"]) {
      assertEquals(await c.raw(cmd, "nokey"), "*0\r\n");
    }
    assertEquals(await c.raw("HLEN", "nokey"), ":0\r\n");
    assertEquals(await c.raw("HSTRLEN", "nokey", "f"), ":0\r\n");
    assertEquals(await c.raw("HMGET", "nokey", "a"), "*1\r\n$-1\r\n");
    assertEquals(await c.raw("HSCAN", "nokey", "0"), "*2\r\n$1\r\n0\r\n*0\r\n");
  });
});

Deno.test("hashes: RESP3 shapes (HGETALL map, HRANDFIELD pairs)", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("HELLO", "3");
    await c.raw("HSET", "h", "f", "v", "g", "w");
    assertEquals(await c.raw("HGETALL", "h"), "%2\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n");
    assertEquals(await c.raw("HGETALL", "nokey"), "%0\r\n");
    assertEquals(await c.raw("HGET", "h", "x"), "_\r\n");
    assertEquals(await c.raw("HRANDFIELD", "nokey"), "_\r\n");
    assertEquals(
      await c.raw("HRANDFIELD", "h", "5", "WITHVALUES"),
      "*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\ng\r\n$1\r\nw\r\n",
    );
    const repeated = await c.value("HRANDFIELD", "h", "-3", "WITHVALUES") as string[][];
    assertEquals(repeated.length, 3);
    for (const [f, v] of repeated) assertEquals(v, f === "f" ? "v" : "w");
    assertEquals(
      await c.raw("HSCAN", "h", "0"),
      "*2\r\n$1\r\n0\r\n" + bulkArray(["f", "v", "g", "w"]),
    );
  });
});

Deno.test("hashes: wrong arity, wrong type and bad numbers", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("SET", "str", "x");
    await c.raw("HSET", "h", "f", "1", "s", "abc");
    for (
      const args of [
        ["HSET", "str", "a", "b"],
        ["HSETNX", "str", "a", "b"],
        ["HMSET", "str", "a", "b"],
        ["HGET", "str", "a"],
        ["HMGET", "str", "a"],
        ["HDEL", "str", "a"],
        ["HLEN", "str"],
        ["HSTRLEN", "str", "a"],
        ["HEXISTS", "str", "a"],
        ["HGETALL", "str"],
        ["HKEYS", "str"],
        ["HVALS", "str"],
        ["HINCRBY", "str", "a", "1"],
        ["HRANDFIELD", "str"],
        ["HRANDFIELD", "str", "2"],
        ["HSCAN", "str", "0"],
      ]
    ) {
      assertEquals(await c.raw(...args), WRONGTYPE, args.join(" "));
    }
    assertEquals(
      await c.raw("HSET", "h", "a", "1", "b"),
      "-ERR wrong number of arguments for 'hset' command\r\n",
    );
    assertEquals(
      await c.raw("HMSET", "h", "a"),
      "-ERR wrong number of arguments for 'hmset' command\r\n",
    );
    assertEquals(
      await c.raw("HSET", "str", "a", "1", "b"),
      "-ERR wrong number of arguments for 'hset' command\r\n",
    );
    assertEquals(await c.raw("HGET", "h"), "-ERR wrong number of arguments for 'hget' command\r\n");
    assertEquals(
      await c.raw("HINCRBY", "h", "f", "1.5"),
      "-ERR value is not an integer or out of range\r\n",
    );
    assertEquals(
      await c.raw("HINCRBY", "str", "f", "x"),
      "-ERR value is not an integer or out of range\r\n",
    );
    assertEquals(await c.raw("HINCRBY", "h", "s", "1"), "-ERR hash value is not an integer\r\n");
    assertEquals(
      await c.raw("HRANDFIELD", "h", "x"),
      "-ERR value is not an integer or out of range\r\n",
    );
    assertEquals(await c.raw("HRANDFIELD", "h", "1", "VALUES"), "-ERR syntax error\r\n");
    assertEquals(
      await c.raw("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"),
      "-ERR value is out of range\r\n",
    );
    assertEquals(await c.raw("HSCAN", "h", "1x"), "-ERR invalid cursor\r\n");
    assertEquals(await c.raw("HSCAN", "h", "0", "COUNT", "0"), "-ERR syntax error\r\n");
  });
});

Deno.test("hashes: HINCRBY is exact over the whole 64-bit range (property)", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const rng = new Rng(7);
    const MAX = 2n ** 63n - 1n;
    const MIN = -(2n ** 63n);
    let model = 0n;
    let cases = 0;
    let overflows = 0;
    for (let i = 0; i < 600; i++) {
      const magnitude = rng.pick([1n, 1000n, 2n ** 52n + 1n, 2n ** 62n, MAX]);
      const step = (rng.chance(0.5) ? -1n : 1n) * magnitude * BigInt(rng.range(1, 3)) / 3n;
      const bounded = step > MAX ? MAX : step < MIN ? MIN : step;
      const next = model + bounded;
      const reply = await c.raw("HINCRBY", "h", "n", bounded.toString());
      if (next > MAX || next < MIN) {
        assertEquals(reply, "-ERR increment or decrement would overflow\r\n");
        overflows++;
      } else {
        assertEquals(reply, `:${next}\r\n`);
        model = next;
      }
      cases++;
    }
    assertEquals(await c.raw("HGET", "h", "n"), `$${model.toString().length}\r\n${model}\r\n`);
    assertEquals(cases, 600);
    assertTrue(overflows > 20, `overflows ${overflows}`);
  });
});

Deno.test("hashes: HRANDFIELD counts, order and values (property)", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    let cases = 0;
    for (const size of [20, 700]) {
      await c.raw("DEL", "h");
      const all = Array.from({ length: size }, (_, i) => `f${i}`);
      for (let i = 0; i < size; i += 100) {
        await c.raw("HSET", "h", ...all.slice(i, i + 100).flatMap((f) => [f, `v:${f}`]));
      }
      const listpack = hashValue(rift, "h")!.isListpack;
      assertEquals(listpack, size <= 512);
      const seen = new Set<string>();
      for (const count of [1, 2, 7, 10, 19]) {
        for (let round = 0; round < 20; round++) {
          const got = await c.value("HRANDFIELD", "h", String(count), "WITHVALUES") as string[];
          assertEquals(got.length, count * 2);
          const picked = got.filter((_, i) => i % 2 === 0);
          for (let i = 0; i < got.length; i += 2) assertEquals(got[i + 1], `v:${got[i]}`);
          assertEquals(new Set(picked).size, count, "distinct");
          if (listpack) {
            // A listpack is sampled in storage order.
            const positions = picked.map((f) => all.indexOf(f));
            assertEquals(positions, [...positions].sort((a, b) => a - b));
          }
          for (const f of picked) seen.add(f);
          cases++;
        }
      }
      if (size === 20) assertEquals(seen.size, 20, "every field comes up");
      const repeated = await c.value("HRANDFIELD", "h", "-50") as string[];
      assertEquals(repeated.length, 50);
      for (const f of repeated) assertTrue(all.includes(f));
      const everything = await c.value("HRANDFIELD", "h", String(size + 5)) as string[];
      if (listpack) assertEquals(everything, all);
      else assertEquals([...everything].sort(), [...all].sort());
      assertTrue(all.includes(await c.value("HRANDFIELD", "h") as string));
    }
    assertEquals(cases, 2 * 5 * 20);
  });
});

Deno.test("hashes: keyspace events, propagation and WATCH", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const server = rift.server;
    const events = recordRiftEvents(server);
    const propagation = recordRiftPropagation(server);
    await c.raw("CONFIG", "SET", "notify-keyspace-events", "KEA");
    propagation.take();
    const watcher = server.createClient(null);
    const touched = async (key: string, args: string[]): Promise<boolean> => {
      server.watch.unwatchAll(watcher);
      server.watch.watch(watcher, server.db(0), bytes(key));
      await c.raw(...args);
      return watcher.watchDirty;
    };
    assertTrue(await touched("h", ["HSET", "h", "a", "1", "b", "2"]));
    assertEquals(events.take(), ["hset h"]);
    assertEquals(propagation.take(), ["HSET h a 1 b 2"]);
    assertTrue(await touched("h", ["HMSET", "h", "a", "1"]), "an unchanged value is still a write");
    assertEquals(events.take(), ["hset h"]);
    assertEquals(propagation.take(), ["HMSET h a 1"]);
    assertEquals(await touched("h", ["HSETNX", "h", "a", "9"]), false);
    assertEquals([events.take(), propagation.take()], [[], []]);
    assertTrue(await touched("h", ["HINCRBY", "h", "a", "5"]));
    assertEquals(events.take(), ["hincrby h"]);
    assertEquals(propagation.take(), ["HINCRBY h a 5"]);
    assertEquals(await touched("h", ["HDEL", "h", "zz"]), false);
    assertEquals(propagation.take(), []);
    assertTrue(await touched("h", ["HDEL", "h", "a", "b", "zz"]));
    assertEquals(events.take(), ["hdel h", "del h"]);
    assertEquals(propagation.take(), ["HDEL h a b zz"]);
    assertEquals(await c.raw("EXISTS", "h"), ":0\r\n");
    assertEquals(await touched("h", ["HINCRBY", "h", "a", "x"]), false);
    assertEquals(await c.raw("EXISTS", "h"), ":0\r\n", "a rejected HINCRBY creates nothing");
  });
});

Deno.test("hashes: writes keep the key's TTL", async () => {
  const clock = new ManualClock(5_000_000);
  await withRift(async (rift) => {
    const c = await rift.client();
    const db = rift.server.db(0);
    await c.raw("HSET", "h", "a", "1");
    db.setExpire(db.find(bytes("h")), 6_000_000);
    await c.raw("HSET", "h", "b", "2");
    await c.raw("HINCRBY", "h", "a", "1");
    await c.raw("HDEL", "h", "b");
    assertEquals(db.getExpire(db.find(bytes("h"))), 6_000_000);
    clock.advance(1_000_001);
    assertEquals(await c.raw("HGET", "h", "a"), "$-1\r\n");
    assertEquals(await c.raw("HSETNX", "h", "a", "new"), ":1\r\n", "an expired hash is gone");
  }, { clock });
});

Deno.test("hashes: encodings follow the limits, CONFIG SET and aliases, never go back", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const pairs = Array.from({ length: 512 }, (_, i) => [`f${i}`, "v"]).flat();
    await c.raw("HSET", "h", ...pairs);
    assertEquals(hashValue(rift, "h")!.encoding(), "listpack");
    await c.raw("HSET", "h", "one-more", "v");
    assertEquals(hashValue(rift, "h")!.encoding(), "hashtable");
    await c.raw("HDEL", "h", "one-more", "f0");
    assertEquals(hashValue(rift, "h")!.encoding(), "hashtable");
    await c.raw("HSET", "v", "f", "x".repeat(64));
    assertEquals(hashValue(rift, "v")!.encoding(), "listpack");
    await c.raw("HSET", "v", "f", "x".repeat(65));
    assertEquals(hashValue(rift, "v")!.encoding(), "hashtable");
    await c.raw("HSET", "nx", "f", "1");
    await c.raw("HSETNX", "nx", "f", "x".repeat(100));
    assertEquals(
      hashValue(rift, "nx")!.encoding(),
      "listpack",
      "nothing written, nothing converted",
    );
    await c.raw("HINCRBY", "long", "f".repeat(65), "1");
    assertEquals(hashValue(rift, "long")!.encoding(), "hashtable");
    assertEquals(await c.raw("CONFIG", "SET", "hash-max-ziplist-entries", "1"), "+OK\r\n");
    assertEquals(
      await c.raw("CONFIG", "GET", "hash-max-listpack-entries"),
      bulkArray(["hash-max-listpack-entries", "1"]),
    );
    assertEquals(await c.raw("CONFIG", "SET", "hash-max-listpack-value", "1kb"), "+OK\r\n");
    assertEquals(
      await c.raw("CONFIG", "GET", "hash-max-ziplist-value"),
      bulkArray(["hash-max-ziplist-value", "1024"]),
    );
    await c.raw("HSET", "small", "a", "x".repeat(1000));
    assertEquals(hashValue(rift, "small")!.encoding(), "listpack");
    await c.raw("HSET", "small", "b", "1");
    assertEquals(hashValue(rift, "small")!.encoding(), "hashtable");
  });
});

Deno.test("hashes: large hashes, HSCAN's guarantee over the wire, MATCH and COUNT", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const n = 4000;
    for (let i = 0; i < n; i += 500) {
      const pairs = Array.from({ length: 500 }, (_, j) => [`field:${i + j}`, `value:${i + j}`])
        .flat();
      await c.raw("HSET", "big", ...pairs);
    }
    const found = new Map<string, string>();
    let cursor = "0";
    let calls = 0;
    do {
      const [next, items] = await c.value("HSCAN", "big", cursor, "COUNT", "50") as [
        string,
        string[],
      ];
      assertTrue(items.length <= 2 * 50 + 20, "COUNT counts fields and values, as Redis does");
      cursor = next;
      for (let i = 0; i < items.length; i += 2) found.set(items[i], items[i + 1]);
      await c.raw("HSET", "big", `extra:${calls}`, "x");
      await c.raw("HDEL", "big", `extra:${calls - 1}`);
      calls++;
    } while (cursor !== "0");
    for (let i = 0; i < n; i++) assertEquals(found.get(`field:${i}`), `value:${i}`);
    assertTrue(calls > 40, `calls ${calls}`);
    const [, matched] = await c.value(
      "HSCAN",
      "big",
      "0",
      "MATCH",
      "nothing*",
      "COUNT",
      "100000",
    ) as [
      string,
      string[],
    ];
    assertEquals(matched, []);
  });
});

Deno.test("hashes: binary, empty and huge fields and values round-trip", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const odd = ["", "\x00", "a\x00b", "\r\n", "\xff\xfe", "caf\xc3\xa9"];
    const args = odd.flatMap((f, i) => [bytes(f), bytes(odd[(i + 1) % odd.length])]);
    assertEquals(await c.raw("HSET", "b", ...args), `:${odd.length}\r\n`);
    for (let i = 0; i < odd.length; i++) {
      const v = odd[(i + 1) % odd.length];
      assertEquals(await c.raw("HGET", "b", bytes(odd[i])), `$${v.length}\r\n${v}\r\n`);
    }
    const huge = "q".repeat(3 * 1024 * 1024);
    assertEquals(await c.raw("HSET", "b", "huge", huge), ":1\r\n");
    assertEquals(await c.raw("HSTRLEN", "b", "huge"), `:${huge.length}\r\n`);
    assertEquals(await c.value("HGET", "b", "huge"), huge);
    assertEquals(hashValue(rift, "b")!.encoding(), "hashtable");
    assertEquals(await c.raw("HINCRBY", "b", "", "1"), "-ERR hash value is not an integer\r\n");
  });
});

Deno.test("hashes: an ioredis client sees ordinary Redis hashes", async () => {
  await withRift(async (rift) => {
    const io = new Redis({ port: rift.port, lazyConnect: true });
    try {
      await io.connect();
      assertEquals(await io.hset("user:1", { name: "Ada", lang: "en" }), 2);
      assertEquals(await io.hgetall("user:1"), { name: "Ada", lang: "en" });
      assertEquals(await io.hincrby("user:1", "visits", 3), 3);
      assertEquals(await io.hmget("user:1", "name", "nope"), ["Ada", null]);
      assertEquals(await io.hlen("user:1"), 3);
      assertEquals(await io.hdel("user:1", "lang"), 1);
      const [cursor, items] = await io.hscan("user:1", "0");
      assertEquals([cursor, items], ["0", ["name", "Ada", "visits", "3"]]);
    } finally {
      io.disconnect();
    }
  });
});
