/**
 * List commands, blocking ones included, with Redis 7.0's replies, errors,
 * keyspace events and propagation.
 *
 * Conventions shared by every write here, as in Redis: a list left empty is
 * deleted at once (`del` event after the command's own event); creating a
 * list sends the `new` event; a push wakes clients blocked on the key.
 *
 * Blocking commands that find nothing block through the server's
 * {@link BlockingRegistry}. When a key they wait on is filled the registry
 * re-executes them with `servingKey` set; they then pop from that key only,
 * and stay blocked if it holds another type, exactly like Redis 7.0.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { TYPE_LIST } from "../store/database.ts";
import { ListValue } from "../store/list.ts";
import { command, type CommandSpec } from "./spec.ts";
import { numkeysFinder } from "./key_finders.ts";
import { arityError } from "./dispatch.ts";
import {
  INDEX_OUT_OF_RANGE,
  intArg,
  lookupRead,
  lookupTyped,
  NO_SUCH_KEY,
  SYNTAX_ERROR,
  timeoutArg,
  WRONGTYPE,
} from "./util.ts";
import { isKeyword, latin1, utf8 } from "../util/bytes.ts";
import { parseInteger } from "../util/numbers.ts";
import { NOTIFY_GENERIC, NOTIFY_LIST } from "../server/notify_flags.ts";

const LPOP = utf8("LPOP");
const RPOP = utf8("RPOP");
const LMOVE = utf8("LMOVE");
const RPOPLPUSH = utf8("RPOPLPUSH");
/** Sides as Redis propagates them when it serves a blocked BLMOVE. */
const LEFT = utf8("left");
const RIGHT = utf8("right");

const COUNT_POSITIVE = "ERR value is out of range, must be positive";
/** LPOS `RANK -9223372036854775808`: negating it overflows, so Redis matches from the first hit. */
const LLONG_MIN_TEXT = "-9223372036854775808";

// ----------------------------------------------------------------- helpers

/**
 * The list at `key` for reading or writing. Returns its entry, -1 when the
 * key is missing, or -2 after writing WRONGTYPE.
 */
function findList(c: Client, key: Uint8Array, forWrite: boolean): number {
  return lookupTyped(c, key, TYPE_LIST, forWrite);
}

/** The list at `key`, created when missing (the store sends the `new` event). */
function listForPush(c: Client, id: number, key: Uint8Array): ListValue {
  if (id >= 0) return c.db.object<ListValue>(id);
  const list = new ListValue();
  c.db.setObject(key, TYPE_LIST, list);
  return list;
}

/**
 * Bookkeeping after popping `count` members (Redis's listElementsRemoved):
 * the pop event, then deletion of an emptied list with its `del` event.
 */
function popped(
  c: Client,
  id: number,
  key: Uint8Array,
  list: ListValue,
  left: boolean,
  count: number,
): void {
  c.server.wrote(c.db, key, NOTIFY_LIST, left ? "lpop" : "rpop", count);
  deleteIfEmpty(c, id, key, list);
}

function deleteIfEmpty(c: Client, id: number, key: Uint8Array, list: ListValue): void {
  if (list.size > 0) return;
  c.db.deleteEntry(id);
  c.server.wrote(c.db, key, NOTIFY_GENERIC, "del", 0);
}

/** Parses `LEFT`/`RIGHT`: true for left, null after a syntax error. */
function sideArg(c: Client, arg: Uint8Array): boolean | null {
  if (isKeyword(arg, "left")) return true;
  if (isKeyword(arg, "right")) return false;
  c.out.error(SYNTAX_ERROR);
  return null;
}

/** Writes members `[start, end]` (already clamped to the list). */
function writeRange(c: Client, list: ListValue, start: number, end: number): void {
  const out = c.out;
  out.array(end - start + 1);
  for (let i = start; i <= end; i++) list.writeBulk(i, out);
}

/** Pops one member of a non-empty list, writing its bytes as a bulk reply. */
function writePopped(c: Client, list: ListValue, left: boolean): void {
  if (left) {
    list.writeBulk(0, c.out);
    list.removeFront(1);
  } else {
    list.writeBulk(list.size - 1, c.out);
    list.removeBack(1);
  }
}

/**
 * Pops up to `count` members from one end and replies with them as an
 * array (LPOP/RPOP with a count). Returns how many were popped.
 */
function popRange(c: Client, list: ListValue, left: boolean, count: number): number {
  const n = Math.min(count, list.size);
  c.out.array(n);
  for (let i = 0; i < n; i++) writePopped(c, list, left);
  return n;
}

/**
 * While a blocked command is re-executed: the entry of the key that woke
 * it when it holds a list, otherwise -1 (the client keeps waiting).
 */
function servedListEntry(c: Client): number {
  const key = c.server.blocking.servingKey!;
  const id = c.db.find(key);
  return id >= 0 && c.db.typeOf(id) === TYPE_LIST ? id : -1;
}

// -------------------------------------------------------------- push / pop

function push(c: Client, argv: Uint8Array[], left: boolean, onlyIfExists: boolean): void {
  const key = argv[1];
  const id = findList(c, key, true);
  if (id === -2) return;
  if (id < 0 && onlyIfExists) {
    c.out.integer(0);
    return;
  }
  const list = listForPush(c, id, key);
  for (let i = 2; i < argv.length; i++) {
    if (left) list.pushFrontBytes(argv[i]);
    else list.pushBackBytes(argv[i]);
  }
  c.out.integer(list.size);
  c.server.wrote(c.db, key, NOTIFY_LIST, left ? "lpush" : "rpush", argv.length - 2);
  c.server.signalKeyAsReady(c.db, key);
}

function pop(c: Client, argv: Uint8Array[], left: boolean): void {
  if (argv.length > 3) {
    c.out.error(arityError(left ? "lpop" : "rpop"));
    return;
  }
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    count = parseInteger(argv[2]);
    if (!(count >= 0)) {
      c.out.error(COUNT_POSITIVE);
      return;
    }
  }
  const key = argv[1];
  const id = findList(c, key, true);
  if (id === -2) return;
  if (id < 0) {
    if (hasCount) c.out.nullArray();
    else c.out.nullBulk();
    return;
  }
  if (hasCount && count === 0) {
    c.out.array(0);
    return;
  }
  const list = c.db.object<ListValue>(id);
  if (!hasCount) {
    writePopped(c, list, left);
    popped(c, id, key, list, left, 1);
    return;
  }
  popped(c, id, key, list, left, popRange(c, list, left, count));
}

// ------------------------------------------------------------------ reading

function llen(c: Client, argv: Uint8Array[]): void {
  const id = findList(c, argv[1], false);
  if (id === -2) return;
  c.out.integer(id < 0 ? 0 : c.db.object<ListValue>(id).size);
}

function lindex(c: Client, argv: Uint8Array[]): void {
  const id = findList(c, argv[1], false);
  if (id === -2) return;
  if (id < 0) {
    c.out.nullBulk();
    return;
  }
  const index = intArg(c, argv[2]);
  if (index === null) return;
  const list = c.db.object<ListValue>(id);
  const i = index < 0 ? list.size + index : index;
  if (i < 0 || i >= list.size) c.out.nullBulk();
  else list.writeBulk(i, c.out);
}

function lrange(c: Client, argv: Uint8Array[]): void {
  const start = intArg(c, argv[2]);
  if (start === null) return;
  const end = intArg(c, argv[3]);
  if (end === null) return;
  const id = findList(c, argv[1], false);
  if (id === -2) return;
  if (id < 0) {
    c.out.array(0);
    return;
  }
  const list = c.db.object<ListValue>(id);
  const n = list.size;
  let from = start < 0 ? n + start : start;
  let to = end < 0 ? n + end : end;
  if (from < 0) from = 0;
  if (from > to || from >= n) {
    c.out.array(0);
    return;
  }
  if (to >= n) to = n - 1;
  writeRange(c, list, from, to);
}

/** Reads an LPOS option value that must be ≥ 0; the same error covers bad numbers. */
function nonNegativeOption(c: Client, arg: Uint8Array, error: string): number | null {
  const v = parseInteger(arg);
  if (!(v >= 0)) {
    c.out.error(error);
    return null;
  }
  return v;
}

function lpos(c: Client, argv: Uint8Array[]): void {
  let rank = 1;
  let count = -1; // -1: COUNT not given
  let maxlen = 0;
  let rankArg: Uint8Array | null = null;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i];
    const hasValue = i + 1 < argv.length;
    if (isKeyword(opt, "rank") && hasValue) {
      rankArg = argv[++i];
      const v = intArg(c, rankArg);
      if (v === null) return;
      if (v === 0) {
        c.out.error(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
        return;
      }
      rank = v;
    } else if (isKeyword(opt, "count") && hasValue) {
      const v = nonNegativeOption(c, argv[++i], "ERR COUNT can't be negative");
      if (v === null) return;
      count = v;
    } else if (isKeyword(opt, "maxlen") && hasValue) {
      const v = nonNegativeOption(c, argv[++i], "ERR MAXLEN can't be negative");
      if (v === null) return;
      maxlen = v;
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  let fromTail = false;
  if (rank < 0) {
    fromTail = true;
    rank = latin1(rankArg!) === LLONG_MIN_TEXT ? 1 : -rank;
  }
  const id = lookupRead(c, argv[1]);
  if (id < 0) {
    if (count !== -1) c.out.array(0);
    else c.out.nullBulk();
    return;
  }
  if (c.db.typeOf(id) !== TYPE_LIST) {
    c.out.error(WRONGTYPE);
    return;
  }
  const list = c.db.object<ListValue>(id);
  const member = argv[2];
  const n = list.size;
  const scan = maxlen === 0 ? n : Math.min(n, maxlen);
  let matches = 0;
  if (count === -1) {
    for (let k = 0; k < scan; k++) {
      const i = fromTail ? n - 1 - k : k;
      if (list.equalsBytes(i, member) && ++matches >= rank) {
        c.out.integer(i);
        return;
      }
    }
    c.out.nullBulk();
    return;
  }
  const mark = c.out.beginDeferred();
  let emitted = 0;
  for (let k = 0; k < scan; k++) {
    const i = fromTail ? n - 1 - k : k;
    if (!list.equalsBytes(i, member) || ++matches < rank) continue;
    c.out.integer(i);
    if (++emitted === count) break;
  }
  c.out.endDeferred(mark, "array", emitted);
}

// ------------------------------------------------------------ modification

function lset(c: Client, argv: Uint8Array[]): void {
  const key = argv[1];
  const id = findList(c, key, true);
  if (id === -2) return;
  if (id < 0) {
    c.out.error(NO_SUCH_KEY);
    return;
  }
  const index = intArg(c, argv[2]);
  if (index === null) return;
  const list = c.db.object<ListValue>(id);
  const i = index < 0 ? list.size + index : index;
  if (i < 0 || i >= list.size) {
    c.out.error(INDEX_OUT_OF_RANGE);
    return;
  }
  list.setBytes(i, argv[3]);
  c.out.ok();
  c.server.wrote(c.db, key, NOTIFY_LIST, "lset");
}

function linsert(c: Client, argv: Uint8Array[]): void {
  let after: boolean;
  if (isKeyword(argv[2], "after")) after = true;
  else if (isKeyword(argv[2], "before")) after = false;
  else {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  const key = argv[1];
  const id = findList(c, key, true);
  if (id === -2) return;
  if (id < 0) {
    c.out.integer(0);
    return;
  }
  const list = c.db.object<ListValue>(id);
  const pivot = list.indexOf(argv[3]);
  if (pivot < 0) {
    c.out.integer(-1);
    return;
  }
  list.insertBytes(after ? pivot + 1 : pivot, argv[4]);
  c.server.wrote(c.db, key, NOTIFY_LIST, "linsert");
  c.out.integer(list.size);
}

function lrem(c: Client, argv: Uint8Array[]): void {
  const count = intArg(c, argv[2]);
  if (count === null) return;
  const key = argv[1];
  const id = findList(c, key, true);
  if (id === -2) return;
  if (id < 0) {
    c.out.integer(0);
    return;
  }
  const list = c.db.object<ListValue>(id);
  const removed = list.removeMatching(argv[3], Math.abs(count), count < 0);
  if (removed > 0) {
    c.server.wrote(c.db, key, NOTIFY_LIST, "lrem", removed);
    deleteIfEmpty(c, id, key, list);
  }
  c.out.integer(removed);
}

function ltrim(c: Client, argv: Uint8Array[]): void {
  const start = intArg(c, argv[2]);
  if (start === null) return;
  const end = intArg(c, argv[3]);
  if (end === null) return;
  const key = argv[1];
  const id = findList(c, key, true);
  if (id === -2) return;
  if (id < 0) {
    c.out.ok();
    return;
  }
  const list = c.db.object<ListValue>(id);
  const n = list.size;
  let from = start < 0 ? n + start : start;
  let to = end < 0 ? n + end : end;
  if (from < 0) from = 0;
  let dropFront: number;
  let dropBack: number;
  if (from > to || from >= n) {
    dropFront = n;
    dropBack = 0;
  } else {
    if (to >= n) to = n - 1;
    dropFront = from;
    dropBack = n - to - 1;
  }
  list.removeFront(dropFront);
  list.removeBack(dropBack);
  // Redis counts only removed members as changes: a no-op LTRIM is not propagated.
  c.server.wrote(c.db, key, NOTIFY_LIST, "ltrim", dropFront + dropBack);
  deleteIfEmpty(c, id, key, list);
  c.out.ok();
}

// ------------------------------------------------------------------- moving

/**
 * Moves one member from `src` to `dst` and replies with it (LMOVE and its
 * blocking forms once `src` is known to hold a non-empty list at `srcId`).
 * Returns false after a WRONGTYPE reply for `dst`.
 */
function move(
  c: Client,
  srcId: number,
  src: Uint8Array,
  dst: Uint8Array,
  fromLeft: boolean,
  toLeft: boolean,
): boolean {
  const dstId = findList(c, dst, true);
  if (dstId === -2) return false;
  const srcList = c.db.object<ListValue>(srcId);
  const member = fromLeft ? srcList.popFront()! : srcList.popBack()!;
  const dstList = listForPush(c, dstId, dst);
  if (toLeft) dstList.pushFront(member);
  else dstList.pushBack(member);
  c.server.wrote(c.db, dst, NOTIFY_LIST, toLeft ? "lpush" : "rpush", 0);
  c.server.signalKeyAsReady(c.db, dst);
  c.out.bulkLatin1(member);
  popped(c, srcId, src, srcList, fromLeft, 1);
  return true;
}

function lmove(c: Client, argv: Uint8Array[], fromLeft: boolean, toLeft: boolean): void {
  const srcId = findList(c, argv[1], true);
  if (srcId === -2) return;
  if (srcId < 0) {
    c.out.nullBulk();
    return;
  }
  move(c, srcId, argv[1], argv[2], fromLeft, toLeft);
}

function lmoveCommand(c: Client, argv: Uint8Array[]): void {
  const fromLeft = sideArg(c, argv[3]);
  if (fromLeft === null) return;
  const toLeft = sideArg(c, argv[4]);
  if (toLeft === null) return;
  lmove(c, argv, fromLeft, toLeft);
}

/**
 * BLMOVE / BRPOPLPUSH: moves at once when `src` has members, else blocks.
 * Propagated as LMOVE / RPOPLPUSH (served from a wait, with the sides
 * spelled `left`/`right` as Redis does).
 */
function blmove(
  c: Client,
  argv: Uint8Array[],
  spec: CommandSpec,
  fromLeft: boolean,
  toLeft: boolean,
  timeoutMs: number,
  asRpoplpush: boolean,
): void {
  const src = argv[1];
  const dst = argv[2];
  const served = c.reprocessingBlocked;
  const srcId = served ? servedListEntry(c) : findList(c, src, true);
  if (srcId === -2) return;
  if (srcId < 0) {
    // Unlike a timeout (null array), a transaction gets a null bulk here.
    if (c.inExec) c.out.nullBulk();
    else c.server.blocking.block(c, spec, argv, [src], timeoutMs, "nullArray");
    return;
  }
  if (!move(c, srcId, src, dst, fromLeft, toLeft)) return;
  if (asRpoplpush) c.propagateOverride = [[RPOPLPUSH, src, dst]];
  else {
    const from = served ? (fromLeft ? LEFT : RIGHT) : argv[3];
    const to = served ? (toLeft ? LEFT : RIGHT) : argv[4];
    c.propagateOverride = [[LMOVE, src, dst, from, to]];
  }
}

// ------------------------------------------------------ multi-key pops

/**
 * Pops from the first existing list among `keys` (BLPOP/BRPOP with
 * `count` -1, LMPOP/BLMPOP with a count), replying and setting what to
 * propagate. `empty` when every key is missing (nothing written), `error`
 * after a WRONGTYPE reply.
 */
function popFirst(
  c: Client,
  keys: Uint8Array[],
  left: boolean,
  count: number,
): "popped" | "empty" | "error" {
  for (const key of keys) {
    const id = findList(c, key, true);
    if (id === -2) return "error";
    if (id < 0) continue;
    popFrom(c, id, key, left, count);
    return "popped";
  }
  return "empty";
}

/**
 * Pops from the list at `id`: one member replied as `[key, member]`
 * (count -1) or up to `count` as `[key, [members...]]`, propagated as
 * `LPOP key` / `LPOP key n`.
 */
function popFrom(c: Client, id: number, key: Uint8Array, left: boolean, count: number): void {
  const list = c.db.object<ListValue>(id);
  c.out.array(2);
  c.out.bulk(key);
  let n = 1;
  if (count < 0) writePopped(c, list, left);
  else n = popRange(c, list, left, count);
  if (c.server.propagating) {
    const command = [left ? LPOP : RPOP, key];
    if (count >= 0) command.push(utf8(String(n)));
    c.propagateOverride = [command];
  }
  popped(c, id, key, list, left, n);
}

/**
 * BLPOP/BRPOP/BLMPOP after argument parsing: pops, or blocks until a key
 * is filled. Re-executed for a filled key, it pops from that key only.
 */
function blockingPop(
  c: Client,
  argv: Uint8Array[],
  spec: CommandSpec,
  keys: Uint8Array[],
  left: boolean,
  count: number,
  timeoutMs: number,
): void {
  if (c.reprocessingBlocked) {
    const id = servedListEntry(c);
    if (id >= 0) {
      popFrom(c, id, c.server.blocking.servingKey!, left, count);
      return;
    }
  } else if (popFirst(c, keys, left, count) !== "empty") return;
  c.server.blocking.block(c, spec, argv, keys, timeoutMs, "nullArray");
}

function blpop(c: Client, argv: Uint8Array[], spec: CommandSpec, left: boolean): void {
  const timeoutMs = timeoutArg(c, argv[argv.length - 1]);
  if (timeoutMs === null) return;
  blockingPop(c, argv, spec, argv.slice(1, -1), left, -1, timeoutMs);
}

/** Parsed `numkeys key... LEFT|RIGHT [COUNT count]` of LMPOP/BLMPOP. */
interface MultiPopArgs {
  keys: Uint8Array[];
  left: boolean;
  count: number;
}

function multiPopArgs(c: Client, argv: Uint8Array[], numkeysAt: number): MultiPopArgs | null {
  const numkeys = parseInteger(argv[numkeysAt]);
  if (!(numkeys >= 1)) {
    c.out.error("ERR numkeys should be greater than 0");
    return null;
  }
  const sideAt = numkeysAt + numkeys + 1;
  if (sideAt >= argv.length) {
    c.out.error(SYNTAX_ERROR);
    return null;
  }
  const left = sideArg(c, argv[sideAt]);
  if (left === null) return null;
  let count = -1;
  for (let i = sideAt + 1; i < argv.length; i++) {
    if (count === -1 && isKeyword(argv[i], "count") && i + 1 < argv.length) {
      const v = parseInteger(argv[++i]);
      if (!(v >= 1)) {
        c.out.error("ERR count should be greater than 0");
        return null;
      }
      count = v;
    } else {
      c.out.error(SYNTAX_ERROR);
      return null;
    }
  }
  return { keys: argv.slice(numkeysAt + 1, sideAt), left, count: count === -1 ? 1 : count };
}

function lmpop(c: Client, argv: Uint8Array[]): void {
  const args = multiPopArgs(c, argv, 1);
  if (args === null) return;
  if (popFirst(c, args.keys, args.left, args.count) === "empty") c.out.nullArray();
}

function blmpop(c: Client, argv: Uint8Array[], spec: CommandSpec): void {
  const args = multiPopArgs(c, argv, 2);
  if (args === null) return;
  const timeoutMs = timeoutArg(c, argv[1]);
  if (timeoutMs === null) return;
  blockingPop(c, argv, spec, args.keys, args.left, args.count, timeoutMs);
}

// -------------------------------------------------------------------- specs

const BLPOP: CommandSpec = command({
  name: "blpop",
  arity: -3,
  flags: ["write", "noscript", "blocking"],
  keySpecs: ["RW access delete range:-2"],
  group: "list",
  since: "2.0.0",
  summary: "Remove and get the first element in a list, or block until one is available",
  complexity: "O(N) where N is the number of provided keys.",
  syntax: "key [key ...] timeout",
  history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
  handler: (c, argv) => blpop(c, argv, BLPOP, true),
});

const BRPOP: CommandSpec = command({
  name: "brpop",
  arity: -3,
  flags: ["write", "noscript", "blocking"],
  keySpecs: ["RW access delete range:-2"],
  group: "list",
  since: "2.0.0",
  summary: "Remove and get the last element in a list, or block until one is available",
  complexity: "O(N) where N is the number of provided keys.",
  syntax: "key [key ...] timeout",
  history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
  handler: (c, argv) => blpop(c, argv, BRPOP, false),
});

const BLMOVE: CommandSpec = command({
  name: "blmove",
  arity: 6,
  flags: ["write", "denyoom", "noscript", "blocking"],
  keySpecs: ["RW access delete", "RW insert index:2"],
  group: "list",
  since: "6.2.0",
  summary:
    "Pop an element from a list, push it to another list and return it; or block until one is available",
  complexity: "O(1)",
  syntax: "source destination <LEFT | RIGHT>{wherefrom} <LEFT | RIGHT>{whereto} timeout",
  handler: (c, argv) => {
    const fromLeft = sideArg(c, argv[3]);
    if (fromLeft === null) return;
    const toLeft = sideArg(c, argv[4]);
    if (toLeft === null) return;
    const timeoutMs = timeoutArg(c, argv[5]);
    if (timeoutMs === null) return;
    blmove(c, argv, BLMOVE, fromLeft, toLeft, timeoutMs, false);
  },
});

const BRPOPLPUSH: CommandSpec = command({
  name: "brpoplpush",
  arity: 4,
  flags: ["write", "denyoom", "noscript", "blocking"],
  keySpecs: ["RW access delete", "RW insert index:2"],
  group: "list",
  since: "2.2.0",
  summary:
    "Pop an element from a list, push it to another list and return it; or block until one is available",
  complexity: "O(1)",
  syntax: "source destination timeout",
  docFlags: ["deprecated"],
  deprecatedSince: "6.2.0",
  replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
  history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
  handler: (c, argv) => {
    const timeoutMs = timeoutArg(c, argv[3]);
    if (timeoutMs === null) return;
    blmove(c, argv, BRPOPLPUSH, false, true, timeoutMs, true);
  },
});

const BLMPOP: CommandSpec = command({
  name: "blmpop",
  arity: -5,
  flags: ["write", "blocking"],
  keySpecs: ["RW access delete index:2 keynum:0:1:1"],
  group: "list",
  since: "7.0.0",
  summary: "Pop elements from a list, or block until one is available",
  complexity:
    "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
  syntax: "timeout numkeys key [key ...] <LEFT | RIGHT>{where} [COUNT count]",
  keys: numkeysFinder(2),
  handler: (c, argv) => blmpop(c, argv, BLMPOP),
});

/** List command specs. */
export const LIST_COMMANDS: CommandSpec[] = [
  command({
    name: "lpush",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW insert"],
    group: "list",
    since: "1.0.0",
    summary: "Prepend one or multiple elements to a list",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    syntax: "key element [element ...]",
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
    handler: (c, argv) => push(c, argv, true, false),
  }),
  command({
    name: "rpush",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW insert"],
    group: "list",
    since: "1.0.0",
    summary: "Append one or multiple elements to a list",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    syntax: "key element [element ...]",
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
    handler: (c, argv) => push(c, argv, false, false),
  }),
  command({
    name: "lpushx",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW insert"],
    group: "list",
    since: "2.2.0",
    summary: "Prepend an element to a list, only if the list exists",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    syntax: "key element [element ...]",
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
    handler: (c, argv) => push(c, argv, true, true),
  }),
  command({
    name: "rpushx",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW insert"],
    group: "list",
    since: "2.2.0",
    summary: "Append an element to a list, only if the list exists",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    syntax: "key element [element ...]",
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
    handler: (c, argv) => push(c, argv, false, true),
  }),
  command({
    name: "lpop",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: ["RW access delete"],
    group: "list",
    since: "1.0.0",
    summary: "Remove and get the first elements in a list",
    complexity: "O(N) where N is the number of elements returned",
    syntax: "key [count]{6.2.0}",
    history: [["6.2.0", "Added the `count` argument."]],
    handler: (c, argv) => pop(c, argv, true),
  }),
  command({
    name: "rpop",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: ["RW access delete"],
    group: "list",
    since: "1.0.0",
    summary: "Remove and get the last elements in a list",
    complexity: "O(N) where N is the number of elements returned",
    syntax: "key [count]{6.2.0}",
    history: [["6.2.0", "Added the `count` argument."]],
    handler: (c, argv) => pop(c, argv, false),
  }),
  command({
    name: "lrange",
    arity: 4,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "list",
    since: "1.0.0",
    summary: "Get a range of elements from a list",
    complexity:
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    syntax: "key start stop",
    handler: lrange,
  }),
  command({
    name: "llen",
    arity: 2,
    flags: ["readonly", "fast"],
    keySpecs: ["RO"],
    group: "list",
    since: "1.0.0",
    summary: "Get the length of a list",
    complexity: "O(1)",
    syntax: "key",
    handler: llen,
  }),
  command({
    name: "lindex",
    arity: 3,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "list",
    since: "1.0.0",
    summary: "Get an element from a list by its index",
    complexity:
      "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
    syntax: "key index",
    handler: lindex,
  }),
  command({
    name: "lset",
    arity: 4,
    flags: ["write", "denyoom"],
    keySpecs: ["RW update"],
    group: "list",
    since: "1.0.0",
    summary: "Set the value of an element in a list by its index",
    complexity:
      "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
    syntax: "key index element",
    handler: lset,
  }),
  command({
    name: "linsert",
    arity: 5,
    flags: ["write", "denyoom"],
    keySpecs: ["RW insert"],
    group: "list",
    since: "2.2.0",
    summary: "Insert an element before or after another element in a list",
    complexity:
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
    syntax: "key <BEFORE | AFTER>{where} pivot element",
    handler: linsert,
  }),
  command({
    name: "lrem",
    arity: 4,
    flags: ["write"],
    keySpecs: ["RW delete"],
    group: "list",
    since: "1.0.0",
    summary: "Remove elements from a list",
    complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
    syntax: "key count element",
    handler: lrem,
  }),
  command({
    name: "ltrim",
    arity: 4,
    flags: ["write"],
    keySpecs: ["RW delete"],
    group: "list",
    since: "1.0.0",
    summary: "Trim a list to the specified range",
    complexity: "O(N) where N is the number of elements to be removed by the operation.",
    syntax: "key start stop",
    handler: ltrim,
  }),
  command({
    name: "lpos",
    arity: -3,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "list",
    since: "6.0.6",
    summary: "Return the index of matching elements on a list",
    complexity:
      "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
    syntax: "key element [RANK rank] [COUNT num-matches] [MAXLEN len]",
    handler: lpos,
  }),
  command({
    name: "lmove",
    arity: 5,
    flags: ["write", "denyoom"],
    keySpecs: ["RW access delete", "RW insert index:2"],
    group: "list",
    since: "6.2.0",
    summary: "Pop an element from a list, push it to another list and return it",
    complexity: "O(1)",
    syntax: "source destination <LEFT | RIGHT>{wherefrom} <LEFT | RIGHT>{whereto}",
    handler: lmoveCommand,
  }),
  command({
    name: "rpoplpush",
    arity: 3,
    flags: ["write", "denyoom"],
    keySpecs: ["RW access delete", "RW insert index:2"],
    group: "list",
    since: "1.2.0",
    summary: "Remove the last element in a list, prepend it to another list and return it",
    complexity: "O(1)",
    syntax: "source destination",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments",
    handler: (c, argv) => lmove(c, argv, false, true),
  }),
  command({
    name: "lmpop",
    arity: -4,
    flags: ["write"],
    keySpecs: ["RW access delete keynum:0:1:1"],
    group: "list",
    since: "7.0.0",
    summary: "Pop elements from a list",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    syntax: "numkeys key [key ...] <LEFT | RIGHT>{where} [COUNT count]",
    keys: numkeysFinder(1),
    handler: lmpop,
  }),
  BLPOP,
  BRPOP,
  BLMOVE,
  BRPOPLPUSH,
  BLMPOP,
];
