/**
 * SORT and SORT_RO over TCP against an embedded Rift (lists, sets and
 * sorted sets): every option and
 * their combinations, LIMIT clamping, BY/GET patterns (string keys, hash
 * fields, `#`, constant patterns, NUL bytes in patterns), numeric weights
 * as strtod reads them, ALPHA byte order, STORE (events, propagation,
 * WATCH, TTL, blocked clients), errors and their order, binary and large
 * inputs, keyspace statistics and introspection. The same behaviours are
 * compared with a real redis-server in sort_differential_test.ts.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { RespClient } from "../helpers/client.ts";
import { withRift } from "../helpers/server.ts";
import { bytes, recordRiftEvents, recordRiftPropagation } from "../helpers/hashsets.ts";
import { ManualClock } from "../../src/mod.ts";
import type { ZSetValue } from "../../src/store/zset.ts";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const SYNTAX = "-ERR syntax error\r\n";
const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
const NOT_DOUBLE = "-ERR One or more scores can't be converted into double\r\n";

/** RESP2 array of bulk strings, null for a nil bulk. */
function arr(...items: (string | null)[]): string {
  return `*${items.length}\r\n` +
    items.map((i) => (i === null ? "$-1\r\n" : `$${i.length}\r\n${i}\r\n`)).join("");
}

async function stats(c: RespClient): Promise<[number, number]> {
  const info = String(await c.value("INFO", "stats"));
  return [
    Number(/keyspace_hits:(\d+)/.exec(info)![1]),
    Number(/keyspace_misses:(\d+)/.exec(info)![1]),
  ];
}

Deno.test("sort: numeric order, DESC, ties broken by the elements' bytes", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("RPUSH", "l", "3", "1", "2", "10", "-1", "2.5", "02", "+2", "2");
    assertEquals(await c.raw("SORT", "l"), arr("-1", "1", "+2", "02", "2", "2", "2.5", "3", "10"));
    assertEquals(
      await c.raw("SORT", "l", "DESC"),
      arr("10", "3", "2.5", "2", "2", "02", "+2", "1", "-1"),
      "DESC reverses the tie-break too",
    );
    assertEquals(await c.raw("SORT", "l", "DESC", "ASC"), await c.raw("SORT", "l"), "last wins");
    assertEquals(await c.raw("SORT_RO", "l"), await c.raw("SORT", "l"));
    // strtod's forms: hex, exponents, infinities, spaces before, NUL ends the text, empty is 0.
    await c.raw("RPUSH", "f", "0x10", "1e1", "-inf", "inf", " 7", "\t-7", "5\0zz", "", ".5", "3.");
    assertEquals(
      await c.raw("SORT", "f"),
      arr("-inf", "\t-7", "", ".5", "3.", "5\0zz", " 7", "1e1", "0x10", "inf"),
    );
    assertEquals(await c.raw("SORT", "missing"), "*0\r\n");
    assertEquals(await c.raw("SORT", "missing", "DESC", "LIMIT", "0", "5"), "*0\r\n");
  });
});

Deno.test("sort: values strtod rejects make the whole sort fail", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const rejected = [
      "abc",
      "1 ",
      " ",
      "nan",
      "-nan",
      "1e",
      "0x",
      "infinit",
      "1_0",
      "\xa01", // only C-locale spaces are skipped
      "1e400", // overflow
      "1e-400", // underflow to zero
      "1e-310", // inexact subnormal
      "0x1.8p-1074",
    ];
    for (const bad of rejected) {
      await c.raw("DEL", "l");
      await c.raw("RPUSH", "l", "1", bytes(bad), "2");
      assertEquals(await c.raw("SORT", "l"), NOT_DOUBLE, JSON.stringify(bad));
      assertEquals(await c.raw("SORT", "l", "STORE", "dst"), NOT_DOUBLE);
      assertEquals(await c.raw("EXISTS", "dst"), ":0\r\n", "nothing stored on error");
      assertTrue((await c.raw("SORT", "l", "ALPHA")).startsWith("*3\r\n"), "ALPHA is fine");
      assertEquals(await c.raw("SORT", "l", "BY", "nosort"), arr("1", bad, "2"));
    }
    // Exactly representable tiny values, and what rounds up to the smallest normal, are fine.
    await c.raw("DEL", "l");
    await c.raw("RPUSH", "l", "1", "0x1p-1074", "2.2250738585072013e-308", "0", "0e-999");
    assertEquals(
      await c.raw("SORT", "l"),
      arr("0", "0e-999", "0x1p-1074", "2.2250738585072013e-308", "1"),
    );
  });
});

Deno.test("sort: LIMIT clamping, empty ranges, repeated LIMIT, 64-bit bounds", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("RPUSH", "l", "5", "4", "3", "2", "1");
    const cases: [string, string, string[]][] = [
      ["0", "2", ["1", "2"]],
      ["1", "1", ["2"]],
      ["3", "10", ["4", "5"]],
      ["-5", "2", ["1", "2"]],
      ["2", "-1", ["3", "4", "5"]],
      ["2", "-7", ["3", "4", "5"]],
      ["2", "0", []],
      ["4", "1", ["5"]],
      ["5", "1", []],
      ["5", "-1", []],
      ["9223372036854775807", "9223372036854775807", []],
      ["1", "9223372036854775807", ["2", "3", "4", "5"]],
      ["-9223372036854775808", "-9223372036854775808", ["1", "2", "3", "4", "5"]],
    ];
    for (const [offset, count, expected] of cases) {
      assertEquals(
        await c.raw("SORT", "l", "LIMIT", offset, count),
        arr(...expected),
        `LIMIT ${offset} ${count}`,
      );
      assertEquals(
        await c.raw("SORT", "l", "LIMIT", offset, count, "STORE", "dst"),
        `:${expected.length}\r\n`,
      );
    }
    assertEquals(await c.raw("SORT", "l", "LIMIT", "0", "1", "LIMIT", "1", "1"), arr("2"));
    assertEquals(await c.raw("SORT", "l", "DESC", "LIMIT", "1", "2"), arr("4", "3"));
    for (const bad of ["1.5", "x", "", "9223372036854775808", "-9223372036854775809", " 1"]) {
      assertEquals(await c.raw("SORT", "l", "LIMIT", bad, "1"), NOT_INTEGER);
      assertEquals(await c.raw("SORT", "l", "LIMIT", "1", bad), NOT_INTEGER);
    }
  });
});

Deno.test("sort: ALPHA compares bytes, up to a NUL unless storing", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const members = ["b", "B", "a", "\xff", "\xc3\xa9", "e", "a\0c", "a\0b", "", "a", "10", "9"];
    await c.raw("RPUSH", "a", ...members.map(bytes));
    // Without STORE, "a", "a\0c" and "a\0b" compare equal (strcoll) and keep their order.
    assertEquals(
      await c.raw("SORT", "a", "ALPHA"),
      arr("", "10", "9", "B", "a", "a\0c", "a\0b", "a", "b", "e", "\xc3\xa9", "\xff"),
    );
    assertEquals(
      await c.raw("SORT", "a", "ALPHA", "DESC"),
      arr("\xff", "\xc3\xa9", "e", "b", "a", "a\0c", "a\0b", "a", "B", "9", "10", ""),
    );
    // STORE compares whole byte strings.
    assertEquals(await c.raw("SORT", "a", "ALPHA", "STORE", "dst"), ":12\r\n");
    assertEquals(
      await c.raw("LRANGE", "dst", "0", "-1"),
      arr("", "10", "9", "B", "a", "a", "a\0b", "a\0c", "b", "e", "\xc3\xa9", "\xff"),
    );
    assertEquals(await c.raw("SORT", "a", "ALPHA", "LIMIT", "3", "2"), arr("B", "a"));
  });
});

Deno.test("sort: BY string keys and hash fields, missing weights, GET patterns", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("RPUSH", "ids", "3", "1", "2", "4");
    await c.raw("MSET", "w_1", "30", "w_2", "10", "w_3", "20");
    await c.raw("HSET", "h_1", "name", "one", "rank", "b");
    await c.raw("HSET", "h_2", "name", "two", "rank", "a");
    await c.raw("HSET", "h_3", "name", "three");
    // w_4 is missing: weight 0 numerically.
    assertEquals(await c.raw("SORT", "ids", "BY", "w_*"), arr("4", "2", "3", "1"));
    assertEquals(await c.raw("SORT", "ids", "BY", "w_*", "DESC"), arr("1", "3", "2", "4"));
    assertEquals(
      await c.raw("SORT", "ids", "BY", "w_*", "GET", "#", "GET", "w_*", "GET", "h_*->name"),
      arr("4", null, null, "2", "10", "two", "3", "20", "three", "1", "30", "one"),
    );
    // ALPHA BY: missing weights first, equal ones keep their order (3 and 4 have no rank).
    assertEquals(await c.raw("SORT", "ids", "BY", "h_*->rank", "ALPHA"), arr("3", "4", "2", "1"));
    assertEquals(
      await c.raw("SORT", "ids", "BY", "h_*->rank", "ALPHA", "DESC"),
      arr("1", "2", "3", "4"),
    );
    // Numeric BY on text weights fails; on a missing hash field it is 0.
    assertEquals(await c.raw("SORT", "ids", "BY", "h_*->name"), NOT_DOUBLE);
    assertEquals(await c.raw("SORT", "ids", "BY", "h_*->nofield"), arr("1", "2", "3", "4"));
    // A weight key of another type counts as missing; GET gives nil for it.
    await c.raw("RPUSH", "w_4", "x");
    assertEquals(
      await c.raw("SORT", "ids", "BY", "w_*", "GET", "w_*"),
      arr(null, "10", "20", "30"),
    );
    assertEquals(
      await c.raw("SORT", "ids", "BY", "h_*->name", "ALPHA", "GET", "w_*->x"),
      arr(
        null,
        null,
        null,
        null,
      ),
    );
    // Only the first `*` is replaced.
    await c.raw("SET", "k_1_*", "z");
    assertEquals(await c.raw("SORT", "ids", "GET", "k_*_*", "LIMIT", "0", "1"), arr("z"));
    // "->" with nothing after it is part of the key name.
    await c.raw("SET", "w_1->", "5");
    assertEquals(
      await c.raw("SORT", "ids", "BY", "h_*->", "GET", "w_*->", "LIMIT", "0", "2"),
      arr("5", null),
    );
    // The field is everything after the first "->" following the `*`.
    await c.raw("HSET", "x_1", "a->b", "deep");
    assertEquals(await c.raw("SORT", "ids", "GET", "x_*->a->b", "LIMIT", "0", "1"), arr("deep"));
    // RESP3 nulls.
    await c.raw("HELLO", "3");
    assertEquals(
      await c.raw("SORT", "ids", "GET", "w_*", "LIMIT", "3", "1"),
      "*1\r\n_\r\n",
    );
  });
});

Deno.test("sort: BY without `*` disables sorting, for good", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("RPUSH", "l", "c", "a", "b", "d");
    await c.raw("MSET", "w_a", "1", "w_b", "2", "w_c", "3", "w_d", "4");
    assertEquals(await c.raw("SORT", "l", "BY", "nosort"), arr("c", "a", "b", "d"));
    assertEquals(await c.raw("SORT", "l", "BY", "nosort", "DESC"), arr("d", "b", "a", "c"));
    assertEquals(await c.raw("SORT", "l", "BY", "nosort", "LIMIT", "1", "2"), arr("a", "b"));
    assertEquals(
      await c.raw("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"),
      arr("b", "a"),
    );
    assertEquals(await c.raw("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "3", "9"), arr("c"));
    assertEquals(await c.raw("SORT", "l", "BY", "nosort", "LIMIT", "4", "9"), "*0\r\n");
    assertEquals(await c.raw("SORT", "l", "BY", "#"), arr("c", "a", "b", "d"), "# has no `*`");
    assertEquals(await c.raw("SORT", "l", "BY", "w_*", "BY", "nosort"), arr("c", "a", "b", "d"));
    assertEquals(await c.raw("SORT", "l", "BY", "nosort", "BY", "w_*"), arr("c", "a", "b", "d"));
    assertEquals(await c.raw("SORT", "l", "BY", "w_*", "DESC"), arr("d", "c", "b", "a"));
    // Not sorting means not converting: no numeric error.
    assertEquals(
      await c.raw("SORT", "l", "BY", "nosort", "GET", "#", "GET", "w_*"),
      arr("c", "3", "a", "1", "b", "2", "d", "4"),
    );
  });
});

Deno.test("sort: NUL bytes in patterns end them where Redis reads C strings", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("RPUSH", "l", "2", "1");
    await c.raw("SET", "w_1", "x");
    await c.raw("SET", bytes("w_1\0*"), "nul");
    // `*` after a NUL is not seen: the pattern is constant, nothing is sorted or found.
    assertEquals(await c.raw("SORT", "l", "BY", bytes("w\0*")), arr("2", "1"));
    assertEquals(await c.raw("SORT", "l", "GET", bytes("w_\0*")), arr(null, null));
    // After the `*`, the key keeps every byte.
    assertEquals(await c.raw("SORT", "l", "GET", bytes("w_*\0*")), arr("nul", null));
    // "#" followed by a NUL is "#".
    assertEquals(await c.raw("SORT", "l", "GET", bytes("#\0junk")), arr("1", "2"));
    // "->" after a NUL is part of the key, and so is "->" followed by a NUL.
    await c.raw("HSET", "h_1", "f", "v");
    await c.raw("SET", bytes("h_1\0->f"), "key");
    await c.raw("SET", bytes("h_1->\0f"), "key2");
    assertEquals(await c.raw("SORT", "l", "GET", bytes("h_*\0->f"), "LIMIT", "0", "1"), arr("key"));
    assertEquals(
      await c.raw("SORT", "l", "GET", bytes("h_*->\0f"), "LIMIT", "0", "1"),
      arr("key2"),
    );
    // A field name may hold a NUL.
    await c.raw("HSET", "h_1", "f\0g", "v2");
    assertEquals(await c.raw("SORT", "l", "GET", bytes("h_*->f\0g"), "LIMIT", "0", "1"), arr("v2"));
  });
});

Deno.test("sort: sets sort like lists; unsorted sets keep their order unless stored", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("SADD", "s", "5", "3", "10", "-1");
    assertEquals(await c.raw("SORT", "s"), arr("-1", "3", "5", "10"));
    assertEquals(await c.raw("SORT", "s", "ALPHA"), arr("-1", "10", "3", "5"));
    // An intset iterates in numeric order; DESC has nothing to reverse.
    assertEquals(await c.raw("SORT", "s", "BY", "nosort"), arr("-1", "3", "5", "10"));
    assertEquals(
      await c.raw("SORT", "s", "BY", "nosort", "DESC", "LIMIT", "1", "2"),
      arr("3", "5"),
    );
    assertEquals(
      await c.raw("SORT", "s", "BY", "nosort", "GET", "#", "LIMIT", "0", "2"),
      arr("-1", "3"),
    );
    // Stored, it is sorted ALPHA (by bytes), honouring DESC and LIMIT.
    assertEquals(await c.raw("SORT", "s", "BY", "nosort", "STORE", "d"), ":4\r\n");
    assertEquals(await c.raw("LRANGE", "d", "0", "-1"), arr("-1", "10", "3", "5"));
    assertEquals(await c.raw("SORT", "s", "BY", "nosort", "DESC", "STORE", "d"), ":4\r\n");
    assertEquals(await c.raw("LRANGE", "d", "0", "-1"), arr("5", "3", "10", "-1"));
    assertEquals(
      await c.raw("SORT", "s", "BY", "nosort", "LIMIT", "1", "2", "STORE", "d"),
      ":2\r\n",
    );
    assertEquals(await c.raw("LRANGE", "d", "0", "-1"), arr("10", "3"));
    // The forced ALPHA sort drops the BY pattern: no lookups, no numeric errors.
    await c.raw("SADD", "t", "b", "a", "c");
    assertEquals(await c.raw("SORT", "t", "BY", "nosort", "GET", "#", "STORE", "d"), ":3\r\n");
    assertEquals(await c.raw("LRANGE", "d", "0", "-1"), arr("a", "b", "c"));
    assertEquals(await c.raw("SORT", "t"), NOT_DOUBLE);
  });
});

Deno.test("sort: sorted sets sort by member; BY nosort keeps their order; listpacks convert", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const db = rift.server.db(0);
    const encoding = (key: string) => db.object<ZSetValue>(db.find(bytes(key))).encoding();
    await c.raw("ZADD", "z", "5", "a", "1", "b", "3", "c", "2", "d", "4", "e");
    assertEquals(encoding("z"), "listpack");
    assertEquals(await c.raw("SORT", "z", "LIMIT", "x", "1"), NOT_INTEGER);
    assertEquals(encoding("z"), "listpack", "a rejected command converts nothing");
    assertEquals(await c.raw("SORT_RO", "z", "ALPHA"), arr("a", "b", "c", "d", "e"));
    assertEquals(encoding("z"), "skiplist", "SORT turns a listpack into a skiplist, as in Redis");
    assertEquals(await c.raw("SORT", "z", "BY", "nosort"), arr("b", "d", "c", "e", "a"));
    assertEquals(await c.raw("SORT", "z", "BY", "nosort", "DESC"), arr("a", "e", "c", "d", "b"));
    assertEquals(await c.raw("SORT", "z", "BY", "nosort", "LIMIT", "1", "2"), arr("d", "c"));
    assertEquals(
      await c.raw("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"),
      arr("e", "c"),
    );
    assertEquals(await c.raw("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "4", "9"), arr("b"));
    assertEquals(await c.raw("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "5", "9"), "*0\r\n");
    assertEquals(await c.raw("SORT", "z", "BY", "nosort", "LIMIT", "-1", "2"), arr("b", "d"));
    // Unlike a set, an unsorted sorted set is stored in its own order.
    assertEquals(await c.raw("SORT", "z", "BY", "nosort", "DESC", "STORE", "d"), ":5\r\n");
    assertEquals(await c.raw("LRANGE", "d", "0", "-1"), arr("a", "e", "c", "d", "b"));
    assertEquals(await c.raw("SORT", "z"), NOT_DOUBLE, "members, not scores, are the weights");
    await c.raw("ZADD", "n", "3", "10", "1", "20", "2", "5");
    assertEquals(await c.raw("SORT", "n"), arr("5", "10", "20"));
    assertEquals(
      await c.raw("SORT", "n", "BY", "nosort", "GET", "#", "GET", "w_*"),
      arr(
        "20",
        null,
        "5",
        null,
        "10",
        null,
      ),
    );
    // The source may be its own destination.
    assertEquals(await c.raw("SORT", "n", "BY", "nosort", "STORE", "n"), ":3\r\n");
    assertEquals(await c.raw("TYPE", "n"), "+list\r\n");
  });
});

Deno.test("sort: option errors, arity, WRONGTYPE and their order", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("RPUSH", "l", "1");
    await c.raw("SET", "str", "x");
    await c.raw("HSET", "hash", "f", "v");
    assertEquals(await c.raw("SORT"), "-ERR wrong number of arguments for 'sort' command\r\n");
    assertEquals(
      await c.raw("SORT_RO"),
      "-ERR wrong number of arguments for 'sort_ro' command\r\n",
    );
    for (
      const args of [
        ["LIMIT", "1"],
        ["LIMIT"],
        ["BY"],
        ["GET"],
        ["STORE"],
        ["foo"],
        ["ASC", "DESC", "ALPHAX"],
        ["BY", "w_*", "GET", "#", "GET"],
      ]
    ) {
      assertEquals(await c.raw("SORT", "l", ...args), SYNTAX, args.join(" "));
      assertEquals(await c.raw("SORT_RO", "l", ...args), SYNTAX, args.join(" "));
    }
    assertEquals(await c.raw("SORT_RO", "l", "STORE", "d"), SYNTAX);
    assertEquals(await c.raw("sort", "l", "limit", "0", "1", "alpha", "desc", "by", "x"), arr("1"));
    assertEquals(await c.raw("SORT", "str"), WRONGTYPE);
    assertEquals(await c.raw("SORT_RO", "hash", "BY", "nosort"), WRONGTYPE);
    assertEquals(await c.raw("SORT", "str", "STORE", "d"), WRONGTYPE);
    // Options are checked before the key's type.
    assertEquals(await c.raw("SORT", "str", "LIMIT", "x", "1"), NOT_INTEGER);
    assertEquals(await c.raw("SORT", "str", "LIMIT", "x"), SYNTAX);
    assertEquals(await c.raw("SORT", "str", "bogus"), SYNTAX);
    // The first bad option is the one reported.
    assertEquals(await c.raw("SORT", "l", "LIMIT", "0", "x", "bogus"), NOT_INTEGER);
    assertEquals(await c.raw("SORT", "l", "bogus", "LIMIT", "0", "x"), SYNTAX);
  });
});

Deno.test("sort: STORE writes a list, replaces any value and TTL, deletes on empty", async () => {
  const clock = new ManualClock(1_000_000);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("RPUSH", "l", "2", "1", "3");
    const db = rift.server.db(0);
    const expireOf = (key: string) => db.getExpire(db.find(bytes(key)));
    await c.raw("SET", "dst", "old", "EX", "100");
    assertEquals(expireOf("dst"), 1_100_000);
    assertEquals(await c.raw("SORT", "l", "STORE", "dst"), ":3\r\n");
    assertEquals(await c.raw("TYPE", "dst"), "+list\r\n");
    assertEquals(expireOf("dst"), 0);
    assertEquals(await c.raw("LRANGE", "dst", "0", "-1"), arr("1", "2", "3"));
    // GET values go in order; missing ones are stored as empty strings.
    await c.raw("SET", "w_1", "one");
    assertEquals(await c.raw("SORT", "l", "GET", "#", "GET", "w_*", "STORE", "dst"), ":6\r\n");
    assertEquals(await c.raw("LRANGE", "dst", "0", "-1"), arr("1", "one", "2", "", "3", ""));
    // The last STORE wins; the source may be the destination.
    assertEquals(await c.raw("SORT", "l", "DESC", "STORE", "x", "STORE", "l"), ":3\r\n");
    assertEquals(await c.raw("EXISTS", "x"), ":0\r\n");
    assertEquals(await c.raw("LRANGE", "l", "0", "-1"), arr("3", "2", "1"));
    // An empty result deletes the destination, whatever its type.
    await c.raw("DEL", "dst");
    await c.raw("HSET", "dst", "f", "v");
    assertEquals(await c.raw("SORT", "l", "LIMIT", "0", "0", "STORE", "dst"), ":0\r\n");
    assertEquals(await c.raw("EXISTS", "dst"), ":0\r\n");
    assertEquals(await c.raw("SORT", "missing", "STORE", "dst"), ":0\r\n");
    assertEquals(await c.raw("EXISTS", "dst"), ":0\r\n");
    // A destination that already expired is just replaced.
    await c.raw("SET", "gone", "v", "PX", "10");
    clock.advance(20);
    assertEquals(await c.raw("SORT", "l", "STORE", "gone"), ":3\r\n");
    assertEquals(expireOf("gone"), 0);
  }, { clock });
});

Deno.test("sort: events, propagation, dirty counter and WATCH", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const server = rift.server;
    await c.raw("CONFIG", "SET", "notify-keyspace-events", "KEAmn");
    const events = recordRiftEvents(server);
    const propagation = recordRiftPropagation(server);
    await c.raw("RPUSH", "l", "2", "1");
    events.take();
    propagation.take();
    const watcher = server.createClient(null);
    const touches = async (key: string, args: string[]): Promise<boolean> => {
      server.watch.unwatchAll(watcher);
      server.watch.watch(watcher, server.db(0), bytes(key));
      await c.raw(...args);
      return watcher.watchDirty;
    };
    const changes = async () =>
      Number(
        /rdb_changes_since_last_save:(\d+)/.exec(String(await c.value("INFO", "persistence")))![1],
      );

    let before = await changes();
    assertEquals(await touches("l", ["SORT", "l", "GET", "w_*"]), false);
    assertEquals(events.take(), ["keymiss w_1", "keymiss w_2"]);
    assertEquals(propagation.take(), [], "SORT without STORE is not propagated");
    assertEquals(await changes(), before);

    assertTrue(await touches("d", ["SORT", "l", "GET", "#", "GET", "#", "STORE", "d"]));
    assertEquals(events.take(), ["new d", "sortstore d"]);
    assertEquals(propagation.take(), ["SORT l GET # GET # STORE d"]);
    assertEquals(await changes(), before + 4, "dirty grows by the stored length");

    assertTrue(await touches("d", ["SORT", "l", "STORE", "d"]));
    assertEquals(events.take(), ["sortstore d"]);
    propagation.take();

    before = await changes();
    assertTrue(await touches("d", ["SORT", "nokey", "STORE", "d"]));
    assertEquals(events.take(), ["keymiss nokey", "del d"]);
    assertEquals(propagation.take(), ["SORT nokey STORE d"]);
    assertEquals(await changes(), before + 1);

    assertEquals(await touches("d", ["SORT", "nokey", "STORE", "d"]), false);
    assertEquals(events.take(), ["keymiss nokey"]);
    assertEquals(propagation.take(), [], "nothing deleted, nothing propagated");
    assertEquals(await changes(), before + 1);

    assertEquals(await touches("d", ["SORT_RO", "l"]), false);
    assertEquals([events.take(), propagation.take()], [[], []]);
  });
});

Deno.test("sort: STORE wakes a client blocked on the destination", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const blocked = await rift.client();
    await c.raw("RPUSH", "l", "b", "a");
    await blocked.send("BLPOP", "dst", "0");
    await c.raw("PING"); // the BLPOP is registered by now
    assertEquals(await c.raw("SORT", "l", "ALPHA", "STORE", "dst"), ":2\r\n");
    assertEquals(latin1Reply(await blocked.read()), arr("dst", "a"));
    assertEquals(await c.raw("LRANGE", "dst", "0", "-1"), arr("b"));
  });
});

function latin1Reply(r: { raw: Uint8Array }): string {
  return String.fromCharCode(...r.raw);
}

Deno.test("sort: every lookup counts a keyspace hit or miss, like Redis", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("RPUSH", "l", "3", "1", "2");
    await c.raw("SET", "w_1", "1");
    await c.raw("CONFIG", "RESETSTAT");
    await c.raw("SORT", "l");
    assertEquals(await stats(c), [1, 0]);
    await c.raw("CONFIG", "RESETSTAT");
    await c.raw("SORT", "l", "STORE", "d");
    assertEquals(await stats(c), [1, 0], "the source is read like a GET even when storing");
    await c.raw("CONFIG", "RESETSTAT");
    // BY: one lookup per element; GET: one per returned element and pattern; none for # or constants.
    await c.raw("SORT", "l", "BY", "w_*", "LIMIT", "0", "2", "GET", "#", "GET", "w_*", "GET", "k");
    assertEquals(await stats(c), [1 + 1, 2 + 2]);
    await c.raw("CONFIG", "RESETSTAT");
    await c.raw("SORT", "l", "BY", "nosort", "GET", "x_*", "LIMIT", "0", "1");
    assertEquals(await stats(c), [1, 1]);
    await c.raw("CONFIG", "RESETSTAT");
    await c.raw("SORT", "nokey", "BY", "w_*");
    assertEquals(await stats(c), [0, 1]);
  });
});

Deno.test("sort: lookups expire keys lazily", async () => {
  const clock = new ManualClock(1_000_000);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("RPUSH", "l", "1", "2");
    await c.raw("SET", "w_1", "10", "PX", "100");
    await c.raw("SET", "w_2", "5");
    assertEquals(await c.raw("SORT", "l", "BY", "w_*"), arr("2", "1"));
    clock.advance(200);
    assertEquals(await c.raw("SORT", "l", "BY", "w_*"), arr("1", "2"));
    assertEquals(await c.raw("SORT", "l", "GET", "w_*"), arr(null, "5"));
    assertEquals(await c.raw("DBSIZE"), ":2\r\n");
  }, { clock });
});

Deno.test("sort: binary, empty and huge elements", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const huge = "x".repeat(1 << 20);
    const binary = ["\r\n", "\0", "\xff\xfe", "", "\x80abc", huge];
    await c.raw("RPUSH", "b", ...binary.map(bytes));
    assertEquals(
      await c.raw("SORT", "b", "ALPHA", "STORE", "d"),
      `:${binary.length}\r\n`,
    );
    assertEquals(
      await c.raw("LRANGE", "d", "0", "-1"),
      arr("", "\0", "\r\n", huge, "\x80abc", "\xff\xfe"),
    );
    // Patterns substitute the element's bytes as they are.
    await c.raw("SET", bytes("w_\r\n"), "1");
    await c.raw("SET", bytes("w_\xff\xfe"), "-1");
    await c.raw("SET", bytes(`w_${huge}`), "-2");
    assertEquals(
      await c.raw("SORT", "b", "BY", "w_*", "GET", "w_*", "LIMIT", "0", "3"),
      arr("-2", "-1", null),
    );
  });
});

Deno.test("sort: large inputs sort right, fully and partially", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const n = 20_000;
    const values: number[] = [];
    let x = 12345;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      values.push((x % 200_000) - 100_000);
    }
    for (let i = 0; i < n; i += 5000) {
      await c.raw("RPUSH", "big", ...values.slice(i, i + 5000).map(String));
    }
    const numeric = [...values].sort((a, b) => a - b).map(String);
    assertEquals(await c.value("SORT", "big"), numeric);
    assertEquals(
      await c.value("SORT", "big", "DESC", "LIMIT", "100", "50"),
      [...numeric].reverse().slice(100, 150),
    );
    const alpha = values.map(String).sort();
    assertEquals(await c.value("SORT", "big", "ALPHA", "STORE", "d"), n);
    assertEquals(await c.value("LRANGE", "d", "0", "-1"), alpha);
    // BY with a LIMIT takes the partial quicksort; its window must be right.
    await c.raw("MSET", ...values.slice(0, 2000).flatMap((v) => [`w_${v}`, String(-v)]));
    const weighted = await c.value("SORT", "big", "BY", "w_*", "LIMIT", "10000", "20") as string[];
    assertEquals(weighted.length, 20);
    const full = await c.value("SORT", "big", "BY", "w_*") as string[];
    assertEquals(weighted, full.slice(10000, 10020));
  });
});

Deno.test("sort: command table entries and key extraction", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const info = await c.value("COMMAND", "INFO", "sort", "sort_ro") as unknown[][];
    assertEquals(info[0].slice(0, 6), ["sort", -2, ["write", "denyoom", "movablekeys"], 1, 1, 1]);
    assertEquals(info[1].slice(0, 6), ["sort_ro", -2, ["readonly", "movablekeys"], 1, 1, 1]);
    const keys = (...args: string[]) => c.value("COMMAND", "GETKEYS", ...args);
    assertEquals(await keys("SORT", "k"), ["k"]);
    assertEquals(await keys("SORT", "k", "STORE", "d"), ["k", "d"]);
    assertEquals(await keys("SORT", "k", "STORE", "d", "STORE", "e"), ["k", "e"]);
    assertEquals(await keys("SORT", "k", "LIMIT", "store", "1", "STORE", "y"), ["k", "y"]);
    assertEquals(await keys("SORT", "k", "GET", "store", "store"), ["k"]);
    assertEquals(await keys("SORT", "k", "STORE"), ["k"]);
    assertEquals(await keys("SORT", "k", "STORE", "STORE", "x"), ["k", "x"]);
    assertEquals(await keys("SORT_RO", "k", "STORE", "x"), ["k"]);
  });
});
