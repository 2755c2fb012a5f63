/**
 * String commands over TCP against an embedded Rift: every command and
 * option, errors, binary and large values, expiry with a ManualClock,
 * encodings, keyspace events and propagation. (Byte-for-byte agreement
 * with redis-server is in strings_differential_test.ts.)
 */

import { withObservedPair } from "../helpers/observed_pair.ts";
import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { RespClient } from "../helpers/client.ts";
import { type TestRift, withRift } from "../helpers/server.ts";
import { makeList, recordEvents, recordPropagation } from "../helpers/strings_support.ts";
import { ManualClock } from "../../src/mod.ts";
import { utf8 } from "../../src/util/bytes.ts";

const T0 = 1_700_000_000_000;
const OK = "+OK\r\n";
const NIL = "$-1\r\n";
const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
const SYNTAX = "-ERR syntax error\r\n";

function bulk(text: string): string {
  return `$${text.length}\r\n${text}\r\n`;
}

function int(n: number | bigint): string {
  return `:${n}\r\n`;
}

/** Sends each command and asserts its exact reply. */
async function expectReplies(c: RespClient, cases: [string[], string][]): Promise<void> {
  for (const [args, expected] of cases) {
    assertEquals(await c.raw(...args), expected, args.join(" "));
  }
}

/** The absolute expiry of a key in db 0 (0 = none, -1 = missing). */
function expireOf(rift: TestRift, key: string): number {
  const db = rift.server.db(0);
  const id = db.find(utf8(key));
  return id < 0 ? -1 : db.getExpire(id);
}

/** True when a key's string was modified in place (OBJECT ENCODING would say raw). */
function isRaw(rift: TestRift, key: string): boolean {
  const db = rift.server.db(0);
  return db.isRawString(db.find(utf8(key)));
}

Deno.test("strings: GET and SET with binary, empty and large values", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const binary = Uint8Array.of(0, 13, 10, 255, 0xc3, 0x28, 0);
    assertEquals(await c.raw("SET", binary, binary), OK);
    assertEquals(await c.raw("GET", binary), "$7\r\n\u0000\r\n\u00ff\u00c3(\u0000\r\n");
    assertEquals(await c.raw("SET", "", ""), OK);
    assertEquals(await c.raw("GET", ""), "$0\r\n\r\n");
    assertEquals(await c.raw("GET", "missing"), NIL);
    const large = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < large.length; i++) large[i] = (i * 7) & 0xff;
    assertEquals(await c.raw("SET", "large", large), OK);
    const { reply } = await c.send("GET", "large").then(() => c.read());
    assertTrue(reply.type === "bulk" && reply.value.length === large.length);
    assertTrue(reply.type === "bulk" && reply.value.every((b, i) => b === large[i]));
    await c.call("HELLO", 3);
    assertEquals(await c.raw("GET", "missing"), "_\r\n");
  });
});

Deno.test("strings: SET options NX, XX, GET, KEEPTTL and their conflicts", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectReplies(c, [
      [["SET", "k", "1", "XX"], NIL],
      [["SET", "k", "1", "NX"], OK],
      [["SET", "k", "2", "NX"], NIL],
      [["SET", "k", "2", "xx"], OK],
      [["SET", "k", "3", "GET"], bulk("2")],
      [["SET", "new", "1", "GET"], NIL],
      [["SET", "k", "4", "NX", "GET"], bulk("3")],
      [["GET", "k"], bulk("3")],
      [["SET", "other", "4", "NX", "GET"], NIL],
      [["GET", "other"], bulk("4")],
      [["SET", "absent", "4", "XX", "GET"], NIL],
      [["GET", "absent"], NIL],
      [["SET", "k", "v", "NX", "XX"], SYNTAX],
      [["SET", "k", "v", "nx", "NX", "get", "GET"], bulk("3")],
      [["SET", "k", "v", "KEEPTTL", "EX", "10"], SYNTAX],
      [["SET", "k", "v", "EX", "10", "KEEPTTL"], SYNTAX],
      [["SET", "k", "v", "EX", "10", "PX", "10"], SYNTAX],
      [["SET", "k", "v", "EXAT", "10", "PXAT", "10"], SYNTAX],
      [["SET", "k", "v", "EX"], SYNTAX],
      [["SET", "k", "v", "PERSIST"], SYNTAX],
      [["SET", "k", "v", "foo"], SYNTAX],
      [["SET", "k"], "-ERR wrong number of arguments for 'set' command\r\n"],
    ]);
    // KEEPTTL keeps the expiry, a plain SET clears it.
    assertEquals(await c.raw("SET", "t", "1", "EX", "100"), OK);
    assertEquals(expireOf(rift, "t"), T0 + 100_000);
    assertEquals(await c.raw("SET", "t", "2", "KEEPTTL"), OK);
    assertEquals(expireOf(rift, "t"), T0 + 100_000);
    assertEquals(await c.raw("SET", "t", "3"), OK);
    assertEquals(expireOf(rift, "t"), 0);
    // A repeated expire option keeps the last one.
    assertEquals(await c.raw("SET", "t", "4", "EX", "1", "ex", "2"), OK);
    assertEquals(expireOf(rift, "t"), T0 + 2000);
  }, { clock });
});

Deno.test("strings: SET expiry with EX, PX, EXAT, PXAT and its validation", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    const invalid = "-ERR invalid expire time in 'set' command\r\n";
    await expectReplies(c, [
      [["SET", "ex", "v", "EX", "10"], OK],
      [["SET", "px", "v", "PX", "1500"], OK],
      [["SET", "exat", "v", "EXAT", String(T0 / 1000 + 20)], OK],
      [["SET", "pxat", "v", "PXAT", String(T0 + 25)], OK],
      [["SET", "k", "v", "EX", "0"], invalid],
      [["SET", "k", "v", "PX", "-1"], invalid],
      [["SET", "k", "v", "EXAT", "0"], invalid],
      [["SET", "k", "v", "EX", "9223372036854776"], invalid],
      [["SET", "k", "v", "PX", "9223372036854775807"], invalid],
      [["SET", "k", "v", "EX", "x"], NOT_INTEGER],
      [["SET", "k", "v", "EX", "1.5"], NOT_INTEGER],
      [["SET", "k", "v", "PXAT", "9223372036854775807"], OK],
      [["GET", "k"], bulk("v")],
    ]);
    assertEquals(expireOf(rift, "ex"), T0 + 10_000);
    assertEquals(expireOf(rift, "px"), T0 + 1500);
    assertEquals(expireOf(rift, "exat"), T0 + 20_000);
    assertEquals(expireOf(rift, "pxat"), T0 + 25);
    // Redis expires a key once the clock is strictly past its time.
    clock.advance(25);
    assertEquals(await c.raw("GET", "pxat"), bulk("v"));
    clock.advance(1);
    assertEquals(await c.raw("GET", "pxat"), NIL);
    clock.advance(1475);
    assertEquals(await c.raw("GET", "px"), NIL);
    assertEquals(await c.raw("GET", "ex"), bulk("v"));
    clock.advance(8500);
    assertEquals(await c.raw("GET", "ex"), NIL);
    // An absolute time in the past stores a key that is already gone.
    assertEquals(await c.raw("SET", "past", "v", "PXAT", "1"), OK);
    assertEquals(await c.raw("GET", "past"), NIL);
    assertEquals(await c.raw("EXISTS", "past"), int(0));
  }, { clock });
});

Deno.test("strings: SETNX, SETEX, PSETEX", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectReplies(c, [
      [["SETNX", "k", "1"], int(1)],
      [["SETNX", "k", "2"], int(0)],
      [["GET", "k"], bulk("1")],
      [["SETEX", "k", "10", "v"], OK],
      [["PSETEX", "p", "1500", "w"], OK],
      [["SETEX", "k", "0", "v"], "-ERR invalid expire time in 'setex' command\r\n"],
      [["PSETEX", "k", "-5", "v"], "-ERR invalid expire time in 'psetex' command\r\n"],
      [["SETEX", "k", "x", "v"], NOT_INTEGER],
      [["SETEX", "k", "10"], "-ERR wrong number of arguments for 'setex' command\r\n"],
      [["SETNX", "k"], "-ERR wrong number of arguments for 'setnx' command\r\n"],
    ]);
    assertEquals(expireOf(rift, "k"), T0 + 10_000);
    assertEquals(expireOf(rift, "p"), T0 + 1500);
    clock.advance(1501);
    assertEquals(await c.raw("GET", "p"), NIL);
    assertEquals(await c.raw("SETNX", "p", "again"), int(1));
    assertEquals(expireOf(rift, "p"), 0);
  }, { clock });
});

Deno.test("strings: GETEX sets, changes and removes the expiry", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("SET", "k", "v");
    await expectReplies(c, [
      [["GETEX", "k"], bulk("v")],
      [["GETEX", "k", "EX", "10"], bulk("v")],
    ]);
    assertEquals(expireOf(rift, "k"), T0 + 10_000);
    assertEquals(await c.raw("GETEX", "k", "PX", "500"), bulk("v"));
    assertEquals(expireOf(rift, "k"), T0 + 500);
    assertEquals(await c.raw("GETEX", "k", "EXAT", String(T0 / 1000 + 30)), bulk("v"));
    assertEquals(expireOf(rift, "k"), T0 + 30_000);
    assertEquals(await c.raw("GETEX", "k", "PXAT", String(T0 + 40)), bulk("v"));
    assertEquals(expireOf(rift, "k"), T0 + 40);
    assertEquals(await c.raw("GETEX", "k", "PERSIST"), bulk("v"));
    assertEquals(expireOf(rift, "k"), 0);
    // A past absolute time returns the value and deletes the key.
    assertEquals(await c.raw("GETEX", "k", "PXAT", String(T0 - 1)), bulk("v"));
    assertEquals(await c.raw("EXISTS", "k"), int(0));
    await expectReplies(c, [
      [["GETEX", "missing", "EX", "10"], NIL],
      // The expire value is only checked once the key is found.
      [["GETEX", "missing", "EX", "0"], NIL],
      [["SET", "k", "v"], OK],
      [["GETEX", "k", "EX", "0"], "-ERR invalid expire time in 'getex' command\r\n"],
      [["GETEX", "k", "EX", "-1"], "-ERR invalid expire time in 'getex' command\r\n"],
      [["GETEX", "k", "EX", "x"], NOT_INTEGER],
      [["GETEX", "k", "EX", "1", "PERSIST"], SYNTAX],
      [["GETEX", "k", "PERSIST", "PX", "1"], SYNTAX],
      [["GETEX", "k", "KEEPTTL"], SYNTAX],
      [["GETEX", "k", "NX"], SYNTAX],
      [["GETEX", "k", "EX"], SYNTAX],
      [["GETEX", "missing", "junk"], SYNTAX],
      [["GETEX"], "-ERR wrong number of arguments for 'getex' command\r\n"],
    ]);
    clock.advance(1);
    assertEquals(await c.raw("GETEX", "k", "PX", "1"), bulk("v"));
    clock.advance(2);
    assertEquals(await c.raw("GETEX", "k"), NIL);
  }, { clock });
});

Deno.test("strings: GETDEL, GETSET and MGET", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("SET", "k", "v", "EX", "100");
    await expectReplies(c, [
      [["GETSET", "k", "w"], bulk("v")],
      [["GETSET", "new", "x"], NIL],
      [["GET", "new"], bulk("x")],
    ]);
    assertEquals(expireOf(rift, "k"), 0);
    await expectReplies(c, [
      [["GETDEL", "k"], bulk("w")],
      [["GETDEL", "k"], NIL],
      [["EXISTS", "k"], int(0)],
      [["MSET", "a", "1", "b", ""], OK],
      [["MGET", "a", "b", "missing", "a"], "*4\r\n$1\r\n1\r\n$0\r\n\r\n$-1\r\n$1\r\n1\r\n"],
      [["MGET"], "-ERR wrong number of arguments for 'mget' command\r\n"],
    ]);
    makeList(rift, "list");
    assertEquals(await c.raw("MGET", "a", "list"), "*2\r\n$1\r\n1\r\n$-1\r\n");
  }, { clock });
});

Deno.test("strings: MSET and MSETNX", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const arity = (name: string) => `-ERR wrong number of arguments for '${name}' command\r\n`;
    await expectReplies(c, [
      [["MSET", "a", "1", "a", "2", "b", "3"], OK],
      [["MGET", "a", "b"], "*2\r\n$1\r\n2\r\n$1\r\n3\r\n"],
      [["MSET", "a"], arity("mset")],
      [["MSET", "a", "1", "b"], arity("mset")],
      [["MSETNX", "a", "1", "b"], arity("msetnx")],
      [["MSETNX", "x", "1", "a", "9"], int(0)],
      [["EXISTS", "x"], int(0)],
      [["MSETNX", "x", "1", "y", "2"], int(1)],
      [["MGET", "x", "y"], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"],
    ]);
    makeList(rift, "list");
    assertEquals(await c.raw("MSETNX", "z", "1", "list", "2"), int(0));
    assertEquals(await c.raw("MSET", "list", "now a string"), OK);
    assertEquals(await c.raw("GET", "list"), bulk("now a string"));
  });
});

Deno.test("strings: APPEND and STRLEN", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectReplies(c, [
      [["APPEND", "k", "hello"], int(5)],
      [["APPEND", "k", " world"], int(11)],
      [["GET", "k"], bulk("hello world")],
      [["STRLEN", "k"], int(11)],
      [["STRLEN", "missing"], int(0)],
      [["APPEND", "k", ""], int(11)],
      [["APPEND", "e", ""], int(0)],
      [["EXISTS", "e"], int(1)],
      [["STRLEN", "k", "x"], "-ERR wrong number of arguments for 'strlen' command\r\n"],
    ]);
    assertEquals(await c.raw("APPEND", "b", Uint8Array.of(0, 13, 10)), int(3));
    assertEquals(await c.raw("APPEND", "b", Uint8Array.of(255)), int(4));
    assertEquals(await c.raw("GET", "b"), "$4\r\n\u0000\r\n\u00ff\r\n");
    // A new key stores the argument as SET would; appending makes it raw.
    await c.call("APPEND", "n", "12");
    assertEquals(isRaw(rift, "n"), false);
    await c.call("APPEND", "n", "3");
    assertEquals(isRaw(rift, "n"), true);
    assertEquals(await c.raw("INCR", "n"), int(124));
    assertEquals(isRaw(rift, "n"), false);
  });
});

Deno.test("strings: APPEND in a loop grows the value geometrically", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const chunk = new Uint8Array(100).fill(97);
    const appends = 20_000;
    const db = rift.server.db(0);
    const buffers = new Set<ArrayBufferLike>();
    // Pipelined in batches; count the distinct buffers the value lived in.
    for (let i = 0; i < appends; i += 500) {
      for (let j = 0; j < 500; j++) await c.send("APPEND", "log", chunk);
      for (let j = 0; j < 500; j++) await c.read();
      buffers.add(db.stringView(db.find(utf8("log"))).buffer);
    }
    assertEquals(await c.raw("STRLEN", "log"), int(appends * 100));
    // 2 MB built from 100-byte pieces: a handful of reallocations, not thousands.
    assertTrue(buffers.size <= 12, `buffers: ${buffers.size}`);
    const { reply } = await c.send("GETRANGE", "log", "1999990", "-1").then(() => c.read());
    assertTrue(reply.type === "bulk" && reply.value.length === 10);
  });
});

Deno.test("strings: GETRANGE and SUBSTR", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("SET", "k", "This is a string");
    await expectReplies(c, [
      [["GETRANGE", "k", "0", "3"], bulk("This")],
      [["GETRANGE", "k", "-3", "-1"], bulk("ing")],
      [["GETRANGE", "k", "0", "-1"], bulk("This is a string")],
      [["GETRANGE", "k", "10", "100"], bulk("string")],
      [["GETRANGE", "k", "5", "3"], bulk("")],
      [["GETRANGE", "k", "-1", "-5"], bulk("")],
      [["GETRANGE", "k", "-100", "-200"], bulk("")],
      [["GETRANGE", "k", "-200", "-100"], bulk("T")],
      [["GETRANGE", "k", "-100", "2"], bulk("Thi")],
      [["GETRANGE", "k", "100", "200"], bulk("")],
      [["GETRANGE", "k", "9223372036854775807", "-9223372036854775808"], bulk("")],
      // Exact comparison beyond 2^53: start > end, both negative.
      [["GETRANGE", "k", "-9223372036854775807", "-9223372036854775808"], bulk("")],
      [["GETRANGE", "k", "-9223372036854775808", "-9223372036854775807"], bulk("T")],
      [["GETRANGE", "missing", "0", "-1"], bulk("")],
      [["GETRANGE", "k", "x", "1"], NOT_INTEGER],
      [["GETRANGE", "missing", "0", "9223372036854775808"], NOT_INTEGER],
      [["SUBSTR", "k", "0", "3"], bulk("This")],
      [["SUBSTR", "k", "0"], "-ERR wrong number of arguments for 'substr' command\r\n"],
      [["SET", "e", ""], OK],
      [["GETRANGE", "e", "0", "-1"], bulk("")],
    ]);
    const big = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    await c.call("SET", "big", big);
    const { reply } = await c.send("GETRANGE", "big", "4000000", "4000009").then(() => c.read());
    assertTrue(reply.type === "bulk");
    assertEquals([...reply.value], [...big.subarray(4_000_000, 4_000_010)]);
  });
});

Deno.test("strings: SETRANGE pads, overwrites and checks its limits", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectReplies(c, [
      [["SET", "k", "Hello World"], OK],
      [["SETRANGE", "k", "6", "Redis"], int(11)],
      [["GET", "k"], bulk("Hello Redis")],
      [["SETRANGE", "pad", "5", "x"], int(6)],
      [["GET", "pad"], "$6\r\n\u0000\u0000\u0000\u0000\u0000x\r\n"],
      [["SETRANGE", "missing", "5", ""], int(0)],
      [["EXISTS", "missing"], int(0)],
      [["SETRANGE", "k", "100", ""], int(11)],
      [["SETRANGE", "k", "-1", "x"], "-ERR offset is out of range\r\n"],
      [["SETRANGE", "k", "x", "x"], NOT_INTEGER],
      [
        ["SETRANGE", "k", "536870912", "x"],
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
      ],
      [
        ["SETRANGE", "k", "9223372036854775807", "x"],
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
      ],
    ]);
    assertEquals(isRaw(rift, "k"), true);
    assertEquals(isRaw(rift, "pad"), true);
    // Growing past the store's inline limit and far beyond.
    assertEquals(await c.raw("SETRANGE", "pad", "4100", "y"), int(4101));
    assertEquals(await c.raw("SETRANGE", "pad", String(4 * 1024 * 1024), "z"), int(4194305));
    assertEquals(await c.raw("GETRANGE", "pad", "4099", "4101"), "$3\r\n\u0000y\u0000\r\n");
    assertEquals(await c.raw("GETRANGE", "pad", "-2", "-1"), "$2\r\n\u0000z\r\n");
  });
});

Deno.test("strings: proto-max-bulk-len bounds APPEND and SETRANGE", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const tooLong = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    assertEquals(await c.raw("CONFIG", "SET", "proto-max-bulk-len", "1048576"), OK);
    assertEquals(await c.raw("SETRANGE", "k", "1048575", "x"), int(1048576));
    assertEquals(await c.raw("APPEND", "k", "y"), tooLong);
    assertEquals(await c.raw("SETRANGE", "k", "1048576", "x"), tooLong);
    assertEquals(await c.raw("SETRANGE", "new", "1048575", "xy"), tooLong);
    assertEquals(await c.raw("STRLEN", "k"), int(1048576));
  });
});

Deno.test("strings: INCR, DECR, INCRBY, DECRBY", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectReplies(c, [
      [["INCR", "n"], int(1)],
      [["INCRBY", "n", "41"], int(42)],
      [["DECR", "n"], int(41)],
      [["DECRBY", "n", "50"], int(-9)],
      [["DECRBY", "n", "-9"], int(0)],
      [["INCRBY", "n", "-9223372036854775808"], int(-9223372036854775808n)],
      [["DECR", "n"], "-ERR increment or decrement would overflow\r\n"],
      [["GET", "n"], bulk("-9223372036854775808")],
      [["SET", "n", "9223372036854775806"], OK],
      [["INCR", "n"], int(9223372036854775807n)],
      [["INCR", "n"], "-ERR increment or decrement would overflow\r\n"],
      [["DECRBY", "x", "-9223372036854775808"], "-ERR decrement would overflow\r\n"],
      [["INCRBY", "x", "9223372036854775808"], NOT_INTEGER],
      [["INCRBY", "x", "1.5"], NOT_INTEGER],
      [["INCRBY", "x", ""], NOT_INTEGER],
      [["SET", "s", "abc"], OK],
      [["INCR", "s"], NOT_INTEGER],
      [["SET", "s", " 1"], OK],
      [["INCR", "s"], NOT_INTEGER],
      [["SET", "s", "01"], OK],
      [["INCR", "s"], NOT_INTEGER],
      [["SET", "s", "-0"], OK],
      [["DECR", "s"], NOT_INTEGER],
      [["INCR", "a", "b"], "-ERR wrong number of arguments for 'incr' command\r\n"],
    ]);
    // Exact beyond 2^53, where doubles would round.
    await c.call("SET", "big", "9007199254740993");
    assertEquals(await c.raw("INCR", "big"), int(9007199254740994n));
    assertEquals(await c.raw("INCRBY", "big", "9007199254740993"), int(18014398509481987n));
    assertEquals(await c.raw("GET", "big"), bulk("18014398509481987"));
    assertEquals(await c.raw("DECRBY", "big", "18014398509481988"), int(-1));
    // The TTL survives.
    await c.call("SET", "t", "5", "EX", "100");
    assertEquals(await c.raw("INCRBY", "t", "5"), int(10));
    assertEquals(expireOf(rift, "t"), T0 + 100_000);
  }, { clock });
});

Deno.test("strings: INCRBYFLOAT in long double precision", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    const notFloat = "-ERR value is not a valid float\r\n";
    const nanOrInf = "-ERR increment would produce NaN or Infinity\r\n";
    await expectReplies(c, [
      [["SET", "f", "10.5"], OK],
      [["INCRBYFLOAT", "f", "0.1"], bulk("10.6")],
      [["INCRBYFLOAT", "f", "-5.6"], bulk("5")],
      [["INCRBYFLOAT", "f", "5.0e3"], bulk("5005")],
      [["INCRBYFLOAT", "new", "3.0e-3"], bulk("0.003")],
      [["INCRBYFLOAT", "new", "-0.003"], bulk("0")],
      [["INCRBYFLOAT", "h", "0x10"], bulk("16")],
      [["INCRBYFLOAT", "f", "inf"], nanOrInf],
      [["INCRBYFLOAT", "f", "1.0e5000"], notFloat],
      [["INCRBYFLOAT", "f", "nan"], notFloat],
      [["INCRBYFLOAT", "f", " 1"], notFloat],
      [["INCRBYFLOAT", "f", "1 "], notFloat],
      [["INCRBYFLOAT", "f", ""], notFloat],
      [["SET", "s", "abc"], OK],
      [["INCRBYFLOAT", "s", "1"], notFloat],
      [["SET", "s", "inf"], OK],
      [["INCRBYFLOAT", "s", "1"], nanOrInf],
      [["GET", "f"], bulk("5005")],
    ]);
    const big = await c.value("INCRBYFLOAT", "e", "1.0e400");
    assertEquals(String(big).length, 401);
    // The TTL survives and the command is propagated as SET ... KEEPTTL.
    const log = recordPropagation(rift);
    await c.call("SET", "t", "1", "PX", "5000");
    assertEquals(await c.raw("INCRBYFLOAT", "t", "0.5"), bulk("1.5"));
    assertEquals(expireOf(rift, "t"), T0 + 5000);
    assertEquals(log, [`SET t 1 PXAT ${T0 + 5000}`, "SET t 1.5 KEEPTTL"]);
  }, { clock });
});

Deno.test("strings: LCS with LEN, IDX, MINMATCHLEN and WITHMATCHLEN", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("MSET", "key1", "ohmytext", "key2", "mynewtext");
    const match = (a: number, b: number, c: number, d: number) =>
      `*2\r\n*2\r\n:${a}\r\n:${b}\r\n*2\r\n:${c}\r\n:${d}\r\n`;
    const matches = `*2\r\n${match(4, 7, 5, 8)}${match(2, 3, 0, 1)}`;
    await expectReplies(c, [
      [["LCS", "key1", "key2"], bulk("mytext")],
      [["LCS", "key1", "key2", "LEN"], int(6)],
      [["LCS", "key1", "key2", "IDX"], `*4\r\n$7\r\nmatches\r\n${matches}$3\r\nlen\r\n:6\r\n`],
      [
        ["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
        "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
      ],
      [["LCS", "key1", "missing"], bulk("")],
      [["LCS", "missing", "missing", "IDX"], "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n"],
      [
        ["LCS", "key1", "key2", "LEN", "IDX"],
        "-ERR If you want both the length and indexes, please just use IDX.\r\n",
      ],
      [["LCS", "key1", "key2", "MINMATCHLEN"], SYNTAX],
      [["LCS", "key1", "key2", "MINMATCHLEN", "x"], NOT_INTEGER],
      [["LCS", "key1", "key2", "FOO"], SYNTAX],
      [["LCS", "key1"], "-ERR wrong number of arguments for 'lcs' command\r\n"],
    ]);
    makeList(rift, "list");
    assertEquals(
      await c.raw("LCS", "key1", "list", "FOO"),
      "-ERR The specified keys must contain string values\r\n",
    );
    await c.call("HELLO", 3);
    assertEquals(
      await c.raw("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"),
      "%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
    );
    // The transient table is bounded by proto-max-bulk-len, as in Redis.
    await c.call("CONFIG", "SET", "proto-max-bulk-len", "1048576");
    await c.call("SET", "a", "x".repeat(600));
    assertEquals(
      await c.raw("LCS", "a", "a", "LEN"),
      "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n",
    );
  });
});

Deno.test("strings: every command answers WRONGTYPE on a list", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    makeList(rift, "l");
    const commands: string[][] = [
      ["GET", "l"],
      ["SET", "l", "v", "GET"],
      ["GETSET", "l", "v"],
      ["GETDEL", "l"],
      ["GETEX", "l", "EX", "10"],
      ["APPEND", "l", "v"],
      ["STRLEN", "l"],
      ["GETRANGE", "l", "0", "1"],
      ["SUBSTR", "l", "0", "1"],
      ["SETRANGE", "l", "0", "v"],
      ["SETRANGE", "l", "0", ""],
      ["INCR", "l"],
      ["DECR", "l"],
      ["INCRBY", "l", "1"],
      ["DECRBY", "l", "1"],
      ["INCRBYFLOAT", "l", "1"],
    ];
    for (const args of commands) assertEquals(await c.raw(...args), WRONGTYPE, args.join(" "));
    assertEquals(await c.raw("TYPE", "l"), "+list\r\n");
    // Whole replacements do not care about the old type.
    assertEquals(await c.raw("SET", "l", "v"), OK);
    assertEquals(await c.raw("TYPE", "l"), "+string\r\n");
    makeList(rift, "l");
    assertEquals(await c.raw("SETNX", "l", "v"), int(0));
    assertEquals(await c.raw("SETEX", "l", "10", "v"), OK);
  });
});

Deno.test("strings: keyspace events carry Redis's names", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const events = await recordEvents(rift, c);
    const expect = async (args: string[], names: string[]) => {
      const seen = await events.during(() => c.call(...args));
      const keyevents = seen.filter((e) => e.startsWith("__keyevent")).map((e) =>
        e.slice("__keyevent@0__:".length)
      );
      assertEquals(keyevents, names, args.join(" "));
      // Every keyevent has its keyspace twin.
      assertEquals(seen.length, names.length * 2, args.join(" "));
    };
    await expect(["SET", "k", "1"], ["set k"]);
    await expect(["SET", "k", "1", "EX", "100"], ["set k", "expire k"]);
    await expect(["SET", "k", "2", "NX"], []);
    await expect(["SETEX", "k", "10", "v"], ["set k", "expire k"]);
    await expect(["SETNX", "n", "1"], ["set n"]);
    await expect(["MSET", "a", "1", "b", "2"], ["set a", "set b"]);
    await expect(["MSETNX", "a", "1", "c", "2"], []);
    await expect(["GETSET", "k", "x"], ["set k"]);
    await expect(["INCR", "n"], ["incrby n"]);
    await expect(["DECRBY", "n", "5"], ["incrby n"]);
    await expect(["INCRBY", "n", "x"], []);
    await expect(["INCRBYFLOAT", "n", "1.5"], ["incrbyfloat n"]);
    await expect(["APPEND", "k", "y"], ["append k"]);
    await expect(["APPEND", "k", ""], ["append k"]);
    await expect(["SETRANGE", "k", "1", "z"], ["setrange k"]);
    await expect(["SETRANGE", "k", "1", ""], []);
    await expect(["GETEX", "k"], []);
    await expect(["GETEX", "k", "PX", "100000"], ["expire k"]);
    await expect(["GETEX", "k", "PERSIST"], ["persist k"]);
    await expect(["GETEX", "k", "PERSIST"], []);
    await expect(["GETEX", "k", "PXAT", "1"], ["del k"]);
    await expect(["GETDEL", "a"], ["del a"]);
    await expect(["GETDEL", "a"], []);
    await expect(["GET", "b"], []);
  }, { config: { "notify-keyspace-events": "KEA" } });
});

Deno.test("strings: propagation rewrites relative expiries and GET forms", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    const log = recordPropagation(rift);
    await c.call("SET", "k", "v", "EX", "10");
    await c.call("SET", "k", "v", "PX", "20", "NX");
    await c.call("SET", "k", "v", "XX", "EXAT", "1800000000");
    await c.call("SET", "k", "v", "GET", "KEEPTTL");
    await c.call("SET", "k", "w", "GET", "PXAT", String(T0 + 9));
    await c.call("SETEX", "k", "5", "v");
    await c.call("PSETEX", "k", "5", "v");
    await c.call("GETEX", "k", "EX", "7");
    await c.call("GETEX", "k", "PERSIST");
    await c.call("GETSET", "k", "x");
    await c.call("GETDEL", "k");
    await c.call("SET", "big", "v", "PX", "9223372036854775000");
    assertEquals(log, [
      `SET k v PXAT ${T0 + 10_000}`,
      `SET k v PXAT 1800000000000`,
      "SET k v KEEPTTL",
      `SET k w PXAT ${T0 + 9}`,
      `SET k v PXAT ${T0 + 5000}`,
      `SET k v PXAT ${T0 + 5}`,
      `PEXPIREAT k ${T0 + 7000}`,
      "PERSIST k",
      "SET k x",
      "DEL k",
    ]);
    // An expiry beyond 2^53 ms overflows 64 bits when added to now: rejected, not rounded.
    assertEquals(
      await c.raw("SET", "big", "v", "PX", "9223372036854775000"),
      "-ERR invalid expire time in 'set' command\r\n",
    );
    await c.call("SET", "huge", "v", "PX", "9000000000000000000");
    assertEquals(log[log.length - 1], `SET huge v PXAT ${9000000000000000000n + BigInt(T0)}`);
  }, { clock });
});

Deno.test("GETDEL propagates UNLINK when lazyfree-lazy-user-del is on, like Redis", async () => {
  // Found by the mixed fuzzer's propagation check: Rift always propagated DEL.
  for (const lazy of ["yes", "no"]) {
    await withObservedPair(async (p) => {
      await p.same("SET", "k", "v");
      await p.same("GETDEL", "k");
      await p.same("GETDEL", "k");
    }, { "lazyfree-lazy-user-del": lazy });
  }
});
