/**
 * Generic key commands over the wire, compared byte for byte with a real
 * redis-server where the answer is deterministic: errors and arity,
 * binary/empty/huge keys, RENAME/MOVE/COPY semantics, KEYS glob patterns,
 * OBJECT, keyspace notifications, keyspace hit/miss statistics and what is
 * propagated to the AOF/replicas. Behaviour that depends on time or on
 * value types other commands create is tested on Rift alone.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { withRift } from "../helpers/server.ts";
import { ManualClock } from "../../src/store/clock.ts";
import type { Collection } from "../../src/store/collection.ts";
import { TYPE_HASH, TYPE_LIST, TYPE_SET } from "../../src/store/database.ts";
import {
  bytes,
  captureRedisEvents,
  captureRedisPropagation,
  captureRiftEvents,
  captureRiftPropagation,
  rng,
  type ServerPair,
  withServers,
} from "./keys_helpers.ts";

const T0 = 1_700_000_000_000;

Deno.test("keys: errors and arity match Redis", async () => {
  await withServers(async (p) => {
    await p.same("SET", "a", "1");
    await p.same("SET", "b", "2");
    const cases: (string | Uint8Array)[][] = [
      ["DEL"],
      ["UNLINK"],
      ["EXISTS"],
      ["TOUCH"],
      ["TYPE"],
      ["TYPE", "a", "b"],
      ["RENAME", "a"],
      ["RENAME", "a", "b", "c"],
      ["RENAMENX", "a"],
      ["RENAME", "missing", "x"],
      ["RENAME", "missing", "missing"],
      ["RENAMENX", "missing", "x"],
      ["COPY", "a"],
      ["COPY", "a", "a"],
      ["COPY", "missing", "missing"],
      ["COPY", "a", "a", "DB", "0"],
      ["COPY", "a", "c", "DB"],
      ["COPY", "a", "c", "DB", "x"],
      ["COPY", "a", "c", "DB", "1.5"],
      ["COPY", "a", "c", "DB", "-1"],
      ["COPY", "a", "c", "DB", "16"],
      ["COPY", "a", "c", "DB", "2147483648"],
      ["COPY", "a", "c", "DB", "99999999999999999999"],
      ["COPY", "a", "c", "REPLACE", "FOO"],
      ["COPY", "a", "c", "foo"],
      ["COPY", "a", "c", "db", "x", "foo"],
      ["COPY", "a", "c", "foo", "db", "x"],
      ["MOVE", "a"],
      ["MOVE", "a", "0"],
      ["MOVE", "missing", "0"],
      ["MOVE", "a", "x"],
      ["MOVE", "a", ""],
      ["MOVE", "a", "-1"],
      ["MOVE", "a", "16"],
      ["MOVE", "a", "-2147483649"],
      ["MOVE", "a", "01"],
      ["KEYS"],
      ["KEYS", "a", "b"],
      ["RANDOMKEY", "x"],
      ["EXPIRE", "a"],
      ["EXPIRE", "a", "x"],
      ["EXPIRE", "a", ""],
      ["EXPIRE", "a", "1.5"],
      ["EXPIRE", "a", " 1"],
      ["EXPIRE", "a", "100", "NX", "XX"],
      ["EXPIRE", "a", "100", "nx", "gt"],
      ["EXPIRE", "a", "100", "Nx", "Lt"],
      ["EXPIRE", "a", "100", "GT", "LT"],
      ["EXPIRE", "a", "100", "XX", "GT", "LT"],
      ["EXPIRE", "a", "100", "bogus"],
      ["EXPIRE", "a", "x", "bogus"],
      ["EXPIRE", "a", "x", "nx", "xx"],
      ["EXPIRE", "a", "100", bytes("bad\r\nopt")],
      ["EXPIRE", "a", "100", bytes("cut\0here")],
      ["EXPIRE", "a", "9223372036854775807"],
      ["EXPIRE", "a", "-9223372036854775808"],
      ["EXPIRE", "a", "9223372036854775808"],
      ["PEXPIRE", "a", "9223372036854775807"],
      ["EXPIREAT", "a", "9223372036854775807"],
      ["EXPIREAT", "a", "-9223372036854775807"],
      ["PEXPIREAT", "a"],
      ["PEXPIREAT", "a", "x"],
      ["TTL"],
      ["PTTL", "a", "b"],
      ["EXPIRETIME"],
      ["PEXPIRETIME", "a", "b"],
      ["PERSIST"],
      ["PERSIST", "a", "b"],
      ["OBJECT"],
      ["OBJECT", "foo"],
      ["OBJECT", "foo", "a"],
      ["OBJECT", "ENCODING"],
      ["OBJECT", "encoding", "a", "b"],
      ["OBJECT", "FREQ", "a"],
      ["OBJECT", "freq", "missing"],
      ["OBJECT", "IDLETIME"],
      ["OBJECT", "REFCOUNT", "a", "b"],
      ["OBJECT", "HELP", "x"],
      ["OBJECT", "help"],
      ["SCAN"],
      ["SCAN", "x"],
    ];
    for (const args of cases) await p.same(...args);
    // Nothing above changed the dataset.
    await p.same("DBSIZE");
    await p.same("GET", "a");
    await p.same("TTL", "a");
  });
});

Deno.test("keys: DEL, UNLINK, EXISTS, TOUCH and TYPE with binary, empty and huge keys", async () => {
  await withServers(async (p) => {
    const huge = new Uint8Array(1024 * 1024).fill(0x6b);
    const keys = [
      bytes(""),
      bytes("\0"),
      bytes("a\r\nb"),
      bytes("\x80\xff\xfe"),
      bytes("\u00e9t\u00e9"),
      bytes("*?[]\\"),
      huge,
    ];
    for (const k of keys) await p.same("SET", k, k.length > 100 ? "big" : k);
    await p.same("EXISTS", ...keys);
    await p.same("EXISTS", keys[0], keys[0], "missing", keys[6]);
    await p.same("TOUCH", ...keys, "missing", keys[1]);
    for (const k of keys) await p.same("TYPE", k);
    await p.same("TYPE", "missing");
    await p.same("DEL", keys[0], keys[0], "missing");
    await p.same("EXISTS", keys[0]);
    await p.same("UNLINK", keys[1], keys[2], "missing");
    await p.same("DEL", "missing");
    await p.same("UNLINK", "missing", "missing2");
    await p.same("DBSIZE");
    await p.same("DEL", huge);
    await p.same("GET", keys[3]);
    await p.same("DEL", ...keys);
    await p.same("DBSIZE");
    await p.same("RANDOMKEY");
  });
});

Deno.test("keys: RENAME, RENAMENX, MOVE and COPY match Redis", async () => {
  await withServers(async (p) => {
    const s = (...a: (string | Uint8Array)[]) => p.same(...a);
    await s("SET", "src", "v1");
    await s("EXPIRE", "src", "1000");
    await s("SET", "dst", "v2");
    await s("RENAME", "src", "dst");
    await s("GET", "dst");
    await s("TTL", "dst");
    await s("EXISTS", "src");
    await s("RENAME", "dst", "dst");
    await s("TTL", "dst");
    await s("RENAMENX", "dst", "dst");
    await s("SET", "other", "x");
    await s("RENAMENX", "dst", "other");
    await s("RENAMENX", "dst", "fresh");
    await s("TTL", "fresh");
    await s("GET", "other");
    // Binary names survive renames.
    await s("RENAME", "fresh", bytes("\0\r\n\xff"));
    await s("GET", bytes("\0\r\n\xff"));
    await s("RENAME", bytes("\0\r\n\xff"), "");
    await s("GET", "");
    await s("TTL", "");
    // MOVE keeps the TTL, refuses an existing target, leaves the source alone then.
    await s("MOVE", "", "3");
    await s("EXISTS", "");
    await s("SELECT", "3");
    await s("GET", "");
    await s("TTL", "");
    await s("SET", "taken", "in3");
    await s("SELECT", "0");
    await s("SET", "taken", "in0");
    await s("MOVE", "taken", "3");
    await s("GET", "taken");
    await s("MOVE", "missing", "3");
    // COPY: same database, other database, REPLACE, TTL carried.
    await s("SET", "c1", "hello");
    await s("PEXPIRE", "c1", "5000000");
    await s("COPY", "c1", "c2");
    await s("GET", "c2");
    await s("TTL", "c2");
    await s("COPY", "c1", "c2");
    await s("SET", "c3", "old");
    await s("COPY", "c1", "c3", "REPLACE");
    await s("GET", "c3");
    await s("TTL", "c3");
    await s("COPY", "c1", "c4", "DB", "5", "REPLACE");
    await s("COPY", "c1", "c4", "db", "5");
    await s("COPY", "c1", "c1", "DB", "5", "replace");
    await s("SELECT", "5");
    await s("GET", "c4");
    await s("TTL", "c4");
    await s("GET", "c1");
    await s("COPY", "c4", "back", "DB", "0");
    await s("SELECT", "0");
    await s("GET", "back");
    await s("PERSIST", "c1");
    await s("COPY", "c1", "c5");
    await s("TTL", "c5");
    await s("COPY", "missing", "c6");
    await s("DBSIZE");
    await s("SELECT", "3");
    await s("DBSIZE");
    await s("SELECT", "5");
    await s("DBSIZE");
  });
});

Deno.test("keys: KEYS matches Redis for fixed and random glob patterns", async () => {
  await withServers(async (p) => {
    const names = [
      "",
      "a",
      "b",
      "A",
      "ab",
      "abc",
      "abcabc",
      "hello",
      "hallo",
      "hxllo",
      "hllo",
      "heeeello",
      "h*llo",
      "h?llo",
      "h[a]llo",
      "x\\y",
      "[",
      "]",
      "^",
      "-",
      "\0",
      "\0a",
      "\r\n",
      "\x7f",
      "\x80",
      "\xe9",
      "\xff",
      "a\xffb",
      "user:1",
      "user:2",
      "user:10",
      "session:abc:1",
      "*",
      "?",
      "\\",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
    ];
    for (const n of names) await p.same("SET", bytes(n), "v");
    const fixed = [
      "*",
      "**",
      "",
      "?",
      "??",
      "a*",
      "*a",
      "*b*",
      "h?llo",
      "h*llo",
      "h[ae]llo",
      "h[^e]llo",
      "h[a-b]llo",
      "h[b-a]llo",
      "h\\*llo",
      "h\\?llo",
      "\\[",
      "[",
      "[]",
      "[^]",
      "[]]",
      "[\\]]",
      "[a-]",
      "[-a]",
      "[\\-]",
      "[a",
      "[^a",
      "h[",
      "\\",
      "x\\\\y",
      "user:?",
      "user:*",
      "*:*:*",
      "[a-\xff]",
      "[\xff-a]",
      "[\x80-\xff]",
      "[\x01-\xf0]",
      "[^\x80-\xff]",
      "\xe9",
      "[\0]",
      "\0*",
      "a*a*a*a*a*a*a*a*a*b",
      "*\\",
      "[A-Z]",
      "[a-Z]",
    ];
    let checked = 0;
    for (const pattern of fixed) {
      await p.sameSorted("KEYS", bytes(pattern));
      checked++;
    }
    const alphabet = ["a", "b", "h", "*", "?", "[", "]", "^", "-", "\\", "\0", "\xff", "l", "o"];
    const rand = rng(20240501);
    for (let i = 0; i < 600; i++) {
      let pattern = "";
      const len = 1 + Math.floor(rand() * 7);
      for (let j = 0; j < len; j++) pattern += alphabet[Math.floor(rand() * alphabet.length)];
      await p.sameSorted("KEYS", bytes(pattern));
      checked++;
    }
    assertEquals(checked, fixed.length + 600);
  });
});

Deno.test("keys: OBJECT ENCODING and REFCOUNT follow Redis for every write path here", async () => {
  await withServers(async (p) => {
    const values = [
      "0",
      "1",
      "9999",
      "10000",
      "-1",
      "-0",
      "01",
      "+5",
      "1.5",
      "9223372036854775807",
      "-9223372036854775808",
      "9223372036854775808",
      "12345678901234567890",
      "",
      "a".repeat(44),
      "a".repeat(45),
      "x".repeat(5000),
      "\0\r\n",
    ];
    for (const v of values) {
      await p.same("SET", "k", v);
      await p.same("OBJECT", "ENCODING", "k");
      await p.same("OBJECT", "REFCOUNT", "k");
      await p.same("COPY", "k", "copy", "REPLACE");
      await p.same("OBJECT", "ENCODING", "copy");
      await p.same("OBJECT", "REFCOUNT", "copy");
      await p.same("RENAME", "copy", "renamed");
      await p.same("OBJECT", "ENCODING", "renamed");
      await p.same("OBJECT", "REFCOUNT", "renamed");
      await p.same("MOVE", "renamed", "1");
      await p.same("SELECT", "1");
      await p.same("OBJECT", "REFCOUNT", "renamed");
      await p.same("DEL", "renamed");
      await p.same("SELECT", "0");
      await p.same("SETNX", "nx", v);
      await p.same("OBJECT", "ENCODING", "nx");
      await p.same("OBJECT", "REFCOUNT", "nx");
      await p.same("DEL", "nx");
      await p.same("SETEX", "ex", "100", v);
      await p.same("OBJECT", "ENCODING", "ex");
      await p.same("OBJECT", "REFCOUNT", "ex");
      await p.same("SET", "g", "old");
      await p.same("SET", "g", v, "GET");
      await p.same("OBJECT", "ENCODING", "g");
    }
    await p.same("OBJECT", "ENCODING", "missing");
    await p.same("OBJECT", "REFCOUNT", "missing");
    await p.same("OBJECT", "IDLETIME", "missing");
    await p.both("HELLO", "3"); // server details differ; only the protocol switch matters
    await p.same("OBJECT", "ENCODING", "missing");
    await p.same("OBJECT", "ENCODING", "k");
  });
});

Deno.test("keys: OBJECT IDLETIME follows the LRU clock; only real reads touch", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    const idle = async (key: string) => await c.value("OBJECT", "IDLETIME", key);
    const later = (ms: number) => clock.advance(ms);
    await c.call("SET", "k", "v");
    assertEquals(await idle("k"), 0);
    later(10_000);
    assertEquals(await idle("k"), 10);
    // Lookups without LOOKUP_NOTOUCH semantics in Redis: none of these touch.
    for (
      const args of [
        ["EXISTS", "k"],
        ["TYPE", "k"],
        ["TTL", "k"],
        ["PTTL", "k"],
        ["EXPIRETIME", "k"],
        ["OBJECT", "ENCODING", "k"],
        ["SCAN", "0", "TYPE", "string"],
        ["KEYS", "*"],
      ]
    ) {
      await c.call(...args);
      assertEquals(await idle("k"), 10, `${args[0]} must not touch`);
    }
    await c.call("GET", "k");
    assertEquals(await idle("k"), 0, "GET touches");
    later(5_000);
    await c.call("TOUCH", "k", "missing");
    assertEquals(await idle("k"), 0, "TOUCH touches");
    later(7_000);
    assertEquals(await c.value("COPY", "k", "k2"), 1);
    assertEquals(await idle("k"), 0, "COPY reads its source");
    assertEquals(await idle("k2"), 0, "a copy is a new object");
    later(3_000);
    await c.call("RENAME", "k2", "k3");
    assertEquals(await idle("k3"), 0, "RENAME looks its source up for writing");
    later(4_000);
    await c.call("EXPIRE", "k3", "1000");
    assertEquals(await idle("k3"), 0, "EXPIRE looks up for writing");
    later(4_000);
    await c.call("SET", "k3", "new");
    assertEquals(await idle("k3"), 0, "an overwrite is a new object");
    later(2_000);
    await c.call("MOVE", "k3", "2");
    await c.call("SELECT", "2");
    assertEquals(await idle("k3"), 0);
    later(61_000);
    assertEquals(await idle("k3"), 61);
    // CLIENT NO-TOUCH: reads and writes leave the access time alone; TOUCH still touches.
    assertEquals(await c.raw("CLIENT", "NO-TOUCH", "on"), "+OK\r\n");
    for (const args of [["GET", "k3"], ["COPY", "k3", "k4"], ["EXPIRE", "k3", "100"]]) {
      await c.call(...args);
      assertEquals(await idle("k3"), 61, `${args[0]} under NO-TOUCH`);
    }
    await c.call("TOUCH", "k3");
    assertEquals(await idle("k3"), 0, "TOUCH touches even under NO-TOUCH");
  }, { clock });
});

Deno.test("keys: OBJECT FREQ under an LFU policy, IDLETIME refused then", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("SET", "k", "hello");
    assertEquals(
      await c.raw("OBJECT", "FREQ", "k"),
      "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
    );
    const config = rift.server.config;
    if (config.directive("maxmemory-policy")) {
      assertEquals(await c.raw("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"), "+OK\r\n");
    } else {
      // The policy directive belongs to the eviction module; drive the keyspace directly.
      rift.server.keyspace.lfuPolicy = true;
    }
    assertEquals(await c.value("OBJECT", "FREQ", "missing"), null);
    await c.call("SET", "fresh", "hello");
    assertEquals(await c.value("OBJECT", "FREQ", "fresh"), 5);
    await c.call("GET", "fresh");
    assertEquals(await c.value("OBJECT", "FREQ", "fresh"), 6, "first hit always counts");
    await c.call("EXISTS", "fresh");
    await c.call("OBJECT", "FREQ", "fresh");
    assertEquals(await c.value("OBJECT", "FREQ", "fresh"), 6, "NOTOUCH lookups do not count");
    await c.call("COPY", "fresh", "copy"); // reads the source: may count (p = 1/11)
    assertEquals(await c.value("OBJECT", "FREQ", "copy"), 5);
    const before = await c.value("OBJECT", "FREQ", "fresh") as number;
    assertTrue(before === 6 || before === 7);
    clock.advance(3 * 60_000);
    assertEquals(await c.value("OBJECT", "FREQ", "fresh"), before - 3, "one point per minute");
    assertEquals(
      await c.raw("OBJECT", "IDLETIME", "fresh"),
      "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
    );
    assertEquals(await c.value("OBJECT", "IDLETIME", "missing"), null);
  }, { clock });
});

/** A stand-in collection: COPY must deep-copy through clone(). */
class FakeList implements Collection {
  clones = 0;
  constructor(readonly items: string[], private readonly enc = "quicklist") {}
  get size(): number {
    return this.items.length;
  }
  encoding(): string {
    return this.enc;
  }
  clone(): Collection {
    this.clones++;
    return new FakeList([...this.items], this.enc);
  }
  memoryUsage(): number {
    return 16 * this.items.length;
  }
}

Deno.test("keys: COPY deep-copies collections; TYPE, OBJECT and RENAME see them", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const db0 = rift.server.db(0);
    const list = new FakeList(["a", "b"]);
    db0.setObject(bytes("list"), TYPE_LIST, list);
    db0.setObject(bytes("hash"), TYPE_HASH, new FakeList([], "listpack"));
    db0.setObject(bytes("set"), TYPE_SET, new FakeList(["1"], "intset"));
    assertEquals(await c.raw("TYPE", "list"), "+list\r\n");
    assertEquals(await c.raw("TYPE", "hash"), "+hash\r\n");
    assertEquals(await c.raw("OBJECT", "ENCODING", "list"), "$9\r\nquicklist\r\n");
    assertEquals(await c.raw("OBJECT", "ENCODING", "set"), "$6\r\nintset\r\n");
    assertEquals(await c.raw("OBJECT", "REFCOUNT", "list"), ":1\r\n");
    await c.call("EXPIRE", "list", "500");
    assertEquals(await c.value("COPY", "list", "list2", "DB", "4"), 1);
    assertEquals(list.clones, 1);
    const db4 = rift.server.db(4);
    const copy = db4.object<FakeList>(db4.find(bytes("list2")));
    assertTrue(copy !== list, "a distinct object");
    copy.items.push("c");
    assertEquals(list.items, ["a", "b"], "the source is untouched");
    await c.call("SELECT", "4");
    assertEquals(await c.value("TTL", "list2"), 500);
    assertEquals(await c.raw("TYPE", "list2"), "+list\r\n");
    // REPLACE over a string, and a string over a collection.
    await c.call("SELECT", "0");
    await c.call("SET", "str", "v");
    assertEquals(await c.value("COPY", "hash", "str", "REPLACE"), 1);
    assertEquals(await c.raw("TYPE", "str"), "+hash\r\n");
    assertEquals(await c.value("COPY", "list", "hash", "REPLACE"), 1);
    assertEquals(await c.raw("TYPE", "hash"), "+list\r\n");
    await c.call("SET", "s2", "text");
    assertEquals(await c.value("COPY", "s2", "set", "REPLACE"), 1);
    assertEquals(await c.value("GET", "set"), "text");
    // RENAME and MOVE keep the very object.
    await c.call("RENAME", "list", "moved");
    assertTrue(db0.object(db0.find(bytes("moved"))) === list);
    assertEquals(await c.value("MOVE", "moved", "6"), 1);
    const db6 = rift.server.db(6);
    assertTrue(db6.object(db6.find(bytes("moved"))) === list);
    assertEquals(await c.value("SCAN", "0", "TYPE", "LIST", "COUNT", "100"), ["0", ["hash"]]);
  });
});

/** Runs a command on both servers and compares the notifications each published. */
async function sameEvents(
  p: ServerPair,
  riftEvents: () => string[],
  redisEvents: () => Promise<string[]>,
  ...args: (string | Uint8Array)[]
): Promise<number> {
  await p.same(...args);
  const [mine, theirs] = [riftEvents(), await redisEvents()];
  assertEquals(mine, theirs, `notifications differ for ${args.map(String).join(" ")}`);
  return mine.length;
}

Deno.test("keys: keyspace notifications match Redis (KEA plus keymiss)", async () => {
  await withServers(async (p) => {
    await p.same("CONFIG", "SET", "notify-keyspace-events", "KEAm");
    const riftEvents = captureRiftEvents(p.server);
    const redisEvents = await captureRedisEvents(p.redisProcess);
    const run = (...args: (string | Uint8Array)[]) =>
      sameEvents(p, riftEvents, redisEvents, ...args);
    let events = 0;
    const script: (string | Uint8Array)[][] = [
      ["SET", "a", "1"],
      ["EXPIRE", "a", "100"],
      ["EXPIRE", "a", "100", "NX"],
      ["PEXPIRE", "a", "50000", "LT"],
      ["EXPIREAT", "a", "99999999999", "GT"],
      ["PERSIST", "a"],
      ["PERSIST", "a"],
      ["EXPIRE", "a", "-1"],
      ["EXPIRE", "missing", "10"],
      ["SET", "a", "1"],
      ["PEXPIREAT", "a", "1"],
      ["SET", "a", "1"],
      ["RENAME", "a", "b"],
      ["SET", "c", "1"],
      ["RENAME", "b", "c"],
      ["RENAMENX", "c", "d"],
      ["RENAMENX", "d", "d"],
      ["RENAME", "d", "d"],
      ["SET", "e", "1"],
      ["RENAMENX", "d", "e"],
      ["COPY", "d", "f"],
      ["COPY", "d", "f"],
      ["COPY", "d", "f", "REPLACE"],
      ["COPY", "d", "f", "DB", "2"],
      ["COPY", "nothing", "f"],
      ["MOVE", "d", "3"],
      ["MOVE", "e", "2"],
      ["MOVE", "f", "2"],
      ["DEL", "e", "nothing", "f"],
      ["UNLINK", "f"],
      ["SET", bytes("\0bin\r\n"), "v"],
      ["RENAME", bytes("\0bin\r\n"), bytes("\xff")],
      ["DEL", bytes("\xff")],
      ["EXISTS", "nothing", "nothing2"],
      ["TYPE", "nothing"],
      ["TOUCH", "nothing"],
      ["TTL", "nothing"],
      ["PEXPIRETIME", "nothing"],
      ["OBJECT", "ENCODING", "nothing"],
      ["SET", "t", "v"],
      ["SCAN", "0", "TYPE", "string"],
      ["COPY", "nothing", "x"],
      ["SELECT", "3"],
      ["DEL", "d"],
      ["SELECT", "0"],
    ];
    for (const args of script) events += await run(...args);
    assertTrue(events > 50, `only ${events} notifications compared`);
  });
});

/** Reads `name:value` fields out of an INFO reply. */
function infoFields(text: string, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\r\n")) {
    const [k, v] = line.split(":");
    if (names.includes(k)) out[k] = v;
  }
  return out;
}

Deno.test("keys: keyspace hits and misses are counted as Redis counts them", async () => {
  await withServers(async (p) => {
    const script: string[][] = [
      ["SET", "a", "1"],
      ["EXISTS", "a", "a", "missing"],
      ["TYPE", "a"],
      ["TYPE", "missing"],
      ["TOUCH", "a", "missing"],
      ["TTL", "a"],
      ["PTTL", "missing"],
      ["EXPIRETIME", "a"],
      ["OBJECT", "ENCODING", "a"],
      ["OBJECT", "REFCOUNT", "missing"],
      ["COPY", "a", "b"],
      ["COPY", "missing", "c"],
      ["RENAME", "b", "c"],
      ["MOVE", "c", "1"],
      ["EXPIRE", "a", "100"],
      ["PERSIST", "a"],
      ["DEL", "a", "missing"],
      ["SET", "s1", "1"],
      ["SET", "s2", "2"],
      ["SCAN", "0", "TYPE", "string"],
      ["SCAN", "0", "MATCH", "s1", "TYPE", "hash"],
      ["KEYS", "*"],
      ["DEL", "s2"],
      ["RANDOMKEY"],
      ["GET", "s1"],
      ["GET", "missing"],
    ];
    const fields = ["keyspace_hits", "keyspace_misses"];
    for (const args of script) {
      await p.sameSorted(...args);
      const [mine, theirs] = await Promise.all([
        p.rift.value("INFO", "stats"),
        p.redis.value("INFO", "stats"),
      ]);
      assertEquals(
        infoFields(String(mine), fields),
        infoFields(String(theirs), fields),
        `statistics after ${args.join(" ")}`,
      );
    }
  });
});

Deno.test("keys: propagation to AOF/replicas matches Redis's replication stream", async () => {
  await withServers(async (p) => {
    const rift = captureRiftPropagation(p.server);
    const redis = await captureRedisPropagation(p.redisProcess);
    try {
      const script: (string | Uint8Array)[][] = [
        ["SET", "a", "1"],
        ["EXPIREAT", "a", "99999999999"],
        ["EXPIREAT", "a", "99999999999", "NX"],
        ["PEXPIREAT", "a", "99999999999000", "gt"],
        ["pexpireat", "a", "99999999999999", "GT"],
        ["EXPIREAT", "a", "9999999999", "xx", "lt"],
        ["PERSIST", "a"],
        ["PERSIST", "a"],
        ["EXPIREAT", "a", "1"],
        ["SET", "a", "1"],
        ["PEXPIREAT", "a", "0", "LT"],
        ["SET", "a", "1"],
        ["EXPIRE", "a", "-5"],
        ["EXPIRE", "missing", "-5"],
        ["SET", "b", "2"],
        ["RENAME", "b", "c"],
        ["RENAME", "c", "c"],
        ["RENAMENX", "c", "c"],
        ["RENAME", "missing", "x"],
        ["COPY", "c", "d"],
        ["COPY", "c", "d"],
        ["copy", "c", "d", "replace", "db", "2"],
        ["MOVE", "d", "4"],
        ["MOVE", "d", "4"],
        ["DEL", "c", "missing"],
        ["DEL", "missing"],
        ["UNLINK", "d", "c"],
        ["TOUCH", "d"],
        ["EXISTS", "d"],
        ["SELECT", "4"],
        ["SET", bytes("\0k\r\n"), "v"],
        ["EXPIREAT", bytes("\0k\r\n"), "99999999999"],
        ["RENAME", bytes("\0k\r\n"), "k2"],
        ["SELECT", "0"],
      ];
      let compared = 0;
      let propagated = 0;
      for (const args of script) {
        await p.same(...args);
        const mine = rift();
        assertEquals(mine, await redis.drain(), `propagation of ${args.map(String).join(" ")}`);
        propagated += mine.length;
        compared++;
      }
      assertEquals(compared, script.length);
      assertEquals(propagated, 19, "commands propagated by the script");
      // With lazyfree-lazy-expire, a past expiry is logged as UNLINK.
      await p.same("CONFIG", "SET", "lazyfree-lazy-expire", "yes");
      await p.same("SET", "z", "1");
      await p.same("EXPIRE", "z", "0");
      assertEquals(rift(), await redis.drain());
    } finally {
      redis.close();
    }
  });
});

Deno.test("keys: relative expiries propagate as PEXPIREAT with the absolute time", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    const log = captureRiftPropagation(rift.server);
    await c.call("SET", "k", "v");
    log();
    await c.call("EXPIRE", "k", "100", "NX");
    assertEquals(log(), [`0:"PEXPIREAT" "k" "${T0 + 100_000}" "NX"`]);
    await c.call("PEXPIRE", "k", "1234");
    assertEquals(log(), [`0:"PEXPIREAT" "k" "${T0 + 1234}"`]);
    await c.call("expireat", "k", "1800000000");
    assertEquals(log(), [`0:"PEXPIREAT" "k" "1800000000000"`]);
    await c.call("PEXPIREAT", "k", "1800000000001");
    assertEquals(log(), [`0:"PEXPIREAT" "k" "1800000000001"`]);
    await c.call("PEXPIRE", "k", "9223370000000000000");
    assertEquals(log(), [`0:"PEXPIREAT" "k" "${9223370000000000000n + BigInt(T0)}"`]);
    assertEquals(await c.value("PEXPIRETIME", "k"), 9223370000000000000n + BigInt(T0));
    assertEquals(await c.value("PTTL", "k"), 9223370000000000000n);
  }, { clock });
});

Deno.test("keys: huge keys survive RENAME, COPY, MOVE, KEYS and SCAN", async () => {
  await withServers(async (p) => {
    const big = new Uint8Array(512 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const big2 = big.slice();
    big2[0] = 0xff;
    await p.same("SET", big, "value");
    await p.same("RENAME", big, big2);
    await p.same("COPY", big2, big, "DB", "1");
    await p.same("MOVE", big2, "2");
    await p.same("SELECT", "1");
    await p.same("GET", big);
    await p.same("KEYS", "*");
    await p.same("SCAN", "0");
    await p.same("EXPIRE", big, "100");
    await p.same("TTL", big);
    await p.same("OBJECT", "ENCODING", big);
    await p.same("DEL", big);
  });
});
