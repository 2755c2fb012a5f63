/**
 * Generic key commands: DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX, COPY,
 * MOVE, KEYS, SCAN, RANDOMKEY, TOUCH, the EXPIRE and TTL families, PERSIST
 * and OBJECT, with Redis 7.0's replies, errors, notifications and
 * propagation.
 *
 * Lookups follow Redis's flags: reads count keyspace hits and misses and
 * publish `keymiss`; EXISTS, TYPE, the TTL family and OBJECT do not update
 * the access time (`LOOKUP_NOTOUCH`); writes count nothing.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { Collection } from "../store/collection.ts";
import { type Database, TYPE_NAMES, TYPE_STRING } from "../store/database.ts";
import { copiedStringForm, stringEncoding, stringRefcount } from "../store/string_encoding.ts";
import { NOTIFY_GENERIC, NOTIFY_KEY_MISS } from "../server/notify_flags.ts";
import { bytesEqual, isKeyword, latin1, lowerAscii, utf8 } from "../util/bytes.ts";
import { parseBigInteger, parseInteger } from "../util/numbers.ts";
import { command, type CommandFlag, type CommandSpec } from "./spec.ts";
import { helpReply, NO_SUCH_KEY, NOT_INTEGER, scanCursorArg, SYNTAX_ERROR } from "./util.ts";

const DEL = utf8("DEL");
const UNLINK = utf8("UNLINK");
const PEXPIREAT = utf8("PEXPIREAT");

const SAME_OBJECT = "ERR source and destination objects are the same";
const DB_OUT_OF_RANGE = "ERR DB index is out of range";
const INT_OUT_OF_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647";
const LFU_NOT_SELECTED =
  "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const LFU_SELECTED =
  "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
/** Expire arguments up to this magnitude are computed exactly with plain numbers. */
const FAST_EXPIRE_ARG = 1e12;

// ------------------------------------------------------------------ lookups

/**
 * Redis's `lookupKeyReadWithFlags`: expires the key if due, counts a
 * keyspace hit or miss, publishes `keymiss` on a miss unless `notifyMiss`
 * is false (`LOOKUP_NONOTIFY`), and updates the access time when `touch`
 * (TOUCH passes "always": it touches even under `CLIENT NO-TOUCH`).
 * Returns the entry or -1.
 */
function lookupKeyRead(
  c: Client,
  db: Database,
  key: Uint8Array,
  touch: boolean | "always",
  notifyMiss = true,
): number {
  const id = db.find(key);
  const stats = c.server.stats;
  if (id < 0) {
    stats.keyspaceMisses++;
    if (notifyMiss) c.server.notify(NOTIFY_KEY_MISS, "keymiss", key, db.index);
    return -1;
  }
  stats.keyspaceHits++;
  if (touch === "always" || (touch && !c.noTouch)) db.touch(id);
  return id;
}

/** Redis's `lookupKeyWrite` on any database: expires if due, touches, no statistics. */
function lookupKeyWrite(c: Client, db: Database, key: Uint8Array): number {
  const id = db.find(key);
  if (id >= 0 && !c.noTouch) db.touch(id);
  return id;
}

/** The bytes of a C string argument (up to the first NUL) as latin1, as `%s` prints them. */
function cStringLatin1(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return latin1(nul < 0 ? bytes : bytes.subarray(0, nul));
}

/**
 * Parses a database index like Redis's `getIntFromObjectOrReply` then
 * `selectDb`: returns the database, or null after writing the error.
 */
function databaseArg(c: Client, arg: Uint8Array): Database | null {
  const n = parseInteger(arg);
  if (Number.isNaN(n)) {
    c.out.error(NOT_INTEGER);
    return null;
  }
  if (n < -2147483648 || n > 2147483647) {
    c.out.error(INT_OUT_OF_RANGE);
    return null;
  }
  const dbs = c.server.keyspace.dbs;
  if (n < 0 || n >= dbs.length) {
    c.out.error(DB_OUT_OF_RANGE);
    return null;
  }
  return dbs[n];
}

// ------------------------------------------------------ DEL, EXISTS, TYPE

function del(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    if (db.delete(argv[i])) {
      c.server.wrote(db, argv[i], NOTIFY_GENERIC, "del");
      deleted++;
    }
  }
  c.out.integer(deleted);
}

function exists(c: Client, argv: Uint8Array[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (lookupKeyRead(c, c.db, argv[i], false) >= 0) n++;
  c.out.integer(n);
}

function type(c: Client, argv: Uint8Array[]): void {
  const id = lookupKeyRead(c, c.db, argv[1], false);
  c.out.simple(id < 0 ? "none" : TYPE_NAMES[c.db.typeOf(id)]);
}

function touch(c: Client, argv: Uint8Array[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (lookupKeyRead(c, c.db, argv[i], "always") >= 0) n++;
  c.out.integer(n);
}

// ------------------------------------------------- RENAME, MOVE, COPY

function rename(c: Client, argv: Uint8Array[], nx: boolean): void {
  const db = c.db;
  const from = argv[1];
  const to = argv[2];
  const id = lookupKeyWrite(c, db, from);
  if (id < 0) {
    c.out.error(NO_SUCH_KEY);
    return;
  }
  if (bytesEqual(from, to)) {
    if (nx) c.out.integer(0);
    else c.out.ok();
    return;
  }
  const existing = lookupKeyWrite(c, db, to);
  if (existing >= 0) {
    if (nx) {
      c.out.integer(0);
      return;
    }
    db.deleteEntry(existing);
  }
  db.moveEntry(id, db, to);
  c.server.wrote(db, from, NOTIFY_GENERIC, "rename_from", 0);
  c.server.wrote(db, to, NOTIFY_GENERIC, "rename_to");
  // Redis's dbAdd wakes clients blocked on the new name (a list or sorted set arriving).
  c.server.signalKeyAsReady(db, to);
  if (nx) c.out.integer(1);
  else c.out.ok();
}

function move(c: Client, argv: Uint8Array[]): void {
  const src = c.db;
  const key = argv[1];
  const dst = databaseArg(c, argv[2]);
  if (dst === null) return;
  if (dst === src) {
    c.out.error(SAME_OBJECT);
    return;
  }
  const id = lookupKeyWrite(c, src, key);
  if (id < 0 || lookupKeyWrite(c, dst, key) >= 0) {
    c.out.integer(0);
    return;
  }
  src.moveEntry(id, dst, key);
  c.server.wrote(src, key, NOTIFY_GENERIC, "move_from", 0);
  c.server.wrote(dst, key, NOTIFY_GENERIC, "move_to");
  c.server.signalKeyAsReady(dst, key);
  c.out.integer(1);
}

function copy(c: Client, argv: Uint8Array[]): void {
  const src = c.db;
  let dst = src;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    if (isKeyword(argv[i], "replace")) {
      replace = true;
    } else if (isKeyword(argv[i], "db") && i + 1 < argv.length) {
      const target = databaseArg(c, argv[++i]);
      if (target === null) return;
      dst = target;
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  const key = argv[1];
  const newKey = argv[2];
  if (src === dst && bytesEqual(key, newKey)) {
    c.out.error(SAME_OBJECT);
    return;
  }
  const id = lookupKeyRead(c, src, key, true);
  if (id < 0) {
    c.out.integer(0);
    return;
  }
  const existing = lookupKeyWrite(c, dst, newKey);
  if (existing >= 0 && !replace) {
    c.out.integer(0);
    return;
  }
  // Take the value before deleting anything: views into the slab do not survive writes.
  const expire = src.getExpireExact(id);
  const valueType = src.typeOf(id);
  let nid: number;
  if (valueType === TYPE_STRING) {
    const value = src.stringView(id).slice();
    const form = copiedStringForm(src, id);
    if (existing >= 0) dst.deleteEntry(existing);
    nid = dst.setString(newKey, value);
    dst.setStringForm(nid, form);
  } else {
    const value = src.object<Collection>(id).clone();
    if (existing >= 0) dst.deleteEntry(existing);
    nid = dst.setObject(newKey, valueType, value);
  }
  if (expire !== 0n) dst.setExpireExact(nid, expire);
  c.server.wrote(dst, newKey, NOTIFY_GENERIC, "copy_to");
  c.server.signalKeyAsReady(dst, newKey);
  c.out.integer(1);
}

// -------------------------------------------------- KEYS, SCAN, RANDOMKEY

function keys(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  const pattern = argv[1];
  const all = pattern.length === 1 && pattern[0] === 42; /* * */
  const checkExpiry = !c.server.keyspace.expiryPaused;
  const found: number[] = [];
  db.forEach((id) => {
    if (!all && !db.keyMatches(id, pattern)) return;
    // Like Redis, KEYS hides expired keys without deleting them.
    if (checkExpiry && db.isExpired(id)) return;
    found.push(id);
  });
  c.out.array(found.length);
  for (const id of found) c.out.bulk(db.keyView(id));
}

function scan(c: Client, argv: Uint8Array[]): void {
  const cursor = scanCursorArg(c, argv[1]);
  if (cursor === null) return;
  let count = 10;
  let pattern: Uint8Array | null = null;
  let typeName: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const hasValue = i + 1 < argv.length;
    if (isKeyword(argv[i], "count") && hasValue) {
      const n = parseInteger(argv[i + 1]);
      if (Number.isNaN(n)) {
        c.out.error(NOT_INTEGER);
        return;
      }
      if (n < 1) {
        c.out.error(SYNTAX_ERROR);
        return;
      }
      count = n;
    } else if (isKeyword(argv[i], "match") && hasValue) {
      const p = argv[i + 1];
      pattern = p.length === 1 && p[0] === 42 ? null : p;
    } else if (isKeyword(argv[i], "type") && hasValue) {
      const t = argv[i + 1];
      const nul = t.indexOf(0);
      typeName = lowerAscii(nul < 0 ? t : t.subarray(0, nul));
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  const db = c.db;
  // The walk collects entry numbers, not key copies (a small typed array
  // costs a malloc and a free in Deno): entries stay put while other keys
  // are deleted, and only the sampled keys themselves can be deleted below.
  const sampled: number[] = [];
  const next = db.scan(cursor, count, (id) => {
    if (pattern === null || db.keyMatches(id, pattern)) sampled.push(id);
  });
  // Filters that may delete expired keys run after the walk, as in Redis:
  // TYPE looks the key up (a hit or miss), then expired keys are dropped.
  const paused = c.server.keyspace.expiryPaused;
  // What is replied: a live entry's number, or the name of a key the TYPE
  // lookup expired (Redis still returns it under TYPE none).
  const reply: (number | Uint8Array)[] = [];
  for (const id of sampled) {
    if (typeName !== null) {
      const key = db.keyCopy(id);
      const found = lookupKeyRead(c, db, key, false);
      if (typeName !== (found < 0 ? "none" : TYPE_NAMES[db.typeOf(found)])) continue;
      if (found < 0) {
        reply.push(key);
        continue;
      }
    }
    if (!paused && db.isExpired(id)) {
      db.expireEntry(id);
      continue;
    }
    reply.push(id);
  }
  c.out.array(2);
  c.out.bulkLatin1(String(next));
  c.out.array(reply.length);
  for (const item of reply) c.out.bulk(typeof item === "number" ? db.keyView(item) : item);
}

function randomkey(c: Client): void {
  const db = c.db;
  const paused = c.server.keyspace.expiryPaused;
  for (;;) {
    const id = db.randomEntry();
    if (id < 0) {
      c.out.nullBulk();
      return;
    }
    if (!paused && db.isExpired(id)) {
      db.expireEntry(id);
      continue;
    }
    c.out.bulk(db.keyView(id));
    return;
  }
}

// ------------------------------------------------------------------ expiry

/**
 * EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT (Redis's `expireGenericCommand`):
 * options are checked first, then the time, which may be negative but must
 * not overflow 64 bits once converted to absolute milliseconds. A time in
 * the past deletes the key (logged as DEL, or UNLINK with
 * `lazyfree-lazy-expire`); otherwise the command is logged as PEXPIREAT
 * with the absolute time.
 */
function expireGeneric(
  c: Client,
  argv: Uint8Array[],
  name: string,
  relative: boolean,
  unit: 1 | 1000,
): void {
  let nx = false;
  let xx = false;
  let gt = false;
  let lt = false;
  for (let i = 3; i < argv.length; i++) {
    const option = argv[i];
    if (isKeyword(option, "nx")) nx = true;
    else if (isKeyword(option, "xx")) xx = true;
    else if (isKeyword(option, "gt")) gt = true;
    else if (isKeyword(option, "lt")) lt = true;
    else {
      c.out.error(`ERR Unsupported option ${cStringLatin1(option)}`);
      return;
    }
  }
  if (nx && (xx || gt || lt)) {
    c.out.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if (gt && lt) {
    c.out.error("ERR GT and LT options at the same time are not compatible");
    return;
  }
  const keyspace = c.server.keyspace;
  const now = keyspace.now;
  const when = absoluteExpireTime(argv[2], unit, relative ? now : 0);
  if (when === null) {
    c.out.error(NOT_INTEGER);
    return;
  }
  if (when === "overflow") {
    c.out.error(`ERR invalid expire time in '${name}' command`);
    return;
  }
  const db = c.db;
  const key = argv[1];
  const id = lookupKeyWrite(c, db, key);
  if (id < 0) {
    c.out.integer(0);
    return;
  }
  if (nx || xx || gt || lt) {
    const current = db.getExpireExact(id);
    const volatile = current !== 0n;
    // A key without a TTL counts as an infinite TTL for GT and LT.
    if (
      (nx && volatile) || (xx && !volatile) || (gt && (!volatile || when <= current)) ||
      (lt && volatile && when >= current)
    ) {
      c.out.integer(0);
      return;
    }
  }
  if (when <= now && !c.server.loading) {
    db.deleteEntry(id);
    c.propagateOverride = [[c.server.config.bool("lazyfree-lazy-expire") ? UNLINK : DEL, key]];
    c.server.wrote(db, key, NOTIFY_GENERIC, "del");
    c.out.integer(1);
    return;
  }
  if (typeof when === "bigint") db.setExpireExact(id, when);
  else db.setExpire(id, when);
  if (name !== "pexpireat" && c.server.propagating) {
    c.propagateOverride = [[PEXPIREAT, key, utf8(String(when)), ...argv.slice(3)]];
  }
  c.server.wrote(db, key, NOTIFY_GENERIC, "expire");
  c.out.integer(1);
}

/**
 * `arg` × `unit` + `base` in ms, exactly: a number when small, a bigint
 * otherwise. Null when `arg` is not an integer, "overflow" when the result
 * leaves the signed 64-bit range.
 */
function absoluteExpireTime(
  arg: Uint8Array,
  unit: 1 | 1000,
  base: number,
): number | bigint | null | "overflow" {
  const n = parseInteger(arg);
  if (Number.isNaN(n)) return null;
  if (Math.abs(n) <= FAST_EXPIRE_ARG) return n * unit + base;
  let when = parseBigInteger(arg)!;
  if (unit === 1000) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return "overflow";
    when *= 1000n;
  }
  const b = BigInt(base);
  if (when > LLONG_MAX - b) return "overflow";
  return when + b;
}

/**
 * TTL, PTTL, EXPIRETIME and PEXPIRETIME: -2 for a missing key, -1 without
 * a TTL, else the remaining (or absolute) time, seconds rounded to nearest.
 */
function ttlGeneric(c: Client, argv: Uint8Array[], ms: boolean, absolute: boolean): void {
  const db = c.db;
  const id = lookupKeyRead(c, db, argv[1], false);
  if (id < 0) {
    c.out.integer(-2);
    return;
  }
  const at = db.getExpire(id);
  if (at === 0) {
    c.out.integer(-1);
    return;
  }
  const now = c.server.keyspace.now;
  if (at <= Number.MAX_SAFE_INTEGER) {
    const ttl = Math.max(0, absolute ? at : at - now);
    c.out.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
    return;
  }
  const exact = db.getExpireExact(id);
  const ttl = absolute ? exact : exact - BigInt(now);
  c.out.integer(ms ? ttl : (ttl + 500n) / 1000n);
}

function persist(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  const id = lookupKeyWrite(c, db, argv[1]);
  if (id < 0 || db.getExpire(id) === 0) {
    c.out.integer(0);
    return;
  }
  db.setExpire(id, 0);
  c.server.wrote(db, argv[1], NOTIFY_GENERIC, "persist");
  c.out.integer(1);
}

// ------------------------------------------------------------------ OBJECT

/** OBJECT's lookup (`LOOKUP_NOTOUCH|LOOKUP_NONOTIFY`); writes nil and returns -1 when missing. */
function objectLookup(c: Client, key: Uint8Array): number {
  const id = lookupKeyRead(c, c.db, key, false, false);
  if (id < 0) c.out.nullBulk();
  return id;
}

function objectEncoding(c: Client, argv: Uint8Array[]): void {
  const id = objectLookup(c, argv[2]);
  if (id < 0) return;
  const db = c.db;
  const encoding = db.typeOf(id) === TYPE_STRING
    ? stringEncoding(db, id)
    : db.object<Collection>(id).encoding();
  c.out.bulkLatin1(encoding);
}

function objectFreq(c: Client, argv: Uint8Array[]): void {
  const id = objectLookup(c, argv[2]);
  if (id < 0) return;
  if (!c.server.keyspace.lfuPolicy) {
    c.out.error(LFU_NOT_SELECTED);
    return;
  }
  c.out.integer(c.db.frequency(id));
}

function objectIdletime(c: Client, argv: Uint8Array[]): void {
  const id = objectLookup(c, argv[2]);
  if (id < 0) return;
  if (c.server.keyspace.lfuPolicy) {
    c.out.error(LFU_SELECTED);
    return;
  }
  c.out.integer(c.db.idleSeconds(id));
}

function objectRefcount(c: Client, argv: Uint8Array[]): void {
  const id = objectLookup(c, argv[2]);
  if (id < 0) return;
  const db = c.db;
  c.out.integer(db.typeOf(id) === TYPE_STRING ? stringRefcount(db, id) : 1);
}

// ------------------------------------------------------- eviction policy

/**
 * Startup module: keeps the keyspace's policy-dependent behaviour (LFU
 * counters, OBJECT FREQ/IDLETIME, shared integers) in step with
 * `maxmemory`, `maxmemory-policy`, `lfu-log-factor` and `lfu-decay-time`.
 */
export function trackEvictionPolicy(server: Server): void {
  const config = server.config;
  const keyspace = server.keyspace;
  const apply = () => {
    const policy = config.str("maxmemory-policy");
    const lfu = policy.endsWith("-lfu");
    keyspace.lfuPolicy = lfu;
    keyspace.noSharedIntegers = config.int("maxmemory") > 0 && (lfu || policy.endsWith("-lru"));
    keyspace.lfuLogFactor = config.int("lfu-log-factor");
    keyspace.lfuDecayTime = config.int("lfu-decay-time");
  };
  apply();
  for (const name of ["maxmemory", "maxmemory-policy", "lfu-log-factor", "lfu-decay-time"]) {
    config.onChange(name, apply);
  }
}

// ------------------------------------------------------------------- specs

const EXPIRE_COMMON = {
  arity: -3,
  flags: ["write", "fast"] as CommandFlag[],
  keySpecs: ["RW update"],
  group: "generic" as const,
  complexity: "O(1)",
};

const TTL_COMMON = {
  arity: 2,
  flags: ["readonly", "fast"] as CommandFlag[],
  keySpecs: ["RO access"],
  group: "generic" as const,
  complexity: "O(1)",
  syntax: "key",
};

const OBJECT_KEY = {
  arity: 3,
  flags: ["readonly"] as CommandFlag[],
  keySpecs: ["RO index:2"],
  complexity: "O(1)",
  syntax: "key",
};

/** Key command specs. */
export const KEY_COMMANDS: CommandSpec[] = [
  command({
    name: "del",
    arity: -2,
    flags: ["write"],
    keySpecs: ["RM delete range:-1"],
    group: "generic",
    since: "1.0.0",
    summary: "Delete a key",
    complexity:
      "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
    syntax: "key [key ...]",
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
    handler: del,
  }),
  command({
    name: "unlink",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: ["RM delete range:-1"],
    group: "generic",
    since: "4.0.0",
    summary:
      "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
    complexity:
      "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
    syntax: "key [key ...]",
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
    handler: del,
  }),
  command({
    name: "exists",
    arity: -2,
    flags: ["readonly", "fast"],
    keySpecs: ["RO range:-1"],
    group: "generic",
    since: "1.0.0",
    summary: "Determine if a key exists",
    complexity: "O(N) where N is the number of keys to check.",
    syntax: "key [key ...]",
    history: [["3.0.3", "Accepts multiple `key` arguments."]],
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
    handler: exists,
  }),
  command({
    name: "type",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: ["RO"],
    group: "generic",
    since: "1.0.0",
    summary: "Determine the type stored at key",
    complexity: "O(1)",
    syntax: "key",
    handler: type,
  }),
  command({
    name: "touch",
    arity: -2,
    flags: ["readonly", "fast"],
    keySpecs: ["RO range:-1"],
    group: "generic",
    since: "3.2.1",
    summary:
      "Alters the last access time of a key(s). Returns the number of existing keys specified.",
    complexity: "O(N) where N is the number of keys that will be touched.",
    syntax: "key [key ...]",
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
    handler: touch,
  }),
  command({
    name: "rename",
    arity: 3,
    flags: ["write"],
    keySpecs: ["RW access delete", "OW update index:2"],
    group: "generic",
    since: "1.0.0",
    summary: "Rename a key",
    complexity: "O(1)",
    syntax: "key newkey",
    handler: (c, argv) => rename(c, argv, false),
  }),
  command({
    name: "renamenx",
    arity: 3,
    flags: ["write", "fast"],
    keySpecs: ["RW access delete", "OW insert index:2"],
    group: "generic",
    since: "1.0.0",
    summary: "Rename a key, only if the new key does not exist",
    complexity: "O(1)",
    syntax: "key newkey",
    history: [[
      "3.2.0",
      "The command no longer returns an error when source and destination names are the same.",
    ]],
    handler: (c, argv) => rename(c, argv, true),
  }),
  command({
    name: "copy",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: ["RO access", "OW update index:2"],
    group: "generic",
    since: "6.2.0",
    summary: "Copy a key",
    complexity:
      "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
    syntax: "source destination [DB destination-db] [REPLACE]",
    handler: copy,
  }),
  command({
    name: "move",
    arity: 3,
    flags: ["write", "fast"],
    keySpecs: ["RW access update"],
    group: "generic",
    since: "1.0.0",
    summary: "Move a key to another database",
    complexity: "O(1)",
    syntax: "key db",
    handler: move,
  }),
  command({
    name: "keys",
    arity: 2,
    flags: ["readonly"],
    group: "generic",
    since: "1.0.0",
    summary: "Find all keys matching the given pattern",
    complexity:
      "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
    syntax: "pattern",
    tips: ["request_policy:all_shards", "nondeterministic_output_order"],
    aclCategories: ["keyspace", "dangerous"],
    handler: keys,
  }),
  command({
    name: "scan",
    arity: -2,
    flags: ["readonly"],
    group: "generic",
    since: "2.8.0",
    summary: "Incrementally iterate the keys space",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    syntax: "cursor [MATCH pattern] [COUNT count] [TYPE type]{6.0.0}",
    history: [["6.0.0", "Added the `TYPE` subcommand."]],
    tips: ["nondeterministic_output", "request_policy:special"],
    handler: scan,
  }),
  command({
    name: "randomkey",
    arity: 1,
    flags: ["readonly"],
    group: "generic",
    since: "1.0.0",
    summary: "Return a random key from the keyspace",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "nondeterministic_output"],
    handler: randomkey,
  }),
  command({
    ...EXPIRE_COMMON,
    name: "expire",
    since: "1.0.0",
    summary: "Set a key's time to live in seconds",
    syntax: "key seconds [NX | XX | GT | LT]{condition 7.0.0}",
    history: [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]],
    handler: (c, argv) => expireGeneric(c, argv, "expire", true, 1000),
  }),
  command({
    ...EXPIRE_COMMON,
    name: "pexpire",
    since: "2.6.0",
    summary: "Set a key's time to live in milliseconds",
    syntax: "key milliseconds [NX | XX | GT | LT]{condition 7.0.0}",
    history: [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]],
    handler: (c, argv) => expireGeneric(c, argv, "pexpire", true, 1),
  }),
  command({
    ...EXPIRE_COMMON,
    name: "expireat",
    since: "1.2.0",
    summary: "Set the expiration for a key as a UNIX timestamp",
    syntax: "key unix-time-seconds [NX | XX | GT | LT]{condition 7.0.0}",
    history: [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]],
    handler: (c, argv) => expireGeneric(c, argv, "expireat", false, 1000),
  }),
  command({
    ...EXPIRE_COMMON,
    name: "pexpireat",
    since: "2.6.0",
    summary: "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
    syntax: "key unix-time-milliseconds [NX | XX | GT | LT]{condition 7.0.0}",
    history: [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]],
    handler: (c, argv) => expireGeneric(c, argv, "pexpireat", false, 1),
  }),
  command({
    ...TTL_COMMON,
    name: "ttl",
    since: "1.0.0",
    summary: "Get the time to live for a key in seconds",
    history: [["2.8.0", "Added the -2 reply."]],
    tips: ["nondeterministic_output"],
    handler: (c, argv) => ttlGeneric(c, argv, false, false),
  }),
  command({
    ...TTL_COMMON,
    name: "pttl",
    since: "2.6.0",
    summary: "Get the time to live for a key in milliseconds",
    history: [["2.8.0", "Added the -2 reply."]],
    tips: ["nondeterministic_output"],
    handler: (c, argv) => ttlGeneric(c, argv, true, false),
  }),
  command({
    ...TTL_COMMON,
    name: "expiretime",
    since: "7.0.0",
    summary: "Get the expiration Unix timestamp for a key",
    handler: (c, argv) => ttlGeneric(c, argv, false, true),
  }),
  command({
    ...TTL_COMMON,
    name: "pexpiretime",
    since: "7.0.0",
    summary: "Get the expiration Unix timestamp for a key in milliseconds",
    handler: (c, argv) => ttlGeneric(c, argv, true, true),
  }),
  command({
    name: "persist",
    arity: 2,
    flags: ["write", "fast"],
    keySpecs: ["RW update"],
    group: "generic",
    since: "2.2.0",
    summary: "Remove the expiration from a key",
    complexity: "O(1)",
    syntax: "key",
    handler: persist,
  }),
  command({
    name: "object",
    arity: -2,
    flags: [],
    group: "generic",
    since: "2.2.3",
    summary: "A container for object introspection commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      command({
        ...OBJECT_KEY,
        name: "encoding",
        group: "generic",
        since: "2.2.3",
        summary: "Inspect the internal encoding of a Redis object",
        tips: ["nondeterministic_output"],
        handler: objectEncoding,
      }),
      command({
        ...OBJECT_KEY,
        name: "freq",
        group: "generic",
        since: "4.0.0",
        summary: "Get the logarithmic access frequency counter of a Redis object",
        tips: ["nondeterministic_output"],
        handler: objectFreq,
      }),
      command({
        ...OBJECT_KEY,
        name: "idletime",
        group: "generic",
        since: "2.2.3",
        summary: "Get the time since a Redis object was last accessed",
        tips: ["nondeterministic_output"],
        handler: objectIdletime,
      }),
      command({
        ...OBJECT_KEY,
        name: "refcount",
        group: "generic",
        since: "2.2.3",
        summary: "Get the number of references to the value of the key",
        tips: ["nondeterministic_output"],
        handler: objectRefcount,
      }),
      command({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        group: "generic",
        since: "6.2.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (c) =>
          helpReply(c, "OBJECT", [
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
          ]),
      }),
    ],
  }),
];
