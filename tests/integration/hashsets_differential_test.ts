/**
 * Hashes and sets against a real redis-server 7.0: fixed edge cases byte
 * for byte (RESP2 and RESP3), keyspace events and propagation of every
 * write, encodings, and long seeded random command sequences.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { type Arg, latin1 } from "../helpers/client.ts";
import { describe, withPair } from "../helpers/differential.ts";
import { type ObservedPair, withObservedPair } from "../helpers/observed_pair.ts";
import { BINARY_MEMBERS, bytes, randomMember, Rng } from "../helpers/hashsets.ts";
import { ReplyParser } from "../../src/resp/reply_parser.ts";
import type { Reply } from "../../src/resp/reply_parser.ts";
import { TYPE_HASH, TYPE_SET } from "../../src/store/database.ts";
import type { HashValue } from "../../src/store/hash.ts";
import { isInt64Text, type SetValue } from "../../src/store/set.ts";

const LONG = "x".repeat(70);
const HUGE = "h".repeat(1024 * 1024);

/** Edge cases with deterministic replies: each must be byte-identical to Redis. */
const EDGE_CASES: Arg[][] = [
  ["SET", "str", "x"],
  // Hashes: arity, types, numbers.
  ["HSET", "h", "a", "1", "b"],
  ["HMSET", "h", "a"],
  ["HSET", "str", "a", "1"],
  ["HSET", "str", "a", "1", "b"],
  ["HSET", "h", "a", "1", "b", "2", "a", "3"],
  ["HMSET", "h", "c", "3", "d", "4"],
  ["HSETNX", "h", "a", "9"],
  ["HSETNX", "h", "e", "5"],
  ["HSETNX", "str", "e", "5"],
  ["HGET", "h", "a"],
  ["HGET", "h", "zz"],
  ["HGET", "nokey", "a"],
  ["HGET", "str", "a"],
  ["HMGET", "h", "a", "zz", "b"],
  ["HMGET", "nokey", "a", "b"],
  ["HMGET", "str", "a"],
  ["HGETALL", "h"],
  ["HGETALL", "nokey"],
  ["HGETALL", "str"],
  ["HKEYS", "h"],
  ["HKEYS", "nokey"],
  ["HVALS", "h"],
  ["HVALS", "str"],
  ["HLEN", "h"],
  ["HLEN", "nokey"],
  ["HLEN", "str"],
  ["HEXISTS", "h", "a"],
  ["HEXISTS", "h", "zz"],
  ["HEXISTS", "str", "a"],
  ["HSTRLEN", "h", "a"],
  ["HSTRLEN", "h", "zz"],
  ["HSTRLEN", "nokey", "zz"],
  ["HSTRLEN", "str", "a"],
  ["HINCRBY", "h", "a", "10"],
  ["HINCRBY", "h", "a", "-20"],
  ["HINCRBY", "h", "new", "0"],
  ["HINCRBY", "h", "a", "x"],
  ["HINCRBY", "h", "a", "1.5"],
  ["HINCRBY", "h", "a", ""],
  ["HINCRBY", "h", "a", "9223372036854775808"],
  ["HINCRBY", "str", "a", "1"],
  ["HINCRBY", "str", "a", "x"],
  ["HSET", "h", "txt", "abc", "sp", " 1", "lz", "01", "max", "9223372036854775807"],
  ["HSET", "h", "min", "-9223372036854775808", "neg0", "-0", "plus", "+1"],
  ["HINCRBY", "h", "txt", "1"],
  ["HINCRBY", "h", "sp", "1"],
  ["HINCRBY", "h", "lz", "1"],
  ["HINCRBY", "h", "neg0", "1"],
  ["HINCRBY", "h", "plus", "1"],
  ["HINCRBY", "h", "max", "1"],
  ["HINCRBY", "h", "max", "0"],
  ["HINCRBY", "h", "max", "-9223372036854775808"],
  ["HINCRBY", "h", "min", "-1"],
  ["HINCRBY", "h", "min", "9223372036854775807"],
  ["HINCRBY", "h", "min", "-9223372036854775808"],
  ["HINCRBY", "fresh", "f", "-9223372036854775808"],
  ["HINCRBY", "fresh", "f", "-1"],
  ["HGETALL", "h"],
  ["HDEL", "h", "a", "a", "zz"],
  ["HDEL", "nokey", "a"],
  ["HDEL", "str", "a"],
  ["HDEL", "h"],
  ["HRANDFIELD", "nokey"],
  ["HRANDFIELD", "nokey", "3"],
  ["HRANDFIELD", "nokey", "-3", "WITHVALUES"],
  ["HRANDFIELD", "str"],
  ["HRANDFIELD", "str", "3"],
  ["HRANDFIELD", "str", "x"],
  ["HRANDFIELD", "h", "x"],
  ["HRANDFIELD", "nokey", "x"],
  ["HRANDFIELD", "h", "1.0"],
  ["HRANDFIELD", "h", "1", "withvalue"],
  ["HRANDFIELD", "str", "1", "withvalue"],
  ["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
  ["HRANDFIELD", "h", "0"],
  ["HRANDFIELD", "h", "0", "WITHVALUES"],
  ["HRANDFIELD", "h", "100"],
  ["HRANDFIELD", "h", "100", "withvalues"],
  ["HRANDFIELD", "h", "-9223372036854775808"],
  ["HRANDFIELD", "h", "-9223372036854775809"],
  ["HRANDFIELD", "h", "9223372036854775808"],
  ["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
  ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
  ["HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"],
  ["HSCAN", "h", "0"],
  ["HSCAN", "h", "123456", "COUNT", "1"],
  ["HSCAN", "h", "0", "MATCH", "m*"],
  ["HSCAN", "h", "0", "MATCH", "*"],
  ["HSCAN", "h", "0", "match", "[a-c]", "count", "100"],
  ["HSCAN", "h", "0", "COUNT", "0"],
  ["HSCAN", "h", "0", "COUNT", "-1"],
  ["HSCAN", "h", "0", "COUNT", "x"],
  ["HSCAN", "h", "0", "COUNT"],
  ["HSCAN", "h", "0", "MATCH"],
  ["HSCAN", "h", "0", "TYPE", "string"],
  ["HSCAN", "h", "0", "NOVALUES"],
  ["HSCAN", "h", "x"],
  ["HSCAN", "h", ""],
  ["HSCAN", "h", "-1"],
  ["HSCAN", "h", "+7"],
  ["HSCAN", "h", " 7"],
  ["HSCAN", "h", "7 "],
  ["HSCAN", "h", "-"],
  ["HSCAN", "h", "18446744073709551615"],
  ["HSCAN", "h", "18446744073709551616"],
  ["HSCAN", "h", "-18446744073709551616"],
  ["HSCAN", "h", "0x10"],
  ["HSCAN", "h", "5\x00junk"],
  ["HSCAN", "nokey", "0", "COUNT", "0"],
  ["HSCAN", "nokey", "x"],
  ["HSCAN", "str", "0"],
  ["HSCAN", "str", "x"],
  ["HSCAN", "str", "0", "COUNT", "0"],
  // Binary and empty fields and values.
  ["HSET", "bin", "", "", "a\x00b", "\r\n", "\xff", "\x00"],
  ["HGETALL", "bin"],
  ["HGET", "bin", ""],
  ["HSTRLEN", "bin", "\xff"],
  ["HSCAN", "bin", "0", "MATCH", "a?b"],
  ["HSET", "big", "f", HUGE],
  ["HSTRLEN", "big", "f"],
  ["HGET", "big", "f"],
  // Sets.
  ["SADD", "s", "3", "1", "2", "1"],
  ["SADD", "str", "a"],
  ["SMEMBERS", "s"],
  ["SMEMBERS", "nokey"],
  ["SMEMBERS", "str"],
  ["SCARD", "s"],
  ["SCARD", "nokey"],
  ["SCARD", "str"],
  ["SISMEMBER", "s", "1"],
  ["SISMEMBER", "s", "01"],
  ["SISMEMBER", "nokey", "1"],
  ["SISMEMBER", "str", "1"],
  ["SMISMEMBER", "s", "1", "9", "2"],
  ["SMISMEMBER", "nokey", "1"],
  ["SMISMEMBER", "str", "1"],
  ["SREM", "s", "9", "01"],
  ["SREM", "nokey", "1"],
  ["SREM", "str", "1"],
  ["SADD", "t", "b", "a", "c", "1", "2"],
  ["SADD", "u", "-9223372036854775808", "9223372036854775807", "0", "-1", "10", "9"],
  ["SMEMBERS", "u"],
  ["SSCAN", "u", "0"],
  ["SSCAN", "u", "99", "COUNT", "1", "MATCH", "*9*"],
  ["SSCAN", "s", "x"],
  ["SSCAN", "s", "0", "COUNT", "0"],
  ["SSCAN", "s", "0", "MATCH"],
  ["SSCAN", "s", "0", "TYPE", "set"],
  ["SSCAN", "nokey", "0"],
  ["SSCAN", "str", "0"],
  ["SINTER", "s", "u"],
  ["SINTER", "u", "s"],
  ["SINTER", "s", "nokey"],
  ["SINTER", "nokey", "str"],
  ["SINTER", "str", "nokey"],
  ["SINTER", "s", "str"],
  ["SINTER", "s"],
  ["SINTER", "s", "s"],
  ["SINTERCARD", "2", "s", "u"],
  ["SINTERCARD", "2", "s", "u", "LIMIT", "1"],
  ["SINTERCARD", "2", "s", "u", "LIMIT", "0"],
  ["SINTERCARD", "2", "s", "u", "LIMIT", "1", "LIMIT", "5"],
  ["SINTERCARD", "1", "s", "LIMIT"],
  ["SINTERCARD", "1", "s", "LIMIT", "-1"],
  ["SINTERCARD", "1", "s", "LIMIT", "x"],
  ["SINTERCARD", "1", "s", "LIMIT", "1", "x"],
  ["SINTERCARD", "1", "s", "OTHER", "1"],
  ["SINTERCARD", "0", "s"],
  ["SINTERCARD", "-1", "s"],
  ["SINTERCARD", "x", "s"],
  ["SINTERCARD", "3", "s", "u"],
  ["SINTERCARD", "99999999999999999999", "s"],
  ["SINTERCARD", "2", "nokey", "str"],
  ["SINTERCARD", "2", "s", "nokey"],
  ["SINTERCARD", "1", "s", "LIMIT", "x", "LIMIT"],
  ["SINTERCARD", "1"],
  ["SUNION", "s", "u", "nokey"],
  ["SUNION", "nokey"],
  ["SUNION", "nokey", "str"],
  ["SDIFF", "u", "s"],
  ["SDIFF", "u", "nokey", "s"],
  ["SDIFF", "nokey", "s"],
  ["SDIFF", "u", "u"],
  ["SDIFF", "u", "s", "u"],
  ["SDIFF", "s", "str"],
  ["SINTERSTORE", "d", "s", "u"],
  ["SMEMBERS", "d"],
  ["SINTERSTORE", "d", "s", "nokey"],
  ["EXISTS", "d"],
  ["SINTERSTORE", "d", "s", "nokey"],
  ["SINTERSTORE", "d", "nokey", "str"],
  ["SUNIONSTORE", "d", "s", "u"],
  ["SMEMBERS", "d"],
  ["SUNIONSTORE", "str2", "s"],
  ["SDIFFSTORE", "d", "u", "s"],
  ["SMEMBERS", "d"],
  ["SDIFFSTORE", "d", "u", "u"],
  ["EXISTS", "d"],
  ["SUNIONSTORE", "d", "nokey"],
  ["SDIFFSTORE", "d", "s", "str"],
  ["SMOVE", "s", "str", "1"],
  ["SMOVE", "nokey", "str", "1"],
  ["SMOVE", "str", "s", "1"],
  ["SMOVE", "s", "s", "1"],
  ["SMOVE", "s", "s", "9"],
  ["SMOVE", "s", "u", "9"],
  ["SMOVE", "s", "u", "1"],
  ["SMOVE", "s", "new", "2"],
  ["SMOVE", "s", "new", "3"],
  ["EXISTS", "s"],
  ["SMEMBERS", "new"],
  ["SRANDMEMBER", "nokey"],
  ["SRANDMEMBER", "nokey", "5"],
  ["SRANDMEMBER", "nokey", "-5"],
  ["SRANDMEMBER", "nokey", "x"],
  ["SRANDMEMBER", "str"],
  ["SRANDMEMBER", "str", "1"],
  ["SRANDMEMBER", "str", "x"],
  ["SRANDMEMBER", "u", "0"],
  ["SRANDMEMBER", "u", "7"],
  ["SRANDMEMBER", "u", "100"],
  ["SRANDMEMBER", "u", "1", "2"],
  ["SRANDMEMBER", "u", "x", "2"],
  ["SRANDMEMBER", "u", "-9223372036854775808"],
  ["SRANDMEMBER", "u", "9223372036854775808"],
  ["SPOP", "nokey"],
  ["SPOP", "nokey", "3"],
  ["SPOP", "nokey", "-1"],
  ["SPOP", "str"],
  ["SPOP", "str", "1"],
  ["SPOP", "str", "-1"],
  ["SPOP", "u", "-1"],
  ["SPOP", "u", "x"],
  ["SPOP", "u", "1.5"],
  ["SPOP", "u", "0"],
  ["SPOP", "u", "1", "2"],
  ["SPOP", "nokey", "x", "2"],
  ["SPOP", "u", "100"],
  ["EXISTS", "u"],
  ["SREM", "new", "3"],
  ["SPOP", "new"],
  ["EXISTS", "new"],
  // Binary members, near-integers and huge members.
  ["SADD", "b", ...BINARY_MEMBERS, "", "-0", "01", " 1"],
  ["SISMEMBER", "b", "a\x00b"],
  ["SISMEMBER", "b", "a"],
  ["SREM", "b", "\x00", "-0"],
  ["SCARD", "b"],
  ["SADD", "hugeset", HUGE],
  ["SISMEMBER", "hugeset", HUGE],
  ["SMEMBERS", "hugeset"],
  ["SPOP", "hugeset", "5"],
  // Arity.
  ["HSET", "h"],
  ["HSET", "h", "a"],
  ["HSETNX", "h", "a"],
  ["HGET", "h"],
  ["HGET", "h", "a", "b"],
  ["HMGET", "h"],
  ["HDEL", "h"],
  ["HLEN"],
  ["HLEN", "h", "x"],
  ["HSTRLEN", "h"],
  ["HEXISTS", "h"],
  ["HGETALL"],
  ["HKEYS", "h", "x"],
  ["HVALS"],
  ["HINCRBY", "h", "a"],
  ["HINCRBY", "h", "a", "1", "2"],
  ["HRANDFIELD"],
  ["HSCAN", "h"],
  ["SADD", "s"],
  ["SREM", "s"],
  ["SISMEMBER", "s"],
  ["SMISMEMBER", "s"],
  ["SMEMBERS"],
  ["SCARD", "s", "x"],
  ["SINTER"],
  ["SUNION"],
  ["SDIFF"],
  ["SINTERSTORE", "d"],
  ["SUNIONSTORE", "d"],
  ["SDIFFSTORE", "d"],
  ["SMOVE", "a", "b"],
  ["SPOP"],
  ["SRANDMEMBER"],
  ["SSCAN", "s"],
  // Key positions.
  ["COMMAND", "GETKEYS", "SMOVE", "a", "b", "m"],
  ["COMMAND", "GETKEYS", "SINTERSTORE", "d", "a", "b"],
  ["COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"],
  ["COMMAND", "GETKEYS", "HSET", "h", "f", "v"],
];

for (const proto of [2, 3]) {
  Deno.test(`differential: hash and set edge cases byte for byte (RESP${proto})`, async () => {
    let checked = 0;
    const ran = await withPair(async (p) => {
      if (proto === 3) await p.both("HELLO", "3");
      for (const args of EDGE_CASES) {
        await p.same(...args);
        checked++;
      }
    });
    if (ran) assertEquals(checked, EDGE_CASES.length);
  });
}

// ----------------------------------------------------- events and encodings

Deno.test("differential: events, propagation and encodings of every write", async () => {
  let checked = 0;
  const ran = await withObservedPair(async (p) => {
    const script: Arg[][] = [
      ["SET", "str", "x"],
      ["HSET", "h", "a", "1", "b", "2"],
      ["HSET", "h", "a", "1"],
      ["HMSET", "h", "c", "3"],
      ["HSETNX", "h", "a", "x"],
      ["HSETNX", "h", "d", "4"],
      ["HSETNX", "h", "a", LONG],
      ["HINCRBY", "h", "a", "5"],
      ["HINCRBY", "h2", "n", "-5"],
      ["HINCRBY", "h", "c", "x"],
      ["HDEL", "h", "zz"],
      ["HDEL", "h", "a", "b"],
      ["HDEL", "h", "c", "d", "zz"],
      ["HDEL", "h2", "n"],
      ["HSET", "str", "a", "b"],
      ["SADD", "s", "1", "2", "3"],
      ["SADD", "s", "1"],
      ["SREM", "s", "9"],
      ["SREM", "s", "1"],
      ["SADD", "t", "a", "b"],
      ["SMOVE", "s", "t", "2"],
      ["SMOVE", "s", "t", "9"],
      ["SMOVE", "t", "s", "a"],
      ["SADD", "t", "3"],
      ["SMOVE", "s", "t", "3"],
      ["SMOVE", "t", "fresh", "b"],
      ["SMOVE", "fresh", "fresh", "b"],
      ["SPOP", "fresh"],
      ["SADD", "p", "1", "2", "3", "4"],
      ["SPOP", "p", "0"],
      ["SPOP", "p", "4"],
      ["SADD", "q", "x"],
      ["SPOP", "q"],
      ["SADD", "a1", "1", "2", "3", "x"],
      ["SADD", "a2", "2", "3", "y"],
      ["SINTERSTORE", "dst", "a1", "a2"],
      ["SINTERSTORE", "dst", "a1", "nokey"],
      ["SINTERSTORE", "dst", "a1", "nokey"],
      ["SUNIONSTORE", "dst", "a1", "a2"],
      ["SDIFFSTORE", "dst", "a1", "a2"],
      ["SDIFFSTORE", "dst", "a1", "a1"],
      ["SUNIONSTORE", "str", "a1"],
      ["SINTERSTORE", "dst", "a1", "str"],
      ["SREM", "a1", "1", "2", "3", "x", "zz"],
      ["SADD", "str", "1"],
    ];
    for (const args of script) {
      await p.same(...args);
      for (const key of ["h", "h2", "s", "t", "fresh", "p", "dst", "str", "a1"]) {
        assertEquals(p.riftEncoding(key), await p.redisEncoding(key), `encoding of ${key}`);
      }
      const [riftChanges, redisChanges] = await p.changes();
      assertEquals(riftChanges, redisChanges, `changes counted after ${describe(args)}`);
      checked++;
    }
  });
  if (ran) assertTrue(checked > 40);
});

Deno.test("differential: SPOP with a count is propagated as one SREM per member", async () => {
  let checked = 0;
  const ran = await withObservedPair(async (p) => {
    for (const [members, count] of [[10, 3], [10, 9], [6, 1], [700, 20]] as const) {
      await p.same("DEL", "s");
      const all = Array.from({ length: members }, (_, i) => String(i));
      await p.same("SADD", "s", ...all);
      const { replies, events, propagated } = await p.run("SPOP", "s", count);
      // The members differ (they are random); the shape of everything does not.
      for (const reply of replies) assertEquals(reply.startsWith(`*${count}\r\n`), true);
      assertEquals(events[0], events[1]);
      for (const log of propagated) {
        const body = count > 1 ? log.slice(1, -1) : log;
        if (count > 1) assertEquals([log[0], log[log.length - 1]], ["MULTI", "EXEC"]);
        assertEquals(body.length, count);
        for (const line of body) assertTrue(/^SREM s \d+$/.test(line), line);
      }
      const popped = parse(replies[0]).map(String).sort();
      assertEquals(
        propagated[0].filter((l) => l.startsWith("SREM")).map((l) => l.slice(7)).sort(),
        popped,
      );
      assertEquals(await p.rift.raw("SCARD", "s"), await p.redis.raw("SCARD", "s"));
      assertEquals(p.riftEncoding("s"), await p.redisEncoding("s"));
      checked++;
    }
  });
  if (ran) assertEquals(checked, 4);
});

Deno.test("differential: result sets are built like Redis (order and encoding)", async () => {
  let checked = 0;
  const ran = await withObservedPair(async (p) => {
    // A hash table holding only integers: copies of it become intsets again.
    await p.same("SADD", "ht", "x", "30", "-5", "12", "7");
    await p.same("SREM", "ht", "x");
    for (const args of [["SUNION", "ht"], ["SUNIONSTORE", "d1", "ht"], ["SMEMBERS", "d1"]]) {
      await p.same(...args);
    }
    assertEquals(p.riftEncoding("d1"), "intset");
    // SDIFF's second algorithm adds a non-integer then removes it: a hash table.
    await p.same("SADD", "big", "x", ...Array.from({ length: 10 }, (_, i) => String(i)));
    await p.same("SADD", "one", "x");
    await p.same("SADD", "two", "y");
    await p.same("SDIFFSTORE", "d2", "big", "one", "two");
    assertEquals([p.riftEncoding("d2"), await p.redisEncoding("d2")], ["hashtable", "hashtable"]);
    await p.same("SDIFFSTORE", "d3", "big", "one");
    assertEquals([p.riftEncoding("d3"), await p.redisEncoding("d3")], ["intset", "intset"]);
    // SPOP of everything replies like SUNION: sorted for an all-integer result.
    await p.same("SADD", "pop", "x", "3", "1", "2");
    await p.same("SREM", "pop", "x");
    await p.same("SPOP", "pop", "10");
    // SPOP taking nearly all of a hash table may leave an intset behind.
    for (let i = 0; i < 10; i++) {
      await p.same("DEL", "near");
      await p.same("SADD", "near", "x", "1", "2", "3", "4", "5");
      const { replies } = await p.run("SPOP", "near", "5");
      assertEquals(parse(replies[0]).length, 5);
      // One random member stays, in a set created for it: an intset unless it is "x".
      for (const client of [p.rift, p.redis]) {
        const [kept] = parse(await client.raw("SMEMBERS", "near")) as string[];
        const encoding = client === p.rift ? p.riftEncoding("near") : await p.redisEncoding("near");
        assertEquals(encoding, kept === "x" ? "hashtable" : "intset");
      }
      checked++;
    }
    // SINTER follows the smallest set's order.
    await p.same("SADD", "i1", "5", "3", "1", "4");
    await p.same("SADD", "i2", "4", "5", "1", "9", "10", "11");
    await p.same("SINTER", "i2", "i1");
    await p.same("SINTERSTORE", "i3", "i2", "i1");
    assertEquals(p.riftEncoding("i3"), await p.redisEncoding("i3"));
  });
  if (ran) assertEquals(checked, 10);
});

Deno.test("differential: encodings follow the configured limits", async () => {
  let checked = 0;
  const limits = {
    "hash-max-listpack-entries": 3,
    "hash-max-listpack-value": 5,
    "set-max-intset-entries": 3,
  };
  const ran = await withObservedPair(async (p) => {
    const script: Arg[][] = [
      ["HSET", "h", "a", "1", "b", "2", "c", "3"],
      ["HSET", "h", "c", "4"],
      ["HSET", "h", "d", "5"],
      ["HSET", "v", "a", "12345"],
      ["HSET", "v", "b", "123456"],
      ["HSET", "w", "abcdef", "1"],
      ["HSETNX", "x", "a", "1"],
      ["HSETNX", "x", "a", "123456"],
      ["HINCRBY", "y", "abcdefgh", "1"],
      ["SADD", "s", "1", "2", "3"],
      ["SADD", "s", "3"],
      ["SADD", "s", "4"],
      ["SADD", "t", "1", "2", "3", "4"],
      ["SUNIONSTORE", "u", "s"],
      ["SINTERSTORE", "u", "s", "t"],
      ["CONFIG", "SET", "hash-max-ziplist-entries", "1"],
      ["HSET", "z", "a", "1"],
      ["HSET", "z", "b", "1"],
      ["CONFIG", "SET", "set-max-intset-entries", "0"],
      ["SADD", "zs", "1"],
      ["CONFIG", "GET", "hash-max-listpack-entries"],
      ["CONFIG", "GET", "set-max-intset-entries"],
    ];
    for (const args of script) {
      await p.same(...args);
      for (const key of ["h", "v", "w", "x", "y", "s", "t", "u", "z", "zs"]) {
        assertEquals(p.riftEncoding(key), await p.redisEncoding(key), `encoding of ${key}`);
      }
      checked++;
    }
  }, limits);
  if (ran) assertEquals(checked, 22);
});

Deno.test("differential: encoding directives accept and reject what Redis does", async () => {
  const values = [
    "0",
    "1",
    "-1",
    "05",
    "+5",
    "1k",
    "1K",
    "2kb",
    "1mb",
    "8gb",
    "1.5kb",
    "x",
    "",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999",
    "-0",
  ];
  let checked = 0;
  const ran = await withPair(async (p) => {
    for (
      const name of [
        "hash-max-listpack-entries",
        "hash-max-listpack-value",
        "set-max-intset-entries",
      ]
    ) {
      for (const v of values) {
        await p.same("CONFIG", "SET", name, v);
        await p.same("CONFIG", "GET", name);
        checked++;
      }
    }
    await p.same("CONFIG", "SET", "hash-max-ziplist-value", "10");
    await p.same("CONFIG", "GET", "hash-max-listpack-value");
    await p.same("CONFIG", "GET", "hash-max-ziplist-value");
  });
  if (ran) assertEquals(checked, 3 * values.length);
});

// ------------------------------------------------------------ random runs

function parse(raw: string): unknown[] {
  const parser = new ReplyParser();
  parser.feed(bytes(raw));
  const r = parser.next()!.reply;
  return flat(r) as unknown[];
}

function flat(r: Reply): unknown {
  switch (r.type) {
    case "bulk":
      return latin1(r.value);
    case "integer":
      return r.value;
    case "array":
    case "set":
      return r.items.map(flat);
    case "map":
      return r.entries.map(([k, v]) => [flat(k), flat(v)]);
    default:
      return r.type;
  }
}

/** Canonical form of an unordered reply: elements (or pairs) sorted. */
function unordered(raw: string, pairs: boolean): string {
  const items = parse(raw);
  if (!Array.isArray(items)) return raw;
  const groups: string[] = [];
  if (pairs && !items.some(Array.isArray)) {
    for (let i = 0; i < items.length; i += 2) groups.push(JSON.stringify([items[i], items[i + 1]]));
  } else {
    for (const item of items) {
      groups.push(JSON.stringify(item, (_, v) => typeof v === "bigint" ? String(v) : v));
    }
  }
  return raw.slice(0, raw.indexOf("\r\n")) + " " + groups.sort().join(",");
}

const SET_KEYS = ["s0", "s1", "s2", "s3"];
const HASH_KEYS = ["h0", "h1", "h2"];

interface Run {
  p: ObservedPair;
  rng: Rng;
  limits: { maxIntset: number; maxListpack: number };
  stats: Map<string, number>;
}

function setOf(run: Run, key: string): SetValue | null {
  const db = run.p.server.db(0);
  const id = db.find(bytes(key));
  return id >= 0 && db.typeOf(id) === TYPE_SET ? db.object<SetValue>(id) : null;
}

function hashOf(run: Run, key: string): HashValue | null {
  const db = run.p.server.db(0);
  const id = db.find(bytes(key));
  return id >= 0 && db.typeOf(id) === TYPE_HASH ? db.object<HashValue>(id) : null;
}

function anyKey(rng: Rng, family: string[]): string {
  const r = rng.next();
  if (r < 0.85) return rng.pick(family);
  if (r < 0.93) return "str";
  return "missing";
}

/** Compares a reply whose order Redis leaves unspecified unless `ordered`. */
async function compare(run: Run, args: Arg[], ordered: boolean, pairs = false): Promise<void> {
  if (ordered) {
    await run.p.same(...args);
    return;
  }
  const { replies, events, propagated } = await run.p.run(...args);
  const what = describe(args);
  assertEquals(
    unordered(replies[0], pairs),
    unordered(replies[1], pairs),
    `reply differs: ${what}`,
  );
  assertEquals(events[0], events[1], `events differ: ${what}`);
  assertEquals(propagated[0], propagated[1], `propagation differs: ${what}`);
}

/** Full SCAN iteration on each side (cursors differ on hash tables); compares what was found. */
async function compareFullScan(
  run: Run,
  command: string,
  key: string,
  pairs: boolean,
): Promise<void> {
  const options: Arg[] = [];
  if (run.rng.chance(0.5)) options.push("COUNT", run.rng.range(1, 20));
  if (run.rng.chance(0.3)) options.push("MATCH", run.rng.pick(["*1*", "m?", "[a-m]*", "*"]));
  const found: string[][] = [];
  for (const client of [run.p.rift, run.p.redis]) {
    const seen = new Set<string>();
    let cursor = "0";
    let calls = 0;
    do {
      const reply = parse(await client.raw(command, key, cursor, ...options)) as [string, string[]];
      cursor = reply[0];
      const items = reply[1];
      const step = pairs ? 2 : 1;
      for (let i = 0; i < items.length; i += step) {
        seen.add(JSON.stringify(items.slice(i, i + step)));
      }
      calls++;
    } while (cursor !== "0" && calls < 10000);
    found.push([...seen].sort());
  }
  assertEquals(found[0], found[1], `full ${command} of ${key} differs`);
}

async function randomSetCommand(run: Run): Promise<void> {
  const { p, rng } = run;
  const key = anyKey(rng, SET_KEYS);
  const members = (n: number) => Array.from({ length: n }, () => randomMember(rng));
  const set = setOf(run, key);
  const compact = set?.isIntset ?? true;
  const r = rng.int(20);
  const count = (name: string) => run.stats.set(name, (run.stats.get(name) ?? 0) + 1);
  switch (r) {
    case 0:
    case 1:
    case 2:
      count("SADD");
      return void await p.same("SADD", key, ...members(rng.range(1, 8)));
    case 3:
      count("SREM");
      return void await p.same("SREM", key, ...members(rng.range(1, 6)));
    case 4:
      count("SISMEMBER");
      return void await p.same(
        rng.chance(0.5) ? "SISMEMBER" : "SMISMEMBER",
        key,
        ...members(rng.chance(0.5) ? 1 : 3),
      );
    case 5:
      count("SCARD");
      return void await p.same("SCARD", key);
    case 6:
      count("SMEMBERS");
      return void await compare(run, ["SMEMBERS", key], compact);
    case 7:
      count("SSCAN");
      if (compact) return void await p.same("SSCAN", key, "0", "COUNT", rng.range(1, 5));
      return void await compareFullScan(run, "SSCAN", key, false);
    case 8:
    case 9: {
      count("SINTER");
      const keys = Array.from({ length: rng.range(1, 3) }, () => anyKey(rng, SET_KEYS));
      const allIntsets = keys.every((k) => setOf(run, k)?.isIntset ?? false);
      const cmd = rng.pick(["SINTER", "SINTERSTORE", "SINTERCARD"]);
      if (cmd === "SINTERSTORE") return void await p.same(cmd, rng.pick(SET_KEYS), ...keys);
      if (cmd === "SINTERCARD") {
        const limit = rng.chance(0.5) ? ["LIMIT", String(rng.int(4))] : [];
        return void await p.same(cmd, String(keys.length), ...keys, ...limit);
      }
      return void await compare(run, [cmd, ...keys], allIntsets);
    }
    case 10:
    case 11: {
      count("SUNION/SDIFF");
      const keys = Array.from({ length: rng.range(1, 3) }, () => anyKey(rng, SET_KEYS));
      const union = rng.chance(0.5);
      if (rng.chance(0.4)) {
        return void await p.same(union ? "SUNIONSTORE" : "SDIFFSTORE", rng.pick(SET_KEYS), ...keys);
      }
      // Ordered only when Redis's result is surely an intset.
      const { replies } = await p.run(union ? "SUNION" : "SDIFF", ...keys);
      const result = parse(replies[1]) as string[];
      const firstIsIntset = setOf(run, keys[0])?.isIntset ?? false;
      const surelyIntset = Array.isArray(result) && result.length <= run.limits.maxIntset &&
        (union ? result.every(isInt64Text) : firstIsIntset);
      if (surelyIntset) assertEquals(replies[0], replies[1], `reply differs: ${keys}`);
      else assertEquals(unordered(replies[0], false), unordered(replies[1], false));
      return;
    }
    case 12: {
      count("SMOVE");
      const member = set !== null && set.size > 0 && rng.chance(0.7)
        ? set.randomMember()
        : randomMember(rng);
      return void await p.same("SMOVE", key, anyKey(rng, SET_KEYS), member);
    }
    case 13: {
      count("SPOP");
      // Only the deterministic forms: everything, nothing, or the last member.
      const size = set?.size ?? 0;
      if (size <= 1 && rng.chance(0.5)) return void await p.same("SPOP", key);
      return void await compare(
        run,
        ["SPOP", key, String(rng.chance(0.2) ? 0 : size + rng.int(3))],
        compact,
      );
    }
    case 14: {
      count("SRANDMEMBER");
      const size = set?.size ?? 0;
      const n = rng.pick([size, size + 2, -3, 2, 1, 0]);
      if (n >= size || set === null) {
        return void await compare(run, ["SRANDMEMBER", key, n], compact);
      }
      const { replies } = await p.run("SRANDMEMBER", key, n);
      const [a, b] = replies.map((raw) => parse(raw) as string[]);
      assertEquals(a.length, b.length);
      for (const m of a) assertTrue(set.has(m), `not a member: ${m}`);
      if (n > 0) assertEquals(new Set(a).size, a.length, "distinct members");
      return;
    }
    default:
      count("DEL/SET");
      if (rng.chance(0.1)) return void await p.same("SET", key, "v");
      if (rng.chance(0.3)) return void await p.same("DEL", key);
      return void await p.same("SADD", key, ...members(rng.range(5, 30)));
  }
}

async function randomHashCommand(run: Run): Promise<void> {
  const { p, rng } = run;
  const key = anyKey(rng, HASH_KEYS);
  const hash = hashOf(run, key);
  const compact = hash?.isListpack ?? true;
  const field = () =>
    hash !== null && hash.size > 0 && rng.chance(0.5) ? hash.randomField() : randomMember(rng);
  const value = () => rng.chance(0.6) ? String(rng.range(-100, 100)) : randomMember(rng);
  const count = (name: string) => run.stats.set(name, (run.stats.get(name) ?? 0) + 1);
  const r = rng.int(18);
  switch (r) {
    case 0:
    case 1:
    case 2: {
      count("HSET");
      const args: string[] = [];
      for (let i = rng.range(1, 5); i > 0; i--) args.push(field(), value());
      return void await p.same(rng.chance(0.8) ? "HSET" : "HMSET", key, ...args);
    }
    case 3:
      count("HSETNX");
      return void await p.same("HSETNX", key, field(), value());
    case 4:
      count("HGET");
      return void await p.same(rng.pick(["HGET", "HEXISTS", "HSTRLEN"]), key, field());
    case 5:
      count("HMGET");
      return void await p.same("HMGET", key, field(), field(), field());
    case 6:
      count("HDEL");
      return void await p.same("HDEL", key, field(), field());
    case 7:
      count("HLEN");
      return void await p.same("HLEN", key);
    case 8:
    case 9: {
      count("HGETALL");
      const cmd = rng.pick(["HGETALL", "HKEYS", "HVALS"]);
      return void await compare(run, [cmd, key], compact, cmd === "HGETALL");
    }
    case 10:
    case 11:
      count("HINCRBY");
      return void await p.same(
        "HINCRBY",
        key,
        field(),
        rng.pick(["1", "-7", "100", "x", "9223372036854775807", "-9223372036854775808"]),
      );
    case 12:
      count("HSCAN");
      if (compact) {
        return void await p.same("HSCAN", key, "0", "MATCH", rng.pick(["*", "m*", "*1"]));
      }
      return void await compareFullScan(run, "HSCAN", key, true);
    case 13: {
      count("HRANDFIELD");
      const size = hash?.size ?? 0;
      const n = rng.pick([size, size + 1, 3, -4, 1]);
      const withValues = rng.chance(0.5) ? ["WITHVALUES"] : [];
      if (hash === null || n >= size) {
        return void await compare(
          run,
          ["HRANDFIELD", key, n, ...withValues],
          compact,
          withValues.length > 0,
        );
      }
      const { replies } = await p.run("HRANDFIELD", key, n, ...withValues);
      const [a, b] = replies.map((raw) => parse(raw));
      assertEquals(a.length, b.length);
      // Pairs come flat in RESP2 and nested in RESP3.
      const fields = !withValues.length
        ? a
        : a.some(Array.isArray)
        ? a.map((pair) => (pair as string[])[0])
        : a.filter((_, i) => i % 2 === 0);
      for (const f of fields) assertTrue(hash.has(f as string), `not a field: ${f}`);
      return;
    }
    default:
      count("DEL/SET");
      if (rng.chance(0.1)) return void await p.same("SET", key, "v");
      return void await p.same("DEL", key);
  }
}

for (
  const [name, seed, directives] of [
    ["default limits", 1, {}],
    ["small limits", 2, {
      "hash-max-listpack-entries": 6,
      "hash-max-listpack-value": 12,
      "set-max-intset-entries": 8,
    }],
    ["small limits, second seed", 3, {
      "hash-max-listpack-entries": 4,
      "hash-max-listpack-value": 70,
      "set-max-intset-entries": 20,
    }],
    ["RESP3, small limits", 4, {
      "hash-max-listpack-entries": 10,
      "hash-max-listpack-value": 64,
      "set-max-intset-entries": 12,
    }],
  ] as const
) {
  Deno.test(`differential: random hash and set sequence (${name})`, async () => {
    const steps = 2500;
    let done = 0;
    const stats = new Map<string, number>();
    const ran = await withObservedPair(async (p) => {
      const run: Run = {
        p,
        rng: new Rng(seed),
        limits: {
          maxIntset: Number(
            (directives as Record<string, number>)["set-max-intset-entries"] ?? 512,
          ),
          maxListpack: Number(
            (directives as Record<string, number>)["hash-max-listpack-entries"] ?? 512,
          ),
        },
        stats,
      };
      if (name.startsWith("RESP3")) {
        await p.rift.raw("HELLO", "3");
        await p.redis.raw("HELLO", "3");
      }
      await p.same("SET", "str", "x");
      for (let i = 0; i < steps; i++) {
        if (run.rng.chance(0.5)) await randomSetCommand(run);
        else await randomHashCommand(run);
        // Every few steps, the encodings must agree too.
        if (i % 10 === 0) {
          for (const key of [...SET_KEYS, ...HASH_KEYS]) {
            assertEquals(
              p.riftEncoding(key),
              await p.redisEncoding(key),
              `encoding of ${key} at step ${i}`,
            );
          }
        }
        done++;
      }
    }, directives as Record<string, number>);
    if (!ran) return;
    assertEquals(done, steps);
    for (
      const command of [
        "SADD",
        "SREM",
        "SINTER",
        "SUNION/SDIFF",
        "SPOP",
        "SRANDMEMBER",
        "HSET",
        "HINCRBY",
        "HSCAN",
        "HRANDFIELD",
      ]
    ) {
      assertTrue(
        (stats.get(command) ?? 0) >= 10,
        `${command} ran ${stats.get(command) ?? 0} times`,
      );
    }
  });
}
