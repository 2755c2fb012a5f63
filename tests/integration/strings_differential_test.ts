/**
 * Differential tests of the string and bitmap commands against a real
 * redis-server 7.0: scripted edge cases, long seeded random sequences with
 * byte-identical replies and identical keyspace notifications, and the
 * commands written to Redis's AOF compared with what Rift propagates.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { type Arg, latin1, RespClient } from "../helpers/client.ts";
import { describe, withPair } from "../helpers/differential.ts";
import {
  HAS_REDIS,
  type RedisProcess,
  startRedis,
  startRift,
  type TestRift,
} from "../helpers/server.ts";
import { type FuzzClock, Prng, randomCommand } from "../helpers/strings_random.ts";
import { FakeList } from "../helpers/strings_support.ts";
import { TYPE_LIST } from "../../src/store/database.ts";
import { ReplyParser } from "../../src/resp/reply_parser.ts";
import { utf8 } from "../../src/util/bytes.ts";

const NOTIFY_PATTERN = "__key*__:*";
const MARK = "__mark__";

/** Rift and Redis side by side, with keyspace-notification subscribers on both. */
interface NotifyPair {
  rift: RespClient;
  redis: RespClient;
  /** Sends to both and asserts byte-identical replies; returns the reply. */
  same(...args: Arg[]): Promise<string>;
  /** Makes `key` a list on both servers, without notifications. */
  makeList(key: Arg): Promise<void>;
  /** Asserts both servers published the same notifications since the last call. */
  sameEvents(context: string): Promise<number>;
}

async function withNotifyPair(fn: (pair: NotifyPair) => Promise<void>): Promise<boolean> {
  if (!HAS_REDIS) {
    if (Deno.env.get("RIFT_REQUIRE_REDIS")) throw new Error("redis-server is required but missing");
    return false;
  }
  const riftServer: TestRift & { stop(): Promise<void> } = await startRift();
  let redisServer: RedisProcess | undefined;
  try {
    redisServer = await startRedis();
    const rift = await riftServer.client();
    const redis = await redisServer.client();
    const riftEvents = await riftServer.client();
    const redisEvents = await redisServer.client();
    // Rift's PSUBSCRIBE lives in another module: subscribe the connection directly.
    const id = Number((await riftEvents.value("CLIENT", "ID")) as number);
    riftServer.server.pubsub.psubscribe(riftServer.server.clients.get(id)!, NOTIFY_PATTERN);
    await redisEvents.call("PSUBSCRIBE", NOTIFY_PATTERN);
    for (const c of [rift, redis]) await c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
    let marks = 0;
    const drain = async (events: RespClient): Promise<string[]> => {
      const seen: string[] = [];
      for (;;) {
        const { reply } = await events.read();
        if (reply.type !== "array" && reply.type !== "push") continue;
        const [, , channel, message] = reply.items.map((r) =>
          r.type === "bulk" ? latin1(r.value) : ""
        );
        if (channel.endsWith(`:${MARK}`)) continue;
        if (message === MARK) return seen;
        // Expiry timing (active cycle vs lazy) legitimately differs between servers.
        if (message === "expired" || channel.endsWith(":expired")) continue;
        seen.push(`${channel} ${message}`);
      }
    };
    const pair: NotifyPair = {
      rift,
      redis,
      async same(...args) {
        const [x, y] = await Promise.all([rift.raw(...args), redis.raw(...args)]);
        assertEquals(x, y, `reply differs for: ${describe(args)}`);
        return x;
      },
      async makeList(key) {
        await redis.call("CONFIG", "SET", "notify-keyspace-events", "");
        await redis.call("DEL", key);
        await redis.call("RPUSH", key, "x");
        await redis.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
        const bytes = typeof key === "string" ? utf8(key) : key as Uint8Array;
        riftServer.server.db(0).setObject(bytes, TYPE_LIST, new FakeList());
      },
      async sameEvents(context) {
        marks++;
        await Promise.all([rift.call("SET", MARK, marks), redis.call("SET", MARK, marks)]);
        const [a, b] = await Promise.all([drain(riftEvents), drain(redisEvents)]);
        assertEquals(a, b, `notifications differ ${context}`);
        return a.length;
      },
    };
    await fn(pair);
  } finally {
    await redisServer?.stop();
    await riftServer.stop();
  }
  return true;
}

Deno.test("strings differential: seeded random sequences (replies and notifications)", async () => {
  // STRINGS_FUZZ_SEEDS=n runs n seeds instead of the default four, for a deeper search.
  const extra = Number(Deno.env.get("STRINGS_FUZZ_SEEDS") ?? 0);
  const seeds = extra > 0 ? Array.from({ length: extra }, (_, i) => 1000 + i) : [11, 22, 33, 44];
  const perSeed = 5000;
  let compared = 0;
  let errors = 0;
  let events = 0;
  const commandNames = new Set<string>();
  const ran = await withNotifyPair(async (p) => {
    for (const seed of seeds) {
      const rng = new Prng(seed);
      const clock: FuzzClock = { nowMs: Date.now() };
      await p.same("FLUSHALL");
      await p.makeList("list");
      // The last seed runs in RESP3 (nulls, maps and doubles differ there).
      const proto = seed === seeds[seeds.length - 1] ? 3 : 2;
      await Promise.all([p.rift.call("HELLO", proto), p.redis.call("HELLO", proto)]);
      const recent: string[] = [];
      for (let i = 0; i < perSeed; i++) {
        if (i % 300 === 299) await p.makeList("list");
        const args = randomCommand(rng, clock);
        const reply = await p.same(...args);
        compared++;
        if (reply.startsWith("-")) errors++;
        commandNames.add(String(args[0]).toUpperCase());
        recent.push(describe(args));
        if (recent.length > 20) recent.shift();
        if (i % 20 === 19) {
          events += await p.sameEvents(`(seed ${seed}, after:\n${recent.join("\n")})`);
          recent.length = 0;
        }
      }
      // Keyspace hits and misses: read lookups are counted like Redis's, write lookups not.
      const stats = async (c: RespClient) => {
        const info = String(await c.value("INFO", "stats"));
        return info.split("\r\n").filter((l) => l.startsWith("keyspace_")).join(" ");
      };
      const counted = await stats(p.redis);
      assertTrue(/keyspace_hits:[1-9]/.test(counted), counted);
      assertEquals(await stats(p.rift), counted, `seed ${seed}`);
      // The final state: every key reads the same.
      for (const key of ["s0", "s1", "s2", "s3", Uint8Array.of(98, 0, 13, 10, 255), "list"]) {
        await p.same("GET", key);
      }
    }
  });
  if (!ran) return;
  assertEquals(compared, seeds.length * perSeed);
  assertTrue(commandNames.size === 32, `commands covered: ${[...commandNames].join(" ")}`);
  // A useful mix: mostly successes, a healthy share of errors, plenty of notifications.
  assertTrue(errors > compared * 0.1 && errors < compared * 0.5, `errors: ${errors}/${compared}`);
  assertTrue(events > compared / 2, `notifications: ${events}`);
});

/** Commands and their expected replies match Redis exactly (scripted edge cases). */
async function sameAll(
  p: { same(...args: Arg[]): Promise<string> },
  lines: Arg[][],
): Promise<number> {
  for (const line of lines) await p.same(...line);
  return lines.length;
}

Deno.test("strings differential: arity, syntax and number errors", async () => {
  const lines: Arg[][] = [
    ["GET"],
    ["GET", "a", "b"],
    ["SET", "k"],
    ["SETNX", "k"],
    ["SETEX", "k", "10"],
    ["PSETEX", "k", "10"],
    ["GETEX"],
    ["GETDEL"],
    ["GETSET", "k"],
    ["MGET"],
    ["MSET"],
    ["MSET", "a"],
    ["MSET", "a", "1", "b"],
    ["MSETNX", "a", "1", "b"],
    ["APPEND", "k"],
    ["STRLEN"],
    ["GETRANGE", "k", "0"],
    ["SUBSTR", "k", "0"],
    ["SETRANGE", "k", "0"],
    ["INCR"],
    ["DECR", "a", "b"],
    ["INCRBY", "k"],
    ["DECRBY", "k"],
    ["INCRBYFLOAT", "k"],
    ["LCS", "a"],
    ["SETBIT", "k", "1"],
    ["GETBIT", "k"],
    ["BITCOUNT"],
    ["BITPOS", "k"],
    ["BITOP", "AND", "d"],
    ["BITFIELD"],
    ["BITFIELD_RO"],
    ["SET", "k", "v", "EX"],
    ["SET", "k", "v", "EX", "10", "PX", "100"],
    ["SET", "k", "v", "EX", "10", "EX", "20"],
    ["SET", "k", "v", "NX", "XX"],
    ["SET", "k", "v", "NX", "NX", "GET", "GET"],
    ["SET", "k", "v", "KEEPTTL", "EX", "10"],
    ["SET", "k", "v", "EX", "10", "KEEPTTL"],
    ["SET", "k", "v", "PERSIST"],
    ["SET", "k", "v", "EX", "0"],
    ["SET", "k", "v", "EX", "-5"],
    ["SET", "k", "v", "EX", "1.5"],
    ["SET", "k", "v", "PX", "9223372036854775807"],
    ["SET", "k", "v", "EXAT", "9223372036854775808"],
    ["SET", "k", "v", "EX", "9223372036854776"],
    ["SETEX", "k", "0", "v"],
    ["SETEX", "k", "x", "v"],
    ["PSETEX", "k", "-1", "v"],
    ["GETEX", "k", "EX", "10", "PERSIST"],
    ["GETEX", "k", "PERSIST", "EX", "10"],
    ["GETEX", "k", "KEEPTTL"],
    ["GETEX", "k", "EX"],
    ["GETEX", "k", "EX", "0"],
    ["GETEX", "missing", "EX", "0"],
    ["SETRANGE", "k", "-1", "x"],
    ["SETRANGE", "k", "x", "x"],
    ["INCRBY", "k", "1.5"],
    ["INCRBY", "k", "9223372036854775808"],
    ["DECRBY", "k", "-9223372036854775808"],
    ["INCRBYFLOAT", "k", "nan"],
    ["LCS", "a", "b", "LEN", "IDX"],
    ["LCS", "a", "b", "MINMATCHLEN"],
    ["LCS", "a", "b", "MINMATCHLEN", "x"],
    ["LCS", "a", "b", "FOO"],
    ["BITOP", "NAND", "d", "a"],
    ["BITOP", "NOT", "d", "a", "b"],
    ["SETBIT", "k", "-1", "1"],
    ["SETBIT", "k", "4294967296", "1"],
    ["SETBIT", "k", "1", "2"],
    ["GETBIT", "k", "x"],
    ["BITPOS", "k", "2"],
    ["BITFIELD", "k", "GET", "u64", "0"],
    ["BITFIELD", "k", "OVERFLOW", "NONE"],
    ["BITFIELD", "k", "GET", "i8"],
    ["BITFIELD", "k", "SET", "i8", "0", "x"],
    ["BITFIELD_RO", "k", "SET", "i8", "0", "1"],
    ["BITFIELD_RO", "k", "INCRBY", "i8", "x", "1"],
  ];
  let ran = 0;
  const started = await withPair(async (p) => {
    ran = await sameAll(p, lines);
  });
  if (started) assertEquals(ran, lines.length);
});

Deno.test("strings differential: counters at the 64-bit limits", async () => {
  const lines: Arg[][] = [
    ["SET", "n", "9223372036854775806"],
    ["INCR", "n"],
    ["INCR", "n"],
    ["GET", "n"],
    ["DECRBY", "n", "-1"],
    ["INCRBY", "n", "-9223372036854775807"],
    ["INCRBY", "n", "-9223372036854775807"],
    ["DECR", "n"],
    ["DECR", "n"],
    ["GET", "n"],
    ["SET", "n", "9007199254740993"],
    ["INCR", "n"],
    ["INCRBY", "n", "9007199254740993"],
    ["DECRBY", "n", "18014398509481986"],
    ["SET", "n", "-9223372036854775808"],
    ["DECRBY", "n", "1"],
    ["INCRBY", "n", "9223372036854775807"],
    ["SET", "n", " 1"],
    ["INCR", "n"],
    ["SET", "n", "1 "],
    ["INCR", "n"],
    ["SET", "n", "01"],
    ["INCR", "n"],
    ["SET", "n", "-0"],
    ["INCR", "n"],
    ["SET", "n", "+1"],
    ["INCR", "n"],
    ["SET", "n", "99999999999999999999"],
    ["INCR", "n"],
    ["SET", "n", ""],
    ["INCR", "n"],
    ["SET", "n", Uint8Array.of(49, 0)],
    ["INCR", "n"],
    ["SET", "f", "10.5"],
    ["INCRBYFLOAT", "f", "0.1"],
    ["INCRBYFLOAT", "f", "5.0e3"],
    ["INCRBYFLOAT", "f", "-5010.6"],
    ["INCRBYFLOAT", "f", "1.0e400"],
    ["INCRBYFLOAT", "f", "inf"],
    ["INCRBYFLOAT", "missing-f", "-0"],
    ["SET", "f", "1.5\u0000"],
    ["INCRBYFLOAT", "f", "1"],
    ["INCRBYFLOAT", "n2", "1\u0000"],
    ["INCR", "f2"],
    ["INCRBYFLOAT", "f2", "0.5"],
    ["INCR", "f2"],
  ];
  let ran = 0;
  const started = await withPair(async (p) => {
    ran = await sameAll(p, lines);
  });
  if (started) assertEquals(ran, lines.length);
});

Deno.test("strings differential: proto-max-bulk-len limits", async () => {
  const mb = 1024 * 1024;
  const big = new Uint8Array(mb - 2).fill(120);
  const lcsInput = new Uint8Array(600).fill(97);
  const lines: Arg[][] = [
    ["CONFIG", "SET", "proto-max-bulk-len", String(mb)],
    ["SETRANGE", "r", String(mb), "x"],
    ["SETRANGE", "r", String(mb - 1), "xy"],
    ["SETRANGE", "r", String(mb - 1), "x"],
    ["STRLEN", "r"],
    ["SETRANGE", "r", "9223372036854775807", "x"],
    ["SET", "a", big],
    ["APPEND", "a", "yy"],
    ["APPEND", "a", "z"],
    ["STRLEN", "a"],
    ["APPEND", "new", big],
    ["SETBIT", "b", String(8 * mb), "1"],
    ["SETBIT", "b", String(8 * mb - 1), "1"],
    ["GETBIT", "b", String(8 * mb)],
    ["BITCOUNT", "b"],
    ["BITPOS", "b", "1"],
    ["BITFIELD", "c", "SET", "u8", String(8 * mb - 1), "255"],
    ["STRLEN", "c"],
    ["BITFIELD", "c", "GET", "u8", String(8 * mb)],
    ["BITFIELD", "c", "SET", "u8", "#131072", "1"],
    ["SET", "l1", lcsInput],
    ["SET", "l2", lcsInput],
    ["LCS", "l1", "l2", "LEN"],
    ["SET", "l2", lcsInput.subarray(0, 200)],
    ["LCS", "l1", "l2", "LEN"],
  ];
  let ran = 0;
  const started = await withPair(async (p) => {
    ran = await sameAll(p, lines);
  });
  if (started) assertEquals(ran, lines.length);
});

Deno.test("strings differential: large and binary values", async () => {
  const rng = new Prng(7);
  const large = rng.bytes(300_000);
  const lines: Arg[][] = [
    ["SET", "big", large],
    ["STRLEN", "big"],
    ["GETRANGE", "big", "123456", "223456"],
    ["GETRANGE", "big", "-5000", "-1"],
    ["SETRANGE", "big", "299990", rng.bytes(100)],
    ["GETRANGE", "big", "299980", "-1"],
    ["APPEND", "big", rng.bytes(70_000)],
    ["BITCOUNT", "big"],
    ["BITCOUNT", "big", "1000", "-1000"],
    ["BITCOUNT", "big", "7", "2000001", "BIT"],
    ["BITPOS", "big", "0", "100"],
    ["BITPOS", "big", "1", "-100", "-1", "BIT"],
    ["BITOP", "XOR", "x", "big", "big"],
    ["BITPOS", "x", "1"],
    ["BITPOS", "x", "0", "-1"],
    ["BITOP", "NOT", "x", "big"],
    ["GETRANGE", "x", "0", "100"],
    ["GET", "big"],
    ["SET", "bin", Uint8Array.of(0, 13, 10, 255, 254, 0, 36, 13, 10)],
    ["GET", "bin"],
    ["APPEND", "bin", Uint8Array.of(0xc3, 0x28)],
    ["GETRANGE", "bin", "3", "-1"],
    ["LCS", "bin", "big", "LEN"],
    ["SET", "e", ""],
    ["GET", "e"],
    ["STRLEN", "e"],
    ["GETRANGE", "e", "0", "-1"],
    ["APPEND", "e", ""],
    ["BITCOUNT", "e"],
    ["BITPOS", "e", "0"],
    ["BITPOS", "e", "1"],
    ["LCS", "e", "bin", "IDX"],
  ];
  let ran = 0;
  const started = await withPair(async (p) => {
    ran = await sameAll(p, lines);
    await p.rift.call("HELLO", 3);
    await p.redis.call("HELLO", 3);
    await p.same("SET", "a", "ohmytext");
    await p.same("SET", "b", "mynewtext");
    await p.same("LCS", "a", "b", "IDX", "WITHMATCHLEN");
    await p.same("LCS", "a", "b", "IDX", "MINMATCHLEN", "3");
    await p.same("GET", "nothing");
    await p.same("BITFIELD", "a", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "10");
    ran += 5;
  });
  if (started) assertEquals(ran, lines.length + 5);
});

/** Reads Redis 7's incremental AOF file (RESP commands), without SELECT. */
async function readAof(dir: string): Promise<string[][]> {
  const aofDir = `${dir}/appendonlydir`;
  let file = "";
  for await (const entry of Deno.readDir(aofDir)) {
    if (entry.name.endsWith(".incr.aof")) file = `${aofDir}/${entry.name}`;
  }
  const parser = new ReplyParser();
  parser.feed(await Deno.readFile(file));
  const commands: string[][] = [];
  for (let r = parser.next(); r !== undefined; r = parser.next()) {
    if (r.reply.type !== "array") continue;
    const argv = r.reply.items.map((item) => item.type === "bulk" ? latin1(item.value) : "");
    if (argv[0].toUpperCase() !== "SELECT") commands.push(argv);
  }
  return commands;
}

/** Replaces expiry times near now (from relative EX/PX: the clocks differ) by a rounded offset. */
function normalizeTimes(argv: string[]): string {
  return argv.map((a) => {
    const n = Number(a);
    if (a.length === 13 && Math.abs(n - Date.now()) < 86_400_000) {
      return `<now+${Math.round((n - Date.now()) / 10_000) * 10}s>`;
    }
    return a;
  }).join(" ");
}

Deno.test("strings differential: propagation matches Redis's AOF", async () => {
  if (!HAS_REDIS) {
    if (Deno.env.get("RIFT_REQUIRE_REDIS")) throw new Error("redis-server is required but missing");
    return;
  }
  const lines: Arg[][] = [
    ["SET", "a", "1"],
    ["SET", "a", "2", "EX", "100"],
    ["SET", "a", "3", "PX", "100000"],
    ["SET", "a", "4", "EXAT", "2000000000"],
    ["SET", "a", "5", "PXAT", "2000000000123"],
    ["SET", "a", "6", "KEEPTTL"],
    ["SET", "a", "7", "GET"],
    ["SET", "a", "8", "get", "XX", "GET"],
    ["SET", "a", "9", "GET", "EX", "100"],
    ["SET", "a", "10", "GET", "PXAT", "2000000000000"],
    ["SET", "a", "11", "NX"],
    ["SET", "b", "1", "NX", "GET"],
    ["SET", "a", "x", "EX", "0"],
    ["SETNX", "b", "2"],
    ["SETNX", "c", "3"],
    ["SETEX", "d", "100", "v"],
    ["PSETEX", "d", "100000", "v"],
    ["GETSET", "d", "w"],
    ["GETDEL", "d"],
    ["GETDEL", "d"],
    ["GETEX", "a"],
    ["GETEX", "a", "EX", "100"],
    ["GETEX", "a", "PERSIST"],
    ["GETEX", "a", "PERSIST"],
    ["GETEX", "a", "PXAT", "2000000000000"],
    ["GETEX", "a", "EXAT", "1"],
    ["INCR", "n"],
    ["INCRBY", "n", "5"],
    ["DECR", "n"],
    ["DECRBY", "n", "3"],
    ["INCRBY", "n", "x"],
    ["SET", "f", "1", "EX", "1000"],
    ["INCRBYFLOAT", "f", "1.5"],
    ["INCRBYFLOAT", "f", "0.1"],
    ["APPEND", "s", "x"],
    ["APPEND", "s", ""],
    ["SETRANGE", "s", "5", "y"],
    ["SETRANGE", "s", "0", ""],
    ["SETBIT", "bm", "7", "1"],
    ["SETBIT", "bm", "7", "1"],
    ["SETBIT", "bm", "100", "0"],
    ["BITOP", "NOT", "dst", "bm"],
    ["BITOP", "AND", "dst", "nokey"],
    ["BITOP", "AND", "dst", "nokey"],
    ["BITFIELD", "bf", "SET", "u8", "0", "5"],
    ["BITFIELD", "bf", "GET", "u8", "0"],
    ["BITFIELD", "bf", "SET", "u8", "0", "5"],
    ["BITFIELD", "bf", "INCRBY", "u8", "0", "1", "INCRBY", "u8", "0", "0"],
    ["BITFIELD", "bf2", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "9"],
    ["MSET", "x", "1", "y", "2"],
    ["MSETNX", "x", "1", "z", "3"],
    ["MSETNX", "z", "3", "w", "4"],
    ["CONFIG", "SET", "lazyfree-lazy-expire", "yes"],
    ["SET", "u", "v"],
    ["GETEX", "u", "PXAT", "1"],
  ];
  const dir = await Deno.makeTempDir({ prefix: "strings-aof-" });
  const rift = await startRift();
  const redis = await startRedis(["--appendonly", "yes", "--appendfsync", "always"], dir);
  try {
    const riftLog: string[][] = [];
    rift.server.propagationSinks.push((batch) => {
      for (const { argv } of batch) riftLog.push(argv.map((a) => latin1(a)));
    });
    const a = await rift.client();
    const b = await redis.client();
    for (const line of lines) {
      const [x, y] = await Promise.all([a.raw(...line), b.raw(...line)]);
      assertEquals(x, y, `reply differs for: ${describe(line)}`);
    }
    const redisLog = await readAof(dir);
    assertEquals(riftLog.map(normalizeTimes), redisLog.map(normalizeTimes));
    assertEquals(redisLog.length, 40);
  } finally {
    await redis.stop();
    await rift.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
