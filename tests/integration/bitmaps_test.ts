/**
 * Bitmap commands over TCP against an embedded Rift: SETBIT, GETBIT,
 * BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO with every option,
 * errors, limits, events and propagation, plus a model-based random test.
 * (Byte-for-byte agreement with redis-server is in
 * strings_differential_test.ts.)
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { RespClient } from "../helpers/client.ts";
import { type TestRift, withRift } from "../helpers/server.ts";
import { makeList, recordEvents, recordPropagation } from "../helpers/strings_support.ts";
import { Prng } from "../helpers/strings_random.ts";
import { ManualClock } from "../../src/mod.ts";
import { utf8 } from "../../src/util/bytes.ts";

const OK = "+OK\r\n";
const NIL = "$-1\r\n";
const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
const SYNTAX = "-ERR syntax error\r\n";
const BAD_OFFSET = "-ERR bit offset is not an integer or out of range\r\n";
const BAD_TYPE =
  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n";

function int(n: number | bigint): string {
  return `:${n}\r\n`;
}

function ints(...values: (number | bigint | null)[]): string {
  return `*${values.length}\r\n` + values.map((v) => (v === null ? NIL : int(v))).join("");
}

function latin1(bytes: number[]): string {
  return String.fromCharCode(...bytes);
}

async function expectReplies(c: RespClient, cases: [(string | Uint8Array)[], string][]) {
  for (const [args, expected] of cases) {
    assertEquals(await c.raw(...args), expected, args.join(" "));
  }
}

function isRaw(rift: TestRift, key: string): boolean {
  const db = rift.server.db(0);
  return db.isRawString(db.find(utf8(key)));
}

Deno.test("bitmaps: SETBIT and GETBIT", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const badBit = "-ERR bit is not an integer or out of range\r\n";
    await expectReplies(c, [
      [["SETBIT", "k", "7", "1"], int(0)],
      [["SETBIT", "k", "7", "1"], int(1)],
      [["GETBIT", "k", "7"], int(1)],
      [["GETBIT", "k", "6"], int(0)],
      [["GETBIT", "k", "100"], int(0)],
      [["GET", "k"], "$1\r\n\u0001\r\n"],
      [["SETBIT", "k", "7", "0"], int(1)],
      [["SETBIT", "k", "17", "1"], int(0)],
      [["GET", "k"], "$3\r\n\u0000\u0000\u0040\r\n"],
      [["GETBIT", "missing", "0"], int(0)],
      [["SETBIT", "k", "-1", "1"], BAD_OFFSET],
      [["SETBIT", "k", "x", "1"], BAD_OFFSET],
      [["SETBIT", "k", "4294967296", "1"], BAD_OFFSET],
      [["GETBIT", "k", "4294967296"], BAD_OFFSET],
      [["GETBIT", "k", "4294967295"], int(0)],
      [["SETBIT", "k", "1", "2"], badBit],
      [["SETBIT", "k", "1", "-1"], badBit],
      [["SETBIT", "k", "1", "x"], badBit],
      [["SETBIT", "k", "x", "2"], BAD_OFFSET],
      [["SETBIT", "k", "1"], "-ERR wrong number of arguments for 'setbit' command\r\n"],
      [["GETBIT", "k"], "-ERR wrong number of arguments for 'getbit' command\r\n"],
    ]);
    assertTrue(isRaw(rift, "k"));
    // Bits of a value set by SET, and growth past the store's inline limit.
    await c.call("SET", "s", "a");
    assertEquals(await c.raw("GETBIT", "s", "1"), int(1));
    assertEquals(await c.raw("SETBIT", "s", "40000", "1"), int(0));
    assertEquals(await c.raw("STRLEN", "s"), int(5001));
    assertEquals(await c.raw("GETRANGE", "s", "0", "0"), "$1\r\na\r\n");
    assertEquals(await c.raw("BITCOUNT", "s"), int(4));
    // The offset limit follows proto-max-bulk-len.
    await c.call("CONFIG", "SET", "proto-max-bulk-len", "1048576");
    assertEquals(await c.raw("SETBIT", "m", "8388608", "1"), BAD_OFFSET);
    assertEquals(await c.raw("SETBIT", "m", "8388607", "1"), int(0));
    assertEquals(await c.raw("STRLEN", "m"), int(1048576));
  });
});

Deno.test("bitmaps: BITCOUNT with BYTE and BIT ranges", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("SET", "k", "foobar");
    await expectReplies(c, [
      [["BITCOUNT", "k"], int(26)],
      [["BITCOUNT", "k", "0", "0"], int(4)],
      [["BITCOUNT", "k", "1", "1"], int(6)],
      [["BITCOUNT", "k", "1", "1", "BYTE"], int(6)],
      [["BITCOUNT", "k", "5", "30", "BIT"], int(17)],
      [["BITCOUNT", "k", "5", "30", "bit"], int(17)],
      [["BITCOUNT", "k", "0", "-1"], int(26)],
      [["BITCOUNT", "k", "-2", "-1"], int(7)],
      [["BITCOUNT", "k", "-1", "-2"], int(0)],
      [["BITCOUNT", "k", "-100", "-200"], int(0)],
      [["BITCOUNT", "k", "-200", "-100"], int(4)],
      [["BITCOUNT", "k", "3", "100"], int(10)],
      [["BITCOUNT", "k", "1", "1", "BIT"], int(1)],
      [["BITCOUNT", "k", "-3", "-1", "BIT"], int(1)],
      [["BITCOUNT", "k", "47", "47", "BIT"], int(0)],
      [["BITCOUNT", "k", "40", "100", "BIT"], int(4)],
      [["BITCOUNT", "k", "1"], SYNTAX],
      [["BITCOUNT", "k", "1", "2", "BITS"], SYNTAX],
      [["BITCOUNT", "k", "1", "2", "BIT", "x"], SYNTAX],
      [["BITCOUNT", "k", "x", "2"], NOT_INTEGER],
      // Checked before the unit: an empty negative range is 0 whatever follows.
      [["BITCOUNT", "k", "-1", "-5", "junk"], int(0)],
      // A missing key is 0 before any argument is looked at.
      [["BITCOUNT", "missing", "x"], int(0)],
      [["BITCOUNT", "missing", "1", "2", "junk"], int(0)],
      [["BITCOUNT"], "-ERR wrong number of arguments for 'bitcount' command\r\n"],
    ]);
    // Word-at-a-time counting over a large unaligned value.
    const big = new Prng(3).bytes(100_003);
    let expected = 0;
    for (const b of big) for (let v = b; v; v >>= 1) expected += v & 1;
    await c.call("SET", "big", big);
    assertEquals(await c.raw("BITCOUNT", "big"), int(expected));
    let middle = 0;
    for (const b of big.subarray(1, 99_999)) for (let v = b; v; v >>= 1) middle += v & 1;
    assertEquals(await c.raw("BITCOUNT", "big", "1", "99998"), int(middle));
  });
});

Deno.test("bitmaps: BITPOS with BYTE and BIT ranges", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const set = (bytes: number[]) => c.call("SET", "k", Uint8Array.from(bytes));
    await set([0xff, 0xf0, 0x00]);
    assertEquals(await c.raw("BITPOS", "k", "0"), int(12));
    await set([0x00, 0xff, 0xf0]);
    await expectReplies(c, [
      [["BITPOS", "k", "1", "0"], int(8)],
      [["BITPOS", "k", "1", "2"], int(16)],
      [["BITPOS", "k", "1", "2", "-1", "BYTE"], int(16)],
      [["BITPOS", "k", "1", "7", "15", "BIT"], int(8)],
      [["BITPOS", "k", "1", "7", "-3", "BIT"], int(8)],
      [["BITPOS", "k", "0", "8", "-1", "bit"], int(20)],
      [["BITPOS", "k", "1", "-1"], int(16)],
      [["BITPOS", "k", "1", "5", "3"], int(-1)],
    ]);
    await set([0, 0, 0]);
    await expectReplies(c, [
      [["BITPOS", "k", "1"], int(-1)],
      [["BITPOS", "k", "1", "7", "-3", "BIT"], int(-1)],
      [["BITPOS", "k", "0"], int(0)],
    ]);
    // Looking for a clear bit in all ones: past the end, unless the end was given.
    await set([0xff, 0xff]);
    await expectReplies(c, [
      [["BITPOS", "k", "0"], int(16)],
      [["BITPOS", "k", "0", "1"], int(16)],
      [["BITPOS", "k", "0", "0", "-1"], int(-1)],
      // With five arguments the fourth is the end, never a unit.
      [["BITPOS", "k", "0", "3", "BIT"], NOT_INTEGER],
      [["BITPOS", "k", "0", "3", "12", "BIT"], int(-1)],
      [["BITPOS", "missing", "0"], int(0)],
      [["BITPOS", "missing", "1", "x"], int(-1)],
      [["BITPOS", "k", "2"], "-ERR The bit argument must be 1 or 0.\r\n"],
      [["BITPOS", "missing", "2"], "-ERR The bit argument must be 1 or 0.\r\n"],
      [["BITPOS", "k", "x"], NOT_INTEGER],
      [["BITPOS", "k", "1", "x"], NOT_INTEGER],
      [["BITPOS", "k", "1", "0", "x"], NOT_INTEGER],
      // The unit is parsed before the end.
      [["BITPOS", "k", "1", "0", "x", "BITS"], SYNTAX],
      [["BITPOS", "k", "1", "0", "1", "BIT", "x"], SYNTAX],
      [["SET", "e", ""], OK],
      [["BITPOS", "e", "0"], int(-1)],
      [["BITPOS", "e", "1"], int(-1)],
    ]);
    // A set bit deep inside a long run of zeros.
    const long = new Uint8Array(200_000);
    long[150_000] = 0x08;
    await c.call("SET", "long", long);
    assertEquals(await c.raw("BITPOS", "long", "1"), int(150_000 * 8 + 4));
    assertEquals(await c.raw("BITPOS", "long", "1", "150001"), int(-1));
  });
});

Deno.test("bitmaps: BITOP AND, OR, XOR, NOT", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("MSET", "key1", "foobar", "key2", "abcdef");
    await expectReplies(c, [
      [["BITOP", "AND", "dest", "key1", "key2"], int(6)],
      [["GET", "dest"], "$6\r\n`bc`ab\r\n"],
      [["BITOP", "OR", "dest", "key1", "key2"], int(6)],
      [["GET", "dest"], "$6\r\ngoofev\r\n"],
      [["BITOP", "XOR", "dest", "key1", "key2"], int(6)],
      [["GET", "dest"], `$6\r\n${latin1([7, 13, 12, 6, 4, 20])}\r\n`],
      [["BITOP", "NOT", "dest", "key1"], int(6)],
      [["GET", "dest"], `$6\r\n${latin1([0x99, 0x90, 0x90, 0x9d, 0x9e, 0x8d])}\r\n`],
    ]);
    assertTrue(isRaw(rift, "dest"));
    // Shorter and missing sources read as zeros.
    await c.call("SET", "short", Uint8Array.of(0xff));
    await c.call("SET", "long", Uint8Array.of(0x0f, 0xf0, 0xaa));
    await expectReplies(c, [
      [["BITOP", "AND", "d", "long", "short"], int(3)],
      [["GET", "d"], `$3\r\n${latin1([0x0f, 0, 0])}\r\n`],
      [["BITOP", "OR", "d", "short", "long", "missing"], int(3)],
      [["GET", "d"], `$3\r\n${latin1([0xff, 0xf0, 0xaa])}\r\n`],
      [["BITOP", "XOR", "d", "long", "long", "short"], int(3)],
      [["GET", "d"], `$3\r\n${latin1([0xff, 0, 0])}\r\n`],
      [["BITOP", "AND", "d", "long", "missing"], int(3)],
      [["GET", "d"], `$3\r\n${latin1([0, 0, 0])}\r\n`],
      [["BITOP", "NOT", "d", "missing"], int(0)],
      [["EXISTS", "d"], int(0)],
      [["BITOP", "NOT", "d", "missing"], int(0)],
      [
        ["BITOP", "NOT", "d", "a", "b"],
        "-ERR BITOP NOT must be called with a single source key.\r\n",
      ],
      [["BITOP", "NAND", "d", "a"], SYNTAX],
      [["BITOP", "AND", "d"], "-ERR wrong number of arguments for 'bitop' command\r\n"],
    ]);
    // The destination is replaced whole: any type, its TTL gone.
    await c.call("SET", "d", "x", "EX", "100");
    assertEquals(await c.raw("BITOP", "OR", "d", "short"), int(1));
    const db = rift.server.db(0);
    assertEquals(db.getExpire(db.find(utf8("d"))), 0);
    makeList(rift, "list");
    assertEquals(await c.raw("BITOP", "OR", "list", "short"), int(1));
    assertEquals(await c.raw("TYPE", "list"), "+string\r\n");
    makeList(rift, "list");
    assertEquals(await c.raw("BITOP", "OR", "d", "short", "list"), WRONGTYPE);
    // An empty result deletes a destination whose expiry has passed, as Redis's dbDelete does.
    await c.call("SET", "gone", "x", "PX", "10");
    clock.advance(20);
    assertEquals(await c.raw("BITOP", "AND", "gone", "missing"), int(0));
    assertEquals(await c.raw("EXISTS", "gone"), int(0));
  }, { clock });
});

Deno.test("bitmaps: BITFIELD GET, SET, INCRBY with every overflow mode", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectReplies(c, [
      [["BITFIELD", "k", "INCRBY", "i5", "100", "1", "GET", "u4", "0"], ints(1, 0)],
      [
        [
          "BITFIELD",
          "m",
          "INCRBY",
          "u2",
          "100",
          "1",
          "OVERFLOW",
          "SAT",
          "INCRBY",
          "u2",
          "102",
          "1",
        ],
        ints(1, 1),
      ],
      [
        [
          "BITFIELD",
          "m",
          "INCRBY",
          "u2",
          "100",
          "1",
          "OVERFLOW",
          "SAT",
          "INCRBY",
          "u2",
          "102",
          "1",
        ],
        ints(2, 2),
      ],
      [
        [
          "BITFIELD",
          "m",
          "INCRBY",
          "u2",
          "100",
          "1",
          "OVERFLOW",
          "SAT",
          "INCRBY",
          "u2",
          "102",
          "1",
        ],
        ints(3, 3),
      ],
      [
        [
          "BITFIELD",
          "m",
          "INCRBY",
          "u2",
          "100",
          "1",
          "OVERFLOW",
          "SAT",
          "INCRBY",
          "u2",
          "102",
          "1",
        ],
        ints(0, 3),
      ],
      [["BITFIELD", "m", "OVERFLOW", "FAIL", "INCRBY", "u2", "102", "1"], ints(null)],
      [
        ["BITFIELD", "m", "OVERFLOW", "FAIL", "INCRBY", "u2", "102", "-3", "GET", "u2", "102"],
        ints(0, 0),
      ],
      // SET returns the old value; WRAP is two's complement.
      [
        ["BITFIELD", "s", "SET", "i8", "0", "200", "GET", "i8", "0", "GET", "u8", "0"],
        ints(0, -56, 200),
      ],
      [
        ["BITFIELD", "s", "OVERFLOW", "SAT", "SET", "i8", "0", "200", "GET", "i8", "0"],
        ints(-56, 127),
      ],
      [
        ["BITFIELD", "s", "OVERFLOW", "SAT", "SET", "i8", "0", "-200", "GET", "i8", "0"],
        ints(127, -128),
      ],
      [
        ["BITFIELD", "s", "OVERFLOW", "FAIL", "SET", "i8", "0", "128", "SET", "i8", "0", "127"],
        ints(null, -128),
      ],
      // A negative SET on an unsigned field is the 64-bit pattern: it saturates high.
      [
        ["BITFIELD", "s", "OVERFLOW", "SAT", "SET", "u8", "0", "-1", "GET", "u8", "0"],
        ints(127, 255),
      ],
      [["BITFIELD", "s", "SET", "u8", "0", "-1", "GET", "u8", "0"], ints(255, 255)],
      [["BITFIELD", "s", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "-300"], ints(0)],
      [["BITFIELD", "s", "OVERFLOW", "WRAP", "INCRBY", "u8", "0", "-1"], ints(255)],
    ]);
    // 64-bit signed and 63-bit unsigned fields at their limits.
    const max = 9223372036854775807n;
    await expectReplies(c, [
      [["BITFIELD", "w", "SET", "i64", "3", String(max), "GET", "i64", "3"], ints(0, max)],
      [["BITFIELD", "w", "INCRBY", "i64", "3", "1"], ints(-max - 1n)],
      [["BITFIELD", "w", "OVERFLOW", "SAT", "INCRBY", "i64", "3", "-1"], ints(-max - 1n)],
      [["BITFIELD", "w", "OVERFLOW", "SAT", "INCRBY", "i64", "3", String(max)], ints(-1)],
      [
        ["BITFIELD", "w", "OVERFLOW", "FAIL", "INCRBY", "i64", "3", "2", "GET", "i64", "3"],
        ints(1, 1),
      ],
      [["BITFIELD", "w", "OVERFLOW", "FAIL", "INCRBY", "i64", "3", String(max)], ints(null)],
      [["BITFIELD", "v", "SET", "u63", "1", String(max), "GET", "u63", "1"], ints(0, max)],
      [["BITFIELD", "v", "INCRBY", "u63", "1", "1"], ints(0)],
    ]);
    // #N offsets count in units of the type's width.
    await expectReplies(c, [
      [["BITFIELD", "h", "SET", "u8", "#1", "65", "SET", "u8", "#0", "66"], ints(0, 0)],
      [["GET", "h"], "$2\r\nBA\r\n"],
      [["BITFIELD", "h", "GET", "u4", "#3", "GET", "u16", "#0"], ints(1, 16961)],
      // The offset multiplication wraps at 64 bits as in C: #2^61 of u8 is offset 0.
      [["BITFIELD", "h", "GET", "u8", "#2305843009213693952"], ints(66)],
      [["BITFIELD", "h", "GET", "u8", "#"], BAD_OFFSET],
      [["BITFIELD", "h", "GET", "u8", "#-1"], BAD_OFFSET],
    ]);
  });
});

Deno.test("bitmaps: BITFIELD and BITFIELD_RO argument errors", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectReplies(c, [
      [["BITFIELD", "k"], "*0\r\n"],
      [["BITFIELD", "k", "GET", "u64", "0"], BAD_TYPE],
      [["BITFIELD", "k", "GET", "i65", "0"], BAD_TYPE],
      [["BITFIELD", "k", "GET", "i0", "0"], BAD_TYPE],
      [["BITFIELD", "k", "GET", "I8", "0"], BAD_TYPE],
      [["BITFIELD", "k", "GET", "u", "0"], BAD_TYPE],
      [["BITFIELD", "k", "GET", "", "0"], BAD_TYPE],
      [["BITFIELD", "k", "GET", Uint8Array.of(105, 56, 0, 120), "0"], ints(0)],
      [["BITFIELD", "k", "GET", "i8", "-1"], BAD_OFFSET],
      [["BITFIELD", "k", "GET", "i8", "4294967296"], BAD_OFFSET],
      [["BITFIELD", "k", "GET", "i8"], SYNTAX],
      [["BITFIELD", "k", "SET", "i8", "0"], SYNTAX],
      [["BITFIELD", "k", "FOO", "i8", "0"], SYNTAX],
      [["BITFIELD", "k", "OVERFLOW"], SYNTAX],
      [["BITFIELD", "k", "OVERFLOW", "NONE"], "-ERR Invalid OVERFLOW type specified\r\n"],
      [["BITFIELD", "k", "SET", "i8", "0", "x"], NOT_INTEGER],
      [["BITFIELD", "k", "SET", "i8", "0", "9223372036854775808"], NOT_INTEGER],
      [["BITFIELD_RO", "k", "GET", "i8", "0"], ints(0)],
      [
        ["BITFIELD_RO", "k", "GET", "i8", "0", "SET", "i8", "0", "1"],
        "-ERR BITFIELD_RO only supports the GET subcommand\r\n",
      ],
      // Every argument is checked before the read-only restriction.
      [["BITFIELD_RO", "k", "SET", "i8", "x", "1"], BAD_OFFSET],
      [["BITFIELD_RO", "k", "OVERFLOW", "SAT"], "*0\r\n"],
      [["EXISTS", "k"], int(0)],
      [["BITFIELD"], "-ERR wrong number of arguments for 'bitfield' command\r\n"],
    ]);
    // A write that fails under OVERFLOW FAIL still creates the zeroed string.
    assertEquals(
      await c.raw("BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "5"),
      ints(null),
    );
    assertEquals(await c.raw("STRLEN", "f"), int(13));
    assertTrue(isRaw(rift, "f"));
  });
});

Deno.test("bitmaps: every command answers WRONGTYPE on a list", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    makeList(rift, "l");
    const commands: string[][] = [
      ["SETBIT", "l", "0", "1"],
      ["GETBIT", "l", "0"],
      ["BITCOUNT", "l"],
      ["BITCOUNT", "l", "x", "y"],
      ["BITPOS", "l", "1"],
      ["BITPOS", "l", "1", "x"],
      ["BITOP", "AND", "d", "l"],
      ["BITFIELD", "l", "GET", "u8", "0"],
      ["BITFIELD", "l", "SET", "u8", "0", "1"],
      ["BITFIELD_RO", "l", "GET", "u8", "0"],
    ];
    for (const args of commands) assertEquals(await c.raw(...args), WRONGTYPE, args.join(" "));
    // Argument errors come first where Redis checks them first.
    assertEquals(await c.raw("SETBIT", "l", "x", "1"), BAD_OFFSET);
    assertEquals(await c.raw("BITPOS", "l", "2"), "-ERR The bit argument must be 1 or 0.\r\n");
    assertEquals(await c.raw("BITFIELD", "l", "GET", "u64", "0"), BAD_TYPE);
  });
});

Deno.test("bitmaps: events and propagation only for real changes", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const events = await recordEvents(rift, c);
    const log = recordPropagation(rift);
    const names = async (...args: string[]) =>
      (await events.during(() => c.call(...args)))
        .filter((e) => e.startsWith("__keyevent"))
        .map((e) => e.slice("__keyevent@0__:".length));
    assertEquals(await names("SETBIT", "b", "5", "0"), ["setbit b"]);
    assertEquals(await names("SETBIT", "b", "5", "0"), []);
    assertEquals(await names("SETBIT", "b", "20", "0"), ["setbit b"]);
    assertEquals(await names("SETBIT", "b", "20", "1"), ["setbit b"]);
    assertEquals(await names("SETBIT", "b", "20", "1"), []);
    assertEquals(await names("BITFIELD", "f", "SET", "u8", "0", "0"), ["setbit f"]);
    assertEquals(await names("BITFIELD", "f", "SET", "u8", "0", "0"), []);
    assertEquals(await names("BITFIELD", "f", "INCRBY", "u8", "0", "0", "INCRBY", "u8", "0", "1"), [
      "setbit f",
    ]);
    assertEquals(await names("BITFIELD", "f", "GET", "u8", "0"), []);
    assertEquals(await names("BITOP", "NOT", "d", "b"), ["set d"]);
    assertEquals(await names("BITOP", "AND", "d", "missing"), ["del d"]);
    assertEquals(await names("BITOP", "AND", "d", "missing"), []);
    assertEquals(log.filter((line) => !line.includes("__events_mark__")), [
      "SETBIT b 5 0",
      "SETBIT b 20 0",
      "SETBIT b 20 1",
      "BITFIELD f SET u8 0 0",
      "BITFIELD f INCRBY u8 0 0 INCRBY u8 0 1",
      "BITOP NOT d b",
      "BITOP AND d missing",
    ]);
    // The dirty counter moves by the writes that changed something; when
    // the string grew, every write counts.
    let before = rift.server.dirty;
    await c.call(
      "BITFIELD",
      "f",
      "SET",
      "u8",
      "0",
      "7",
      "SET",
      "u8",
      "8",
      "7",
      "SET",
      "u8",
      "8",
      "7",
    );
    assertEquals(rift.server.dirty - before, 3);
    before = rift.server.dirty;
    await c.call(
      "BITFIELD",
      "f",
      "SET",
      "u8",
      "0",
      "7",
      "SET",
      "u8",
      "8",
      "8",
      "SET",
      "u8",
      "8",
      "8",
    );
    assertEquals(rift.server.dirty - before, 1);
  }, { config: { "notify-keyspace-events": "KEA" } });
});

/** Naive model of a bitmap for the random test. */
class BitModel {
  bytes: number[] = [];

  bit(offset: number): number {
    const byte = this.bytes[offset >> 3] ?? 0;
    return (byte >> (7 - (offset & 7))) & 1;
  }

  set(offset: number, value: number): number {
    while (this.bytes.length <= offset >> 3) this.bytes.push(0);
    const old = this.bit(offset);
    const mask = 0x80 >> (offset & 7);
    this.bytes[offset >> 3] = value
      ? this.bytes[offset >> 3] | mask
      : this.bytes[offset >> 3] & ~mask;
    return old;
  }

  /** Normalises Redis-style start/end (negative from the end) over `total` units. */
  range(start: number, end: number, total: number): [number, number] | null {
    if (start < 0 && end < 0 && start > end) return null;
    if (start < 0) start += total;
    if (end < 0) end += total;
    start = Math.max(start, 0);
    end = Math.min(Math.max(end, 0), total - 1);
    return start > end ? null : [start, end];
  }

  count(from: number, to: number): number {
    let n = 0;
    for (let i = from; i <= to; i++) n += this.bit(i);
    return n;
  }
}

Deno.test("bitmaps: random SETBIT/BITFIELD against a naive model (3000 steps)", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const rng = new Prng(99);
    const model = new BitModel();
    // Start from an existing key: a missing one answers before any range logic.
    assertEquals(await c.raw("SETBIT", "k", "0", "0"), int(model.set(0, 0)));
    let steps = 0;
    for (let i = 0; i < 3000; i++) {
      const bits = model.bytes.length * 8;
      const r = rng.int(6);
      if (r === 0) {
        const offset = rng.int(2000);
        const value = rng.int(2);
        assertEquals(await c.raw("SETBIT", "k", offset, value), int(model.set(offset, value)));
      } else if (r === 1) {
        // An unsigned field written through BITFIELD, read back bit by bit.
        const width = rng.range(1, 63);
        const offset = rng.int(2000);
        const value = BigInt(rng.int(2 ** 30)) * BigInt(rng.int(2 ** 30)) % (1n << BigInt(width));
        await c.call("BITFIELD", "k", "SET", `u${width}`, offset, value.toString());
        for (let b = 0; b < width; b++) {
          model.set(offset + b, Number((value >> BigInt(width - 1 - b)) & 1n));
        }
        let read = 0n;
        for (let b = 0; b < width; b++) read = (read << 1n) | BigInt(model.bit(offset + b));
        assertEquals(await c.raw("BITFIELD_RO", "k", "GET", `u${width}`, offset), ints(read));
      } else if (r === 2) {
        const offset = rng.int(2100);
        assertEquals(await c.raw("GETBIT", "k", offset), int(model.bit(offset)));
      } else if (r === 3) {
        const inBits = rng.chance(0.5);
        const total = inBits ? bits : model.bytes.length;
        const start = rng.range(-total - 5, total + 5);
        const end = rng.range(-total - 5, total + 5);
        const range = model.range(start, end, total);
        const expected = range === null
          ? 0
          : inBits
          ? model.count(range[0], range[1])
          : model.count(range[0] * 8, range[1] * 8 + 7);
        const unit = inBits ? "BIT" : "BYTE";
        assertEquals(await c.raw("BITCOUNT", "k", start, end, unit), int(expected));
      } else {
        // BITPOS: BIT ranges need an explicit end; without one the string is zero-padded.
        const bit = rng.int(2);
        const withEnd = rng.chance(0.5);
        const inBits = withEnd && rng.chance(0.5);
        const total = inBits ? bits : model.bytes.length;
        const start = rng.range(-total - 5, total + 5);
        const end = withEnd ? rng.range(-total - 5, total + 5) : total - 1;
        const s = Math.max(start < 0 ? start + total : start, 0);
        const e = Math.min(Math.max(end < 0 ? end + total : end, 0), total - 1);
        let expected = -1;
        if (s <= e) {
          const from = inBits ? s : s * 8;
          const to = inBits ? e : e * 8 + 7;
          for (let p = from; p <= to && expected < 0; p++) if (model.bit(p) === bit) expected = p;
          if (expected < 0 && bit === 0 && !withEnd) expected = to + 1;
        }
        const args: (string | number)[] = ["BITPOS", "k", bit, start];
        if (withEnd) args.push(end, inBits ? "BIT" : "BYTE");
        assertEquals(await c.raw(...args), int(expected), args.join(" "));
      }
      steps++;
    }
    assertEquals(steps, 3000);
    assertEquals(await c.raw("STRLEN", "k"), int(model.bytes.length));
  });
});
