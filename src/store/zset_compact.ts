/**
 * The compact encoding of small sorted sets, reported as `listpack` like
 * Redis's, and built the same way: every member and score packed in order
 * into one buffer, here a single latin1 string. Each entry is
 *
 *     [member length, varint][member bytes][score key, 8 bytes]
 *
 * in (score, member) order. A set of ten short members takes about 200
 * bytes instead of ten strings and two arrays. Every operation scans the
 * entries, as Redis scans its listpack; the size is bounded by
 * `zset-max-listpack-entries`, so that cost is a small constant, and an
 * insert, update or removal rebuilds the string once, as Redis moves
 * listpack memory.
 *
 * The score key is the IEEE 754 double made order-preserving (sign bit set
 * for positive scores, every bit flipped for negative ones) and stored
 * big-endian, so the scans that find a score's position compare two 32-bit
 * words read from the string, usually only the first, without decoding a
 * double per entry.
 *
 * Like a listpack, which stores integral scores as integers, a `-0` score
 * reads back as `0` in this encoding.
 *
 * @module
 */

import { stringBytes, type ZSetEncoding } from "./zset_encoding.ts";

// The entry found last by `find` (shared by all sets: every method reads
// what it needs before calling out, so nesting cannot confuse it): where
// the entry and its member start, the member's length, and where the next
// entry starts.
let entryStart = 0;
let memberStart = 0;
let memberLength = 0;
let nextEntry = 0;

// Where `find` last found a member: ZADD and ZINCRBY read a member's score
// and then update it, which would scan for it twice. Keyed by the packed
// data's value, not its identity: equal data means equal offsets, so the
// entry is right for any set that holds the same string.
let foundIn = "";
let foundMember = "";
let foundRank = -1;
let foundAt = 0;

/** Flips the top bit of a 32-bit word: signed comparison then orders words as unsigned. */
const SIGN = 0x80000000 | 0;

// Scratch for converting a score to and from its words.
const scoreBits = new Float64Array(1);
const scoreWords = new Int32Array(scoreBits.buffer);
/** Index of the high word of a double in `scoreWords` (1 on little-endian machines). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

// The key of the score `setKey` was given last, as two words comparable
// with signed `<` (each is the stored word with its top bit flipped).
let keyHigh = 0;
let keyLow = 0;

function setKey(score: number): void {
  scoreBits[0] = score;
  const high = scoreWords[HIGH];
  const low = scoreWords[LOW];
  if (high < 0) {
    // Negative: flip every bit (then the top bit once more for signed order).
    keyHigh = ~high ^ SIGN;
    keyLow = ~low ^ SIGN;
  } else {
    // Positive: the stored key sets the sign bit, which the flip clears again.
    keyHigh = high;
    keyLow = low ^ SIGN;
  }
}

/** The comparable word stored at `at` (4 big-endian bytes, top bit flipped). */
function wordAt(data: string, at: number): number {
  return ((data.charCodeAt(at) << 24) | (data.charCodeAt(at + 1) << 16) |
    (data.charCodeAt(at + 2) << 8) | data.charCodeAt(at + 3)) ^ SIGN;
}

/** The 8 stored bytes of the score last given to `setKey`. */
function keyText(): string {
  const high = keyHigh ^ SIGN;
  const low = keyLow ^ SIGN;
  return String.fromCharCode(
    high >>> 24,
    (high >>> 16) & 0xff,
    (high >>> 8) & 0xff,
    high & 0xff,
    low >>> 24,
    (low >>> 16) & 0xff,
    (low >>> 8) & 0xff,
    low & 0xff,
  );
}

function decodeScore(data: string, at: number): number {
  const high = wordAt(data, at);
  const low = wordAt(data, at + 4);
  if (high >= 0) {
    // The stored key had its top bit set (flipped back by `wordAt`): a positive score.
    scoreWords[HIGH] = high;
    scoreWords[LOW] = low ^ SIGN;
  } else {
    scoreWords[HIGH] = ~(high ^ SIGN);
    scoreWords[LOW] = ~(low ^ SIGN);
  }
  return scoreBits[0];
}

/**
 * Order of the score key at `at` against the key last set: negative when
 * it is lower, 0 when equal, positive when higher.
 */
function compareKeyAt(data: string, at: number): number {
  const high = wordAt(data, at);
  if (high !== keyHigh) return high < keyHigh ? -1 : 1;
  const low = wordAt(data, at + 4);
  return low === keyLow ? 0 : low < keyLow ? -1 : 1;
}

function encodeLength(n: number): string {
  let s = "";
  while (n >= 0x80) {
    s += String.fromCharCode((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  return s + String.fromCharCode(n);
}

/**
 * Joins strings into one flat string. `+` would build a rope of slices
 * that keeps the old data alive (and costs an object per piece) until V8
 * flattens it; `join` copies into a single new string.
 */
function flat(parts: string[]): string {
  return parts.join("");
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
      setKey(scores[i] === 0 ? 0 : scores[i]);
      parts.push(encodeLength(members[i].length), members[i], keyText());
    }
    set.data = flat(parts);
    set.count = members.length;
    return set;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Bytes of the packed form, a bound on the member bytes it holds: Redis
   * refuses to grow a listpack past 1 GiB, and checks this size.
   */
  get packedBytes(): number {
    return this.data.length;
  }

  /** Decodes the entry at offset `at` into the cursor fields. */
  private read(at: number): void {
    const data = this.data;
    entryStart = at;
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
    if (member === foundMember && data === foundIn) {
      this.read(foundAt);
      return foundRank;
    }
    const n = this.count;
    const length = member.length;
    // Members differ most often in their last byte ("user:1", "user:2"...).
    const last = length > 0 ? member.charCodeAt(length - 1) : 0;
    let at = 0;
    for (let i = 0; i < n; i++) {
      // Lengths under 128 take one byte: skip the varint decoder for them.
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
        at += 9 + c;
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
   * Offset of the first entry, from `from` on, that orders after (key set
   * by `setKey`, `member`), skipping the entry at `skip` (-1: none).
   */
  private positionFor(member: string, from: number, skip: number): number {
    const data = this.data;
    const end = data.length;
    let at = from;
    while (at < end) {
      let keyAt: number;
      let next: number;
      const c = data.charCodeAt(at);
      if (c < 0x80) {
        keyAt = at + 1 + c;
        next = keyAt + 8;
      } else {
        this.read(at);
        keyAt = memberStart + memberLength;
        next = nextEntry;
      }
      if (at !== skip) {
        const order = compareKeyAt(data, keyAt);
        if (order > 0) return at;
        if (order === 0) {
          this.read(at);
          if (this.compareCurrent(member) > 0) return at;
        }
      }
      at = next;
    }
    return end;
  }

  score(member: string): number | undefined {
    return this.find(member) < 0 ? undefined : this.currentScore();
  }

  rank(member: string): number {
    return this.find(member);
  }

  insert(member: string, score: number): void {
    setKey(score === 0 ? 0 : score);
    const data = this.data;
    const at = this.positionFor(member, 0, -1);
    this.data = flat([
      data.slice(0, at),
      encodeLength(member.length),
      member,
      keyText(),
      data.slice(at),
    ]);
    this.count++;
  }

  update(member: string, score: number): void {
    if (this.find(member) < 0) throw new Error("update of a missing member");
    const start = entryStart;
    const keyAt = memberStart + memberLength;
    const end = nextEntry;
    setKey(score === 0 ? 0 : score);
    const data = this.data;
    const at = this.positionFor(member, 0, start);
    const key = keyText();
    if (at === end) {
      // The entry keeps its place: only its score changes.
      this.data = flat([data.slice(0, keyAt), key, data.slice(end)]);
    } else if (at < start) {
      const entry = data.slice(start, keyAt);
      this.data = flat([data.slice(0, at), entry, key, data.slice(at, start), data.slice(end)]);
    } else {
      const entry = data.slice(start, keyAt);
      this.data = flat([data.slice(0, start), data.slice(end, at), entry, key, data.slice(at)]);
    }
  }

  remove(member: string): boolean {
    if (this.find(member) < 0) return false;
    this.data = flat([this.data.slice(0, entryStart), this.data.slice(nextEntry)]);
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
    this.data = flat([this.data.slice(0, start), this.data.slice(at)]);
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
    setKey(score === 0 ? 0 : score);
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      this.read(at);
      const order = compareKeyAt(this.data, nextEntry - 8);
      if (!(order < 0 || (orEqual && order === 0))) return i;
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
