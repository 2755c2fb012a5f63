/**
 * Sorted set commands: adding and removing members, scores and ranks,
 * counting, the ZRANGE family (by rank, score or lex, forward or reverse,
 * with LIMIT, WITHSCORES and the STORE variant), range removals,
 * ZRANDMEMBER and ZSCAN. Pops and blocking pops are in zset_pop.ts,
 * unions, intersections and differences in zset_setops.ts.
 *
 * Behaviour, replies and errors follow Redis 7.0 exactly, including its
 * order of checks (options, then ranges, then the key).
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { NOTIFY_ZSET } from "../server/notify_flags.ts";
import { TYPE_ZSET } from "../store/database.ts";
import { type ZSetLimits, ZSetValue } from "../store/zset.ts";
import type { LexRange, ScoreRange } from "../store/zset_range.ts";
import { lexGteMin, lexLteMax, scoreGteMin, scoreLteMax } from "../store/zset_range.ts";
import { isKeyword, latin1, latin1Bytes } from "../util/bytes.ts";
import { globMatch } from "../util/glob.ts";
import { parseBigInteger } from "../util/numbers.ts";
import { command, type CommandSpec } from "./spec.ts";
import { floatArg, intArg, SYNTAX_ERROR } from "./util.ts";
import { parseLexRange, parseScanCursor, parseScoreRange, zsetLimits } from "./zset_args.ts";
import { ZSET_POP_COMMANDS } from "./zset_pop.ts";
import {
  deleteIfEmpty,
  endMembers,
  memberReply,
  membersHeader,
  scanScoreText,
  storeResult,
  zsetAt,
} from "./zset_reply.ts";
import { ZSET_SETOP_COMMANDS } from "./zset_setops.ts";

const NAN_SCORE = "ERR resulting score is not a number (NaN)";

// ------------------------------------------------------------------- ZADD

/** Parsed ZADD scores, reused across calls (handlers never run concurrently). */
let scoreScratch = new Float64Array(16);

/**
 * ZADD and ZINCRBY (which is `ZADD key INCR increment member`). Options
 * come first; every score is validated before anything changes.
 */
function zaddGeneric(c: Client, argv: Uint8Array[], incrCommand: boolean): void {
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCommand;
  let at = 2;
  for (; at < argv.length; at++) {
    const a = argv[at];
    if (isKeyword(a, "nx")) nx = true;
    else if (isKeyword(a, "xx")) xx = true;
    else if (isKeyword(a, "ch")) ch = true;
    else if (isKeyword(a, "incr")) incr = true;
    else if (isKeyword(a, "gt")) gt = true;
    else if (isKeyword(a, "lt")) lt = true;
    else break;
  }
  const args = argv.length - at;
  if (args === 0 || args % 2 !== 0) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  if (nx && xx) {
    c.out.error("ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    c.out.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  const pairs = args / 2;
  if (incr && pairs > 1) {
    c.out.error("ERR INCR option supports a single increment-element pair");
    return;
  }
  if (scoreScratch.length < pairs) scoreScratch = new Float64Array(pairs);
  const scores = scoreScratch;
  for (let i = 0; i < pairs; i++) {
    const score = floatArg(c, argv[at + 2 * i]);
    if (score === null) return;
    scores[i] = score;
  }
  const key = argv[1];
  let zset = zsetAt(c, key, true);
  if (zset === undefined) return;
  const limits = zsetLimits(c);
  let created = false;
  let added = 0, updated = 0, processed = 0;
  let lastScore = 0;
  if (zset === null && !xx) {
    zset = ZSetValue.forFirstMember(argv[at + 1].length, limits);
    c.db.setObject(key, TYPE_ZSET, zset);
    created = true;
  }
  if (zset !== null) {
    for (let i = 0; i < pairs; i++) {
      const member = zset.memberFromBytes(argv[at + 1 + 2 * i]);
      let score = scores[i];
      const current = zset.score(member);
      if (current !== undefined) {
        if (nx) continue;
        if (incr) {
          score += current;
          if (Number.isNaN(score)) {
            // Only possible with INCR, hence with this single pair: nothing changed.
            c.out.error(NAN_SCORE);
            return;
          }
        }
        if ((lt && score >= current) || (gt && score <= current)) continue;
        processed++;
        lastScore = score;
        if (score !== current) {
          zset.update(member, score);
          updated++;
        }
      } else if (!xx) {
        zset.insert(member, score, limits);
        added++;
        processed++;
        lastScore = score;
      }
    }
  }
  if (incr) {
    if (processed > 0) c.out.double(lastScore);
    else c.out.nullBulk();
  } else {
    c.out.integer(ch ? added + updated : added);
  }
  if (added > 0 || updated > 0) {
    c.server.wrote(c.db, key, NOTIFY_ZSET, incr ? "zincr" : "zadd", added + updated);
    if (created) c.server.signalKeyAsReady(c.db, key);
  }
}

function zrem(c: Client, argv: Uint8Array[]): void {
  const key = argv[1];
  const zset = zsetAt(c, key, true);
  if (zset === undefined) return;
  if (zset === null) {
    c.out.integer(0);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (zset.remove(latin1(argv[i]))) deleted++;
    if (zset.size === 0) break;
  }
  if (deleted > 0) {
    c.server.wrote(c.db, key, NOTIFY_ZSET, "zrem", deleted);
    deleteIfEmpty(c, key, zset);
  }
  c.out.integer(deleted);
}

// --------------------------------------------------------- member lookups

function zcard(c: Client, argv: Uint8Array[]): void {
  const zset = zsetAt(c, argv[1]);
  if (zset !== undefined) c.out.integer(zset === null ? 0 : zset.size);
}

function zscore(c: Client, argv: Uint8Array[]): void {
  const zset = zsetAt(c, argv[1]);
  if (zset === undefined) return;
  const score = zset === null ? undefined : zset.score(zset.memberFromBytes(argv[2]));
  if (score === undefined) c.out.nullBulk();
  else c.out.double(score);
}

function zmscore(c: Client, argv: Uint8Array[]): void {
  const zset = zsetAt(c, argv[1]);
  if (zset === undefined) return;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset === null ? undefined : zset.score(zset.memberFromBytes(argv[i]));
    if (score === undefined) c.out.nullBulk();
    else c.out.double(score);
  }
}

/**
 * ZRANK / ZREVRANK. `WITHSCORE` is a Redis 7.2 option, implemented here
 * the 7.2 way ([rank, score], a null array when missing); Redis 7.0 has
 * arity 3 for these commands and answers it with an arity error.
 */
function zrankGeneric(c: Client, argv: Uint8Array[], reverse: boolean): void {
  const name = reverse ? "zrevrank" : "zrank";
  if (argv.length > 4) {
    c.out.error(`ERR wrong number of arguments for '${name}' command`);
    return;
  }
  let withScore = false;
  if (argv.length === 4) {
    if (!isKeyword(argv[3], "withscore")) {
      c.out.error(SYNTAX_ERROR);
      return;
    }
    withScore = true;
  }
  const zset = zsetAt(c, argv[1]);
  if (zset === undefined) return;
  const rank = zset === null ? -1 : zset.rank(zset.memberFromBytes(argv[2]));
  if (rank < 0) {
    if (withScore) c.out.nullArray();
    else c.out.nullBulk();
    return;
  }
  if (withScore) c.out.array(2);
  c.out.integer(reverse ? zset!.size - 1 - rank : rank);
  if (withScore) c.out.double(zset!.scoreAt(rank));
}

function zcount(c: Client, argv: Uint8Array[]): void {
  const range = parseScoreRange(c, argv[2], argv[3]);
  if (range === null) return;
  const zset = zsetAt(c, argv[1]);
  if (zset === undefined) return;
  if (zset === null) {
    c.out.integer(0);
    return;
  }
  const first = zset.firstInScoreRange(range);
  if (first < 0) {
    c.out.integer(0);
    return;
  }
  const last = zset.lastInScoreRange(range);
  c.out.integer(last >= 0 ? last - first + 1 : zset.size - first);
}

function zlexcount(c: Client, argv: Uint8Array[]): void {
  const range = parseLexRange(c, argv[2], argv[3]);
  if (range === null) return;
  const zset = zsetAt(c, argv[1]);
  if (zset === undefined) return;
  c.out.integer(zset === null ? 0 : zset.lexCount(range));
}

// ----------------------------------------------------------- range family

type RangeKind = "auto" | "rank" | "score" | "lex";
type Direction = "auto" | "forward" | "reverse";

/** Where a range goes: to the client, or into a new set (ZRANGESTORE). */
interface RangeSink {
  /** Called once before any member; `count` is -1 when not known yet. */
  begin(count: number): void;
  add(member: string, score: number): void;
  /** Called once after the last member with how many were added. */
  end(count: number): void;
}

/** Sends a range to the client as a (possibly deferred-length) array. */
class ClientSink implements RangeSink {
  private mark = -1;
  constructor(private readonly c: Client, private readonly withScores: boolean) {}
  begin(count: number): void {
    if (count >= 0) membersHeader(this.c, count, this.withScores);
    else this.mark = this.c.out.beginDeferred();
  }
  add(member: string, score: number): void {
    memberReply(this.c, member, score, this.withScores);
  }
  end(count: number): void {
    if (this.mark >= 0) endMembers(this.c, this.mark, count, this.withScores);
  }
}

/**
 * Collects a range into a new set, added in emission order through the
 * normal insert path (so the encoding evolves exactly as Redis's
 * ZRANGESTORE result does), then stores it or deletes the destination.
 */
class StoreSink implements RangeSink {
  private readonly value = ZSetValue.empty();
  private readonly limits: ZSetLimits;
  constructor(private readonly c: Client, private readonly dst: Uint8Array) {
    this.limits = zsetLimits(c);
  }
  begin(): void {}
  add(member: string, score: number): void {
    this.value.insert(member, score, this.limits);
  }
  end(count: number): void {
    storeResult(this.c, this.dst, count > 0 ? this.value : null, "zrangestore");
  }
}

/**
 * ZRANGE, ZRANGESTORE and the older ZREVRANGE, ZRANGEBYSCORE,
 * ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX. `keyIndex` is the
 * position of the source key; the older commands preset the kind and the
 * direction, which then cannot be given as options.
 */
function zrangeGeneric(
  c: Client,
  argv: Uint8Array[],
  keyIndex: number,
  store: boolean,
  kind: RangeKind,
  direction: Direction,
): void {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = keyIndex + 3; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (!store && isKeyword(a, "withscores")) {
      withScores = true;
    } else if (isKeyword(a, "limit") && left >= 2) {
      const o = intArg(c, argv[j + 1]);
      if (o === null) return;
      const l = intArg(c, argv[j + 2]);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === "auto" && isKeyword(a, "rev")) {
      direction = "reverse";
    } else if (kind === "auto" && isKeyword(a, "bylex")) {
      kind = "lex";
    } else if (kind === "auto" && isKeyword(a, "byscore")) {
      kind = "score";
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  if (direction === "auto") direction = "forward";
  if (kind === "auto") kind = "rank";
  if (limit !== -1 && kind === "rank") {
    c.out.error(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
    return;
  }
  if (withScores && kind === "lex") {
    c.out.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  const reverse = direction === "reverse";
  let minArg = argv[keyIndex + 1];
  let maxArg = argv[keyIndex + 2];
  if (reverse && kind !== "rank") [minArg, maxArg] = [maxArg, minArg];
  let start = 0, end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (kind === "rank") {
    const s = intArg(c, minArg);
    if (s === null) return;
    const e = intArg(c, maxArg);
    if (e === null) return;
    start = s;
    end = e;
  } else if (kind === "score") {
    scoreRange = parseScoreRange(c, minArg, maxArg);
    if (scoreRange === null) return;
  } else {
    lexRange = parseLexRange(c, minArg, maxArg);
    if (lexRange === null) return;
  }
  const sink: RangeSink = store ? new StoreSink(c, argv[1]) : new ClientSink(c, withScores);
  const zset = zsetAt(c, argv[keyIndex]);
  if (zset === undefined) return;
  if (zset === null) {
    if (store) {
      sink.begin(-1);
      sink.end(0);
    } else {
      c.out.array(0);
    }
    return;
  }
  if (kind === "rank") rangeByRank(zset, start, end, reverse, sink);
  else if (kind === "score") rangeByScore(zset, scoreRange!, offset, limit, reverse, sink);
  else rangeByLex(zset, lexRange!, offset, limit, reverse, sink);
}

function rangeByRank(
  zset: ZSetValue,
  start: number,
  end: number,
  reverse: boolean,
  sink: RangeSink,
): void {
  const n = zset.size;
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) {
    sink.begin(0);
    sink.end(0);
    return;
  }
  if (end >= n) end = n - 1;
  let left = end - start + 1;
  const count = left;
  sink.begin(count);
  zset.walk(reverse ? n - 1 - start : start, reverse, (member, score) => {
    sink.add(member, score);
    return --left > 0;
  });
  sink.end(count);
}

/**
 * Walks a range from its first member (last when reverse), skipping
 * `offset` members without checking them, then taking members while they
 * stay in range, at most `limit` (negative = no limit), as Redis walks.
 */
function walkRange(
  zset: ZSetValue,
  startRank: number,
  offset: number,
  limit: number,
  reverse: boolean,
  inRange: (member: string, score: number) => boolean,
  sink: RangeSink,
): void {
  sink.begin(-1);
  let taken = 0;
  // A negative offset walks off the end in Redis's loop: nothing is taken.
  if (startRank >= 0 && offset >= 0 && limit !== 0) {
    const from = reverse ? startRank - offset : startRank + offset;
    zset.walk(from, reverse, (member, score) => {
      if (!inRange(member, score)) return false;
      sink.add(member, score);
      taken++;
      return limit < 0 || taken < limit;
    });
  }
  sink.end(taken);
}

function rangeByScore(
  zset: ZSetValue,
  range: ScoreRange,
  offset: number,
  limit: number,
  reverse: boolean,
  sink: RangeSink,
): void {
  const start = offset > 0 && offset >= zset.size
    ? -1
    : reverse
    ? zset.lastInScoreRange(range)
    : zset.firstInScoreRange(range);
  const inRange = reverse
    ? (_m: string, s: number) => scoreGteMin(s, range)
    : (_m: string, s: number) => scoreLteMax(s, range);
  walkRange(zset, start, offset, limit, reverse, inRange, sink);
}

function rangeByLex(
  zset: ZSetValue,
  range: LexRange,
  offset: number,
  limit: number,
  reverse: boolean,
  sink: RangeSink,
): void {
  const start = reverse ? zset.lastInLexRange(range) : zset.firstInLexRange(range);
  const inRange = reverse ? (m: string) => lexGteMin(m, range) : (m: string) => lexLteMax(m, range);
  walkRange(zset, start, offset, limit, reverse, inRange, sink);
}

// ---------------------------------------------------------- range removal

function zremrangeGeneric(c: Client, argv: Uint8Array[], kind: "rank" | "score" | "lex"): void {
  let start = 0, end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (kind === "rank") {
    const s = intArg(c, argv[2]);
    if (s === null) return;
    const e = intArg(c, argv[3]);
    if (e === null) return;
    start = s;
    end = e;
  } else if (kind === "score") {
    scoreRange = parseScoreRange(c, argv[2], argv[3]);
    if (scoreRange === null) return;
  } else {
    lexRange = parseLexRange(c, argv[2], argv[3]);
    if (lexRange === null) return;
  }
  const key = argv[1];
  const zset = zsetAt(c, key, true);
  if (zset === undefined) return;
  if (zset === null) {
    c.out.integer(0);
    return;
  }
  let first: number, last: number;
  if (kind === "rank") {
    const n = zset.size;
    if (start < 0) start += n;
    if (end < 0) end += n;
    if (start < 0) start = 0;
    if (start > end || start >= n) {
      c.out.integer(0);
      return;
    }
    first = start;
    last = end;
  } else if (kind === "score") {
    first = zset.firstInScoreRange(scoreRange!);
    last = first < 0 ? -1 : zset.lastInScoreRange(scoreRange!);
  } else {
    first = zset.firstInLexRange(lexRange!);
    last = first < 0 ? -1 : first + zset.runLength(first, lexRange!) - 1;
  }
  const deleted = first < 0 || last < first ? 0 : zset.removeRanks(first, last);
  if (deleted > 0) {
    c.server.wrote(c.db, key, NOTIFY_ZSET, `zremrangeby${kind}`, deleted);
    deleteIfEmpty(c, key, zset);
  }
  c.out.integer(deleted);
}

// ----------------------------------------------------------- ZRANDMEMBER

const LONG_MAX = 9223372036854775807n;

function zrandmember(c: Client, argv: Uint8Array[]): void {
  if (argv.length === 2) {
    const zset = zsetAt(c, argv[1]);
    if (zset === undefined) return;
    if (zset === null) c.out.nullBulk();
    else c.out.bulkLatin1(zset.memberAt(Math.floor(Math.random() * zset.size)));
    return;
  }
  const big = parseBigInteger(argv[2]);
  if (big === null) {
    c.out.error("ERR value is not an integer or out of range");
    return;
  }
  if (big < -LONG_MAX) {
    c.out.error(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
    return;
  }
  if (argv.length > 4 || (argv.length === 4 && !isKeyword(argv[3], "withscores"))) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  const withScores = argv.length === 4;
  if (withScores && (big < -LONG_MAX / 2n || big > LONG_MAX / 2n)) {
    c.out.error("ERR value is out of range");
    return;
  }
  const zset = zsetAt(c, argv[1]);
  if (zset === undefined) return;
  if (zset === null || big === 0n) {
    c.out.array(0);
    return;
  }
  const size = zset.size;
  const unique = big > 0n;
  const count = Number(unique ? big : -big);
  // Replies with the member at a rank: O(log n) in a skiplist; a listpack,
  // which can only be scanned, is unpacked once instead.
  let replyRank = (rank: number) =>
    memberReply(c, zset.memberAt(rank), zset.scoreAt(rank), withScores);
  if (zset.isListpack) {
    const members: string[] = [];
    const scores: number[] = [];
    zset.forEach((m, s) => {
      members.push(m);
      scores.push(s);
    });
    replyRank = (rank) => memberReply(c, members[rank], scores[rank], withScores);
  }
  if (!unique || count === 1) {
    // Independent draws, repeats allowed, in random order.
    membersHeader(c, count, withScores);
    for (let i = 0; i < count; i++) replyRank(Math.floor(Math.random() * size));
    return;
  }
  if (count >= size) {
    // The whole set, in the order Redis's iterator yields it (highest first).
    membersHeader(c, size, withScores);
    zset.walk(size - 1, true, (member, score) => {
      memberReply(c, member, score, withScores);
      return true;
    });
    return;
  }
  // Distinct ranks: a partial Fisher-Yates shuffle when many are asked for,
  // rejection sampling when few are.
  membersHeader(c, count, withScores);
  if (count * 3 > size) {
    const ranks = new Int32Array(size);
    for (let i = 0; i < size; i++) ranks[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const rank = ranks[j];
      ranks[j] = ranks[i];
      ranks[i] = rank;
      replyRank(rank);
    }
    return;
  }
  const picked = new Set<number>();
  while (picked.size < count) {
    const rank = Math.floor(Math.random() * size);
    if (picked.has(rank)) continue;
    picked.add(rank);
    replyRank(rank);
  }
}

// ------------------------------------------------------------------ ZSCAN

function zscan(c: Client, argv: Uint8Array[]): void {
  const cursor = parseScanCursor(c, argv[2]);
  if (cursor === null) return;
  const zset = zsetAt(c, argv[1]);
  if (zset === undefined) return;
  if (zset === null) {
    c.out.array(2);
    c.out.bulkLatin1("0");
    c.out.array(0);
    return;
  }
  let count = 10;
  let pattern: Uint8Array | null = null;
  for (let i = 3; i < argv.length; i += 2) {
    const a = argv[i];
    const hasValue = i + 1 < argv.length;
    if (isKeyword(a, "count") && hasValue) {
      const n = intArg(c, argv[i + 1]);
      if (n === null) return;
      if (n < 1) {
        c.out.error(SYNTAX_ERROR);
        return;
      }
      count = n;
    } else if (isKeyword(a, "match") && hasValue) {
      const p = argv[i + 1];
      pattern = p.length === 1 && p[0] === 42 /* * */ ? null : p;
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  const members: string[] = [];
  const scores: number[] = [];
  const next = zset.scan(cursor, count, (member, score) => {
    if (pattern !== null && !globMatch(pattern, latin1Bytes(member))) return;
    members.push(member);
    scores.push(score);
  });
  const listpack = zset.isListpack;
  c.out.array(2);
  c.out.bulkLatin1(String(next));
  c.out.array(members.length * 2);
  for (let i = 0; i < members.length; i++) {
    c.out.bulkLatin1(members[i]);
    c.out.bulkLatin1(scanScoreText(scores[i], listpack));
  }
}

// ------------------------------------------------------------------ specs

const READ_FAST = ["readonly", "fast"] as const;

/** Sorted set command specs. */
export const ZSET_COMMANDS: CommandSpec[] = [
  command({
    name: "zadd",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW update"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Add one or more members to a sorted set, or update its score if it already exists",
    complexity:
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    syntax:
      "key [NX | XX]{condition 3.0.2} [GT | LT]{comparison 6.2.0} [CH]{change 3.0.2} [INCR]{increment 3.0.2} score member [score member ...]",
    history: [["2.4.0", "Accepts multiple elements."], [
      "3.0.2",
      "Added the `XX`, `NX`, `CH` and `INCR` options.",
    ], ["6.2.0", "Added the `GT` and `LT` options."]],
    handler: (c, argv) => zaddGeneric(c, argv, false),
  }),
  command({
    name: "zincrby",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keySpecs: ["RW access update"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Increment the score of a member in a sorted set",
    complexity: "O(log(N)) where N is the number of elements in the sorted set.",
    syntax: "key increment member",
    handler: (c, argv) => zaddGeneric(c, argv, true),
  }),
  command({
    name: "zrem",
    arity: -3,
    flags: ["write", "fast"],
    keySpecs: ["RW delete"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Remove one or more members from a sorted set",
    complexity:
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
    syntax: "key member [member ...]",
    history: [["2.4.0", "Accepts multiple elements."]],
    handler: zrem,
  }),
  command({
    name: "zcard",
    arity: 2,
    flags: [...READ_FAST],
    keySpecs: ["RO"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Get the number of members in a sorted set",
    complexity: "O(1)",
    syntax: "key",
    handler: zcard,
  }),
  command({
    name: "zscore",
    arity: 3,
    flags: [...READ_FAST],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Get the score associated with the given member in a sorted set",
    complexity: "O(1)",
    syntax: "key member",
    handler: zscore,
  }),
  command({
    name: "zmscore",
    arity: -3,
    flags: [...READ_FAST],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "6.2.0",
    summary: "Get the score associated with the given members in a sorted set",
    complexity: "O(N) where N is the number of members being requested.",
    syntax: "key member [member ...]",
    handler: zmscore,
  }),
  command({
    // Beyond Redis 7.0: WITHSCORE comes from Redis 7.2 (arity -3 instead of 3).
    name: "zrank",
    arity: -3,
    flags: [...READ_FAST],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "2.0.0",
    summary: "Determine the index of a member in a sorted set",
    complexity: "O(log(N))",
    history: [["7.2.0", "Added the optional `WITHSCORE` argument."]],
    syntax: "key member [WITHSCORE]{7.2.0}",
    handler: (c, argv) => zrankGeneric(c, argv, false),
  }),
  command({
    // Beyond Redis 7.0: WITHSCORE comes from Redis 7.2 (arity -3 instead of 3).
    name: "zrevrank",
    arity: -3,
    flags: [...READ_FAST],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "2.0.0",
    summary:
      "Determine the index of a member in a sorted set, with scores ordered from high to low",
    complexity: "O(log(N))",
    history: [["7.2.0", "Added the optional `WITHSCORE` argument."]],
    syntax: "key member [WITHSCORE]{7.2.0}",
    handler: (c, argv) => zrankGeneric(c, argv, true),
  }),
  command({
    name: "zcount",
    arity: 4,
    flags: [...READ_FAST],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "2.0.0",
    summary: "Count the members in a sorted set with scores within the given values",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    syntax: "key min max",
    handler: zcount,
  }),
  command({
    name: "zlexcount",
    arity: 4,
    flags: [...READ_FAST],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "2.8.9",
    summary: "Count the number of members in a sorted set between a given lexicographical range",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    syntax: "key min{string} max{string}",
    handler: zlexcount,
  }),
  command({
    name: "zrange",
    arity: -4,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Return a range of members in a sorted set",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    syntax:
      "key start{string} stop{string} [BYSCORE | BYLEX]{sortby 6.2.0} [REV]{6.2.0} [LIMIT offset count]{6.2.0} [WITHSCORES]",
    history: [["6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."]],
    handler: (c, argv) => zrangeGeneric(c, argv, 1, false, "auto", "auto"),
  }),
  command({
    name: "zrangestore",
    arity: -5,
    flags: ["write", "denyoom"],
    keySpecs: ["OW update", "RO access index:2"],
    group: "sorted-set",
    since: "6.2.0",
    summary: "Store a range of members from sorted set into another key",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    syntax: "dst src min{string} max{string} [BYSCORE | BYLEX]{sortby} [REV] [LIMIT offset count]",
    handler: (c, argv) => zrangeGeneric(c, argv, 2, true, "auto", "auto"),
  }),
  command({
    name: "zrangebyscore",
    arity: -4,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "1.0.5",
    summary: "Return a range of members in a sorted set, by score",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    syntax: "key min max [WITHSCORES]{2.0.0} [LIMIT offset count]",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYSCORE` argument",
    history: [["2.0.0", "Added the `WITHSCORES` modifier."]],
    handler: (c, argv) => zrangeGeneric(c, argv, 1, false, "score", "forward"),
  }),
  command({
    name: "zrevrangebyscore",
    arity: -4,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "2.2.0",
    summary:
      "Return a range of members in a sorted set, by score, with scores ordered from high to low",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    syntax: "key max min [WITHSCORES] [LIMIT offset count]",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYSCORE` arguments",
    history: [["2.1.6", "`min` and `max` can be exclusive."]],
    handler: (c, argv) => zrangeGeneric(c, argv, 1, false, "score", "reverse"),
  }),
  command({
    name: "zrangebylex",
    arity: -4,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "2.8.9",
    summary: "Return a range of members in a sorted set, by lexicographical range",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    syntax: "key min{string} max{string} [LIMIT offset count]",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYLEX` argument",
    handler: (c, argv) => zrangeGeneric(c, argv, 1, false, "lex", "forward"),
  }),
  command({
    name: "zrevrangebylex",
    arity: -4,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "2.8.9",
    summary:
      "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    syntax: "key max{string} min{string} [LIMIT offset count]",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYLEX` arguments",
    handler: (c, argv) => zrangeGeneric(c, argv, 1, false, "lex", "reverse"),
  }),
  command({
    name: "zrevrange",
    arity: -4,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "1.2.0",
    summary:
      "Return a range of members in a sorted set, by index, with scores ordered from high to low",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    syntax: "key start stop [WITHSCORES]",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` argument",
    handler: (c, argv) => zrangeGeneric(c, argv, 1, false, "rank", "reverse"),
  }),
  command({
    name: "zremrangebyrank",
    arity: 4,
    flags: ["write"],
    keySpecs: ["RW delete"],
    group: "sorted-set",
    since: "2.0.0",
    summary: "Remove all members in a sorted set within the given indexes",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    syntax: "key start stop",
    handler: (c, argv) => zremrangeGeneric(c, argv, "rank"),
  }),
  command({
    name: "zremrangebyscore",
    arity: 4,
    flags: ["write"],
    keySpecs: ["RW delete"],
    group: "sorted-set",
    since: "1.2.0",
    summary: "Remove all members in a sorted set within the given scores",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    syntax: "key min max",
    handler: (c, argv) => zremrangeGeneric(c, argv, "score"),
  }),
  command({
    name: "zremrangebylex",
    arity: 4,
    flags: ["write"],
    keySpecs: ["RW delete"],
    group: "sorted-set",
    since: "2.8.9",
    summary: "Remove all members in a sorted set between the given lexicographical range",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    syntax: "key min{string} max{string}",
    handler: (c, argv) => zremrangeGeneric(c, argv, "lex"),
  }),
  command({
    name: "zrandmember",
    arity: -2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "6.2.0",
    summary: "Get one or multiple random elements from a sorted set",
    complexity: "O(N) where N is the number of elements returned",
    syntax: "key [count [WITHSCORES]]{options}",
    tips: ["nondeterministic_output"],
    handler: zrandmember,
  }),
  command({
    name: "zscan",
    arity: -3,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "sorted-set",
    since: "2.8.0",
    summary: "Incrementally iterate sorted sets elements and associated scores",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    syntax: "key cursor [MATCH pattern] [COUNT count]",
    tips: ["nondeterministic_output"],
    handler: zscan,
  }),
  ...ZSET_POP_COMMANDS,
  ...ZSET_SETOP_COMMANDS,
];
