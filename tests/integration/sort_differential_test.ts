/**
 * SORT and SORT_RO against a real redis-server 7.0: a table of edge cases
 * byte for byte (with their keyspace events, keyspace misses included, and
 * propagation), then seeded random invocations over random lists, sets and
 * sorted sets with random BY/GET patterns naming strings and hash fields.
 *
 * Where Redis's result order is its own (an unsorted hash-table set, or
 * equal weights among members of a set or sorted set, which Redis meets in
 * its hash order),
 * only the content is compared; everywhere else replies must be identical.
 *
 * Redis's ALPHA compares with strcoll, which follows LC_COLLATE: the Redis
 * side is started under the C locale, whose order Rift implements.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { Arg } from "../helpers/client.ts";
import { describe } from "../helpers/differential.ts";
import { type ObservedPair, withObservedPair } from "../helpers/observed_pair.ts";
import { withEventsPair } from "../helpers/events_pair.ts";
import { Prng } from "../helpers/strings_random.ts";
import { sortedElements } from "../helpers/scenario.ts";
import { isInt64Text } from "../../src/store/set.ts";
import { strtodWhole } from "../../src/util/strtod.ts";

const bytes = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

/** Runs `fn` on an observed pair whose redis-server collates in the C locale. */
async function withSortPair(fn: (pair: ObservedPair) => Promise<void>): Promise<boolean> {
  const saved = [Deno.env.get("LC_ALL"), Deno.env.get("LC_COLLATE")];
  Deno.env.set("LC_ALL", "C");
  Deno.env.set("LC_COLLATE", "C");
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    for (const [i, name] of ["LC_ALL", "LC_COLLATE"].entries()) {
      if (saved[i] === undefined) Deno.env.delete(name);
      else Deno.env.set(name, saved[i]!);
    }
  };
  try {
    return await withObservedPair(async (pair) => {
      restore(); // redis-server has started with them
      await fn(pair);
    }, { "notify-keyspace-events": "KEAmn" });
  } finally {
    restore();
  }
}

/** Edge cases: replies, events and propagation must all be identical. */
const EDGE_CASES: Arg[][] = [
  ["RPUSH", "l", "3", "1", "2", "10", "-1", "2.5", "02", "+2", "2"],
  ["SORT", "l"],
  ["SORT", "l", "DESC"],
  ["SORT", "l", "ASC", "DESC", "ASC"],
  ["SORT_RO", "l", "DESC", "LIMIT", "2", "3"],
  ["SORT", "l", "LIMIT", "1", "1"],
  ["SORT", "l", "LIMIT", "-5", "2"],
  ["SORT", "l", "LIMIT", "1", "-5"],
  ["SORT", "l", "LIMIT", "5", "100"],
  ["SORT", "l", "LIMIT", "9", "1"],
  ["SORT", "l", "LIMIT", "20", "-1"],
  ["SORT", "l", "LIMIT", "3", "0"],
  ["SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807"],
  ["SORT", "l", "LIMIT", "1", "9223372036854775807"],
  ["SORT", "l", "LIMIT", "-9223372036854775808", "-9223372036854775808"],
  ["SORT", "l", "LIMIT", "0", "1", "LIMIT", "3", "2"],
  ["SORT", "l", "LIMIT", "1", "9223372036854775808"],
  ["SORT", "l", "LIMIT", "1.5", "1"],
  ["SORT", "l", "LIMIT", "", "1"],
  ["SORT", "l", "LIMIT", "1"],
  ["SORT", "l", "LIMIT", "1", "2", "3"],
  ["SORT", "l", "LIMIT", "0", "x", "bogus"],
  ["SORT", "l", "bogus", "LIMIT", "0", "x"],
  ["SORT", "l", "foo"],
  ["SORT", "l", "STORE"],
  ["SORT", "l", "GET"],
  ["SORT", "l", "BY"],
  ["SORT_RO", "l", "STORE", "d"],
  ["SORT"],
  ["SORT_RO"],
  ["sort", "l", "limit", "0", "3", "desc", "alpha", "by", "nosort"],
  // Numbers as strtod reads them.
  ["RPUSH", "f", "0x10", "1e1", "-inf", "inf", " 7", "\t-7", "5\0zz", "", ".5", "3.", "0x1p-1074"],
  ["RPUSH", "f", "2.2250738585072013e-308", "0e-999", "\v\f\r\n 8", "INFINITY", "1E2", "0X1P4"],
  ["SORT", "f"],
  ["SORT", "f", "DESC", "LIMIT", "3", "5"],
  ["SORT", "f", "ALPHA"],
  ["SORT", "f", "ALPHA", "DESC", "STORE", "fd"],
  ["LRANGE", "fd", "0", "-1"],
  // ALPHA: bytes, NUL-terminated without STORE, whole with it.
  ["RPUSH", "a", "b", "B", "a", bytes("\xff"), bytes("\xc3\xa9"), "e", "a\0c", "a\0b", "", "a"],
  ["SORT", "a", "ALPHA"],
  ["SORT", "a", "ALPHA", "DESC"],
  ["SORT", "a", "ALPHA", "LIMIT", "2", "4"],
  ["SORT", "a", "ALPHA", "STORE", "ad"],
  ["LRANGE", "ad", "0", "-1"],
  ["SORT", "a"],
  ["SORT", "a", "BY", "nosort"],
  ["SORT", "a", "BY", "nosort", "DESC", "LIMIT", "1", "3"],
  // BY and GET.
  ["RPUSH", "ids", "3", "1", "2", "4", "5"],
  ["MSET", "w_1", "30", "w_2", "10", "w_3", "20", "w_5", "x"],
  ["HSET", "h_1", "name", "one", "rank", "b"],
  ["HSET", "h_2", "name", "two", "rank", "a"],
  ["HSET", "h_3", "name", "three"],
  ["RPUSH", "w_4", "wrongtype"],
  ["SORT", "ids", "BY", "w_*"],
  ["SORT", "ids", "BY", "w_*", "LIMIT", "0", "4"],
  ["SORT", "ids", "BY", "w_*", "ALPHA"],
  ["SORT", "ids", "BY", "w_*", "ALPHA", "DESC", "GET", "#", "GET", "w_*", "GET", "h_*->name"],
  ["SORT", "ids", "BY", "h_*->rank", "ALPHA"],
  ["SORT", "ids", "BY", "h_*->rank", "ALPHA", "DESC"],
  ["SORT", "ids", "BY", "h_*->rank", "ALPHA", "LIMIT", "1", "3"],
  ["SORT", "ids", "BY", "h_*->rank", "ALPHA", "LIMIT", "1", "3", "STORE", "out"],
  ["LRANGE", "out", "0", "-1"],
  ["SORT", "ids", "BY", "h_*->name"],
  ["SORT", "ids", "BY", "h_*->nofield", "GET", "h_*->name", "GET", "nosuch", "GET", "w_*->x"],
  ["SORT", "ids", "BY", "h_*->", "GET", "h_*->"],
  ["SORT", "ids", "BY", "nosort", "GET", "#", "GET", "w_*"],
  ["SORT", "ids", "BY", "nosort", "DESC", "LIMIT", "1", "2", "GET", "w_*"],
  ["SORT", "ids", "BY", "w_*", "BY", "nosort"],
  ["SORT", "ids", "BY", "nosort", "BY", "w_*"],
  ["SORT", "ids", "BY", "#"],
  ["SORT", "ids", "BY", "w_*", "STORE", "out"],
  ["SORT", "ids", "GET", "#", "GET", "w_*", "STORE", "out"],
  ["LRANGE", "out", "0", "-1"],
  ["SORT", "ids", "LIMIT", "0", "0", "STORE", "out"],
  ["EXISTS", "out"],
  ["SORT", "ids", "LIMIT", "0", "0", "STORE", "out"],
  ["SORT", "nokey", "STORE", "out"],
  ["SET", "k_1_*", "z"],
  ["SORT", "ids", "GET", "k_*_*"],
  ["HSET", "x_1", "a->b", "deep"],
  ["SORT", "ids", "GET", "x_*->a->b"],
  // NUL bytes in patterns.
  ["SET", bytes("w_1\0*"), "nul"],
  ["SET", bytes("h_1\0->name"), "key"],
  ["SET", bytes("h_1->\0name"), "key2"],
  ["HSET", "h_1", "na\0me", "v2"],
  ["SORT", "ids", "BY", bytes("w\0*")],
  ["SORT", "ids", "GET", bytes("w_\0*")],
  ["SORT", "ids", "GET", bytes("w_*\0*")],
  ["SORT", "ids", "GET", bytes("#\0junk")],
  ["SORT", "ids", "GET", bytes("h_*\0->name")],
  ["SORT", "ids", "GET", bytes("h_*->\0name")],
  ["SORT", "ids", "GET", bytes("h_*->na\0me")],
  // Sets: intsets iterate in order; a stored unsorted set is sorted ALPHA.
  ["SADD", "s", "5", "3", "10", "-1"],
  ["SORT", "s"],
  ["SORT", "s", "ALPHA"],
  ["SORT", "s", "BY", "nosort"],
  ["SORT", "s", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
  ["SORT", "s", "BY", "nosort", "GET", "#", "GET", "w_*"],
  ["SORT", "s", "BY", "nosort", "STORE", "sd"],
  ["LRANGE", "sd", "0", "-1"],
  ["SORT", "s", "BY", "nosort", "DESC", "LIMIT", "1", "2", "STORE", "sd"],
  ["LRANGE", "sd", "0", "-1"],
  ["SORT", "s", "BY", "w_*", "GET", "w_*"],
  ["SADD", "t", "b", "a", "c"],
  ["SORT", "t"],
  ["SORT", "t", "ALPHA", "DESC"],
  ["SORT", "t", "BY", "nosort", "GET", "#", "GET", "w_*", "STORE", "sd"],
  ["LRANGE", "sd", "0", "-1"],
  // Sorted sets: sorted by member, or kept in score order; listpacks become skiplists.
  // Members equal up to a NUL would meet in Redis's hash order: none here.
  ["ZADD", "z", "5", "a", "1", "b", "3", "c", "2", "d", "4", "e", "2", bytes("\xfe")],
  ["OBJECT", "ENCODING", "z"],
  ["SORT", "z", "LIMIT", "x", "1"],
  ["OBJECT", "ENCODING", "z"],
  ["SORT_RO", "z", "ALPHA"],
  ["OBJECT", "ENCODING", "z"],
  ["SORT", "z", "ALPHA", "DESC", "LIMIT", "1", "3"],
  ["SORT", "z"],
  ["SORT", "z", "BY", "nosort"],
  ["SORT", "z", "BY", "nosort", "DESC"],
  ["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"],
  ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
  ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "5", "10"],
  ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "6", "10"],
  ["SORT", "z", "BY", "nosort", "LIMIT", "-1", "2"],
  ["SORT", "z", "BY", "nosort", "GET", "#", "GET", "w_*"],
  ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "3", "STORE", "zd"],
  ["LRANGE", "zd", "0", "-1"],
  ["ZADD", "zn", "3", "10", "1", "20", "2", "5", "2", "1.5"],
  ["SORT", "zn"],
  ["SORT", "zn", "DESC", "GET", "#", "GET", "w_*"],
  ["SORT", "zn", "BY", "nosort", "STORE", "zn"],
  ["TYPE", "zn"],
  // Wrong types: the source is checked after the options, the destination is overwritten.
  ["SET", "str", "x"],
  ["HSET", "hash", "f", "v"],
  ["SORT", "str"],
  ["SORT_RO", "hash", "BY", "nosort"],
  ["SORT", "str", "LIMIT", "x", "1"],
  ["SORT", "str", "LIMIT", "x"],
  ["SORT", "l", "STORE", "hash"],
  ["TYPE", "hash"],
  ["SET", "dst", "v", "EX", "100"],
  ["SORT", "l", "LIMIT", "0", "2", "STORE", "dst"],
  ["TTL", "dst"],
  ["SORT", "l", "DESC", "STORE", "l"],
  ["LRANGE", "l", "0", "-1"],
];

Deno.test("sort differential: edge cases, byte for byte, with events and propagation", async () => {
  await withSortPair(async (pair) => {
    for (const args of EDGE_CASES) {
      if (!args.includes("EX")) {
        await pair.same(...args);
        continue;
      }
      // Propagated with an absolute time: compare everything but that.
      const { replies, events } = await pair.run(...args);
      assertEquals(replies[0], replies[1]);
      assertEquals(events[0], events[1]);
    }
    // RESP3 nulls.
    await pair.rift.raw("HELLO", "3");
    await pair.redis.raw("HELLO", "3");
    await pair.same("SORT", "ids", "GET", "w_*", "GET", "#");
    await pair.same("SORT", "ids", "BY", "nosort", "GET", "h_*->rank");
    assertEquals(...await pair.changes());
  });
});

Deno.test("sort differential: STORE onto an expired, unreclaimed destination", async () => {
  let steps = 0;
  const ran = await withEventsPair(async (p) => {
    await p.step("RPUSH", "src", "2", "1");
    for (const source of ["missing", "src"]) {
      // An empty result deletes the destination as it is (`del`); a
      // non-empty one reclaims it first (`expired`) and then stores.
      await p.step("SET", "dst", "old", "PXAT", 1000);
      await p.step("SORT", source, "STORE", "dst");
      await p.step("EXISTS", "dst");
      await p.step("SET", "dst", "old", "PXAT", 1000);
      await p.step("SORT", source, "LIMIT", "5", "1", "STORE", "dst");
      await p.step("LRANGE", "dst", "0", "-1");
      steps += 6;
    }
  });
  if (ran) assertEquals(steps, 12);
});

Deno.test("sort differential: weights strtod rejects, one at a time", async () => {
  // Redis 7.0's SORT does not clear errno before strtod, so after an ERANGE
  // the next SORT of non-integer text fails too until some parser clears it
  // (INCRBYFLOAT does): each case is followed by one, on both servers.
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
    "\xa01",
    "1e400",
    "-1e309",
    "1e-400",
    "1e-310",
    "0x1.8p-1074",
    "2.2250738585072011e-308",
    "0x1.fffffffffffffp-1023",
    "4.9e-324",
  ];
  const accepted = [
    "",
    " 1",
    "\0",
    "7\0x",
    "0x1p-1074",
    "0x1p-1022",
    "2.2250738585072013e-308",
    "0x1.fffffffffffff8p-1023",
    "1.7976931348623157e308",
    "0e99999",
    "inf",
    "-Infinity",
  ];
  await withSortPair(async (pair) => {
    let cases = 0;
    for (const weight of [...rejected, ...accepted]) {
      const what = JSON.stringify(weight);
      await pair.same("DEL", "l", "w_7");
      await pair.same("RPUSH", "l", "1.5", bytes(weight), "7");
      await pair.same("SET", "w_7", bytes(weight));
      const reply = await pair.same("SORT", "l");
      assertEquals(reply.startsWith("-"), rejected.includes(weight), what);
      await pair.same("INCRBYFLOAT", "errno-reset", "1");
      const stored = await pair.same("SORT", "l", "BY", "w_*", "STORE", "dst");
      assertEquals(stored.startsWith("-"), rejected.includes(weight), what);
      await pair.same("INCRBYFLOAT", "errno-reset", "1");
      cases++;
    }
    assertEquals(cases, rejected.length + accepted.length);
  });
});

// ------------------------------------------------------------ random runs

/** Elements: numbers in strtod's forms, words, binary and empty strings. */
const ELEMENTS = [
  ...Array.from({ length: 25 }, (_, i) => String(i - 5)),
  "1.5",
  "-2.25",
  "3.",
  ".5",
  "1e1",
  "+4",
  "007",
  "0x1A",
  "inf",
  "-inf",
  " 6",
  "6\0z",
  "a",
  "b",
  "B",
  "ab",
  "a\0b",
  "a\0c",
  "\xff",
  "\xc3\xa9",
  "\r\n",
  "",
  "word",
  "Word",
];
const NUMERIC_ELEMENTS = ELEMENTS.filter((e) => !Number.isNaN(strtodWhole(e)));
/** Elements no weight can parse, to reach the numeric error now and then. */
const GARBAGE = ["nan", "x1", "1 "];
const WEIGHTS = [
  ...Array.from({ length: 12 }, (_, i) => String(i * 7 % 11 - 3)),
  "2.5",
  "-0",
  "1e2",
  "0x10",
  "inf",
  "",
  " 3",
  "a",
  "b",
  "c",
  "A",
  "a\0z",
  "\xfe",
  "same",
  "same",
];
const NUMERIC_WEIGHTS = WEIGHTS.filter((w) => !Number.isNaN(strtodWhole(w)));
const BY_PATTERNS = ["w:*", "h:*->f", "h:*->g", "w:*->f", "h:*", "nosort", "#", "w:*:x"];
const GET_PATTERNS = ["#", "w:*", "h:*->f", "h:*->g", "h:*->nofield", "const", "w:*->f"];

/** What the test knows of the keyspace, to tell when Redis's order is defined. */
type Model = Map<string, string | Map<string, string> | "other">;

/** The weight `pattern` names for `element` in `model` (patterns here have no NUL). */
function weightOf(model: Model, pattern: string, element: string): string | null {
  const star = pattern.indexOf("*");
  const arrow = pattern.indexOf("->", star + 1);
  const field = arrow >= 0 && arrow + 2 < pattern.length ? pattern.slice(arrow + 2) : null;
  const key = pattern.slice(0, star) + element +
    pattern.slice(star + 1, field === null ? pattern.length : arrow);
  const value = model.get(key);
  if (value === undefined || value === "other") return null;
  if (field === null) return typeof value === "string" ? value : null;
  return typeof value === "string" ? null : value.get(field) ?? null;
}

function firstLine(reply: string): string {
  return reply.slice(0, reply.indexOf("\r\n"));
}

function cString(text: string): string {
  const nul = text.indexOf("\0");
  return nul < 0 ? text : text.slice(0, nul);
}

/** True when no two keys are equal (nulls included). */
function distinct(keys: (string | null)[]): boolean {
  return new Set(keys).size === keys.length;
}

interface Invocation {
  args: Arg[];
  /** Whether Redis's reply order is fully determined. */
  ordered: boolean;
  /** Whether a LIMIT was given (with an undetermined order, it picks undetermined elements). */
  limited: boolean;
  /** Whether weights are looked up in a determined order (not so over a hash-table set). */
  lookupsOrdered: boolean;
}

/** A random SORT/SORT_RO and whether its order is defined for a set `members` (null: not a set). */
/**
 * A random SORT/SORT_RO of `source`, and whether its order is defined:
 * `members` are the members of a set or sorted set (`zset`), null for
 * anything else.
 */
function randomSort(
  rng: Prng,
  model: Model,
  source: string,
  members: string[] | null,
  zset: boolean,
): Invocation {
  const readonly = rng.chance(0.3);
  const args: Arg[] = [readonly ? "SORT_RO" : "SORT", source];
  let by: string | null = null;
  let dontSort = false;
  let alpha = false;
  let store = false;
  let limited = false;
  const options = rng.range(0, 5);
  for (let i = 0; i < options; i++) {
    switch (rng.int(7)) {
      case 0: {
        by = rng.pick(BY_PATTERNS);
        if (!by.includes("*")) dontSort = true;
        args.push("BY", by);
        break;
      }
      case 1: {
        const offset = rng.pick([0, 0, 1, 2, 5, -1, 40, rng.int(30)]);
        const count = rng.pick([-1, 0, 1, 3, 10, 100, -5, rng.int(30)]);
        limited = true;
        args.push("LIMIT", String(offset), String(count));
        break;
      }
      case 2:
        args.push("GET", rng.pick(GET_PATTERNS));
        break;
      case 3:
        args.push(rng.pick(["ASC", "DESC", "desc"]));
        break;
      case 4:
        alpha = true;
        args.push(rng.pick(["ALPHA", "alpha"]));
        break;
      case 5:
        if (!readonly || rng.chance(0.1)) {
          store = true;
          args.push("STORE", rng.pick(["dst", "dst", "w:1"]));
        }
        break;
      default:
        // A keyword missing its arguments, or an unknown one: a syntax error.
        if (rng.chance(0.05)) {
          args.push(rng.pick(["LIMIT", "BY", "bogus", "GET"]));
          i = options;
        }
    }
  }
  if (
    members === null || model.get(source) === undefined ||
    (!zset && members.length <= 512 && members.every(isInt64Text)) || (zset && dontSort)
  ) {
    return { args, ordered: true, limited, lookupsOrdered: true };
  }
  // A hash-table set, or a sorted set being sorted: Redis meets members in its hash order.
  let ordered: boolean;
  if (dontSort) {
    ordered = store || members.length <= 1;
  } else if (!alpha) {
    ordered = true; // distinct members break every tie
  } else if (by === null) {
    ordered = store || distinct(members.map(cString));
  } else {
    const weights = members.map((m) => weightOf(model, by!, m));
    ordered = distinct(store ? weights : weights.map((w) => (w === null ? null : cString(w))));
  }
  return { args, ordered, limited, lookupsOrdered: false };
}

/** Fills both servers with a random source list, set or sorted set, weights and hashes. */
async function randomData(
  rng: Prng,
  pair: ObservedPair,
  model: Model,
): Promise<{ source: string; members: string[] | null; zset: boolean }> {
  await pair.same("FLUSHALL");
  model.clear();
  // Some rounds hold only numbers, so that numeric sorts mostly succeed there.
  const numeric = rng.chance(0.4);
  const pool = numeric ? NUMERIC_ELEMENTS : rng.chance(0.2) ? [...ELEMENTS, ...GARBAGE] : ELEMENTS;
  const weights = numeric ? NUMERIC_WEIGHTS : WEIGHTS;
  const length = rng.pick([0, 1, 2, 5, 8, 20, 45, 120]);
  const elements = Array.from(
    { length },
    () => rng.chance(0.3) ? String(rng.int(60)) : rng.pick(pool),
  );
  let members: string[] | null = null;
  let source = "src";
  let zset = false;
  const kind = rng.int(5);
  if (length > 0 && kind <= 1) {
    await pair.same("RPUSH", "src", ...elements.map(bytes));
    model.set("src", "other");
  } else if (length > 0 && kind === 2) {
    await pair.same("SADD", "src", ...elements.map(bytes));
    members = [...new Set(elements)];
    model.set("src", "other");
  } else if (length > 0 && kind === 3) {
    // Scores with ties, so that equal scores order by member.
    const scored = elements.flatMap((e) => [String(rng.int(8) - 2), e]);
    await pair.same("ZADD", "src", ...scored.map(bytes));
    members = [...new Set(elements)];
    zset = true;
    model.set("src", "other");
  } else if (length > 0) {
    const ints = elements.map((_, i) => String((i * 37) % 101 - 50));
    await pair.same("SADD", "src", ...ints);
    members = [...new Set(ints)];
    model.set("src", "other");
  } else {
    source = rng.pick(["src", "str"]);
    if (source === "str") {
      await pair.same("SET", "str", "v");
      model.set("str", "v");
    }
  }
  const named = members ?? elements;
  for (const element of new Set(named)) {
    if (rng.chance(0.7)) {
      const weight = rng.pick(weights);
      await pair.same("SET", bytes(`w:${element}`), bytes(weight));
      model.set(`w:${element}`, weight);
    } else if (rng.chance(0.1)) {
      await pair.same("SADD", bytes(`w:${element}`), "x");
      model.set(`w:${element}`, "other");
    }
    if (rng.chance(0.6)) {
      const fields = new Map<string, string>();
      fields.set("f", rng.pick(weights));
      if (rng.chance(0.5)) fields.set("g", rng.pick(weights));
      await pair.same("HSET", bytes(`h:${element}`), ...[...fields].flat().map(bytes));
      model.set(`h:${element}`, fields);
    }
  }
  return { source, members, zset };
}

Deno.test("sort differential: seeded random SORT/SORT_RO over random data", async () => {
  const rng = new Prng(20240712);
  const model: Model = new Map();
  let compared = 0;
  let ordered = 0;
  let stores = 0;
  let errors = 0;
  await withSortPair(async (pair) => {
    for (let round = 0; round < 80; round++) {
      const resp3 = rng.chance(0.25);
      await pair.rift.raw("HELLO", resp3 ? "3" : "2");
      await pair.redis.raw("HELLO", resp3 ? "3" : "2");
      const { source, members, zset } = await randomData(rng, pair, model);
      const [riftBefore, redisBefore] = await pair.changes();
      for (let i = 0; i < 25; i++) {
        const invocation = randomSort(rng, model, source, members, zset);
        const { args, ordered: defined, limited } = invocation;
        const what = describe(args);
        const { replies, events, propagated } = await pair.run(...args);
        if (defined) {
          assertEquals(replies[0], replies[1], `reply differs for: ${what}`);
          if (invocation.lookupsOrdered) assertEquals(events[0], events[1], `events: ${what}`);
          else assertEquals([...events[0]].sort(), [...events[1]].sort(), `events: ${what}`);
          ordered++;
        } else if (!limited) {
          assertEquals(sortedElements(replies[0]), sortedElements(replies[1]), what);
          assertEquals([...events[0]].sort(), [...events[1]].sort(), `events: ${what}`);
        } else {
          assertEquals(firstLine(replies[0]), firstLine(replies[1]), what);
        }
        assertEquals(propagated[0], propagated[1], `propagation differs for: ${what}`);
        if (replies[0].startsWith("-")) errors++;
        if (replies[0].startsWith(":")) {
          stores++;
          const dst = args[args.lastIndexOf("STORE") + 1];
          const [a, b] = await Promise.all([
            pair.rift.raw("LRANGE", dst, "0", "-1"),
            pair.redis.raw("LRANGE", dst, "0", "-1"),
          ]);
          if (defined) assertEquals(a, b, what);
          else if (!limited) assertEquals(sortedElements(a), sortedElements(b), what);
          else assertEquals(firstLine(a), firstLine(b), what);
          // The destination may have been a weight key: keep the model right.
          if (model.has(String(dst)) || a !== "*0\r\n") model.set(String(dst), "other");
          if (a === "*0\r\n") model.delete(String(dst));
        }
        compared++;
      }
      // Every write counts the same in both (FLUSHALL's own count aside).
      const [riftAfter, redisAfter] = await pair.changes();
      assertEquals(riftAfter - riftBefore, redisAfter - redisBefore, "dirty counter");
    }
  });
  assertEquals(compared, 80 * 25);
  // The run covers ordered and unordered cases, stores and errors in fair numbers.
  assertTrue(ordered > compared * 0.8, `ordered: ${ordered}`);
  assertTrue(stores > 100, `stores: ${stores}`);
  assertTrue(errors > 100 && errors < compared / 3, `errors: ${errors}`);
});
