/**
 * The sorted set value type (`TYPE_ZSET`): unique members (bytes, held as
 * latin1 strings), each with a double score, ordered by score and then by
 * member bytes (memcmp order, which JS `<` on latin1 strings agrees with).
 *
 * Two encodings, switched with Redis 7.0's rules so `OBJECT ENCODING`
 * reports the same thing Redis would:
 *
 * - `listpack` ({@link CompactZSet}): entries packed in order into one
 *   string, like Redis's listpack, for sets of at
 *   most `zset-max-listpack-entries` members no longer than
 *   `zset-max-listpack-value` bytes. Member lookups scan, as in Redis.
 * - `skiplist` ({@link IndexedZSet}): a hash table and an order-statistic
 *   B+-tree over shared slots: O(1) score lookups, O(log n) inserts,
 *   removals and ranks, O(log n + m) ranges.
 *
 * A set converts to `skiplist` when an insert would break the listpack
 * limits and, as in Redis, does not convert back when it shrinks; only
 * values built whole (store commands, loading) pick the compact form again.
 *
 * For persistence: iterate with {@link ZSetValue.forEach} (ascending order),
 * and rebuild with {@link ZSetValue.fromEntries}.
 *
 * @module
 */

import type { Collection } from "./collection.ts";
import { CompactZSet } from "./zset_compact.ts";
import type { ZSetEncoding } from "./zset_encoding.ts";
import { IndexedZSet } from "./zset_indexed.ts";
import { latin1 } from "../util/bytes.ts";
import {
  lexGteMin,
  lexLteMax,
  type LexRange,
  lexRangeEmpty,
  scoreGteMin,
  scoreLteMax,
  type ScoreRange,
  scoreRangeEmpty,
} from "./zset_range.ts";

/** The listpack limits in force (`zset-max-listpack-entries` / `-value`). */
export interface ZSetLimits {
  /** Most members a listpack-encoded set may hold. */
  maxListpackEntries: number;
  /** Longest member (bytes) a listpack-encoded set may hold. */
  maxListpackValue: number;
}

/** Reads the listpack limits from a configuration. */
export function zsetLimitsFrom(config: { int(name: string): number }): ZSetLimits {
  return {
    maxListpackEntries: config.int("zset-max-listpack-entries"),
    maxListpackValue: config.int("zset-max-listpack-value"),
  };
}

/** Redis refuses to grow a listpack past 1 GiB (`lpSafeToAdd`). */
const LISTPACK_MAX_SAFE_BYTES = 1 << 30;

/**
 * Sorts parallel member/score arrays in place into sorted-set order
 * (score, then member bytes). O(n) when already in order.
 */
export function orderEntries(members: string[], scores: number[]): void {
  const n = members.length;
  let ordered = true;
  for (let i = 1; i < n && ordered; i++) {
    ordered = scores[i - 1] < scores[i] ||
      (scores[i - 1] === scores[i] && members[i - 1] < members[i]);
  }
  if (ordered) return;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) =>
    scores[a] - scores[b] || (members[a] < members[b] ? -1 : members[a] > members[b] ? 1 : 0)
  );
  const m = order.map((i) => members[i]);
  const s = order.map((i) => scores[i]);
  for (let i = 0; i < n; i++) {
    members[i] = m[i];
    scores[i] = s[i];
  }
}

/** A sorted set. */
export class ZSetValue implements Collection {
  private enc: ZSetEncoding;
  private compact: boolean;

  private constructor(enc: ZSetEncoding, compact: boolean) {
    this.enc = enc;
    this.compact = compact;
  }

  /** An empty set in the listpack encoding (as ZRANGESTORE starts its result). */
  static empty(): ZSetValue {
    return new ZSetValue(new CompactZSet(), true);
  }

  /**
   * An empty set about to receive its first member (ZADD on a missing
   * key): `skiplist` when listpacks are disabled or the member is already
   * too long for one, `listpack` otherwise.
   */
  static forFirstMember(memberLength: number, limits: ZSetLimits): ZSetValue {
    if (limits.maxListpackEntries === 0 || limits.maxListpackValue < memberLength) {
      return new ZSetValue(new IndexedZSet(), false);
    }
    return ZSetValue.empty();
  }

  /**
   * Builds a set from parallel arrays of members and scores, in any order
   * (persistence loading, store commands). Members must be distinct
   * (throws otherwise); scores must not be NaN. The encoding follows
   * Redis's rule for values built whole: `listpack` when the set fits the
   * limits, `skiplist` otherwise. O(n log n), O(n) when already ordered.
   * The arrays are reordered (and adopted by a skiplist-encoded result).
   */
  static fromEntries(
    members: string[],
    scores: number[],
    limits: ZSetLimits,
  ): ZSetValue {
    const n = members.length;
    if (scores.length !== n) throw new Error("members and scores differ in length");
    orderEntries(members, scores);
    let maxLength = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(scores[i])) throw new Error("NaN score");
      if (members[i].length > maxLength) maxLength = members[i].length;
      total += members[i].length;
    }
    if (new Set(members).size !== n) throw new Error("duplicate member");
    if (
      n <= limits.maxListpackEntries && maxLength <= limits.maxListpackValue &&
      total <= LISTPACK_MAX_SAFE_BYTES
    ) {
      return new ZSetValue(CompactZSet.fromSorted(members, scores), true);
    }
    return new ZSetValue(IndexedZSet.fromSorted(members, scores), false);
  }

  // -------------------------------------------------------------- Collection

  /** Number of members. */
  get size(): number {
    return this.enc.size;
  }

  /** `listpack` or `skiplist`, as Redis 7.0 reports for the same history. */
  encoding(): string {
    return this.compact ? "listpack" : "skiplist";
  }

  /** True in the listpack encoding (ZSCAN and score text depend on it). */
  get isListpack(): boolean {
    return this.compact;
  }

  /** A deep copy with the same encoding (COPY). */
  clone(): ZSetValue {
    return new ZSetValue(this.enc.clone(), this.compact);
  }

  /** Approximate bytes used. */
  memoryUsage(): number {
    return 48 + this.enc.memoryUsage();
  }

  // --------------------------------------------------------------- members

  /**
   * A member given as bytes, as the latin1 string the other methods take:
   * a `skiplist` set that has the member returns its own string, so looking
   * up an existing member allocates nothing. O(1).
   */
  memberFromBytes(bytes: Uint8Array): string {
    const enc = this.enc;
    return enc instanceof IndexedZSet ? enc.memberOfBytes(bytes) : latin1(bytes);
  }

  /** Score of `member`, or undefined when absent. O(1) (listpack: O(n), n small). */
  score(member: string): number | undefined {
    return this.enc.score(member);
  }

  /** Rank (0 = lowest score) of `member`, or -1 when absent. O(log n). */
  rank(member: string): number {
    return this.enc.rank(member);
  }

  /**
   * Adds a member that is not present. Converts to `skiplist` first when
   * the listpack limits would be exceeded (as Redis's `zsetAdd`). O(log n).
   */
  insert(member: string, score: number, limits: ZSetLimits): void {
    if (
      this.compact &&
      (this.enc.size + 1 > limits.maxListpackEntries ||
        member.length > limits.maxListpackValue ||
        (this.enc as CompactZSet).packedBytes + member.length > LISTPACK_MAX_SAFE_BYTES)
    ) {
      this.convertToIndexed();
    }
    this.enc.insert(member, score);
  }

  /** Changes the score of a present member. O(log n). */
  update(member: string, score: number): void {
    this.enc.update(member, score);
  }

  /** Removes `member`; false when absent. O(log n). */
  remove(member: string): boolean {
    return this.enc.remove(member);
  }

  /** Removes ranks `first..last` (clamped to the set); returns how many. O(log n + m). */
  removeRanks(first: number, last: number): number {
    if (first < 0) first = 0;
    if (last >= this.enc.size) last = this.enc.size - 1;
    if (first > last) return 0;
    this.enc.removeRanks(first, last);
    return last - first + 1;
  }

  /** Member at `rank` (0 <= rank < size). O(log n) (listpack: O(n), n small). */
  memberAt(rank: number): string {
    return this.enc.memberAt(rank);
  }

  /** Score at `rank` (0 <= rank < size). O(log n) (listpack: O(n), n small). */
  scoreAt(rank: number): number {
    return this.enc.scoreAt(rank);
  }

  /**
   * Visits members from `rank` towards higher ranks (or lower ones when
   * `reverse`) until `visit` returns false or the end is reached.
   * O(log n + visited).
   */
  walk(rank: number, reverse: boolean, visit: (member: string, score: number) => boolean): void {
    if (rank < 0 || rank >= this.enc.size) return;
    this.enc.walk(rank, reverse, visit);
  }

  /** Visits every member in ascending order (for persistence and copies). */
  forEach(visit: (member: string, score: number) => void): void {
    this.enc.forEach(visit);
  }

  /**
   * One ZSCAN step. Listpack sets return everything at once with cursor 0,
   * as Redis does; skiplist sets walk the hash table with Redis's cursor.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    if (this.compact) {
      this.enc.forEach(visit);
      return 0;
    }
    return (this.enc as IndexedZSet).scan(cursor, count, visit);
  }

  // ----------------------------------------------------------------- ranges

  /** Rank of the first member inside a score range, or -1. O(log n). */
  firstInScoreRange(r: ScoreRange): number {
    const n = this.enc.size;
    if (n === 0 || scoreRangeEmpty(r)) return -1;
    const first = this.enc.countScoreBelow(r.min, r.minExclusive);
    if (first >= n || !scoreLteMax(this.enc.scoreAt(first), r)) return -1;
    return first;
  }

  /** Rank of the last member inside a score range, or -1. O(log n). */
  lastInScoreRange(r: ScoreRange): number {
    const n = this.enc.size;
    if (n === 0 || scoreRangeEmpty(r)) return -1;
    const last = this.enc.countScoreBelow(r.max, !r.maxExclusive) - 1;
    if (last < 0 || !scoreGteMin(this.enc.scoreAt(last), r)) return -1;
    return last;
  }

  /**
   * Rank of the first member inside a lexicographic range, or -1. Listpack
   * sets are scanned from the start exactly as Redis scans its listpack
   * (which defines the result when scores differ); skiplist sets use
   * binary search, exact when all scores are equal. O(log n).
   */
  firstInLexRange(r: LexRange): number {
    if (!this.overlapsLex(r)) return -1;
    const enc = this.enc;
    const n = enc.size;
    let first: number;
    if (this.compact) {
      first = n;
      let rank = 0;
      enc.walk(0, false, (member) => {
        if (lexGteMin(member, r)) {
          first = rank;
          return false;
        }
        rank++;
        return true;
      });
    } else {
      const table = enc as IndexedZSet;
      first = r.min.infinite === -1
        ? 0
        : r.min.infinite === 1
        ? n
        : table.countMemberBelow(r.min.value, r.min.exclusive);
    }
    if (first >= n || !lexLteMax(enc.memberAt(first), r)) return -1;
    return first;
  }

  /** Rank of the last member inside a lexicographic range, or -1 (see {@link firstInLexRange}). */
  lastInLexRange(r: LexRange): number {
    if (!this.overlapsLex(r)) return -1;
    const enc = this.enc;
    const n = enc.size;
    let last: number;
    if (this.compact) {
      last = -1;
      let rank = n - 1;
      enc.walk(n - 1, true, (member) => {
        if (lexLteMax(member, r)) {
          last = rank;
          return false;
        }
        rank--;
        return true;
      });
    } else {
      const table = enc as IndexedZSet;
      last = (r.max.infinite === 1
        ? n
        : r.max.infinite === -1
        ? 0
        : table.countMemberBelow(r.max.value, !r.max.exclusive)) - 1;
    }
    if (last < 0 || !lexGteMin(enc.memberAt(last), r)) return -1;
    return last;
  }

  /**
   * Members in a lexicographic range (ZLEXCOUNT): listpack sets count from
   * the first match while members stay in range, skiplist sets subtract
   * ranks, as Redis does for each encoding.
   */
  lexCount(r: LexRange): number {
    const first = this.firstInLexRange(r);
    if (first < 0) return 0;
    if (this.compact) return this.runLength(first, r);
    const last = this.lastInLexRange(r);
    return last >= 0 ? last - first + 1 : this.enc.size - first;
  }

  /** Number of consecutive members from rank `first` up that are not above the range's maximum. */
  runLength(first: number, r: LexRange): number {
    let n = 0;
    this.enc.walk(first, false, (member) => {
      if (!lexLteMax(member, r)) return false;
      n++;
      return true;
    });
    return n;
  }

  /** Redis's `zzlIsInLexRange`/`zslIsInLexRange`: could any member be inside? */
  private overlapsLex(r: LexRange): boolean {
    const n = this.enc.size;
    if (n === 0 || lexRangeEmpty(r)) return false;
    return lexGteMin(this.enc.memberAt(n - 1), r) && lexLteMax(this.enc.memberAt(0), r);
  }

  // ------------------------------------------------------------ conversions

  private convertToIndexed(): void {
    const members: string[] = [];
    const scores: number[] = [];
    this.enc.forEach((m, s) => {
      members.push(m);
      scores.push(s);
    });
    this.enc = IndexedZSet.fromSorted(members, scores);
    this.compact = false;
  }

  /** Checks internal invariants (for tests). */
  verify(): void {
    if (!this.compact) (this.enc as IndexedZSet).verify();
    let prevScore = -Infinity;
    let prevMember: string | null = null;
    this.enc.forEach((m, s) => {
      if (
        prevMember !== null && (s < prevScore || (s === prevScore && m <= prevMember))
      ) {
        throw new Error("members out of order");
      }
      if (this.enc.score(m) !== s) throw new Error("score lookup disagrees with order");
      prevScore = s;
      prevMember = m;
    });
  }
}
