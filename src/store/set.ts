/**
 * The set value type, with Redis 7.0's two encodings and their conversion
 * rules, so `OBJECT ENCODING` and every order Redis guarantees come out the
 * same:
 *
 * - `intset` while every member is a canonical 64-bit integer (as Redis's
 *   `string2ll` accepts it) and there are at most `set-max-intset-entries`
 *   members. Members are kept sorted by numeric value, which is the order
 *   Redis iterates an intset in (SMEMBERS, SSCAN, SUNION results...).
 * - `hashtable` otherwise, for good: a set never converts back. Iteration
 *   order is unspecified, as in Redis (here: insertion order).
 *
 * A `hashtable` set of up to {@link FEW_MAX} members is packed into one
 * latin1 string: a character holding the member count, then the members
 * in insertion order, each `[length, varint][bytes]`
 * (src/store/packed_string.ts), searched by comparing bytes. One flat
 * string is one object for V8's garbage collector to mark and copy, with
 * no pointers inside, where an array of members was an array, its backing
 * store and a string per member (a set of two short members: ~195 bytes
 * of heap that way, ~115 packed). A write rebuilds the string, O(n) in at
 * most {@link FEW_MAX} members. The set makes its {@link Dict} when it
 * outgrows that (a table costs ~500 bytes more than two members need).
 * Nothing outside tells the two apart: SSCAN walks the packed members as
 * the table they would have been (see {@link SetValue.scan}).
 *
 * An intset is an array of decimal strings (a packed form of fixed-width
 * entries measured ~3x smaller and faster to search, but its SREM ~1.5x
 * slower on 4-32 members, as every write makes a new string).
 *
 * Members are bytes held as latin1 strings (see util/bytes.ts).
 *
 * @module
 */

import type { Collection } from "./collection.ts";
import { Dict } from "./dict.ts";
import { hashLatin1, latin1 } from "../util/bytes.ts";
import { nextCursor } from "./scan_cursor.ts";
import { elementStart, encodeLength, flat, readLength } from "./packed_string.ts";
import { stringBytes } from "./zset_encoding.ts";

/** The setting that decides when an intset becomes a hash table. */
export interface SetLimits {
  /** `set-max-intset-entries`. */
  readonly maxIntsetEntries: number;
}

/**
 * Reads the current limit from a configuration (`set-max-intset-entries`),
 * for building sets outside a command (loading a dataset).
 */
export function setLimitsFrom(config: { int(name: string): number }): SetLimits {
  return { maxIntsetEntries: config.int("set-max-intset-entries") };
}

/**
 * Most members a `hashtable` set keeps packed before it makes a
 * {@link Dict}: a search compares each member's length and last byte, and
 * its bytes only when those match (~7 ns a member in a miss), which stays
 * near a hash lookup's cost up to here.
 */
export const FEW_MAX = 16;

/** Rough per-member cost in bytes of an intset and a table, for memory accounting. */
const INTSET_MEMBER_OVERHEAD = 24;
const TABLE_MEMBER_OVERHEAD = 56;
/** The set object itself. */
const SET_BASE_BYTES = 64;

/** A packed `hashtable` set with no members: just its count. */
const EMPTY_FEW = encodeLength(0);

const INT64_MAX_DIGITS = "9223372036854775807";
const INT64_MIN_DIGITS = "9223372036854775808";

/**
 * True when `s` is an integer Redis would store in an intset: canonical
 * decimal (no `+`, no leading zeros, no `-0`, no spaces) within the signed
 * 64-bit range.
 */
export function isInt64Text(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let start = 0;
  if (s.charCodeAt(0) === 45 /* - */) {
    if (n === 1) return false;
    start = 1;
  }
  const first = s.charCodeAt(start);
  if (first === 48 /* 0 */) return n === 1;
  if (first < 49 || first > 57) return false;
  for (let i = start + 1; i < n; i++) {
    const d = s.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  const digits = n - start;
  if (digits !== 19) return digits < 19;
  const limit = start === 1 ? INT64_MIN_DIGITS : INT64_MAX_DIGITS;
  for (let i = 0; i < 19; i++) {
    const d = s.charCodeAt(start + i) - limit.charCodeAt(i);
    if (d !== 0) return d < 0;
  }
  return true;
}

/** Numeric order of two strings accepted by {@link isInt64Text}. */
export function compareInt64Text(a: string, b: string): number {
  const aNeg = a.charCodeAt(0) === 45;
  const bNeg = b.charCodeAt(0) === 45;
  if (aNeg !== bNeg) return aNeg ? -1 : 1;
  if (a === b) return 0;
  // Same sign: more digits means larger magnitude; equal lengths compare as text.
  const smallerMagnitude = a.length !== b.length ? a.length < b.length : a < b;
  return smallerMagnitude !== aNeg ? -1 : 1;
}

/** A Redis set value. */
export class SetValue implements Collection {
  /** Members sorted numerically while `intset`-encoded, otherwise null. */
  private ints: string[] | null;
  /**
   * While a `hashtable` set of at most {@link FEW_MAX} members: the member
   * count as a character, then the members packed in insertion order;
   * otherwise null.
   */
  private few: string | null;
  /** Members of a larger `hashtable` set, otherwise null. */
  private table: Dict | null;
  /** Sum of member lengths of an intset or a table, for {@link memoryUsage}. */
  private payloadBytes = 0;
  /** Members expected when the set turns into a table (see {@link empty}). */
  private sizeHint = 0;

  private constructor(ints: string[] | null, few: string | null, table: Dict | null) {
    this.ints = ints;
    this.few = few;
    this.table = table;
  }

  /**
   * An empty `intset`-encoded set, the way Redis starts the result of
   * SINTERSTORE/SUNIONSTORE/SDIFFSTORE: it converts as members are added.
   */
  static empty(sizeHint = 0): SetValue {
    const set = new SetValue([], null, null);
    set.sizeHint = sizeHint;
    return set;
  }

  /**
   * An empty set encoded for its first member, as SADD and SMOVE create
   * one: `intset` when that member is an integer, else `hashtable`.
   */
  static forFirstMember(member: string): SetValue {
    return isInt64Text(member) ? SetValue.empty() : new SetValue(null, EMPTY_FEW, null);
  }

  /**
   * Builds a set from members (duplicates are ignored), choosing the
   * encoding Redis 7.0 picks when it loads a set: `intset` when every member
   * is an integer and they fit `set-max-intset-entries`, else `hashtable`.
   * Sorting once keeps this O(n log n) even for large intset limits.
   */
  static fromMembers(members: Iterable<string>, limits: SetLimits): SetValue {
    const list = Array.isArray(members) ? members as string[] : [...members];
    if (list.length <= limits.maxIntsetEntries && list.every(isInt64Text)) {
      const sorted = [...list].sort(compareInt64Text);
      const unique: string[] = [];
      for (const m of sorted) if (unique[unique.length - 1] !== m) unique.push(m);
      const set = new SetValue(unique, null, null);
      for (const m of unique) set.payloadBytes += m.length;
      return set;
    }
    const set = list.length <= FEW_MAX
      ? new SetValue(null, EMPTY_FEW, null)
      : new SetValue(null, null, new Dict(list.length));
    for (const m of list) set.add(m, limits);
    return set;
  }

  /** Number of members. */
  get size(): number {
    if (this.ints !== null) return this.ints.length;
    return this.few !== null ? this.few.charCodeAt(0) : this.table!.size;
  }

  /** `intset` or `hashtable`, as `OBJECT ENCODING` reports it. */
  encoding(): string {
    return this.ints !== null ? "intset" : "hashtable";
  }

  /** True while `intset`-encoded (members iterate in ascending numeric order). */
  get isIntset(): boolean {
    return this.ints !== null;
  }

  /** True when `member` is in the set. */
  has(member: string): boolean {
    if (this.ints !== null) return isInt64Text(member) && this.search(member) >= 0;
    if (this.few !== null) return fewFind(this.few, member);
    return this.table!.has(member);
  }

  /**
   * {@link has} for a member given as bytes: a `hashtable` set looks it up
   * without making a JS string.
   */
  hasBytes(member: Uint8Array): boolean {
    if (this.ints !== null) return this.has(latin1(member));
    if (this.few !== null) return fewFindBytes(this.few, member);
    return this.table!.hasBytes(member);
  }

  /**
   * {@link add} for a member given as bytes: it becomes a JS string only
   * when a `hashtable` set does not have it yet.
   */
  addBytes(member: Uint8Array, limits: SetLimits): boolean {
    const few = this.few;
    if (few !== null) {
      if (fewFindBytes(few, member)) return false;
      this.appendToFew(few, latin1(member));
      return true;
    }
    if (this.ints === null && this.table!.hasBytes(member)) return false;
    return this.add(latin1(member), limits);
  }

  /**
   * Adds a member; returns true when it was not there. Converts to
   * `hashtable` on the first non-integer member or when the intset grows
   * past `set-max-intset-entries`, as Redis does.
   */
  add(member: string, limits: SetLimits): boolean {
    const ints = this.ints;
    if (ints !== null) {
      if (isInt64Text(member)) {
        const at = this.search(member);
        if (at >= 0) return false;
        ints.splice(-at - 1, 0, member);
        this.payloadBytes += member.length;
        if (ints.length > limits.maxIntsetEntries) this.convertToTable(ints.length);
        return true;
      }
      this.convertToTable(ints.length + 1);
    }
    const few = this.few;
    if (few !== null) {
      if (fewFind(few, member)) return false;
      this.appendToFew(few, member);
      return true;
    }
    if (!this.table!.set(member, 0)) return false;
    this.payloadBytes += member.length;
    return true;
  }

  /** Adds a member known to be absent to the packed members, or makes the table when they are full. */
  private appendToFew(few: string, member: string): void {
    const count = few.charCodeAt(0);
    if (count < FEW_MAX) {
      this.few = flat([encodeLength(count + 1), few.slice(1), encodeLength(member.length), member]);
      return;
    }
    const members = fewMembers(few);
    members.push(member);
    this.few = null;
    this.makeTable(members, Math.max(count + 1, this.sizeHint));
  }

  /** Removes a member; returns true when it was there. */
  remove(member: string): boolean {
    const ints = this.ints;
    if (ints !== null) {
      if (!isInt64Text(member)) return false;
      const at = this.search(member);
      if (at < 0) return false;
      ints.splice(at, 1);
    } else if (this.few !== null) {
      const few = this.few;
      if (!fewFind(few, member)) return false;
      this.few = flat([
        encodeLength(few.charCodeAt(0) - 1),
        few.slice(1, entryAt),
        few.slice(entryEnd),
      ]);
      return true;
    } else if (!this.table!.delete(member)) {
      return false;
    }
    this.payloadBytes -= member.length;
    return true;
  }

  /**
   * Iterates the members in Redis's order for this encoding: ascending
   * numeric order for `intset`, unspecified for `hashtable`. Do not modify
   * the set while iterating.
   */
  members(): IterableIterator<string> {
    if (this.ints !== null) return this.ints.values();
    return this.few !== null ? fewMembers(this.few).values() : this.table!.keys();
  }

  /** Calls `visit` for every member, in {@link members} order. */
  forEach(visit: (member: string) => void): void {
    if (this.ints !== null) {
      for (const m of this.ints) visit(m);
    } else if (this.few !== null) {
      fewEach(this.few, visit);
    } else {
      this.table!.forEach((m) => visit(m));
    }
  }

  /** A uniformly random member (the set must not be empty). */
  randomMember(): string {
    const ints = this.ints;
    if (ints !== null) return ints[(Math.random() * ints.length) | 0];
    const few = this.few;
    if (few !== null) return fewMemberAt(few, (Math.random() * few.charCodeAt(0)) | 0);
    return this.table!.randomKey()!;
  }

  /**
   * One SSCAN step. An `intset` is returned whole with cursor 0, as Redis
   * does for its compact encodings; a `hashtable` is walked with Redis's
   * reverse-binary cursor, visiting buckets until at least `count` members
   * were seen. Returns the next cursor (0 = done).
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    if (this.ints !== null) {
      for (const m of this.ints) visit(m);
      return 0;
    }
    if (this.few !== null) return scanFew(fewMembers(this.few), cursor, count, visit);
    return this.table!.scan(cursor, count, visit);
  }

  /** A deep copy with the same encoding and iteration order. */
  clone(): SetValue {
    let copy: SetValue;
    if (this.ints !== null) {
      copy = new SetValue([...this.ints], null, null);
    } else if (this.few !== null) {
      // Strings are immutable: the copy shares the packed members.
      copy = new SetValue(null, this.few, null);
    } else {
      const table = new Dict(this.table!.size);
      this.table!.forEach((m) => table.set(m, 0));
      copy = new SetValue(null, null, table);
    }
    copy.payloadBytes = this.payloadBytes;
    return copy;
  }

  /**
   * Approximate bytes used: the packed string of a small `hashtable` set,
   * else member bytes plus a per-member cost of the encoding.
   */
  memoryUsage(): number {
    if (this.few !== null) return SET_BASE_BYTES + stringBytes(this.few.length);
    const overhead = this.ints !== null ? INTSET_MEMBER_OVERHEAD : TABLE_MEMBER_OVERHEAD;
    return SET_BASE_BYTES + this.payloadBytes + this.size * overhead;
  }

  /** Binary search in the intset: the index, or `-(insertion point) - 1`. */
  private search(member: string): number {
    const ints = this.ints!;
    let lo = 0;
    let hi = ints.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareInt64Text(ints[mid], member);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  /** Leaves `intset` for `hashtable`, expecting `expected` members. */
  private convertToTable(expected: number): void {
    const ints = this.ints!;
    this.ints = null;
    const wanted = Math.max(expected, this.sizeHint);
    if (wanted <= FEW_MAX) {
      this.few = packFew(ints);
      this.payloadBytes = 0;
    } else {
      this.makeTable(ints, wanted);
    }
  }

  /** Makes the table of `members`, in their order, sized for `expected`. */
  private makeTable(members: string[], expected: number): void {
    const table = new Dict(expected);
    let bytes = 0;
    for (const m of members) {
      table.set(m, 0);
      bytes += m.length;
    }
    this.table = table;
    this.payloadBytes = bytes;
  }
}

/** Distinct members (at most {@link FEW_MAX}) packed, in their order. */
function packFew(members: string[]): string {
  const parts = [encodeLength(members.length)];
  for (const m of members) parts.push(encodeLength(m.length), m);
  return flat(parts);
}

// Where the bytes of the member the packed walks below decoded last start
// (shared by all sets: each function reads it before calling out).
let memberStart = 0;

/** Decodes the member at offset `at` of `few` (see {@link memberStart}); returns where it ends, and the next one starts. */
function readMember(few: string, at: number): number {
  // Lengths under 128 take one character: no varint decoding for them.
  let n = few.charCodeAt(at);
  memberStart = at + 1;
  if (n >= 0x80) {
    n = readLength(few, at);
    memberStart = elementStart;
  }
  return memberStart + n;
}

/** Where the member {@link fewFind} or {@link fewFindBytes} found starts (its length), and where the next one does. */
let entryAt = 0;
let entryEnd = 0;

/**
 * True when `member` is one of the packed members, which {@link entryAt}
 * and {@link entryEnd} then point at. Members often share a prefix
 * (`user:1001`, `user:1002`), so the last byte is compared before the
 * whole: a miss then costs a length and a byte per member.
 */
function fewFind(few: string, member: string): boolean {
  const count = few.charCodeAt(0);
  const length = member.length;
  const last = length > 0 ? member.charCodeAt(length - 1) : 0;
  let at = 1;
  for (let i = 0; i < count; i++) {
    // Lengths under 128 take one character: no varint decoding for them.
    let n = few.charCodeAt(at);
    let start = at + 1;
    if (n >= 0x80) {
      n = readLength(few, at);
      start = elementStart;
    }
    const next = start + n;
    if (
      n === length &&
      (length === 0 || few.charCodeAt(next - 1) === last) &&
      few.startsWith(member, start)
    ) {
      entryAt = at;
      entryEnd = next;
      return true;
    }
    at = next;
  }
  return false;
}

/** {@link fewFind} for a member given as bytes (no JS string made for it). */
function fewFindBytes(few: string, member: Uint8Array): boolean {
  const count = few.charCodeAt(0);
  const length = member.length;
  const last = length > 0 ? member[length - 1] : 0;
  let at = 1;
  for (let i = 0; i < count; i++) {
    let n = few.charCodeAt(at);
    let start = at + 1;
    if (n >= 0x80) {
      n = readLength(few, at);
      start = elementStart;
    }
    const next = start + n;
    if (
      n === length &&
      (length === 0 || few.charCodeAt(next - 1) === last) &&
      sameBytes(few, start, member)
    ) {
      entryAt = at;
      entryEnd = next;
      return true;
    }
    at = next;
  }
  return false;
}

/** True when `bytes` are the characters of `data` from `at` on. */
function sameBytes(data: string, at: number, bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (data.charCodeAt(at + i) !== bytes[i]) return false;
  return true;
}

/** Calls `visit` for every packed member, in order. */
function fewEach(few: string, visit: (member: string) => void): void {
  const count = few.charCodeAt(0);
  let at = 1;
  for (let i = 0; i < count; i++) {
    at = readMember(few, at);
    visit(few.substring(memberStart, at));
  }
}

/** The packed members, in order. */
function fewMembers(few: string): string[] {
  const count = few.charCodeAt(0);
  const out = new Array<string>(count);
  let at = 1;
  for (let i = 0; i < count; i++) {
    at = readMember(few, at);
    out[i] = few.substring(memberStart, at);
  }
  return out;
}

/** The packed member at `index` (< count). */
function fewMemberAt(few: string, index: number): string {
  let at = 1;
  for (let i = 0; i < index; i++) at = readMember(few, at);
  at = readMember(few, at);
  return few.substring(memberStart, at);
}

/**
 * SSCAN over a small set's members as if they were a hash table of the
 * size their count gives (a power of two, at least 4): buckets are visited
 * in reverse-binary cursor order, each yielding the members that hash to
 * it, until `count` members were seen. A resize between calls changes the
 * table size as a real table's would, and the reverse-binary order makes
 * that miss nothing, as in Redis.
 */
function scanFew(
  few: string[],
  cursor: number,
  count: number,
  visit: (member: string) => void,
): number {
  let size = 4;
  while (size < few.length) size *= 2;
  const mask = size - 1;
  const buckets = few.map((m) => hashLatin1(m) & mask);
  let visited = 0;
  let v = cursor >>> 0;
  do {
    const bucket = v & mask;
    for (let i = 0; i < few.length; i++) {
      if (buckets[i] !== bucket) continue;
      visit(few[i]);
      visited++;
    }
    v = nextCursor(v, mask);
  } while (v !== 0 && visited < count);
  return v;
}
