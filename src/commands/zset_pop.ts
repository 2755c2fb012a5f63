/**
 * Popping sorted-set members: ZPOPMIN, ZPOPMAX, ZMPOP and the blocking
 * BZPOPMIN, BZPOPMAX, BZMPOP.
 *
 * A blocking pop that finds nothing waits in the server's blocking
 * registry and is re-executed when a key it waits on is created (ZADD and
 * the store commands signal it). Whatever pops, the AOF sees a plain
 * `ZPOPMIN key [count]` / `ZPOPMAX key [count]`, as Redis propagates it.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { NOTIFY_ZSET } from "../server/notify_flags.ts";
import { TYPE_ZSET } from "../store/database.ts";
import { isKeyword, utf8 } from "../util/bytes.ts";
import { command, type CommandSpec } from "./spec.ts";
import { rangedIntArg, SYNTAX_ERROR } from "./util.ts";
import { parseTimeout } from "./zset_args.ts";
import { deleteIfEmpty, zsetAt } from "./zset_reply.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import type { ZSetValue } from "../store/zset.ts";
import { numkeysFinder } from "./key_finders.ts";

const ZPOPMIN = utf8("ZPOPMIN");
const ZPOPMAX = utf8("ZPOPMAX");
const LONG_MAX = 9223372036854775807;

/** How a pop replies. */
interface PopShape {
  /** Reply with the key name first (ZMPOP and the blocking pops). */
  withKey: boolean;
  /** [member, score] pairs instead of a flat list. */
  nested: boolean;
  /** A null array instead of an empty one when every key is missing. */
  nullWhenEmpty: boolean;
}

const ZPOP_SHAPE: PopShape = { withKey: false, nested: false, nullWhenEmpty: false };
/** ZPOPMIN/ZPOPMAX with a count in RESP3. */
const ZPOP_PAIRS_SHAPE: PopShape = { withKey: false, nested: true, nullWhenEmpty: false };
const ZMPOP_SHAPE: PopShape = { withKey: true, nested: true, nullWhenEmpty: true };
const BZPOP_SHAPE: PopShape = { withKey: true, nested: false, nullWhenEmpty: false };

/**
 * The reply being written by {@link writePopped}: one visitor function for
 * every pop rather than a closure allocated per call.
 */
let poppedOut!: ReplyWriter;
let poppedNested = false;
let poppedLeft = 0;

function writePopped(member: string, score: number): boolean {
  if (poppedNested) poppedOut.array(2);
  poppedOut.bulkLatin1(member);
  poppedOut.double(score);
  return --poppedLeft > 0;
}

/** Writes the reply for keys none of which exists, or for a count of 0. */
function replyNothing(c: Client, shape: PopShape, missing: boolean): void {
  if (missing && shape.nullWhenEmpty) c.out.nullArray();
  else c.out.array(0);
}

/**
 * Redis's `genericZpopCommand` once the set is found: pops up to `count`
 * members (-1: a single pop) from `zset`, stored at `key`, and replies.
 * Returns the set's size before popping, or 0 when `count` is 0.
 */
function popFrom(
  c: Client,
  key: Uint8Array,
  zset: ZSetValue,
  max: boolean,
  count: number,
  shape: PopShape,
): number {
  if (count === 0) {
    replyNothing(c, shape, false);
    return 0;
  }
  const size = zset.size;
  const take = count === -1 ? 1 : Math.min(count, size);
  const out = c.out;
  if (!shape.withKey) {
    out.array(shape.nested ? take : take * 2);
  } else if (!shape.nested) {
    out.array(take * 2 + 1);
    out.bulk(key);
  } else {
    out.array(2);
    out.bulk(key);
    out.array(take);
  }
  poppedOut = out;
  poppedNested = shape.nested;
  poppedLeft = take;
  zset.walk(max ? size - 1 : 0, max, writePopped);
  zset.removeRanks(max ? size - take : 0, max ? size - 1 : take - 1);
  c.server.wrote(c.db, key, NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", take);
  deleteIfEmpty(c, key, zset);
  return size;
}

/** Propagates a pop as `ZPOPMIN|ZPOPMAX key [count]`, count capped at the set's size. */
function propagatePop(
  c: Client,
  max: boolean,
  key: Uint8Array,
  size: number,
  count: number,
): void {
  if (!c.server.propagating) return;
  const name = max ? ZPOPMAX : ZPOPMIN;
  c.propagateOverride = [
    count === -1 ? [name, key.slice()] : [name, key.slice(), utf8(String(Math.min(count, size)))],
  ];
}

function zpop(c: Client, argv: Uint8Array[], max: boolean): void {
  if (argv.length > 3) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  let count = -1;
  if (argv.length === 3) {
    const n = rangedIntArg(c, argv[2], 0, LONG_MAX, "ERR value is out of range, must be positive");
    if (n === null) return;
    count = n;
  }
  const zset = zsetAt(c, argv[1], true);
  if (zset === undefined) return;
  const shape = c.out.proto === 3 && count !== -1 ? ZPOP_PAIRS_SHAPE : ZPOP_SHAPE;
  if (zset === null) replyNothing(c, shape, true);
  else popFrom(c, argv[1], zset, max, count, shape);
}

/** Parsed `numkeys key [key ...] MIN|MAX [COUNT count]` of ZMPOP/BZMPOP. */
interface MpopArgs {
  keys: Uint8Array[];
  max: boolean;
  count: number;
}

function parseMpop(c: Client, argv: Uint8Array[], numkeysIndex: number): MpopArgs | null {
  const numkeys = rangedIntArg(
    c,
    argv[numkeysIndex],
    1,
    LONG_MAX,
    "ERR numkeys should be greater than 0",
  );
  if (numkeys === null) return null;
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) {
    c.out.error(SYNTAX_ERROR);
    return null;
  }
  let max: boolean;
  if (isKeyword(argv[whereIndex], "min")) max = false;
  else if (isKeyword(argv[whereIndex], "max")) max = true;
  else {
    c.out.error(SYNTAX_ERROR);
    return null;
  }
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && isKeyword(argv[j], "count") && j + 1 < argv.length) {
      const n = rangedIntArg(c, argv[++j], 1, LONG_MAX, "ERR count should be greater than 0");
      if (n === null) return null;
      count = n;
    } else {
      c.out.error(SYNTAX_ERROR);
      return null;
    }
  }
  return {
    keys: argv.slice(numkeysIndex + 1, whereIndex),
    max,
    count: count === -1 ? 1 : count,
  };
}

function zmpop(c: Client, argv: Uint8Array[]): void {
  const args = parseMpop(c, argv, 1);
  if (args === null) return;
  for (const key of args.keys) {
    const zset = zsetAt(c, key, true);
    if (zset === undefined) return;
    if (zset === null) continue;
    const size = popFrom(c, key, zset, args.max, args.count, ZMPOP_SHAPE);
    if (size > 0) propagatePop(c, args.max, key, size, args.count);
    return;
  }
  replyNothing(c, ZMPOP_SHAPE, true);
}

/**
 * Redis's `blockingGenericZpopCommand`: pops from the first non-empty key
 * or blocks on all of them. `count` is -1 for BZPOPMIN/BZPOPMAX.
 */
function blockingPop(
  c: Client,
  argv: Uint8Array[],
  spec: CommandSpec,
  keys: Uint8Array[],
  max: boolean,
  timeoutArg: Uint8Array,
  count: number,
  shape: PopShape,
): void {
  const timeout = parseTimeout(c, timeoutArg);
  if (timeout === null) return;
  // Woken by a key (Redis 7.0): pop from that key alone, and only when it
  // holds a sorted set; another type leaves the client blocked.
  const serving = c.reprocessingBlocked ? c.server.blocking.servingKey! : null;
  if (serving !== null) {
    const id = c.db.find(serving);
    if (id < 0 || c.db.typeOf(id) !== TYPE_ZSET) {
      c.server.blocking.block(c, spec, argv, keys, timeout, "nullArray");
      return;
    }
  }
  for (const key of serving !== null ? [serving] : keys) {
    const zset = zsetAt(c, key, true);
    if (zset === undefined) return;
    if (zset === null) continue;
    const size = popFrom(c, key, zset, max, count, shape);
    if (size > 0) propagatePop(c, max, key, size, count);
    return;
  }
  c.server.blocking.block(c, spec, argv, keys, timeout, "nullArray");
}

/** BZPOPMIN/BZPOPMAX `key [key ...] timeout`: one member from the first non-empty key. */
function bzpop(c: Client, argv: Uint8Array[], spec: CommandSpec, max: boolean): void {
  blockingPop(c, argv, spec, argv.slice(1, -1), max, argv[argv.length - 1], -1, BZPOP_SHAPE);
}

const bzpopminSpec: CommandSpec = command({
  name: "bzpopmin",
  arity: -3,
  flags: ["write", "noscript", "blocking", "fast"],
  keySpecs: ["RW access delete range:-2"],
  group: "sorted-set",
  since: "5.0.0",
  summary:
    "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
  complexity: "O(log(N)) with N being the number of elements in the sorted set.",
  syntax: "key [key ...] timeout",
  history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
  handler: (c, argv) => bzpop(c, argv, bzpopminSpec, false),
});

const bzpopmaxSpec: CommandSpec = command({
  name: "bzpopmax",
  arity: -3,
  flags: ["write", "noscript", "blocking", "fast"],
  keySpecs: ["RW access delete range:-2"],
  group: "sorted-set",
  since: "5.0.0",
  summary:
    "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
  complexity: "O(log(N)) with N being the number of elements in the sorted set.",
  syntax: "key [key ...] timeout",
  history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
  handler: (c, argv) => bzpop(c, argv, bzpopmaxSpec, true),
});

const bzmpopSpec: CommandSpec = command({
  name: "bzmpop",
  arity: -5,
  flags: ["write", "blocking"],
  keySpecs: ["RW access delete index:2 keynum:0:1:1"],
  keys: numkeysFinder(2),
  group: "sorted-set",
  since: "7.0.0",
  summary: "Remove and return members with scores in a sorted set or block until one is available",
  complexity:
    "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
  syntax: "timeout numkeys key [key ...] <MIN | MAX>{where} [COUNT count]",
  handler: (c, argv) => {
    const args = parseMpop(c, argv, 2);
    if (args === null) return;
    blockingPop(c, argv, bzmpopSpec, args.keys, args.max, argv[1], args.count, ZMPOP_SHAPE);
  },
});

/** Pop command specs. */
export const ZSET_POP_COMMANDS: CommandSpec[] = [
  command({
    name: "zpopmin",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: ["RW access delete"],
    group: "sorted-set",
    since: "5.0.0",
    summary: "Remove and return members with the lowest scores in a sorted set",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    syntax: "key [count]",
    handler: (c, argv) => zpop(c, argv, false),
  }),
  command({
    name: "zpopmax",
    arity: -2,
    flags: ["write", "fast"],
    keySpecs: ["RW access delete"],
    group: "sorted-set",
    since: "5.0.0",
    summary: "Remove and return members with the highest scores in a sorted set",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    syntax: "key [count]",
    handler: (c, argv) => zpop(c, argv, true),
  }),
  command({
    name: "zmpop",
    arity: -4,
    flags: ["write"],
    keySpecs: ["RW access delete keynum:0:1:1"],
    keys: numkeysFinder(1),
    group: "sorted-set",
    since: "7.0.0",
    summary: "Remove and return members with scores in a sorted set",
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    syntax: "numkeys key [key ...] <MIN | MAX>{where} [COUNT count]",
    handler: zmpop,
  }),
  bzpopminSpec,
  bzpopmaxSpec,
  bzmpopSpec,
];
