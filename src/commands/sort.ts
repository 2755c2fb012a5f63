/**
 * SORT and SORT_RO with Redis 7.0's exact rules.
 *
 * - Options are read left to right and may repeat (the last one wins);
 *   errors in them come before the key is even looked up.
 * - Weights are the elements themselves or, with `BY pattern`, the string
 *   keys or hash fields (`->field`) the pattern names once its first `*`
 *   is replaced by the element. A pattern without `*` (`BY nosort`) turns
 *   sorting off; once off it stays off whatever BY follows, as in Redis.
 * - Numeric weights go through C's strtod (see util/strtod.ts); a missing
 *   weight counts as 0, and equal weights fall back to comparing the
 *   elements' bytes.
 * - ALPHA compares bytes. Redis compares with strcoll when it does not
 *   STORE, which stops at a NUL byte and follows the server's LC_COLLATE;
 *   Rift behaves as Redis under the C locale (its default outside a
 *   configured environment): byte order up to the first NUL. With BY, a
 *   missing weight sorts first and equal weights keep their order.
 * - Equal elements keep their order in a full sort (glibc's qsort is a
 *   stable merge sort), but `BY pattern` with a LIMIT that cuts the result
 *   uses Redis's partial quicksort, whose order for equal weights is
 *   reproduced step by step (util/partial_quicksort.ts).
 * - Without sorting, lists and sorted sets keep their order (DESC reverses
 *   it) and only the LIMIT range is read; a set stored with STORE is sorted
 *   ALPHA anyway, so that replicas get the same list. Sorting reads a sorted
 *   set's members in Redis's hash order, which only matters for equal
 *   weights; Rift reads them in score order.
 * - A listpack sorted set becomes a skiplist, as SORT converts it in Redis.
 * - Patterns are C strings where Redis treats them so: `*` and `->` are only
 *   found before a NUL byte, and `#` followed by a NUL is `#`.
 * - Every weight and GET lookup reads the keyspace like a GET (hits,
 *   misses, `keymiss` events, lazy expiry).
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import {
  type Database,
  TYPE_HASH,
  TYPE_LIST,
  TYPE_SET,
  TYPE_STRING,
  TYPE_ZSET,
} from "../store/database.ts";
import type { HashValue } from "../store/hash.ts";
import { ListValue } from "../store/list.ts";
import type { SetValue } from "../store/set.ts";
import { ZSetValue } from "../store/zset.ts";
import { NOTIFY_LIST } from "../server/notify_flags.ts";
import { compareLatin1, isKeyword, latin1 } from "../util/bytes.ts";
import { strtodWhole } from "../util/strtod.ts";
import { partialQuicksort } from "../util/partial_quicksort.ts";
import { command, type CommandSpec } from "./spec.ts";
import { sortKeys, sortReadOnlyKeys } from "./key_finders.ts";
import { deleteDestination, intArg, lookupRead, SYNTAX_ERROR, WRONGTYPE } from "./util.ts";

const NOT_DOUBLE = "ERR One or more scores can't be converted into double";

/** A BY or GET pattern, split once when the command is parsed. */
interface Pattern {
  /** `#`: the element itself. */
  readonly self: boolean;
  /** No `*` before the first NUL: names no key, every lookup finds nothing. */
  readonly constant: boolean;
  /** Bytes before the `*`. */
  readonly prefix: Uint8Array;
  /** Bytes after the `*` (up to `->` when a field is named). */
  readonly suffix: Uint8Array;
  /** Hash field after `->`, or null to read a string key. */
  readonly field: string | null;
}

/** SORT's options, as parsed. */
interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  /** The last BY pattern (even a constant one). */
  by: Pattern | null;
  /** Some BY pattern had no `*`. */
  dontSort: boolean;
  gets: Pattern[];
  store: Uint8Array | null;
}

/** Index of the first `needle` byte in `bytes[from..)` before any NUL, or -1. */
function indexBeforeNul(bytes: Uint8Array, needle: number, from: number): number {
  for (let i = from; i < bytes.length && bytes[i] !== 0; i++) if (bytes[i] === needle) return i;
  return -1;
}

/** Splits a pattern the way Redis's lookupKeyByPattern reads it. */
function compilePattern(bytes: Uint8Array): Pattern {
  const self = bytes[0] === 35 /* # */ && (bytes.length === 1 || bytes[1] === 0);
  const star = indexBeforeNul(bytes, 42, /* * */ 0);
  const prefix = star < 0 ? bytes.slice() : bytes.slice(0, star);
  if (self || star < 0) {
    return { self, constant: star < 0, prefix, suffix: new Uint8Array(0), field: null };
  }
  // The first "->" after the `*`, before a NUL, and followed by a non-NUL byte.
  let arrow = -1;
  for (let i = star + 1; i + 1 < bytes.length && bytes[i] !== 0; i++) {
    if (bytes[i] === 45 /* - */ && bytes[i + 1] === 62 /* > */) {
      arrow = i;
      break;
    }
  }
  const hasField = arrow >= 0 && arrow + 2 < bytes.length && bytes[arrow + 2] !== 0;
  return {
    self,
    constant: false,
    prefix,
    suffix: bytes.slice(star + 1, hasField ? arrow : bytes.length),
    field: hasField ? latin1(bytes.subarray(arrow + 2)) : null,
  };
}

/**
 * Scratch space for the keys patterns name. Keys are only looked up, and
 * nothing keeps the view past the lookup (an expired key or a `keymiss`
 * event copies it), so one buffer serves every lookup: allocating a typed
 * array per lookup would cost more than the lookup itself.
 */
let keyScratch = new Uint8Array(256);
/** The scratch grows up to this size. */
const KEY_SCRATCH_MAX = 64 * 1024;

/**
 * Looks up the key a (non-constant) pattern names for `element`, like a
 * GET does. Returns the entry or -1.
 */
function findPatternKey(c: Client, pattern: Pattern, element: string): number {
  const { prefix, suffix } = pattern;
  const length = prefix.length + element.length + suffix.length;
  if (length > keyScratch.length && length <= KEY_SCRATCH_MAX) {
    keyScratch = new Uint8Array(Math.max(length, keyScratch.length * 2));
  }
  // A huge key gets a buffer of its own rather than a scratch kept forever.
  const key = length <= keyScratch.length ? keyScratch : new Uint8Array(length);
  key.set(prefix);
  let o = prefix.length;
  for (let i = 0; i < element.length; i++) key[o++] = element.charCodeAt(i);
  key.set(suffix, o);
  return lookupRead(c, key.subarray(0, length));
}

/**
 * The value a pattern names for `element`: the element itself for `#`, a
 * string key's value or a hash field's value, or null when there is none
 * (missing key, wrong type, missing field, constant pattern).
 */
function lookupPattern(c: Client, pattern: Pattern, element: string): string | null {
  if (pattern.self) return element;
  if (pattern.constant) return null;
  const id = findPatternKey(c, pattern, element);
  if (id < 0) return null;
  const db = c.db;
  if (pattern.field !== null) {
    if (db.typeOf(id) !== TYPE_HASH) return null;
    return db.object<HashValue>(id).get(pattern.field) ?? null;
  }
  if (db.typeOf(id) !== TYPE_STRING) return null;
  return latin1(db.stringView(id));
}

/** Replies with what {@link lookupPattern} finds (nil for nothing), copying string values once. */
function replyPattern(c: Client, pattern: Pattern, element: string): void {
  const db = c.db;
  if (pattern.field === null && !pattern.self && !pattern.constant) {
    const id = findPatternKey(c, pattern, element);
    if (id >= 0 && db.typeOf(id) === TYPE_STRING) {
      c.out.bulkSlice(db.stringSource(id), db.lastOffset, db.lastLength);
    } else {
      c.out.nullBulk();
    }
    return;
  }
  const found = lookupPattern(c, pattern, element);
  if (found === null) c.out.nullBulk();
  else c.out.bulkLatin1(found);
}

/** Parses the options after the key; null after replying with the error. */
function parseOptions(c: Client, argv: Uint8Array[], readonly: boolean): SortOptions | null {
  const options: SortOptions = {
    desc: false,
    alpha: false,
    limitStart: 0,
    limitCount: -1,
    by: null,
    dontSort: false,
    gets: [],
    store: null,
  };
  for (let j = 2; j < argv.length; j++) {
    const arg = argv[j];
    const left = argv.length - j - 1;
    if (isKeyword(arg, "asc")) {
      options.desc = false;
    } else if (isKeyword(arg, "desc")) {
      options.desc = true;
    } else if (isKeyword(arg, "alpha")) {
      options.alpha = true;
    } else if (isKeyword(arg, "limit") && left >= 2) {
      const start = intArg(c, argv[j + 1]);
      if (start === null) return null;
      const count = intArg(c, argv[j + 2]);
      if (count === null) return null;
      options.limitStart = start;
      options.limitCount = count;
      j += 2;
    } else if (!readonly && isKeyword(arg, "store") && left >= 1) {
      options.store = argv[++j].slice();
    } else if (isKeyword(arg, "by") && left >= 1) {
      options.by = compilePattern(argv[++j]);
      if (options.by.constant) options.dontSort = true;
    } else if (isKeyword(arg, "get") && left >= 1) {
      options.gets.push(compilePattern(argv[++j]));
    } else {
      c.out.error(SYNTAX_ERROR);
      return null;
    }
  }
  return options;
}

/** `count` elements of a list from `start`, or from the tail towards the head when `reverse`. */
function listRange(list: ListValue, start: number, count: number, reverse: boolean): string[] {
  const out: string[] = new Array(count);
  const size = list.size;
  for (let k = 0; k < count; k++) out[k] = list.at(reverse ? size - 1 - start - k : start + k);
  return out;
}

/**
 * `count` members of a sorted set from rank `start`, or from the highest
 * rank down when `reverse` (ranks then count from the top).
 */
function zsetRange(zset: ZSetValue, start: number, count: number, reverse: boolean): string[] {
  const out: string[] = [];
  if (count <= 0) return out;
  const first = reverse ? zset.size - 1 - start : start;
  zset.walk(first, reverse, (member) => {
    out.push(member);
    return out.length < count;
  });
  return out;
}

/** Every element of a list, set or sorted set, in its own order. */
function allElements(type: number, value: unknown): string[] {
  if (type === TYPE_LIST) return (value as ListValue).toArray();
  const out: string[] = [];
  if (type === TYPE_SET) (value as SetValue).forEach((m) => out.push(m));
  else (value as ZSetValue).forEach((m) => out.push(m));
  return out;
}

/**
 * Redis converts a listpack sorted set to a skiplist before sorting it, for
 * good (OBJECT ENCODING shows it), whatever the options; so does Rift.
 */
function convertToSkiplist(db: Database, id: number): void {
  const zset = db.object<ZSetValue>(id);
  if (!zset.isListpack) return;
  const members: string[] = [];
  const scores: number[] = [];
  zset.forEach((member, score) => {
    members.push(member);
    scores.push(score);
  });
  db.replaceObject(id, ZSetValue.fromEntries(members, scores, SKIPLIST_ONLY));
}

/** Limits no sorted set fits in a listpack under. */
const SKIPLIST_ONLY = { maxListpackEntries: 0, maxListpackValue: 0 };

/** The comparison SORT applies to element positions, DESC included. */
function comparator(
  elements: string[],
  scores: Float64Array | null,
  weights: (string | null)[] | null,
  desc: boolean,
): (a: number, b: number) => number {
  const sign = desc ? -1 : 1;
  if (scores !== null) {
    return (a, b) => {
      const x = scores[a];
      const y = scores[b];
      const r = x > y ? 1 : x < y ? -1 : compareLatin1(elements[a], elements[b]);
      return sign * r;
    };
  }
  if (weights !== null) {
    return (a, b) => {
      const x = weights[a];
      const y = weights[b];
      if (x === null || y === null) return sign * (x === y ? 0 : x === null ? -1 : 1);
      return sign * compareLatin1(x, y);
    };
  }
  return (a, b) => sign * compareLatin1(elements[a], elements[b]);
}

/** What strcoll compares in the C locale: the text up to its first NUL. */
function collationKey(text: string): string {
  const nul = text.indexOf("\0");
  return nul < 0 ? text : text.slice(0, nul);
}

function sortGeneric(c: Client, argv: Uint8Array[], readonly: boolean): void {
  const options = parseOptions(c, argv, readonly);
  if (options === null) return;
  const db = c.db;
  const id = lookupRead(c, argv[1]);
  const type = id < 0 ? TYPE_LIST : db.typeOf(id);
  if (type !== TYPE_LIST && type !== TYPE_SET && type !== TYPE_ZSET) {
    c.out.error(WRONGTYPE);
    return;
  }
  if (type === TYPE_ZSET) convertToSkiplist(db, id);
  const { desc, store } = options;
  let { alpha, by, dontSort } = options;
  if (dontSort && type === TYPE_SET && store !== null) {
    // Redis sorts a stored set anyway so that the list is deterministic.
    dontSort = false;
    alpha = true;
    by = null;
  }
  const value = id < 0 ? null : db.object<ListValue | SetValue | ZSetValue>(id);
  const size = value === null ? 0 : value.size;

  // LIMIT, clamped as Redis does (an empty range is start = end + 1).
  let start = Math.min(Math.max(options.limitStart, 0), size);
  const count = Math.min(Math.max(options.limitCount, -1), size);
  let end = count < 0 ? size - 1 : start + count - 1;
  if (start >= size) {
    start = size - 1;
    end = size - 2;
  }
  if (end >= size) end = size - 1;

  let elements: string[];
  if (dontSort && type === TYPE_LIST) {
    // Only the range is read; positions are then relative to it.
    elements = [];
    if (value !== null && end >= start) {
      elements = listRange(value as ListValue, start, end - start + 1, desc);
      end -= start;
      start = 0;
    }
  } else if (dontSort && type === TYPE_ZSET) {
    // Sorted sets keep their order; only the range is read, from the top for DESC.
    elements = zsetRange(value as ZSetValue, start, end - start + 1, desc);
    end -= start;
    start = 0;
  } else {
    elements = value === null ? [] : allElements(type, value);
  }

  if (!dontSort) {
    const n = elements.length;
    let scores: Float64Array | null = null;
    let weights: (string | null)[] | null = null;
    if (!alpha) scores = new Float64Array(n);
    else if (by !== null) weights = new Array(n).fill(null);
    let convertible = true;
    for (let j = 0; j < n && (scores !== null || weights !== null); j++) {
      const weight = by !== null ? lookupPattern(c, by, elements[j]) : elements[j];
      if (weight === null) continue;
      if (scores !== null) {
        const score = strtodWhole(weight);
        if (Number.isNaN(score)) convertible = false;
        else scores[j] = score;
      } else if (weights !== null) {
        weights[j] = store !== null ? weight : collationKey(weight);
      }
    }
    if (!convertible) {
      c.out.error(NOT_DOUBLE);
      return;
    }
    const keys = alpha && by === null && store === null ? elements.map(collationKey) : elements;
    const compare = comparator(keys, scores, weights, desc);
    const order: number[] = new Array(n);
    for (let j = 0; j < n; j++) order[j] = j;
    if (by !== null && (start !== 0 || end !== n - 1)) partialQuicksort(order, compare, start, end);
    else order.sort(compare);
    elements = order.map((j) => elements[j]);
  }

  const gets = options.gets;
  const outputLength = (gets.length > 0 ? gets.length : 1) * (end - start + 1);
  if (store === null) {
    c.out.array(outputLength);
    for (let j = start; j <= end; j++) {
      if (gets.length === 0) c.out.bulkLatin1(elements[j]);
      for (const get of gets) replyPattern(c, get, elements[j]);
    }
    return;
  }
  const result = new ListValue();
  for (let j = start; j <= end; j++) {
    if (gets.length === 0) result.pushBack(elements[j]);
    for (const get of gets) result.pushBack(lookupPattern(c, get, elements[j]) ?? "");
  }
  if (outputLength > 0) {
    db.setObject(store, TYPE_LIST, result);
    c.server.wrote(db, store, NOTIFY_LIST, "sortstore", outputLength);
    c.server.signalKeyAsReady(db, store);
  } else {
    deleteDestination(c, store);
  }
  c.out.integer(outputLength);
}

/** The arguments SORT and SORT_RO share (BY and GET patterns name keys of key spec 1). */
const SORT_SYNTAX =
  "key [BY pattern]{ks:1} [LIMIT offset count] [GET pattern [GET pattern ...]]{ks:1} [ASC | DESC]{order} [ALPHA]{sorting}";

const COMPLEXITY =
  "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";

/** SORT and SORT_RO. */
export const SORT_COMMANDS: CommandSpec[] = [
  command({
    name: "sort",
    arity: -2,
    flags: ["write", "denyoom"],
    keySpecs: [
      "RO access",
      {
        spec: "RO access unknown",
        notes:
          "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
      },
      {
        spec: "OW update unknown",
        notes:
          "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
      },
    ],
    keys: sortKeys,
    group: "generic",
    since: "1.0.0",
    summary: "Sort the elements in a list, set or sorted set",
    complexity: COMPLEXITY,
    syntax: `${SORT_SYNTAX} [STORE destination]`,
    aclCategories: ["set", "sortedset", "list", "dangerous"],
    handler: (c, argv) => sortGeneric(c, argv, false),
  }),
  command({
    name: "sort_ro",
    arity: -2,
    flags: ["readonly"],
    keySpecs: [
      "RO access",
      {
        spec: "RO access unknown",
        notes:
          "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
      },
    ],
    keys: sortReadOnlyKeys,
    group: "generic",
    since: "7.0.0",
    summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
    complexity: COMPLEXITY,
    syntax: SORT_SYNTAX,
    aclCategories: ["set", "sortedset", "list", "dangerous"],
    handler: (c, argv) => sortGeneric(c, argv, true),
  }),
];
