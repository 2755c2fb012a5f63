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
 * Small sets are packed into one string each, so that millions of them
 * are few objects for V8's garbage collector to mark and copy, with no
 * pointers inside (a set of two short members took ~195 bytes of heap as
 * an array of strings, ~100 packed):
 *
 * - An intset is one string of fixed-width entries in numeric order
 *   (src/store/set_intset.ts), binary-searched; members become decimal
 *   text again when read.
 * - A `hashtable` set of up to {@link FEW_MAX} members is one latin1
 *   string: a character holding the member count, then the members in
 *   insertion order, each `[length, varint][bytes]`
 *   (src/store/packed_string.ts), searched by comparing bytes. It makes
 *   its {@link Dict} when it outgrows that (a table costs ~500 bytes more
 *   than two members need). Nothing outside tells the two apart: SSCAN
 *   walks the packed members as the table they would have been (see
 *   {@link SetValue.scan}).
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
import {
  INT_WIDTH,
  intAt,
  keyEntry,
  parseIntBytes,
  parseIntText,
  searchInts,
} from "./set_intset.ts";

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

/** Rough per-member cost in bytes of a table, for memory accounting. */
const TABLE_MEMBER_OVERHEAD = 56;
/** The set object itself. */
const SET_BASE_BYTES = 56;

/**
 * Longest string V8 makes flat when `+` joins two (a longer one is a rope
 * of its parts): packed strings this short are joined with `+`, which took
 * ~30 ns against ~100 for {@link flat}'s join (a two-member intset's SREM).
 */
const SHORT_MAX = 12;

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
  /** While `intset`-encoded: the packed entries (src/store/set_intset.ts); otherwise null. */
  private ints: string | null;
  /**
   * While a `hashtable` set of at most {@link FEW_MAX} members: the member
   * count as a character, then the members packed in insertion order;
   * otherwise null.
   */
  private few: string | null;
  /** Members of a larger `hashtable` set, otherwise null. */
  private table: Dict | null;
  /**
   * Once the set has its table: the sum of member lengths, for
   * {@link memoryUsage}. Before (a packed set is measured by its string):
   * the members expected when it makes the table (see {@link empty}). One
   * field for both keeps the set object a field smaller.
   */
  private hintOrBytes = 0;

  private constructor(ints: string | null, few: string | null, table: Dict | null) {
    this.ints = ints;
    this.few = few;
    this.table = table;
  }

  /**
   * An empty `intset`-encoded set, the way Redis starts the result of
   * SINTERSTORE/SUNIONSTORE/SDIFFSTORE: it converts as members are added.
   */
  static empty(sizeHint = 0): SetValue {
    const set = new SetValue("", null, null);
    set.hintOrBytes = sizeHint;
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
      // Entries sort as their code units do, which is numeric order.
      const entries = list.map((m) => {
        parseIntText(m);
        return keyEntry();
      }).sort();
      const unique: string[] = [];
      for (const e of entries) if (unique[unique.length - 1] !== e) unique.push(e);
      return new SetValue(unique.join(""), null, null);
    }
    const set = list.length <= FEW_MAX
      ? new SetValue(null, EMPTY_FEW, null)
      : new SetValue(null, null, new Dict(list.length));
    for (const m of list) set.add(m, limits);
    return set;
  }

  /** Number of members. */
  get size(): number {
    if (this.ints !== null) return this.ints.length >>> 2;
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
    if (this.ints !== null) return parseIntText(member) && searchInts(this.ints) >= 0;
    if (this.few !== null) return fewFind(this.few, member);
    return this.table!.has(member);
  }

  /**
   * {@link has} for a member given as bytes, looked up without making a JS
   * string.
   */
  hasBytes(member: Uint8Array): boolean {
    if (this.ints !== null) return parseIntBytes(member) && searchInts(this.ints) >= 0;
    if (this.few !== null) return fewFindBytes(this.few, member);
    return this.table!.hasBytes(member);
  }

  /**
   * {@link add} for a member given as bytes: it becomes a JS string only
   * when a `hashtable` set does not have it yet.
   */
  addBytes(member: Uint8Array, limits: SetLimits): boolean {
    if (this.ints !== null) {
      if (parseIntBytes(member)) return this.insertParsed(this.ints, limits);
      this.convertToTable(this.size + 1);
    }
    const few = this.few;
    if (few !== null) {
      if (fewFindBytes(few, member)) return false;
      this.appendToFew(few, latin1(member));
      return true;
    }
    if (this.table!.hasBytes(member)) return false;
    return this.addToTable(latin1(member));
  }

  /**
   * Adds a member; returns true when it was not there. Converts to
   * `hashtable` on the first non-integer member or when the intset grows
   * past `set-max-intset-entries`, as Redis does.
   */
  add(member: string, limits: SetLimits): boolean {
    if (this.ints !== null) {
      if (parseIntText(member)) return this.insertParsed(this.ints, limits);
      this.convertToTable(this.size + 1);
    }
    const few = this.few;
    if (few !== null) {
      if (fewFind(few, member)) return false;
      this.appendToFew(few, member);
      return true;
    }
    return this.addToTable(member);
  }

  /** Adds the integer parsed last to the intset `ints` unless there; converts when it is then too large. */
  private insertParsed(ints: string, limits: SetLimits): boolean {
    const found = searchInts(ints);
    if (found >= 0) return false;
    const at = (-found - 1) * INT_WIDTH;
    this.ints = ints.length + INT_WIDTH <= SHORT_MAX
      ? ints.slice(0, at) + keyEntry() + ints.slice(at)
      : flat([ints.slice(0, at), keyEntry(), ints.slice(at)]);
    const size = (ints.length >>> 2) + 1;
    if (size > limits.maxIntsetEntries) this.convertToTable(size);
    return true;
  }

  /** Adds a member to the table; returns true when it was not there. */
  private addToTable(member: string): boolean {
    if (!this.table!.set(member, 0)) return false;
    this.hintOrBytes += member.length;
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
    this.few = null;
    this.makeTable(members, Math.max(count + 1, this.hintOrBytes));
    this.addToTable(member);
  }

  /** Removes a member; returns true when it was there. */
  remove(member: string): boolean {
    const ints = this.ints;
    if (ints !== null) {
      if (!parseIntText(member)) return false;
      const found = searchInts(ints);
      if (found < 0) return false;
      const at = found * INT_WIDTH;
      this.ints = ints.length - INT_WIDTH <= SHORT_MAX
        ? ints.slice(0, at) + ints.slice(at + INT_WIDTH)
        : flat([ints.slice(0, at), ints.slice(at + INT_WIDTH)]);
      return true;
    }
    const few = this.few;
    if (few !== null) {
      if (!fewFind(few, member)) return false;
      this.few = flat([
        encodeLength(few.charCodeAt(0) - 1),
        few.slice(1, entryAt),
        few.slice(entryEnd),
      ]);
      return true;
    }
    if (!this.table!.delete(member)) return false;
    this.hintOrBytes -= member.length;
    return true;
  }

  /**
   * Iterates the members in Redis's order for this encoding: ascending
   * numeric order for `intset`, unspecified for `hashtable`. Do not modify
   * the set while iterating.
   */
  members(): IterableIterator<string> {
    if (this.ints !== null) return intMembers(this.ints).values();
    return this.few !== null ? fewMembers(this.few).values() : this.table!.keys();
  }

  /** Calls `visit` for every member, in {@link members} order. */
  forEach(visit: (member: string) => void): void {
    const ints = this.ints;
    if (ints !== null) {
      const n = ints.length >>> 2;
      for (let i = 0; i < n; i++) visit(intAt(ints, i));
    } else if (this.few !== null) {
      fewEach(this.few, visit);
    } else {
      this.table!.forEach((m) => visit(m));
    }
  }

  /** A uniformly random member (the set must not be empty). */
  randomMember(): string {
    const ints = this.ints;
    if (ints !== null) return intAt(ints, (Math.random() * (ints.length >>> 2)) | 0);
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
      this.forEach(visit);
      return 0;
    }
    if (this.few !== null) return scanFew(fewMembers(this.few), cursor, count, visit);
    return this.table!.scan(cursor, count, visit);
  }

  /** A deep copy with the same encoding and iteration order. */
  clone(): SetValue {
    // Strings are immutable: a packed copy shares them. The copy expects no
    // particular size (a size hint is not carried over).
    if (this.table === null) return new SetValue(this.ints, this.few, null);
    const table = new Dict(this.table.size);
    this.table.forEach((m) => table.set(m, 0));
    const copy = new SetValue(null, null, table);
    copy.hintOrBytes = this.hintOrBytes;
    return copy;
  }

  /**
   * Approximate bytes used: a packed set's string (two bytes a character
   * for an intset's), or a table's member bytes plus a per-member cost.
   */
  memoryUsage(): number {
    if (this.ints !== null) return SET_BASE_BYTES + stringBytes(2 * this.ints.length);
    if (this.few !== null) return SET_BASE_BYTES + stringBytes(this.few.length);
    return SET_BASE_BYTES + this.hintOrBytes + this.table!.size * TABLE_MEMBER_OVERHEAD;
  }

  /** Leaves `intset` for `hashtable`, expecting `expected` members. */
  private convertToTable(expected: number): void {
    const members = intMembers(this.ints!);
    this.ints = null;
    const wanted = Math.max(expected, this.hintOrBytes);
    if (wanted <= FEW_MAX) this.few = packFew(members);
    else this.makeTable(members, wanted);
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
    this.hintOrBytes = bytes;
  }
}

/** The members of a packed intset, in order, as decimal text. */
function intMembers(ints: string): string[] {
  const n = ints.length >>> 2;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = intAt(ints, i);
  return out;
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
