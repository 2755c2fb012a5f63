/**
 * The compact encoding of small sorted sets, reported as `listpack` like
 * Redis's, and built the same way: every member and score packed in order
 * into one buffer, here a single latin1 string. Each entry is
 *
 *     [member length, varint][member bytes][score, 8 bytes of IEEE 754]
 *
 * in (score, member) order. A set of ten short members takes about 200
 * bytes instead of ten strings and two arrays. Every operation scans the
 * entries, as Redis scans its listpack; the size is bounded by
 * `zset-max-listpack-entries`, so that cost is a small constant, and an
 * insert or removal rebuilds the string as Redis moves listpack memory.
 *
 * Like a listpack, which stores integral scores as integers, a `-0` score
 * reads back as `0` in this encoding.
 *
 * @module
 */

import { stringBytes, type ZSetEncoding } from "./zset_encoding.ts";

// The entry decoded last by `read` (shared by all sets: every method reads
// what it needs before calling out, so nesting cannot confuse it): where
// the member starts, its length, and where the next entry starts.
let memberStart = 0;
let memberLength = 0;
let nextEntry = 0;

// Scratch for converting a score to and from its eight bytes.
const scoreBits = new Float64Array(1);
const scoreBytes = new Uint8Array(scoreBits.buffer);

function encodeScore(score: number): string {
  scoreBits[0] = score;
  const b = scoreBytes;
  return String.fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
}

function decodeScore(data: string, at: number): number {
  const b = scoreBytes;
  for (let i = 0; i < 8; i++) b[i] = data.charCodeAt(at + i);
  return scoreBits[0];
}

function encodeLength(n: number): string {
  let s = "";
  while (n >= 0x80) {
    s += String.fromCharCode((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  return s + String.fromCharCode(n);
}

function encodeEntry(member: string, score: number): string {
  return encodeLength(member.length) + member + encodeScore(score);
}

/**
 * Joins three strings into one flat string. `+` would build a rope of
 * slices that keeps the old data alive (and costs an object per piece)
 * until V8 flattens it; `join` copies into a single new string.
 */
function flat(a: string, b: string, c: string): string {
  return [a, b, c].join("");
}

/** A small sorted set packed into one string. */
export class CompactZSet implements ZSetEncoding {
  private data = "";
  private count = 0;

  /** Builds from members and scores already in (score, member) order. */
  static fromSorted(members: readonly string[], scores: readonly number[]): CompactZSet {
    const set = new CompactZSet();
    const parts: string[] = [];
    for (let i = 0; i < members.length; i++) {
      // -0 → 0, as a listpack stores it.
      parts.push(encodeEntry(members[i], scores[i] === 0 ? 0 : scores[i]));
    }
    set.data = parts.join("");
    set.count = members.length;
    return set;
  }

  get size(): number {
    return this.count;
  }

  /** Total member bytes (a scan: only needed when inserting, itself a scan). */
  get memberBytes(): number {
    let total = 0;
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      this.read(at);
      total += memberLength;
      at = nextEntry;
    }
    return total;
  }

  /** Decodes the entry at offset `at` into the cursor fields. */
  private read(at: number): void {
    const data = this.data;
    let length = 0;
    let shift = 0;
    let c: number;
    do {
      c = data.charCodeAt(at++);
      length += (c & 0x7f) << shift;
      shift += 7;
    } while (c & 0x80);
    memberStart = at;
    memberLength = length;
    nextEntry = at + length + 8;
  }

  private currentMember(): string {
    return this.data.substring(memberStart, memberStart + memberLength);
  }

  private currentScore(): number {
    return decodeScore(this.data, memberStart + memberLength);
  }

  /** True when the entry under the cursor holds `member`. */
  private currentIs(member: string): boolean {
    return memberLength === member.length && this.data.startsWith(member, memberStart);
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
    let at = 0;
    for (let i = 0; i < rank; i++) {
      this.read(at);
      at = nextEntry;
    }
    return at;
  }

  /** Rank of `member` with the cursor on it, or -1. */
  private find(member: string): number {
    const data = this.data;
    const n = this.count;
    const length = member.length;
    // Members differ most often in their last byte ("user:1", "user:2"...).
    const last = length > 0 ? member.charCodeAt(length - 1) : 0;
    let at = 0;
    for (let i = 0; i < n; i++) {
      // Lengths under 128 take one byte: skip the varint decoder for them.
      const c = data.charCodeAt(at);
      if (c < 0x80) {
        memberStart = at + 1;
        memberLength = c;
        nextEntry = at + 9 + c;
      } else {
        this.read(at);
      }
      if (
        memberLength === length &&
        (length === 0 || data.charCodeAt(memberStart + length - 1) === last) &&
        data.startsWith(member, memberStart)
      ) {
        return i;
      }
      at = nextEntry;
    }
    return -1;
  }

  score(member: string): number | undefined {
    return this.find(member) < 0 ? undefined : this.currentScore();
  }

  rank(member: string): number {
    return this.find(member);
  }

  insert(member: string, score: number): void {
    if (score === 0) score = 0;
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      this.read(at);
      const s = this.currentScore();
      if (s > score || (s === score && this.compareCurrent(member) > 0)) break;
      at = nextEntry;
    }
    const data = this.data;
    this.data = flat(data.slice(0, at), encodeEntry(member, score), data.slice(at));
    this.count++;
  }

  update(member: string, score: number): void {
    this.remove(member);
    this.insert(member, score);
  }

  remove(member: string): boolean {
    if (this.find(member) < 0) return false;
    const start = memberStart - encodeLength(memberLength).length;
    this.data = flat(this.data.slice(0, start), "", this.data.slice(nextEntry));
    this.count--;
    return true;
  }

  removeRanks(first: number, last: number): void {
    const start = this.offsetOf(first);
    let at = start;
    for (let i = first; i <= last; i++) {
      this.read(at);
      at = nextEntry;
    }
    this.data = flat(this.data.slice(0, start), "", this.data.slice(at));
    this.count -= last - first + 1;
  }

  memberAt(rank: number): string {
    this.read(this.offsetOf(rank));
    return this.currentMember();
  }

  scoreAt(rank: number): number {
    this.read(this.offsetOf(rank));
    return this.currentScore();
  }

  walk(rank: number, reverse: boolean, visit: (member: string, score: number) => boolean): void {
    if (!reverse) {
      let at = this.offsetOf(rank);
      for (let i = rank; i < this.count; i++) {
        this.read(at);
        at = nextEntry;
        if (!visit(this.currentMember(), this.currentScore())) return;
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
      if (!visit(this.currentMember(), this.currentScore())) return;
    }
  }

  countScoreBelow(score: number, orEqual: boolean): number {
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      this.read(at);
      const s = this.currentScore();
      if (!(s < score || (orEqual && s === score))) return i;
      at = nextEntry;
    }
    return this.count;
  }

  forEach(visit: (member: string, score: number) => void): void {
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      this.read(at);
      at = nextEntry;
      visit(this.currentMember(), this.currentScore());
    }
  }

  clone(): CompactZSet {
    // Strings are immutable: the copy can share the packed data.
    const copy = new CompactZSet();
    copy.data = this.data;
    copy.count = this.count;
    return copy;
  }

  memoryUsage(): number {
    return 40 + stringBytes(this.data.length);
  }
}
