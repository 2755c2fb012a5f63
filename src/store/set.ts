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
 * A `hashtable` set of up to {@link FEW_MAX} members keeps them in one
 * exactly-sized array, searched by comparing bytes, and makes its
 * {@link Dict} when it outgrows that (a table costs ~500 bytes more than
 * two members need). Nothing outside tells the two apart: SSCAN walks the
 * array as the table it would have been (see {@link SetValue.scan}).
 *
 * Members are bytes held as latin1 strings (see util/bytes.ts).
 *
 * @module
 */

import type { Collection } from "./collection.ts";
import { Dict } from "./dict.ts";
import { hashLatin1, latin1, latin1Equals } from "../util/bytes.ts";
import { nextCursor } from "./scan_cursor.ts";
import { withInserted, withoutRange } from "../util/exact_arrays.ts";

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
 * Most members a `hashtable` set keeps in its array before it makes a
 * {@link Dict}: a search compares each member's bytes (~10 ns when the
 * lengths differ, about a byte per ns when they only differ at the end),
 * which stays within a hash lookup's cost up to here.
 */
export const FEW_MAX = 16;

/** Rough per-member cost in bytes of each encoding, for memory accounting. */
const INTSET_MEMBER_OVERHEAD = 24;
const FEW_MEMBER_OVERHEAD = 16;
const TABLE_MEMBER_OVERHEAD = 56;
const SET_BASE_BYTES = 64;

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
  /** Members of a `hashtable` set of at most {@link FEW_MAX}, in insertion order; otherwise null. */
  private few: string[] | null;
  /** Members of a larger `hashtable` set, otherwise null. */
  private table: Dict | null;
  /** Sum of member lengths, for {@link memoryUsage}. */
  private payloadBytes = 0;
  /** Members expected when the set turns into a table (see {@link empty}). */
  private sizeHint = 0;

  private constructor(ints: string[] | null, few: string[] | null, table: Dict | null) {
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
    return isInt64Text(member) ? SetValue.empty() : new SetValue(null, [], null);
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
      ? new SetValue(null, [], null)
      : new SetValue(null, null, new Dict(list.length));
    for (const m of list) set.add(m, limits);
    return set;
  }

  /** Number of members. */
  get size(): number {
    if (this.ints !== null) return this.ints.length;
    return this.few !== null ? this.few.length : this.table!.size;
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
    if (this.few !== null) return this.few.includes(member);
    return this.table!.has(member);
  }

  /**
   * {@link has} for a member given as bytes: a `hashtable` set looks it up
   * without making a JS string.
   */
  hasBytes(member: Uint8Array): boolean {
    if (this.ints !== null) return this.has(latin1(member));
    if (this.few !== null) return fewIndexOf(this.few, member) >= 0;
    return this.table!.hasBytes(member);
  }

  /**
   * {@link add} for a member given as bytes: it becomes a JS string only
   * when a `hashtable` set does not have it yet.
   */
  addBytes(member: Uint8Array, limits: SetLimits): boolean {
    const few = this.few;
    if (few !== null) {
      if (fewIndexOf(few, member) >= 0) return false;
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
      if (few.includes(member)) return false;
      this.appendToFew(few, member);
      return true;
    }
    if (!this.table!.set(member, 0)) return false;
    this.payloadBytes += member.length;
    return true;
  }

  /** Adds a member known to be absent to the small array, or makes the table when it is full. */
  private appendToFew(few: string[], member: string): void {
    this.payloadBytes += member.length;
    if (few.length < FEW_MAX) {
      this.few = withInserted(few, few.length, member);
      return;
    }
    this.few = null;
    this.table = dictOf(few, Math.max(few.length + 1, this.sizeHint));
    this.table.set(member, 0);
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
      const at = this.few.indexOf(member);
      if (at < 0) return false;
      this.few = withoutRange(this.few, at, at + 1);
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
    return this.few !== null ? this.few.values() : this.table!.keys();
  }

  /** Calls `visit` for every member, in {@link members} order. */
  forEach(visit: (member: string) => void): void {
    const list = this.ints ?? this.few;
    if (list !== null) {
      for (const m of list) visit(m);
    } else {
      this.table!.forEach((m) => visit(m));
    }
  }

  /** A uniformly random member (the set must not be empty). */
  randomMember(): string {
    const list = this.ints ?? this.few;
    if (list !== null) return list[(Math.random() * list.length) | 0];
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
    if (this.few !== null) return scanFew(this.few, cursor, count, visit);
    return this.table!.scan(cursor, count, visit);
  }

  /** A deep copy with the same encoding and iteration order. */
  clone(): SetValue {
    let copy: SetValue;
    if (this.ints !== null) {
      copy = new SetValue([...this.ints], null, null);
    } else if (this.few !== null) {
      copy = new SetValue(null, this.few.slice(), null);
    } else {
      const table = new Dict(this.table!.size);
      this.table!.forEach((m) => table.set(m, 0));
      copy = new SetValue(null, null, table);
    }
    copy.payloadBytes = this.payloadBytes;
    return copy;
  }

  /** Approximate bytes used: member bytes plus a per-member cost of the encoding. */
  memoryUsage(): number {
    const overhead = this.ints !== null
      ? INTSET_MEMBER_OVERHEAD
      : this.few !== null
      ? FEW_MEMBER_OVERHEAD
      : TABLE_MEMBER_OVERHEAD;
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
    if (Math.max(expected, this.sizeHint) <= FEW_MAX) this.few = ints.slice();
    else this.table = dictOf(ints, Math.max(expected, this.sizeHint));
  }
}

/** A dict of `members`, in their order, sized for `expected`. */
function dictOf(members: string[], expected: number): Dict {
  const table = new Dict(expected);
  for (const m of members) table.set(m, 0);
  return table;
}

/**
 * Index of the member whose bytes are `bytes`, or -1. Members often share a
 * prefix (`user:1001`, `user:1002`), so the last byte is compared before
 * the whole: a miss then costs a length and a byte per member.
 */
function fewIndexOf(few: string[], bytes: Uint8Array): number {
  const n = bytes.length;
  const last = n > 0 ? bytes[n - 1] : -1;
  for (let i = 0; i < few.length; i++) {
    const m = few[i];
    if (m.length === n && (n === 0 || m.charCodeAt(n - 1) === last) && latin1Equals(m, bytes)) {
      return i;
    }
  }
  return -1;
}

/**
 * SSCAN over a small set's array as if it were a hash table of the size
 * its member count gives (a power of two, at least 4): buckets are visited
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
