/**
 * Set commands, with Redis 7.0's replies, errors, order of checks,
 * keyspace events and propagation (SPOP is logged as SREMs, or as DEL when
 * it empties the set).
 *
 * Result sets of SUNION/SDIFF (and of SPOP taking everything) are built the
 * way Redis builds them, starting from an empty intset, so they come out in
 * the same order and, when stored, with the same encoding: ascending when
 * every member is an integer, unspecified otherwise.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { derived } from "../config/config.ts";
import { TYPE_SET } from "../store/database.ts";
import { type SetLimits, setLimitsFrom, SetValue } from "../store/set.ts";
import { NOTIFY_GENERIC, NOTIFY_SET } from "../server/notify_flags.ts";
import { isKeyword, latin1, latin1Bytes, utf8 } from "../util/bytes.ts";
import { parseInteger } from "../util/numbers.ts";
import { drawDistinct, sampleDistinct } from "../util/sampling.ts";
import { command, type CommandSpec } from "./spec.ts";
import { numkeysFinder } from "./key_finders.ts";
import { deleteDestination, lookupTyped, lookupWrite, SYNTAX_ERROR, WRONGTYPE } from "./util.ts";
import {
  BUDGET_CHECK_INTERVAL,
  COUNT_MUST_BE_POSITIVE,
  randomCountArg,
  replyBudgetExceeded,
} from "./random_args.ts";
import { scanCursorArg, scanMatches, scanOptions, writeScanReply } from "./scan_args.ts";

const SREM = utf8("SREM");
const DEL = utf8("DEL");

/** SPOP with a count pops by random picks while `remaining * this > count`, else keeps a random rest. */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** SRANDMEMBER copies the set and removes picks when `count * this > size`, else draws picks. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

const currentSetLimits = derived(setLimitsFrom);

/** The current `set-max-intset-entries`. */
function setLimits(c: Client): SetLimits {
  return currentSetLimits(c.server.config);
}

/** Writes a set-typed reply (`~` in RESP3) of all members in the set's order. */
function replyMembers(c: Client, set: SetValue): void {
  c.out.set(set.size);
  set.forEach((m) => c.out.bulkLatin1(m));
}

/**
 * Looks up the sets named by `keys`, missing keys as null. Every key is
 * type-checked before anything else happens, as Redis 7.0 does. Returns
 * null after writing WRONGTYPE.
 */
function lookupSets(c: Client, keys: Uint8Array[]): (SetValue | null)[] | null {
  const sets: (SetValue | null)[] = [];
  for (const key of keys) {
    const id = lookupTyped(c, key, TYPE_SET);
    if (id === -2) return null;
    sets.push(id < 0 ? null : c.db.object<SetValue>(id));
  }
  return sets;
}

/**
 * The union of `sets` (null for missing keys), built as Redis builds it:
 * from an empty intset, converting as members arrive.
 */
function unionOf(sets: readonly (SetValue | null)[], limits: SetLimits): SetValue {
  // The largest input is a lower bound of the union's size.
  let largest = 0;
  for (const set of sets) if (set !== null && set.size > largest) largest = set.size;
  const result = SetValue.empty(largest);
  for (const set of sets) set?.forEach((m) => result.add(m, limits));
  return result;
}

// ------------------------------------------------------------ single key

function sadd(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  const key = argv[1];
  const id = lookupTyped(c, key, TYPE_SET, true);
  if (id === -2) return;
  let set: SetValue;
  if (id < 0) {
    set = SetValue.forFirstMember(latin1(argv[2]));
    db.setObject(key, TYPE_SET, set);
  } else {
    set = db.object<SetValue>(id);
  }
  const limits = setLimits(c);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (set.addBytes(argv[i], limits)) added++;
  if (added > 0) c.server.wrote(db, key, NOTIFY_SET, "sadd", added);
  c.out.integer(added);
}

function srem(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  const key = argv[1];
  const id = lookupTyped(c, key, TYPE_SET, true);
  if (id === -2) return;
  if (id < 0) {
    c.out.integer(0);
    return;
  }
  const set = db.object<SetValue>(id);
  let removed = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (!set.remove(latin1(argv[i]))) continue;
    removed++;
    if (set.size === 0) {
      db.deleteEntry(id);
      keyRemoved = true;
      break;
    }
  }
  if (removed > 0) {
    c.server.wrote(db, key, NOTIFY_SET, "srem", removed);
    if (keyRemoved) c.server.wrote(db, key, NOTIFY_GENERIC, "del", 0);
  }
  c.out.integer(removed);
}

function smove(c: Client, argv: Uint8Array[]): void {
  const db = c.db;
  const [, srcKey, dstKey] = argv;
  const srcId = lookupWrite(c, srcKey);
  const dstId = lookupWrite(c, dstKey);
  if (srcId < 0) {
    c.out.integer(0);
    return;
  }
  if (db.typeOf(srcId) !== TYPE_SET || (dstId >= 0 && db.typeOf(dstId) !== TYPE_SET)) {
    c.out.error(WRONGTYPE);
    return;
  }
  const member = latin1(argv[3]);
  const src = db.object<SetValue>(srcId);
  if (srcId === dstId) {
    c.out.integer(src.has(member) ? 1 : 0);
    return;
  }
  if (!src.remove(member)) {
    c.out.integer(0);
    return;
  }
  c.server.wrote(db, srcKey, NOTIFY_SET, "srem");
  if (src.size === 0) {
    db.deleteEntry(srcId);
    c.server.wrote(db, srcKey, NOTIFY_GENERIC, "del", 0);
  }
  let dst: SetValue;
  if (dstId < 0) {
    dst = SetValue.forFirstMember(member);
    db.setObject(dstKey, TYPE_SET, dst);
  } else {
    dst = db.object<SetValue>(dstId);
  }
  // Redis signals the destination as modified even when the member was already there.
  c.server.watch.touch(db, dstKey);
  if (dst.add(member, setLimits(c))) c.server.wrote(db, dstKey, NOTIFY_SET, "sadd");
  c.out.integer(1);
}

function sismember(c: Client, argv: Uint8Array[]): void {
  const id = lookupTyped(c, argv[1], TYPE_SET);
  if (id === -2) return;
  c.out.integer(id >= 0 && c.db.object<SetValue>(id).hasBytes(argv[2]) ? 1 : 0);
}

function smismember(c: Client, argv: Uint8Array[]): void {
  const id = lookupTyped(c, argv[1], TYPE_SET);
  if (id === -2) return;
  const set = id >= 0 ? c.db.object<SetValue>(id) : null;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    c.out.integer(set !== null && set.hasBytes(argv[i]) ? 1 : 0);
  }
}

function scard(c: Client, argv: Uint8Array[]): void {
  const id = lookupTyped(c, argv[1], TYPE_SET);
  if (id === -2) return;
  c.out.integer(id >= 0 ? c.db.object<SetValue>(id).size : 0);
}

function smembers(c: Client, argv: Uint8Array[]): void {
  const id = lookupTyped(c, argv[1], TYPE_SET);
  if (id === -2) return;
  if (id < 0) c.out.set(0);
  else replyMembers(c, c.db.object<SetValue>(id));
}

function sscan(c: Client, argv: Uint8Array[]): void {
  const cursor = scanCursorArg(c, argv[2]);
  if (cursor === null) return;
  const id = lookupTyped(c, argv[1], TYPE_SET);
  if (id === -2) return;
  if (id < 0) {
    writeScanReply(c, 0, []);
    return;
  }
  const options = scanOptions(c, argv, 3);
  if (options === null) return;
  const found: string[] = [];
  const next = c.db.object<SetValue>(id).scan(cursor, options.count, (m) => {
    if (scanMatches(options, m)) found.push(m);
  });
  writeScanReply(c, next, found);
}

// ---------------------------------------------------------------- random

function spop(c: Client, argv: Uint8Array[]): void {
  if (argv.length === 3) {
    spopWithCount(c, argv);
    return;
  }
  if (argv.length > 3) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  const db = c.db;
  const key = argv[1];
  const id = lookupTyped(c, key, TYPE_SET, true);
  if (id === -2) return;
  if (id < 0) {
    c.out.nullBulk();
    return;
  }
  const set = db.object<SetValue>(id);
  const member = set.randomMember();
  set.remove(member);
  c.server.wrote(db, key, NOTIFY_SET, "spop");
  if (c.server.propagating) c.propagateOverride = [[SREM, key, latin1Bytes(member)]];
  c.out.bulkLatin1(member);
  if (set.size === 0) {
    db.deleteEntry(id);
    c.server.wrote(db, key, NOTIFY_GENERIC, "del", 0);
  }
}

function spopWithCount(c: Client, argv: Uint8Array[]): void {
  const count = parseInteger(argv[2]);
  if (Number.isNaN(count) || count < 0) {
    c.out.error(COUNT_MUST_BE_POSITIVE);
    return;
  }
  const db = c.db;
  const key = argv[1];
  const id = lookupTyped(c, key, TYPE_SET, true);
  if (id === -2) return;
  if (id < 0 || count === 0) {
    c.out.set(0);
    return;
  }
  const set = db.object<SetValue>(id);
  const size = set.size;

  if (count >= size) {
    // Everything goes: reply as SUNION of the set would, log a DEL.
    c.server.wrote(db, key, NOTIFY_SET, "spop", size);
    replyMembers(c, unionOf([set], setLimits(c)));
    db.deleteEntry(id);
    c.server.wrote(db, key, NOTIFY_GENERIC, "del", 0);
    c.propagateOverride = [[DEL, key]];
    return;
  }

  c.server.wrote(db, key, NOTIFY_SET, "spop", count);
  const propagated: Uint8Array[][] = [];
  const propagating = c.server.propagating;
  const popped = (m: string) => {
    c.out.bulkLatin1(m);
    if (propagating) propagated.push([SREM, key, latin1Bytes(m)]);
  };
  c.out.set(count);
  const remaining = size - count;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    for (let i = 0; i < count; i++) {
      const m = set.randomMember();
      set.remove(m);
      popped(m);
    }
  } else {
    // Popping most of the set: pick the few that stay into a new set (created
    // the way SADD would create it), then pop the rest in the set's order.
    const limits = setLimits(c);
    let kept: SetValue | null = null;
    for (let i = 0; i < remaining; i++) {
      const m = set.randomMember();
      kept ??= SetValue.forFirstMember(m);
      kept.add(m, limits);
      set.remove(m);
    }
    set.forEach(popped);
    db.replaceObject(id, kept);
  }
  c.propagateOverride = propagated;
}

function srandmember(c: Client, argv: Uint8Array[]): void {
  if (argv.length === 3) {
    srandmemberWithCount(c, argv);
    return;
  }
  if (argv.length > 3) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  const id = lookupTyped(c, argv[1], TYPE_SET);
  if (id === -2) return;
  if (id < 0) c.out.nullBulk();
  else c.out.bulkLatin1(c.db.object<SetValue>(id).randomMember());
}

function srandmemberWithCount(c: Client, argv: Uint8Array[]): void {
  const exact = randomCountArg(c, argv[2]);
  if (exact === null) return;
  const requested = Number(exact);
  const id = lookupTyped(c, argv[1], TYPE_SET);
  if (id === -2) return;
  if (id < 0 || requested === 0) {
    c.out.array(0);
    return;
  }
  const set = c.db.object<SetValue>(id);
  const size = set.size;
  if (requested < 0) {
    const count = -requested;
    c.out.array(count);
    for (let i = 0; i < count; i++) {
      if (i % BUDGET_CHECK_INTERVAL === 0 && i > 0 && replyBudgetExceeded(c)) return;
      c.out.bulkLatin1(set.randomMember());
    }
    return;
  }
  if (requested >= size) {
    c.out.array(size);
    set.forEach((m) => c.out.bulkLatin1(m));
    return;
  }
  const picked = requested * SRANDMEMBER_SUB_STRATEGY_MUL > size
    ? sampleDistinct([...set.members()], requested)
    : drawDistinct(requested, () => set.randomMember());
  c.out.array(picked.length);
  for (const m of picked) c.out.bulkLatin1(m);
}

// ------------------------------------------------------------- multi key

/**
 * The intersection of `sets` in Redis's order: members of the smallest set
 * (ties keep key order, like glibc's stable qsort) that all others contain,
 * in that set's order. Stops after `limit` members when `limit > 0`.
 */
function intersect(sets: SetValue[], visit: (member: string) => void, limit = 0): void {
  const ordered = [...sets].sort((a, b) => a.size - b.size);
  const smallest = ordered[0];
  let found = 0;
  for (const m of smallest.members()) {
    let inAll = true;
    for (let j = 1; j < ordered.length; j++) {
      if (ordered[j] !== smallest && !ordered[j].has(m)) {
        inAll = false;
        break;
      }
    }
    if (!inAll) continue;
    visit(m);
    if (limit > 0 && ++found >= limit) return;
  }
}

/** Stores a STORE command's result, or deletes the destination when it is empty. */
function storeResult(c: Client, dstKey: Uint8Array, result: SetValue, event: string): void {
  const db = c.db;
  if (result.size > 0) {
    db.setObject(dstKey, TYPE_SET, result);
    c.out.integer(result.size);
    c.server.wrote(db, dstKey, NOTIFY_SET, event);
    return;
  }
  c.out.integer(0);
  deleteDestination(c, dstKey);
}

function sinterGeneric(c: Client, keys: Uint8Array[], dstKey: Uint8Array | null): void {
  // Redis 7.0 reads the sources with lookupKeyRead even for the STORE forms
  // (hits, misses and `keymiss` events count).
  const sets = lookupSets(c, keys);
  if (sets === null) return;
  if (sets.includes(null)) {
    if (dstKey === null) c.out.set(0);
    else storeResult(c, dstKey, SetValue.empty(), "sinterstore");
    return;
  }
  if (dstKey === null) {
    const mark = c.out.beginDeferred();
    let n = 0;
    intersect(sets as SetValue[], (m) => {
      c.out.bulkLatin1(m);
      n++;
    });
    c.out.endDeferred(mark, "set", n);
    return;
  }
  const limits = setLimits(c);
  const result = SetValue.empty();
  intersect(sets as SetValue[], (m) => result.add(m, limits));
  storeResult(c, dstKey, result, "sinterstore");
}

function sintercard(c: Client, argv: Uint8Array[]): void {
  const numkeys = parseInteger(argv[1]);
  if (Number.isNaN(numkeys) || numkeys < 1) {
    c.out.error("ERR numkeys should be greater than 0");
    return;
  }
  if (numkeys > argv.length - 2) {
    c.out.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  let limit = 0;
  for (let i = 2 + numkeys; i < argv.length; i++) {
    if (isKeyword(argv[i], "limit") && i + 1 < argv.length) {
      limit = parseInteger(argv[++i]);
      if (Number.isNaN(limit) || limit < 0) {
        c.out.error("ERR LIMIT can't be negative");
        return;
      }
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  const sets = lookupSets(c, argv.slice(2, 2 + numkeys));
  if (sets === null) return;
  let n = 0;
  if (!sets.includes(null)) intersect(sets as SetValue[], () => n++, limit);
  c.out.integer(n);
}

/**
 * SDIFF's result, built as Redis 7.0 builds it. Redis picks one of two
 * algorithms by estimated work: (1) add each member of the first set that
 * no other set has, or (2) add the whole first set and remove every other
 * set's members. They agree on the members but not always on the encoding
 * (a non-integer added then removed leaves a hash table), so the choice is
 * reproduced.
 */
function differenceOf(sets: (SetValue | null)[], limits: SetLimits): SetValue {
  const result = SetValue.empty();
  const first = sets[0];
  if (first === null) return result;
  for (let j = 1; j < sets.length; j++) if (sets[j] === first) return result;
  let algoOneWork = 0;
  let algoTwoWork = 0;
  for (const set of sets) {
    if (set === null) continue;
    algoOneWork += first.size;
    algoTwoWork += set.size;
  }
  const others = sets.slice(1).filter((s): s is SetValue => s !== null);
  if (Math.floor(algoOneWork / 2) <= algoTwoWork) {
    first.forEach((m) => {
      if (!others.some((s) => s.has(m))) result.add(m, limits);
    });
    return result;
  }
  first.forEach((m) => result.add(m, limits));
  for (const set of others) {
    set.forEach((m) => result.remove(m));
    if (result.size === 0) break;
  }
  return result;
}

function sunionDiffGeneric(
  c: Client,
  keys: Uint8Array[],
  dstKey: Uint8Array | null,
  union: boolean,
): void {
  const sets = lookupSets(c, keys);
  if (sets === null) return;
  const limits = setLimits(c);
  const result = union ? unionOf(sets, limits) : differenceOf(sets, limits);
  if (dstKey === null) replyMembers(c, result);
  else storeResult(c, dstKey, result, union ? "sunionstore" : "sdiffstore");
}

/** Key positions of SINTERCARD: `numkeys` keys after the count. */
/** Set command specs. */
export const SET_COMMANDS: CommandSpec[] = [
  command({
    name: "sadd",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW insert"],
    group: "set",
    since: "1.0.0",
    summary: "Add one or more members to a set",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    syntax: "key member [member ...]",
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    handler: sadd,
  }),
  command({
    name: "srem",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: ["RW delete"],
    group: "set",
    since: "1.0.0",
    summary: "Remove one or more members from a set",
    complexity: "O(N) where N is the number of members to be removed.",
    syntax: "key member [member ...]",
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    handler: srem,
  }),
  command({
    name: "smove",
    arity: 4,
    flags: ["write", "fast"],
    keySpecs: ["RW access delete", "RW insert index:2"],
    group: "set",
    since: "1.0.0",
    summary: "Move a member from one set to another",
    syntax: "source destination member",
    complexity: "O(1)",
    handler: smove,
  }),
  command({
    name: "sismember",
    arity: 3,
    flags: ["readonly", "fast"],
    keySpecs: ["RO"],
    group: "set",
    since: "1.0.0",
    summary: "Determine if a given value is a member of a set",
    syntax: "key member",
    complexity: "O(1)",
    handler: sismember,
  }),
  command({
    name: "smismember",
    arity: -3,
    flags: ["readonly", "fast"],
    keySpecs: ["RO access"],
    group: "set",
    since: "6.2.0",
    summary: "Returns the membership associated with the given elements for a set",
    complexity: "O(N) where N is the number of elements being checked for membership",
    syntax: "key member [member ...]",
    handler: smismember,
  }),
  command({
    name: "scard",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: ["RO"],
    group: "set",
    since: "1.0.0",
    summary: "Get the number of members in a set",
    syntax: "key",
    complexity: "O(1)",
    handler: scard,
  }),
  command({
    name: "smembers",
    arity: 2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "set",
    since: "1.0.0",
    summary: "Get all the members in a set",
    complexity: "O(N) where N is the set cardinality.",
    syntax: "key",
    tips: ["nondeterministic_output_order"],
    handler: smembers,
  }),
  command({
    name: "sscan",
    arity: -3,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "set",
    since: "2.8.0",
    summary: "Incrementally iterate Set elements",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    syntax: "key cursor [MATCH pattern] [COUNT count]",
    tips: ["nondeterministic_output"],
    handler: sscan,
  }),
  command({
    name: "spop",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: ["RW access delete"],
    group: "set",
    since: "1.0.0",
    summary: "Remove and return one or multiple random members from a set",
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
    syntax: "key [count]{3.2.0}",
    history: [["3.2.0", "Added the `count` argument."]],
    tips: ["nondeterministic_output"],
    handler: spop,
  }),
  command({
    name: "srandmember",
    arity: -2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "set",
    since: "1.0.0",
    summary: "Get one or multiple random members from a set",
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
    syntax: "key [count]{2.6.0}",
    history: [["2.6.0", "Added the optional `count` argument."]],
    tips: ["nondeterministic_output"],
    handler: srandmember,
  }),
  command({
    name: "sinter",
    arity: -2,
    flags: ["readonly"],
    keySpecs: ["RO access range:-1"],
    group: "set",
    since: "1.0.0",
    summary: "Intersect multiple sets",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    syntax: "key [key ...]",
    tips: ["nondeterministic_output_order"],
    handler: (c, argv) => sinterGeneric(c, argv.slice(1), null),
  }),
  command({
    name: "sintercard",
    arity: -3,
    flags: ["readonly"],
    keySpecs: ["RO access keynum:0:1:1"],
    keys: numkeysFinder(1),
    group: "set",
    since: "7.0.0",
    summary: "Intersect multiple sets and return the cardinality of the result",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    syntax: "numkeys key [key ...] [LIMIT limit]",
    handler: sintercard,
  }),
  command({
    name: "sinterstore",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: ["RW update", "RO access index:2 range:-1"],
    group: "set",
    since: "1.0.0",
    summary: "Intersect multiple sets and store the resulting set in a key",
    complexity:
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    syntax: "destination key [key ...]",
    handler: (c, argv) => sinterGeneric(c, argv.slice(2), argv[1]),
  }),
  command({
    name: "sunion",
    arity: -2,
    flags: ["readonly"],
    keySpecs: ["RO access range:-1"],
    group: "set",
    since: "1.0.0",
    summary: "Add multiple sets",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    syntax: "key [key ...]",
    tips: ["nondeterministic_output_order"],
    handler: (c, argv) => sunionDiffGeneric(c, argv.slice(1), null, true),
  }),
  command({
    name: "sunionstore",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: ["OW update", "RO access index:2 range:-1"],
    group: "set",
    since: "1.0.0",
    summary: "Add multiple sets and store the resulting set in a key",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    syntax: "destination key [key ...]",
    handler: (c, argv) => sunionDiffGeneric(c, argv.slice(2), argv[1], true),
  }),
  command({
    name: "sdiff",
    arity: -2,
    flags: ["readonly"],
    keySpecs: ["RO access range:-1"],
    group: "set",
    since: "1.0.0",
    summary: "Subtract multiple sets",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    syntax: "key [key ...]",
    tips: ["nondeterministic_output_order"],
    handler: (c, argv) => sunionDiffGeneric(c, argv.slice(1), null, false),
  }),
  command({
    name: "sdiffstore",
    arity: -3,
    flags: ["write", "denyoom"],
    keySpecs: ["OW update", "RO access index:2 range:-1"],
    group: "set",
    since: "1.0.0",
    summary: "Subtract multiple sets and store the resulting set in a key",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    syntax: "destination key [key ...]",
    handler: (c, argv) => sunionDiffGeneric(c, argv.slice(2), argv[1], false),
  }),
];
