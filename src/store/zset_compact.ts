/**
 * The compact encoding of small sorted sets, reported as `listpack` like
 * Redis's. Members are packed in order into one latin1 string, each as
 *
 *     [member length, varint][member bytes]
 *
 * and their scores sit in an exactly-sized array in the same order (V8
 * keeps an array of doubles unboxed: 8 bytes a score). A set of ten short
 * members takes about 250 bytes instead of ten strings and a table. Placing
 * a score is a binary search of the array; finding a member scans the
 * packed string, as Redis scans its listpack; the size is bounded by
 * `zset-max-listpack-entries`, so that cost is a small constant. An insert
 * or removal rebuilds the string once, as Redis moves listpack memory; an
 * update that leaves the member where it was rewrites only its score.
 *
 * Scores live apart from the string because reading one back from it costs
 * a character at a time: placing a score among 100 packed ones took ~1 µs,
 * a binary search of the array takes a few dozen nanoseconds.
 *
 * Like a listpack, which stores integral scores as integers, a `-0` score
 * reads back as `0` in this encoding.
 *
 * @module
 */

import { stringBytes, type ZSetEncoding } from "./zset_encoding.ts";
import { withInserted, withoutRange } from "../util/exact_arrays.ts";
import { elementStart, encodeLength, flat, readLength } from "./packed_string.ts";

// The entry decoded last by `read` (shared by all sets: every method reads
// what it needs before calling out, so nesting cannot confuse it): where
// the entry and its member start, the member's length, and where the next
// entry starts.
let entryStart = 0;
let memberStart = 0;
let memberLength = 0;
let nextEntry = 0;

// Where `find` last found a member: ZADD and ZINCRBY read a member's score
// and then update it, which would scan for it twice. Keyed by the packed
// members' value, not its identity: equal strings mean equal offsets and
// ranks, so the entry is right for any set that holds the same string.
let foundIn = "";
let foundMember = "";
let foundRank = -1;
let foundAt = 0;

/** First index of `scores` (ascending) whose score is not below `score`. */
function lowerBound(scores: readonly number[], score: number): number {
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (scores[mid] < score) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index of `scores` (ascending), from `from` on, whose score is above `score`. */
function upperBound(scores: readonly number[], score: number, from: number): number {
  let lo = from;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (scores[mid] <= score) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A small sorted set: members packed into one string, scores in an array beside it. */
export class CompactZSet implements ZSetEncoding {
  private data = "";
  private scores: number[] = [];

  /** Builds from members and scores already in (score, member) order. */
  static fromSorted(members: readonly string[], scores: readonly number[]): CompactZSet {
    const set = new CompactZSet();
    const n = members.length;
    const parts: string[] = [];
    const kept = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      parts.push(encodeLength(members[i].length), members[i]);
      // -0 → 0, as a listpack stores it.
      kept[i] = scores[i] === 0 ? 0 : scores[i];
    }
    set.data = flat(parts);
    set.scores = kept;
    return set;
  }

  get size(): number {
    return this.scores.length;
  }

  /**
   * Bytes of the listpack this set stands for (members, their lengths and
   * eight bytes a score), a bound on the member bytes it holds: Redis
   * refuses to grow a listpack past 1 GiB, and checks this size.
   */
  get packedBytes(): number {
    return this.data.length + 8 * this.scores.length;
  }

  /** Decodes the entry at offset `at` into the cursor fields. */
  private read(at: number): void {
    entryStart = at;
    memberLength = readLength(this.data, at);
    memberStart = elementStart;
    nextEntry = memberStart + memberLength;
  }

  private currentMember(): string {
    return this.data.substring(memberStart, memberStart + memberLength);
  }

  /** Byte order of the member under the cursor against `member` (memcmp, then length). */
  private compareCurrent(member: string): number {
    const data = this.data;
    const at = memberStart;
    const n = Math.min(memberLength, member.length);
    for (let i = 0; i < n; i++) {
      const d = data.charCodeAt(at + i) - member.charCodeAt(i);
      if (d !== 0) return d;
    }
    return memberLength - member.length;
  }

  /** Offset of the entry at `rank` (or of the end when rank = size). */
  private offsetOf(rank: number): number {
    const data = this.data;
    let at = 0;
    for (let i = 0; i < rank; i++) {
      // Lengths under 128 take one byte: skip the varint decoder for them.
      const c = data.charCodeAt(at);
      if (c < 0x80) at += 1 + c;
      else {
        this.read(at);
        at = nextEntry;
      }
    }
    return at;
  }

  /** Rank of `member` with the cursor on it, or -1. */
  private find(member: string): number {
    const data = this.data;
    if (member === foundMember && data === foundIn) {
      this.read(foundAt);
      return foundRank;
    }
    const n = this.scores.length;
    const length = member.length;
    // Members differ most often in their last byte ("user:1", "user:2"...).
    const last = length > 0 ? member.charCodeAt(length - 1) : 0;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const c = data.charCodeAt(at);
      if (c >= 0x80) {
        this.read(at);
        if (memberLength === length && data.startsWith(member, memberStart)) {
          return this.found(member, i);
        }
        at = nextEntry;
      } else if (
        c === length &&
        (length === 0 || data.charCodeAt(at + length) === last) &&
        data.startsWith(member, at + 1)
      ) {
        this.read(at);
        return this.found(member, i);
      } else {
        at += 1 + c;
      }
    }
    return -1;
  }

  /** Remembers the entry under the cursor as where `member` is, at `rank`. */
  private found(member: string, rank: number): number {
    foundIn = this.data;
    foundMember = member;
    foundRank = rank;
    foundAt = entryStart;
    return rank;
  }

  /**
   * Number of entries, other than the one at rank `skip` (-1: none), that
   * order before (score, member). Members are compared only among entries
   * whose score ties.
   */
  private countBefore(score: number, member: string, skip: number): number {
    const scores = this.scores;
    const lo = lowerBound(scores, score);
    const hi = upperBound(scores, score, lo);
    let count = lo;
    if (lo < hi) {
      let at = this.offsetOf(lo);
      for (let i = lo; i < hi; i++) {
        this.read(at);
        at = nextEntry;
        if (i === skip) continue;
        if (this.compareCurrent(member) >= 0) break;
        count++;
      }
    }
    return skip >= 0 && skip < lo ? count - 1 : count;
  }

  score(member: string): number | undefined {
    const rank = this.find(member);
    return rank < 0 ? undefined : this.scores[rank];
  }

  rank(member: string): number {
    return this.find(member);
  }

  insert(member: string, score: number): void {
    if (score === 0) score = 0;
    const rank = this.countBefore(score, member, -1);
    const at = this.offsetOf(rank);
    const data = this.data;
    this.data = flat([data.slice(0, at), encodeLength(member.length), member, data.slice(at)]);
    this.scores = withInserted(this.scores, rank, score);
  }

  update(member: string, score: number): void {
    const from = this.find(member);
    if (from < 0) throw new Error("update of a missing member");
    const start = entryStart;
    const end = nextEntry;
    if (score === 0) score = 0;
    const to = this.countBefore(score, member, from);
    const scores = this.scores;
    // Move the score within the array (it keeps its length): one of the
    // two loops runs, depending on the direction.
    for (let i = from; i > to; i--) scores[i] = scores[i - 1];
    for (let i = from; i < to; i++) scores[i] = scores[i + 1];
    scores[to] = score;
    if (to === from) return; // the member keeps its place
    const data = this.data;
    const entry = data.slice(start, end);
    if (to < from) {
      const at = this.offsetOf(to);
      this.data = flat([data.slice(0, at), entry, data.slice(at, start), data.slice(end)]);
    } else {
      // After the entry now at `to`, which is at `to + 1` while this one is still in place.
      const at = this.offsetOf(to + 1);
      this.data = flat([data.slice(0, start), data.slice(end, at), entry, data.slice(at)]);
    }
  }

  remove(member: string): boolean {
    const rank = this.find(member);
    if (rank < 0) return false;
    this.data = flat([this.data.slice(0, entryStart), this.data.slice(nextEntry)]);
    this.scores = withoutRange(this.scores, rank, rank + 1);
    return true;
  }

  removeRanks(first: number, last: number): void {
    const start = this.offsetOf(first);
    let at = start;
    for (let i = first; i <= last; i++) {
      this.read(at);
      at = nextEntry;
    }
    this.data = flat([this.data.slice(0, start), this.data.slice(at)]);
    this.scores = withoutRange(this.scores, first, last + 1);
  }

  memberAt(rank: number): string {
    this.read(this.offsetOf(rank));
    return this.currentMember();
  }

  scoreAt(rank: number): number {
    return this.scores[rank];
  }

  walk(rank: number, reverse: boolean, visit: (member: string, score: number) => boolean): void {
    const scores = this.scores;
    if (!reverse) {
      let at = this.offsetOf(rank);
      for (let i = rank; i < scores.length; i++) {
        this.read(at);
        at = nextEntry;
        if (!visit(this.currentMember(), scores[i])) return;
      }
      return;
    }
    // Entries can only be decoded front to back: note the offsets first.
    const offsets: number[] = [];
    let at = 0;
    for (let i = 0; i <= rank; i++) {
      offsets.push(at);
      this.read(at);
      at = nextEntry;
    }
    for (let i = rank; i >= 0; i--) {
      this.read(offsets[i]);
      if (!visit(this.currentMember(), scores[i])) return;
    }
  }

  countScoreBelow(score: number, orEqual: boolean): number {
    return orEqual ? upperBound(this.scores, score, 0) : lowerBound(this.scores, score);
  }

  forEach(visit: (member: string, score: number) => void): void {
    const scores = this.scores;
    let at = 0;
    for (let i = 0; i < scores.length; i++) {
      this.read(at);
      at = nextEntry;
      visit(this.currentMember(), scores[i]);
    }
  }

  clone(): CompactZSet {
    // Strings are immutable: the copy can share the packed members.
    const copy = new CompactZSet();
    copy.data = this.data;
    copy.scores = this.scores.slice();
    return copy;
  }

  memoryUsage(): number {
    // The object, the string, and the array (header, backing store header, 8 bytes a score).
    return 40 + stringBytes(this.data.length) + 32 + 16 + 8 * this.scores.length;
  }
}
