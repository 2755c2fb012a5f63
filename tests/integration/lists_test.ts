/**
 * List commands over the wire: exact reply bytes (as measured on Redis
 * 7.0.15), errors, RESP3 shapes, deletion of emptied lists, keyspace
 * events and what is propagated to the AOF.
 */

import { assertEquals } from "../helpers/assert.ts";
import { type Arg, latin1, type RespClient } from "../helpers/client.ts";
import { type TestRift, withRift } from "../helpers/server.ts";
import { ReplyParser } from "../../src/resp/reply_parser.ts";
import type { Propagated } from "../../src/server/server.ts";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const NOT_INT = "-ERR value is not an integer or out of range\r\n";
const SYNTAX = "-ERR syntax error\r\n";
const arity = (name: string) => `-ERR wrong number of arguments for '${name}' command\r\n`;

/** Runs `[command..., expected raw reply]` rows in order on one connection. */
async function expectAll(c: RespClient, rows: [...Arg[], string][]): Promise<void> {
  for (const row of rows) {
    const args = row.slice(0, -1) as Arg[];
    const expected = row[row.length - 1] as string;
    assertEquals(await c.raw(...args), expected, `reply to ${args.join(" ")}`);
  }
}

/** A bulk reply for a latin1 string. */
const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
/** An array reply of bulk strings. */
const bulks = (...items: string[]) => `*${items.length}\r\n${items.map(bulk).join("")}`;
const int = (n: number) => `:${n}\r\n`;

/** Records `__keyevent` notifications through an internal pattern subscriber. */
function keyEvents(rift: TestRift): () => string[] {
  const spy = rift.server.createClient(null);
  rift.server.pubsub.psubscribe(spy, "__keyevent@*");
  const parser = new ReplyParser();
  return () => {
    const chunk = spy.out.take();
    parser.feed(chunk.slice());
    spy.out.release(chunk);
    const events: string[] = [];
    for (let r = parser.next(); r !== undefined; r = parser.next()) {
      const reply = r.reply;
      if (reply.type !== "array" && reply.type !== "push") continue;
      const [, , channel, message] = reply.items.map((i) =>
        i.type === "bulk" ? String.fromCharCode(...i.value) : ""
      );
      events.push(`${channel.slice(channel.indexOf(":") + 1)}(${message})`);
    }
    return events;
  };
}

Deno.test("lists: LPUSH/RPUSH/LPUSHX/RPUSHX", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectAll(c, [
      ["LPUSH", "l", "a", "b", "c", int(3)],
      ["RPUSH", "l", "d", "e", int(5)],
      ["LRANGE", "l", 0, -1, bulks("c", "b", "a", "d", "e")],
      ["LPUSHX", "nokey", "a", int(0)],
      ["RPUSHX", "nokey", "a", "b", int(0)],
      ["EXISTS", "nokey", int(0)],
      ["LPUSHX", "l", "x", "y", int(7)],
      ["RPUSHX", "l", "z", int(8)],
      ["LRANGE", "l", 0, 1, bulks("y", "x")],
      ["LINDEX", "l", -1, bulk("z")],
      ["LPUSH", "l", arity("lpush")],
      ["RPUSH", arity("rpush")],
      ["LPUSHX", "l", arity("lpushx")],
      ["RPUSHX", "l", arity("rpushx")],
      ["SET", "s", "v", "+OK\r\n"],
      ["LPUSH", "s", "a", WRONGTYPE],
      ["RPUSH", "s", "a", WRONGTYPE],
      ["LPUSHX", "s", "a", WRONGTYPE],
      ["RPUSHX", "s", "a", WRONGTYPE],
      ["TYPE", "l", "+list\r\n"],
    ]);
  });
});

Deno.test("lists: binary, empty and huge members round-trip", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const binary = new Uint8Array([0, 13, 10, 255, 254, 0x80, 0xc3, 0x28]);
    const huge = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 31) & 0xff);
    assertEquals(await c.raw("RPUSH", "b", binary, "", huge, "\r\n"), int(4));
    const reply = await c.call("LRANGE", "b", 0, -1);
    assertEquals(reply.type, "array");
    if (reply.type !== "array") return;
    const values = reply.items.map((i) => (i.type === "bulk" ? i.value : null));
    assertEquals(values[0], binary);
    assertEquals(values[1], new Uint8Array(0));
    assertEquals(values[2], huge);
    assertEquals(values[3], new Uint8Array([13, 10]));
    assertEquals(await c.raw("LPOS", "b", binary), int(0));
    assertEquals(await c.raw("LPOS", "b", ""), int(1));
    assertEquals(await c.raw("LREM", "b", 0, huge), int(1));
    assertEquals(await c.raw("LINSERT", "b", "AFTER", "", huge), int(4));
    const inserted = await c.call("LINDEX", "b", 2);
    assertEquals(inserted.type === "bulk" ? inserted.value : null, huge);
    assertEquals(await c.raw("LSET", "b", 0, huge), "+OK\r\n");
    assertEquals(await c.raw("LLEN", "b"), int(4));
    // Binary keys too.
    const key = new Uint8Array([0, 255, 10]);
    assertEquals(await c.raw("LPUSH", key, "x"), int(1));
    assertEquals(await c.raw("BLPOP", key, 0), `*2\r\n$3\r\n\x00\xff\n\r\n${bulk("x")}`);
  });
});

Deno.test("lists: LPOP/RPOP with and without count", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectAll(c, [
      ["RPUSH", "l", "a", "b", "c", "d", "e", int(5)],
      ["LPOP", "l", bulk("a")],
      ["RPOP", "l", bulk("e")],
      ["LPOP", "l", 2, bulks("b", "c")],
      ["RPUSH", "l", "x", "y", int(3)],
      ["RPOP", "l", 2, bulks("y", "x")],
      ["LPOP", "l", 0, "*0\r\n"],
      ["RPOP", "l", 10, bulks("d")],
      ["EXISTS", "l", int(0)],
      ["LPOP", "l", "$-1\r\n"],
      ["RPOP", "l", "$-1\r\n"],
      ["LPOP", "l", 3, "*-1\r\n"],
      ["RPOP", "l", 0, "*-1\r\n"],
      ["LPOP", "l", -1, "-ERR value is out of range, must be positive\r\n"],
      ["RPOP", "l", "x", "-ERR value is out of range, must be positive\r\n"],
      ["LPOP", "l", "9223372036854775808", "-ERR value is out of range, must be positive\r\n"],
      ["RPUSH", "l", "a", int(1)],
      ["LPOP", "l", "9223372036854775807", bulks("a")],
      ["LPOP", "l", 1, 2, arity("lpop")],
      ["RPOP", "l", 1, 2, arity("rpop")],
      ["LPOP", arity("lpop")],
      ["SET", "s", "v", "+OK\r\n"],
      ["LPOP", "s", WRONGTYPE],
      ["RPOP", "s", 2, WRONGTYPE],
      // The count is checked before the key.
      ["LPOP", "s", -2, "-ERR value is out of range, must be positive\r\n"],
    ]);
  });
});

Deno.test("lists: LRANGE, LLEN, LINDEX, LSET", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectAll(c, [
      ["RPUSH", "l", "a", "b", "c", "d", int(4)],
      ["LRANGE", "l", 1, 2, bulks("b", "c")],
      ["LRANGE", "l", -2, -1, bulks("c", "d")],
      ["LRANGE", "l", -100, 100, bulks("a", "b", "c", "d")],
      ["LRANGE", "l", 3, 1, "*0\r\n"],
      ["LRANGE", "l", 4, 10, "*0\r\n"],
      ["LRANGE", "l", "-9223372036854775808", "9223372036854775807", bulks("a", "b", "c", "d")],
      ["LRANGE", "l", 0, "x", NOT_INT],
      ["LRANGE", "nokey", "x", 0, NOT_INT],
      ["LRANGE", "nokey", 0, -1, "*0\r\n"],
      ["LRANGE", "l", 0, arity("lrange")],
      ["LLEN", "l", int(4)],
      ["LLEN", "nokey", int(0)],
      ["LLEN", arity("llen")],
      ["LINDEX", "l", 0, bulk("a")],
      ["LINDEX", "l", -1, bulk("d")],
      ["LINDEX", "l", 4, "$-1\r\n"],
      ["LINDEX", "l", -5, "$-1\r\n"],
      ["LINDEX", "l", "1.5", NOT_INT],
      // A missing key answers nil before the index is parsed.
      ["LINDEX", "nokey", "abc", "$-1\r\n"],
      ["LINDEX", "l", arity("lindex")],
      ["LSET", "l", 0, "A", "+OK\r\n"],
      ["LSET", "l", -1, "D", "+OK\r\n"],
      ["LSET", "l", 4, "x", "-ERR index out of range\r\n"],
      ["LSET", "l", -5, "x", "-ERR index out of range\r\n"],
      ["LSET", "l", "abc", "x", NOT_INT],
      ["LSET", "nokey", 0, "x", "-ERR no such key\r\n"],
      ["LSET", "nokey", "abc", "x", "-ERR no such key\r\n"],
      ["LSET", "l", 0, arity("lset")],
      ["LRANGE", "l", 0, -1, bulks("A", "b", "c", "D")],
      ["SET", "s", "v", "+OK\r\n"],
      ["LRANGE", "s", 0, -1, WRONGTYPE],
      ["LLEN", "s", WRONGTYPE],
      ["LINDEX", "s", 0, WRONGTYPE],
      ["LINDEX", "s", "abc", WRONGTYPE],
      ["LSET", "s", 0, "x", WRONGTYPE],
    ]);
  });
});

Deno.test("lists: LINSERT, LREM, LTRIM", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectAll(c, [
      ["RPUSH", "l", "a", "b", "a", "c", "a", int(5)],
      ["LINSERT", "l", "BEFORE", "a", "x", int(6)],
      ["LINSERT", "l", "after", "c", "y", int(7)],
      ["LRANGE", "l", 0, -1, bulks("x", "a", "b", "a", "c", "y", "a")],
      ["LINSERT", "l", "before", "zz", "q", int(-1)],
      ["LINSERT", "nokey", "before", "a", "q", int(0)],
      ["LINSERT", "nokey", "middle", "a", "q", SYNTAX],
      ["LINSERT", "l", "before", "a", arity("linsert")],
      ["LREM", "l", 1, "a", int(1)],
      ["LREM", "l", -1, "a", int(1)],
      ["LRANGE", "l", 0, -1, bulks("x", "b", "a", "c", "y")],
      ["LREM", "l", 0, "zz", int(0)],
      ["LREM", "nokey", 0, "a", int(0)],
      ["LREM", "nokey", "x", "a", NOT_INT],
      ["LREM", "l", 0, arity("lrem")],
      ["RPUSH", "dup", "a", "a", "a", int(3)],
      ["LREM", "dup", 0, "a", int(3)],
      ["EXISTS", "dup", int(0)],
      ["LTRIM", "l", 1, -2, "+OK\r\n"],
      ["LRANGE", "l", 0, -1, bulks("b", "a", "c")],
      ["LTRIM", "l", -100, 100, "+OK\r\n"],
      ["LLEN", "l", int(3)],
      ["LTRIM", "l", "-9223372036854775808", "9223372036854775807", "+OK\r\n"],
      ["LTRIM", "l", 2, 1, "+OK\r\n"],
      ["EXISTS", "l", int(0)],
      ["LTRIM", "nokey", 0, 1, "+OK\r\n"],
      ["LTRIM", "nokey", "a", 0, NOT_INT],
      ["LTRIM", "l", 0, arity("ltrim")],
      ["SET", "s", "v", "+OK\r\n"],
      ["LINSERT", "s", "before", "a", "x", WRONGTYPE],
      ["LINSERT", "s", "mid", "a", "x", SYNTAX],
      ["LREM", "s", 0, "a", WRONGTYPE],
      ["LTRIM", "s", 0, 1, WRONGTYPE],
    ]);
  });
});

Deno.test("lists: LPOS with RANK, COUNT and MAXLEN", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const rankZero =
      "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n";
    await expectAll(c, [
      ["RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c", int(8)],
      ["LPOS", "l", "c", int(2)],
      ["LPOS", "l", "zz", "$-1\r\n"],
      ["LPOS", "l", "c", "RANK", 2, int(6)],
      ["LPOS", "l", "c", "RANK", -1, int(7)],
      ["LPOS", "l", "c", "RANK", -3, int(2)],
      ["LPOS", "l", "c", "RANK", 4, "$-1\r\n"],
      ["LPOS", "l", "c", "COUNT", 2, "*2\r\n:2\r\n:6\r\n"],
      ["LPOS", "l", "c", "COUNT", 0, "*3\r\n:2\r\n:6\r\n:7\r\n"],
      ["LPOS", "l", "c", "RANK", -1, "COUNT", 2, "*2\r\n:7\r\n:6\r\n"],
      ["LPOS", "l", "c", "COUNT", 0, "MAXLEN", 7, "*2\r\n:2\r\n:6\r\n"],
      ["LPOS", "l", "c", "MAXLEN", 2, "$-1\r\n"],
      ["LPOS", "l", "c", "RANK", -1, "MAXLEN", 1, int(7)],
      ["LPOS", "l", "zz", "COUNT", 5, "*0\r\n"],
      ["LPOS", "l", "a", "rank", "-9223372036854775808", int(0)],
      ["LPOS", "l", "a", "rank", "9223372036854775807", "$-1\r\n"],
      ["LPOS", "l", "a", "RANK", 0, rankZero],
      ["LPOS", "l", "a", "RANK", "x", NOT_INT],
      ["LPOS", "l", "a", "COUNT", -1, "-ERR COUNT can't be negative\r\n"],
      ["LPOS", "l", "a", "COUNT", "abc", "-ERR COUNT can't be negative\r\n"],
      ["LPOS", "l", "a", "MAXLEN", -1, "-ERR MAXLEN can't be negative\r\n"],
      ["LPOS", "l", "a", "MAXLEN", "x", "-ERR MAXLEN can't be negative\r\n"],
      ["LPOS", "l", "a", "COUNT", SYNTAX],
      ["LPOS", "l", "a", "FOO", 1, SYNTAX],
      ["LPOS", "nokey", "a", "$-1\r\n"],
      ["LPOS", "nokey", "a", "COUNT", 0, "*0\r\n"],
      // Options are checked before the key.
      ["LPOS", "nokey", "a", "RANK", 0, rankZero],
      ["LPOS", "l", arity("lpos")],
      ["SET", "s", "v", "+OK\r\n"],
      ["LPOS", "s", "a", WRONGTYPE],
    ]);
  });
});

Deno.test("lists: LMOVE and RPOPLPUSH in every direction", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectAll(c, [
      ["RPUSH", "src", "1", "2", "3", "4", int(4)],
      ["LMOVE", "src", "dst", "LEFT", "RIGHT", bulk("1")],
      ["LMOVE", "src", "dst", "right", "left", bulk("4")],
      ["LMOVE", "src", "dst", "left", "left", bulk("2")],
      ["LMOVE", "src", "dst", "Right", "Right", bulk("3")],
      ["EXISTS", "src", int(0)],
      ["LRANGE", "dst", 0, -1, bulks("2", "4", "1", "3")],
      ["LMOVE", "dst", "dst", "left", "right", bulk("2")],
      ["LRANGE", "dst", 0, -1, bulks("4", "1", "3", "2")],
      ["RPOPLPUSH", "dst", "dst", bulk("2")],
      ["LRANGE", "dst", 0, -1, bulks("2", "4", "1", "3")],
      ["RPOPLPUSH", "dst", "other", bulk("3")],
      ["LRANGE", "other", 0, -1, bulks("3")],
      ["RPUSH", "one", "x", int(1)],
      ["LMOVE", "one", "one", "left", "left", bulk("x")],
      ["LRANGE", "one", 0, -1, bulks("x")],
      ["LMOVE", "nokey", "dst", "left", "left", "$-1\r\n"],
      ["RPOPLPUSH", "nokey", "dst", "$-1\r\n"],
      ["LMOVE", "dst", "x", "up", "left", SYNTAX],
      ["LMOVE", "nokey", "x", "left", "down", SYNTAX],
      ["LMOVE", "dst", "x", "left", arity("lmove")],
      ["RPOPLPUSH", "dst", arity("rpoplpush")],
      ["SET", "s", "v", "+OK\r\n"],
      ["LMOVE", "s", "dst", "left", "left", WRONGTYPE],
      ["LMOVE", "dst", "s", "left", "left", WRONGTYPE],
      ["RPOPLPUSH", "dst", "s", WRONGTYPE],
      // A missing source does not look at the destination's type.
      ["LMOVE", "nokey", "s", "left", "left", "$-1\r\n"],
      ["LRANGE", "dst", 0, -1, bulks("2", "4", "1")],
    ]);
  });
});

Deno.test("lists: LMPOP", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await expectAll(c, [
      ["RPUSH", "b", "1", "2", "3", int(3)],
      ["LMPOP", 2, "a", "b", "LEFT", `*2\r\n${bulk("b")}${bulks("1")}`],
      ["LMPOP", 2, "a", "b", "right", "COUNT", 5, `*2\r\n${bulk("b")}${bulks("3", "2")}`],
      ["EXISTS", "b", int(0)],
      ["LMPOP", 2, "a", "b", "left", "*-1\r\n"],
      ["LMPOP", 0, "a", "left", "-ERR numkeys should be greater than 0\r\n"],
      ["LMPOP", -1, "a", "left", "-ERR numkeys should be greater than 0\r\n"],
      ["LMPOP", "x", "a", "left", "-ERR numkeys should be greater than 0\r\n"],
      ["LMPOP", "01", "a", "left", "-ERR numkeys should be greater than 0\r\n"],
      ["LMPOP", 2, "a", "left", SYNTAX],
      ["LMPOP", "9223372036854775807", "a", "left", SYNTAX],
      ["LMPOP", 1, "a", "middle", SYNTAX],
      ["LMPOP", 1, "a", "left", "COUNT", 0, "-ERR count should be greater than 0\r\n"],
      ["LMPOP", 1, "a", "left", "COUNT", -1, "-ERR count should be greater than 0\r\n"],
      ["LMPOP", 1, "a", "left", "COUNT", "x", "-ERR count should be greater than 0\r\n"],
      ["LMPOP", 1, "a", "left", "COUNT", 1, "COUNT", 1, SYNTAX],
      ["LMPOP", 1, "a", "left", "COUNT", SYNTAX],
      ["LMPOP", 1, "a", "left", "foo", SYNTAX],
      ["LMPOP", 1, "a", arity("lmpop")],
      ["SET", "s", "v", "+OK\r\n"],
      ["RPUSH", "l", "x", int(1)],
      ["LMPOP", 2, "s", "l", "left", WRONGTYPE],
      ["LMPOP", 2, "l", "s", "left", `*2\r\n${bulk("l")}${bulks("x")}`],
      ["COMMAND", "GETKEYS", "LMPOP", 2, "a", "b", "LEFT", bulks("a", "b")],
      ["COMMAND", "GETKEYS", "BLMPOP", 0, 2, "a", "b", "LEFT", bulks("a", "b")],
    ]);
  });
});

Deno.test("lists: RESP3 null and aggregate shapes", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("HELLO", 3);
    await expectAll(c, [
      ["LPOP", "nokey", "_\r\n"],
      ["LPOP", "nokey", 2, "_\r\n"],
      ["LINDEX", "nokey", 0, "_\r\n"],
      ["LRANGE", "nokey", 0, -1, "*0\r\n"],
      ["LPOS", "nokey", "a", "_\r\n"],
      ["LPOS", "nokey", "a", "COUNT", 0, "*0\r\n"],
      ["LMPOP", 1, "nokey", "left", "_\r\n"],
      ["LMOVE", "nokey", "x", "left", "left", "_\r\n"],
      ["RPUSH", "l", "a", "b", int(2)],
      ["LPOP", "l", 0, "*0\r\n"],
      ["LMPOP", 1, "l", "left", `*2\r\n${bulk("l")}${bulks("a")}`],
      ["BLPOP", "l", 0, `*2\r\n${bulk("l")}${bulk("b")}`],
      ["BLPOP", "nokey", "0.01", "_\r\n"],
      ["BLMOVE", "nokey", "x", "left", "left", "0.01", "_\r\n"],
    ]);
  });
});

Deno.test("lists: keyspace events with Redis's names and order", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const events = keyEvents(rift);
    assertEquals(await c.raw("CONFIG", "SET", "notify-keyspace-events", "KEAn"), "+OK\r\n");
    // Measured on Redis 7.0.15 with notify-keyspace-events KEAn.
    const rows: [string[], string[]][] = [
      [["LPUSH", "a", "1", "2"], ["new(a)", "lpush(a)"]],
      [["RPUSH", "a", "3"], ["rpush(a)"]],
      [["LPUSHX", "b", "1"], []],
      [["RPUSHX", "a", "4"], ["rpush(a)"]],
      [["LINSERT", "a", "before", "1", "x"], ["linsert(a)"]],
      [["LINSERT", "a", "before", "zz", "x"], []],
      [["LSET", "a", "0", "y"], ["lset(a)"]],
      [["LREM", "a", "0", "zz"], []],
      [["LREM", "a", "1", "y"], ["lrem(a)"]],
      [["LTRIM", "a", "0", "-1"], ["ltrim(a)"]],
      [["LTRIM", "a", "1", "1"], ["ltrim(a)"]],
      [["LPOP", "a"], ["lpop(a)", "del(a)"]],
      [["RPUSH", "a", "1", "2", "3"], ["new(a)", "rpush(a)"]],
      [["LPOP", "a", "0"], []],
      [["RPOP", "a", "2"], ["rpop(a)"]],
      [["RPOP", "a", "5"], ["rpop(a)", "del(a)"]],
      [["RPUSH", "a", "1", "2", "3"], ["new(a)", "rpush(a)"]],
      [["LMOVE", "a", "b", "left", "right"], ["new(b)", "rpush(b)", "lpop(a)"]],
      [["LMOVE", "a", "a", "left", "right"], ["rpush(a)", "lpop(a)"]],
      [["RPOPLPUSH", "a", "b"], ["lpush(b)", "rpop(a)"]],
      [["RPOPLPUSH", "a", "b"], ["lpush(b)", "rpop(a)", "del(a)"]],
      [["LMPOP", "2", "x", "b", "right", "count", "10"], ["rpop(b)", "del(b)"]],
      [["RPUSH", "a", "1"], ["new(a)", "rpush(a)"]],
      [["LTRIM", "a", "1", "0"], ["ltrim(a)", "del(a)"]],
      [["RPUSH", "a", "1", "1"], ["new(a)", "rpush(a)"]],
      [["LREM", "a", "0", "1"], ["lrem(a)", "del(a)"]],
      [["RPUSH", "a", "1", "2", "3"], ["new(a)", "rpush(a)"]],
      [["BLPOP", "a", "0"], ["lpop(a)"]],
      [["BLMPOP", "0", "1", "a", "left"], ["lpop(a)"]],
      [["BLMOVE", "a", "c", "left", "left", "0"], ["new(c)", "lpush(c)", "lpop(a)", "del(a)"]],
      [["BRPOPLPUSH", "c", "c", "0"], ["lpush(c)", "rpop(c)"]],
      [["LPOP", "nokey"], []],
      [["LTRIM", "nokey", "0", "1"], []],
    ];
    events();
    for (const [command, expected] of rows) {
      await c.raw(...command);
      assertEquals(events(), expected, `events of ${command.join(" ")}`);
    }
  });
});

Deno.test("lists: propagation to the AOF matches Redis's rewrites", async () => {
  await withRift(async (rift) => {
    const batches: string[][] = [];
    rift.server.propagationSinks.push((batch: Propagated[]) => {
      batches.push(batch.map((p) => p.argv.map((a) => String.fromCharCode(...a)).join(" ")));
    });
    const c = await rift.client();
    const waiter = await rift.client();
    const run = async (...args: string[]) => {
      await c.raw(...args);
      const out = batches.splice(0);
      return out;
    };
    // Measured from a Redis 7.0.15 AOF: blocking commands are logged as their
    // non-blocking forms; a pop that found nothing logs nothing.
    assertEquals(await run("RPUSH", "k", "1", "2", "3"), [["RPUSH k 1 2 3"]]);
    assertEquals(await run("BLPOP", "k", "0"), [["LPOP k"]]);
    assertEquals(await run("BRPOP", "nokey", "k", "0"), [["RPOP k"]]);
    assertEquals(await run("BLMPOP", "0", "1", "k", "left", "COUNT", "9"), [["LPOP k 1"]]);
    assertEquals(await run("LMPOP", "1", "k", "left"), []);
    assertEquals(await run("RPUSH", "k", "1", "2"), [["RPUSH k 1 2"]]);
    assertEquals(await run("BLMOVE", "k", "d", "LeFt", "RiGhT", "0"), [["LMOVE k d LeFt RiGhT"]]);
    assertEquals(await run("BRPOPLPUSH", "k", "d", "0"), [["RPOPLPUSH k d"]]);
    assertEquals(await run("LTRIM", "d", "0", "-1"), [], "a no-op LTRIM is not propagated");
    assertEquals(await run("LTRIM", "d", "0", "0"), [["LTRIM d 0 0"]]);
    assertEquals(await run("LPOP", "d", "0"), []);

    // Served from a wait: the push and each served pop are separate units.
    await waiter.send("BLMPOP", "0", "1", "q", "right", "COUNT", "5");
    await waitBlocked(rift, 1);
    assertEquals(await run("RPUSH", "q", "a", "b"), [["RPUSH q a b"], ["RPOP q 2"]]);
    await waiter.read();
    await waiter.send("BLMOVE", "q", "d", "LEFT", "RIGHT", "0");
    await waitBlocked(rift, 1);
    assertEquals(await run("LPUSH", "q", "x"), [["LPUSH q x"], ["LMOVE q d left right"]]);
    await waiter.read();
    await waiter.send("BRPOPLPUSH", "q", "d", "0");
    await waitBlocked(rift, 1);
    assertEquals(await run("LPUSH", "q", "x"), [["LPUSH q x"], ["RPOPLPUSH q d"]]);
    await waiter.read();
    const second = await rift.client();
    await waiter.send("BLPOP", "q", "0");
    await waitBlocked(rift, 1);
    await second.send("BRPOP", "q", "0");
    await waitBlocked(rift, 2);
    assertEquals(await run("LPUSH", "q", "x", "y"), [["LPUSH q x y"], ["LPOP q"], ["RPOP q"]]);
    assertEquals(latin1((await waiter.read()).raw), `*2\r\n${bulk("q")}${bulk("y")}`);
    assertEquals(latin1((await second.read()).raw), `*2\r\n${bulk("q")}${bulk("x")}`);
  });
});

async function waitBlocked(rift: TestRift, n: number): Promise<void> {
  for (let i = 0; i < 500 && rift.server.blocking.count !== n; i++) {
    await new Promise((r) => setTimeout(r, 2));
  }
  assertEquals(rift.server.blocking.count, n, "blocked clients");
}

Deno.test("lists: keyspace hits and misses count reads only", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("RPUSH", "l", "a");
    await c.raw("LPUSH", "nokey2", "a");
    await c.raw("LPOP", "nokey3");
    const stats = rift.server.stats;
    const hits = stats.keyspaceHits;
    const misses = stats.keyspaceMisses;
    await c.raw("LRANGE", "l", 0, -1);
    await c.raw("LLEN", "nokey");
    await c.raw("LINDEX", "l", 0);
    await c.raw("LPOS", "nokey", "a");
    await c.raw("RPUSH", "l", "b");
    await c.raw("LMOVE", "nokey", "l", "left", "left");
    assertEquals(stats.keyspaceHits - hits, 2);
    assertEquals(stats.keyspaceMisses - misses, 2);
  });
});

Deno.test("lists: large lists stay consistent through the commands", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const n = 5000;
    const members = Array.from({ length: n }, (_, i) => `m${i}`);
    for (let i = 0; i < n; i += 1000) {
      assertEquals(await c.raw("RPUSH", "big", ...members.slice(i, i + 1000)), int(i + 1000));
    }
    assertEquals(await c.raw("LINDEX", "big", 4321), bulk("m4321"));
    assertEquals(await c.raw("LINDEX", "big", -1), bulk(`m${n - 1}`));
    assertEquals(await c.raw("LRANGE", "big", 2500, 2502), bulks("m2500", "m2501", "m2502"));
    assertEquals(await c.raw("LPOS", "big", "m4999", "RANK", -1), int(4999));
    assertEquals(await c.raw("LINSERT", "big", "BEFORE", "m2500", "mid"), int(n + 1));
    assertEquals(await c.raw("LINDEX", "big", 2500), bulk("mid"));
    assertEquals(await c.raw("LREM", "big", 0, "mid"), int(1));
    assertEquals(await c.raw("LTRIM", "big", 1000, -1001), "+OK\r\n");
    assertEquals(await c.raw("LLEN", "big"), int(3000));
    assertEquals(await c.raw("LPOP", "big", 2), bulks("m1000", "m1001"));
    assertEquals(await c.raw("RPOP", "big"), bulk("m3999"));
    const all = await c.value("LRANGE", "big", 0, -1);
    assertEquals(all, members.slice(1002, 3999));
  });
});
