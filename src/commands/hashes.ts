/**
 * Hash commands, with Redis 7.0's replies, errors, order of checks and
 * keyspace events. Small (listpack) hashes reply in insertion order, as
 * Redis does; HINCRBYFLOAT lives with the long-double arithmetic it needs.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { derived } from "../config/config.ts";
import { TYPE_HASH } from "../store/database.ts";
import { type HashLimits, hashLimitsFrom, HashValue } from "../store/hash.ts";
import { isInt64Text } from "../store/set.ts";
import { NOTIFY_GENERIC, NOTIFY_HASH } from "../server/notify_flags.ts";
import { isKeyword, latin1, latin1Bytes } from "../util/bytes.ts";
import {
  addLongDouble,
  formatLongDoubleHuman,
  LONG_DOUBLE_ZERO,
  parseLongDouble,
  parseLongDoubleText,
} from "../util/long_double.ts";
import { fitsInt64, parseBigInteger } from "../util/numbers.ts";
import { drawDistinct, sampleDistinct, sampleOrderedPositions } from "../util/sampling.ts";
import { command, type CommandSpec } from "./spec.ts";
import { arityError } from "./dispatch.ts";
import { lookupTyped, NOT_FLOAT, NOT_INTEGER, OVERFLOW, SYNTAX_ERROR } from "./util.ts";
import { BUDGET_CHECK_INTERVAL, randomCountArg, replyBudgetExceeded } from "./random_args.ts";
import { scanCursorArg, scanMatches, scanOptions, writeScanReply } from "./scan_args.ts";

/** HRANDFIELD picks by copying the hash when `count * this > size`, else draws picks. */
const HRANDFIELD_SUB_STRATEGY_MUL = 3;
/** HRANDFIELD WITHVALUES replies twice as many elements, so its count is limited to half. */
const HALF_LONG_MAX = 9223372036854775807n / 2n;

const currentHashLimits = derived(hashLimitsFrom);

/** The current `hash-max-listpack-*` settings. */
function hashLimits(c: Client): HashLimits {
  return currentHashLimits(c.server.config);
}

/**
 * Looks up a hash for writing, creating an empty one when the key is
 * missing. Returns null after writing WRONGTYPE.
 */
function hashForWrite(c: Client, key: Uint8Array): HashValue | null {
  const id = lookupTyped(c, key, TYPE_HASH, true);
  if (id === -2) return null;
  if (id >= 0) return c.db.object<HashValue>(id);
  const hash = HashValue.empty();
  c.db.setObject(key, TYPE_HASH, hash);
  return hash;
}

/**
 * Looks up a hash for reading. Returns the hash, undefined when the key is
 * missing, or null after writing WRONGTYPE.
 */
function hashForRead(c: Client, key: Uint8Array): HashValue | null | undefined {
  const id = lookupTyped(c, key, TYPE_HASH);
  if (id === -2) return null;
  return id < 0 ? undefined : c.db.object<HashValue>(id);
}

function hset(c: Client, argv: Uint8Array[], name: string): void {
  if (argv.length % 2 === 1) {
    c.out.error(arityError(name));
    return;
  }
  const hash = hashForWrite(c, argv[1]);
  if (hash === null) return;
  const limits = hashLimits(c);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (hash.setField(argv[i], argv[i + 1], limits)) created++;
  }
  c.server.wrote(c.db, argv[1], NOTIFY_HASH, "hset", (argv.length - 2) / 2);
  if (name === "hmset") c.out.ok();
  else c.out.integer(created);
}

function hsetnx(c: Client, argv: Uint8Array[]): void {
  const hash = hashForWrite(c, argv[1]);
  if (hash === null) return;
  if (hash.hasField(argv[2])) {
    c.out.integer(0);
    return;
  }
  hash.setField(argv[2], argv[3], hashLimits(c));
  c.server.wrote(c.db, argv[1], NOTIFY_HASH, "hset");
  c.out.integer(1);
}

function hget(c: Client, argv: Uint8Array[]): void {
  const hash = hashForRead(c, argv[1]);
  if (hash === null) return;
  if (hash === undefined || !hash.writeFieldValue(argv[2], c.out)) c.out.nullBulk();
}

function hmget(c: Client, argv: Uint8Array[]): void {
  const hash = hashForRead(c, argv[1]);
  if (hash === null) return;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    if (hash === undefined || !hash.writeFieldValue(argv[i], c.out)) c.out.nullBulk();
  }
}

function hdel(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  const key = argv[1];
  const id = lookupTyped(c, key, TYPE_HASH, true);
  if (id === -2) return;
  if (id < 0) {
    c.out.integer(0);
    return;
  }
  const hash = db.object<HashValue>(id);
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (!hash.delete(latin1(argv[i]))) continue;
    deleted++;
    if (hash.size === 0) {
      db.deleteEntry(id);
      keyRemoved = true;
      break;
    }
  }
  if (deleted > 0) {
    c.server.wrote(db, key, NOTIFY_HASH, "hdel", deleted);
    if (keyRemoved) c.server.wrote(db, key, NOTIFY_GENERIC, "del", 0);
  }
  c.out.integer(deleted);
}

function hlen(c: Client, argv: Uint8Array[]): void {
  const hash = hashForRead(c, argv[1]);
  if (hash !== null) c.out.integer(hash?.size ?? 0);
}

function hstrlen(c: Client, argv: Uint8Array[]): void {
  const hash = hashForRead(c, argv[1]);
  if (hash !== null) c.out.integer(Math.max(0, hash?.valueLength(argv[2]) ?? 0));
}

function hexists(c: Client, argv: Uint8Array[]): void {
  const hash = hashForRead(c, argv[1]);
  if (hash !== null) c.out.integer(hash?.hasField(argv[2]) ? 1 : 0);
}

/** HGETALL (a map in RESP3), HKEYS and HVALS. */
function hgetallGeneric(c: Client, argv: Uint8Array[], fields: boolean, values: boolean): void {
  const hash = hashForRead(c, argv[1]);
  if (hash === null) return;
  const size = hash?.size ?? 0;
  if (fields && values) c.out.map(size);
  else c.out.array(size);
  if (hash === undefined) return;
  if (!values) {
    for (const field of hash.fields()) c.out.bulkLatin1(field);
    return;
  }
  hash.forEachBytes((field, data, offset, length) => {
    if (fields) c.out.bulkLatin1(field);
    c.out.bulkSlice(data, offset, length);
  });
}

function hincrby(c: Client, argv: Uint8Array[]): void {
  const increment = parseBigInteger(argv[3]);
  if (increment === null) {
    c.out.error(NOT_INTEGER);
    return;
  }
  const hash = hashForWrite(c, argv[1]);
  if (hash === null) return;
  const field = latin1(argv[2]);
  const old = hash.get(field);
  let current = 0n;
  if (old !== undefined) {
    if (!isInt64Text(old)) {
      c.out.error("ERR hash value is not an integer");
      return;
    }
    current = BigInt(old);
  }
  const result = current + increment;
  if (!fitsInt64(result)) {
    c.out.error(OVERFLOW);
    return;
  }
  hash.set(field, result.toString(), hashLimits(c));
  c.server.wrote(c.db, argv[1], NOTIFY_HASH, "hincrby");
  c.out.integer(result);
}

const HSET = latin1Bytes("HSET");

/**
 * HINCRBYFLOAT, in Redis 7.0's order: the increment is parsed and refused
 * if infinite before the key is looked up; the field must hold a long
 * double; the sum is computed in 80-bit precision (util/long_double.ts). It
 * is propagated as HSET with the formatted result, so replicas and AOF
 * replay never redo the arithmetic.
 */
function hincrbyfloat(c: Client, argv: Uint8Array[]): void {
  const increment = parseLongDouble(argv[3]);
  if (increment === null) {
    c.out.error(NOT_FLOAT);
    return;
  }
  if (increment.kind !== "finite") {
    c.out.error("ERR value is NaN or Infinity");
    return;
  }
  const hash = hashForWrite(c, argv[1]);
  if (hash === null) return;
  const field = latin1(argv[2]);
  const old = hash.get(field);
  let current = LONG_DOUBLE_ZERO;
  if (old !== undefined) {
    const parsed = parseLongDoubleText(old);
    if (parsed === null) {
      c.out.error("ERR hash value is not a float");
      return;
    }
    current = parsed;
  }
  const sum = addLongDouble(current, increment);
  if (sum.kind !== "finite") {
    c.out.error("ERR increment would produce NaN or Infinity");
    return;
  }
  const text = formatLongDoubleHuman(sum);
  hash.set(field, text, hashLimits(c));
  c.server.wrote(c.db, argv[1], NOTIFY_HASH, "hincrbyfloat");
  c.out.bulkLatin1(text);
  if (c.server.propagating) c.propagateOverride = [[HSET, argv[1], argv[2], latin1Bytes(text)]];
}

/** Writes one HRANDFIELD element: the field, or a pair (nested in RESP3). */
function replyField(c: Client, hash: HashValue, field: string, withValues: boolean): void {
  if (!withValues) {
    c.out.bulkLatin1(field);
    return;
  }
  if (c.proto === 3) c.out.array(2);
  c.out.bulkLatin1(field);
  hash.writeValue(field, c.out);
}

function hrandfield(c: Client, argv: Uint8Array[]): void {
  if (argv.length >= 3) {
    const count = randomCountArg(c, argv[2]);
    if (count === null) return;
    if (argv.length > 4 || (argv.length === 4 && !isKeyword(argv[3], "withvalues"))) {
      c.out.error(SYNTAX_ERROR);
      return;
    }
    const withValues = argv.length === 4;
    if (withValues && (count < -HALF_LONG_MAX || count > HALF_LONG_MAX)) {
      c.out.error("ERR value is out of range");
      return;
    }
    hrandfieldWithCount(c, argv[1], Number(count), withValues);
    return;
  }
  const hash = hashForRead(c, argv[1]);
  if (hash === null) return;
  if (hash === undefined) c.out.nullBulk();
  else c.out.bulkLatin1(hash.randomField());
}

function hrandfieldWithCount(
  c: Client,
  key: Uint8Array,
  requested: number,
  withValues: boolean,
): void {
  const hash = hashForRead(c, key);
  if (hash === null) return;
  if (hash === undefined || requested === 0) {
    c.out.array(0);
    return;
  }
  const size = hash.size;
  // RESP2 flattens pairs; RESP3 nests them, one element per pair.
  const header = (n: number) => c.out.array(withValues && c.proto === 2 ? n * 2 : n);

  if (requested < 0 || requested === 1) {
    // Independent picks: repeats allowed, random order.
    const count = Math.abs(requested);
    header(count);
    for (let i = 0; i < count; i++) {
      if (i % BUDGET_CHECK_INTERVAL === 0 && i > 0 && replyBudgetExceeded(c)) return;
      replyField(c, hash, hash.randomField(), withValues);
    }
    return;
  }
  if (requested >= size) {
    header(size);
    for (const field of hash.fields()) replyField(c, hash, field, withValues);
    return;
  }
  header(requested);
  if (hash.isListpack) {
    // A random subset in storage order, as Redis samples a listpack.
    const picked = sampleOrderedPositions(size, requested);
    let index = 0;
    let next = 0;
    for (const field of hash.fields()) {
      if (index++ !== picked[next]) continue;
      replyField(c, hash, field, withValues);
      if (++next === picked.length) break;
    }
    return;
  }
  const picked = requested * HRANDFIELD_SUB_STRATEGY_MUL > size
    ? sampleDistinct([...hash.fields()], requested)
    : drawDistinct(requested, () => hash.randomField());
  for (const field of picked) replyField(c, hash, field, withValues);
}

function hscan(c: Client, argv: Uint8Array[]): void {
  const cursor = scanCursorArg(c, argv[2]);
  if (cursor === null) return;
  const hash = hashForRead(c, argv[1]);
  if (hash === null) return;
  if (hash === undefined) {
    writeScanReply(c, 0, []);
    return;
  }
  const options = scanOptions(c, argv, 3);
  if (options === null) return;
  const found: string[] = [];
  // Redis counts fields and values against COUNT, so a step covers half as many fields.
  const next = hash.scan(cursor, Math.ceil(options.count / 2), (field, value) => {
    if (scanMatches(options, field)) found.push(field, value);
  });
  writeScanReply(c, next, found);
}

/** Hash command specs. */
export const HASH_COMMANDS: CommandSpec[] = [
  command({
    name: "hset",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW update"],
    group: "hash",
    since: "2.0.0",
    summary: "Set the string value of a hash field",
    complexity:
      "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
    syntax: "key field value [field value ...]",
    history: [["4.0.0", "Accepts multiple `field` and `value` arguments."]],
    handler: (c, argv) => hset(c, argv, "hset"),
  }),
  command({
    name: "hmset",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW update"],
    group: "hash",
    since: "2.0.0",
    summary: "Set multiple hash fields to multiple values",
    complexity: "O(N) where N is the number of fields being set.",
    syntax: "key field value [field value ...]",
    docFlags: ["deprecated"],
    deprecatedSince: "4.0.0",
    replacedBy: "`HSET` with multiple field-value pairs",
    handler: (c, argv) => hset(c, argv, "hmset"),
  }),
  command({
    name: "hsetnx",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW insert"],
    group: "hash",
    since: "2.0.0",
    summary: "Set the value of a hash field, only if the field does not exist",
    syntax: "key field value",
    complexity: "O(1)",
    handler: hsetnx,
  }),
  command({
    name: "hget",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: ["RO access"],
    group: "hash",
    since: "2.0.0",
    summary: "Get the value of a hash field",
    syntax: "key field",
    complexity: "O(1)",
    handler: hget,
  }),
  command({
    name: "hmget",
    arity: -3,
    flags: ["readonly", "fast"],
    keySpecs: ["RO access"],
    group: "hash",
    since: "2.0.0",
    summary: "Get the values of all the given hash fields",
    complexity: "O(N) where N is the number of fields being requested.",
    syntax: "key field [field ...]",
    handler: hmget,
  }),
  command({
    name: "hdel",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: ["RW delete"],
    group: "hash",
    since: "2.0.0",
    summary: "Delete one or more hash fields",
    complexity: "O(N) where N is the number of fields to be removed.",
    syntax: "key field [field ...]",
    history: [["2.4.0", "Accepts multiple `field` arguments."]],
    handler: hdel,
  }),
  command({
    name: "hlen",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: ["RO"],
    group: "hash",
    since: "2.0.0",
    summary: "Get the number of fields in a hash",
    syntax: "key",
    complexity: "O(1)",
    handler: hlen,
  }),
  command({
    name: "hstrlen",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: ["RO"],
    group: "hash",
    since: "3.2.0",
    summary: "Get the length of the value of a hash field",
    syntax: "key field",
    complexity: "O(1)",
    handler: hstrlen,
  }),
  command({
    name: "hexists",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: ["RO"],
    group: "hash",
    since: "2.0.0",
    summary: "Determine if a hash field exists",
    syntax: "key field",
    complexity: "O(1)",
    handler: hexists,
  }),
  command({
    name: "hgetall",
    arity: 2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "hash",
    since: "2.0.0",
    summary: "Get all the fields and values in a hash",
    complexity: "O(N) where N is the size of the hash.",
    syntax: "key",
    tips: ["nondeterministic_output_order"],
    handler: (c, argv) => hgetallGeneric(c, argv, true, true),
  }),
  command({
    name: "hkeys",
    arity: 2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "hash",
    since: "2.0.0",
    summary: "Get all the fields in a hash",
    complexity: "O(N) where N is the size of the hash.",
    syntax: "key",
    tips: ["nondeterministic_output_order"],
    handler: (c, argv) => hgetallGeneric(c, argv, true, false),
  }),
  command({
    name: "hvals",
    arity: 2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "hash",
    since: "2.0.0",
    summary: "Get all the values in a hash",
    complexity: "O(N) where N is the size of the hash.",
    syntax: "key",
    tips: ["nondeterministic_output_order"],
    handler: (c, argv) => hgetallGeneric(c, argv, false, true),
  }),
  command({
    name: "hincrby",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW access update"],
    group: "hash",
    since: "2.0.0",
    summary: "Increment the integer value of a hash field by the given number",
    syntax: "key field increment",
    complexity: "O(1)",
    handler: hincrby,
  }),
  command({
    name: "hincrbyfloat",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW access update"],
    group: "hash",
    since: "2.6.0",
    summary: "Increment the float value of a hash field by the given amount",
    syntax: "key field increment{double}",
    complexity: "O(1)",
    handler: hincrbyfloat,
  }),
  command({
    name: "hrandfield",
    arity: -2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "hash",
    since: "6.2.0",
    summary: "Get one or multiple random fields from a hash",
    complexity: "O(N) where N is the number of fields returned",
    syntax: "key [count [WITHVALUES]]{options}",
    tips: ["nondeterministic_output"],
    handler: hrandfield,
  }),
  command({
    name: "hscan",
    arity: -3,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "hash",
    since: "2.8.0",
    summary: "Incrementally iterate hash fields and associated values",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    syntax: "key cursor [MATCH pattern] [COUNT count]",
    tips: ["nondeterministic_output"],
    handler: hscan,
  }),
];
