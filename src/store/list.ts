/**
 * The list value: a double-ended queue of members (bytes; the string API
 * speaks latin1, see util/bytes.ts), in one of two forms.
 *
 * - Packed: a list of at most {@link FEW_MAX} members of at most
 *   {@link FEW_MEMBER_MAX} bytes each (Redis keeps such a list in one small
 *   listpack) is one latin1 string of its members in order, each
 *   `[length, varint][bytes]` (src/store/packed_string.ts). A change
 *   rebuilds the string, as Redis moves listpack memory; reading member
 *   `i` scans the entries before it, from where the last read stopped
 *   when it is further on (so walking a list is linear). Such a list is
 *   two objects on V8's heap, itself (three fields) and its string: about
 *   100 bytes for two short members, where an array of member strings and
 *   the ring's ten fields took ~270. Millions of small lists are then that
 *   much less for the garbage collector to copy and mark.
 * - A ring of blocks otherwise (src/store/list_ring.ts), O(1) at both ends
 *   and at any index, held in a separate object so that a packed list
 *   carries none of its fields. The first push or write that does not fit
 *   moves a packed list there; a ring that shrinks to half of
 *   {@link FEW_MAX} members, all short enough, is packed again (Redis 7.2
 *   turns a quicklist back into a listpack at half its limits, so a list
 *   hovering at the limit does not convert on every change).
 *
 * @module
 */

import type { Collection } from "./collection.ts";
import { elementStart, encodeLength, flat, readLength } from "./packed_string.ts";
import { stringBytes } from "./zset_encoding.ts";
import { ListRing } from "./list_ring.ts";

/** Most members a list keeps in its packed form. */
export const FEW_MAX = 8;
/** Longest member (bytes) the packed form holds. */
export const FEW_MEMBER_MAX = 64;
/** A ring down to this many members, all short enough, is packed again. */
const REPACK_MAX = FEW_MAX >>> 1;
/** Approximate V8 size of the list object itself (three fields, no pointer compression). */
const LIST_BYTES = 48;
/** Shortest string V8 makes a slice of (shorter ones are copied). */
const MIN_SLICE = 13;

/** Where {@link ListValue.writeBulk} sends a member (a ReplyWriter). */
export interface BulkSink {
  /** Writes `n` bytes of `source` from `offset` as one bulk string. */
  bulkSlice(source: Uint8Array, offset: number, n: number): void;
  /** Writes a latin1 string as one bulk string. */
  bulkLatin1(text: string): void;
}

// The cursor, shared by all lists (every method reads what it needs
// before calling out). Its numbers sit in a typed array: V8 stores numbers
// to a module's `let` variables several times slower (measured: a
// sequential equalsBytes of a packed list ~18 ns with them, ~9 without).
const cursor = new Int32Array(7);
/** Index of the member {@link seek} found. */
const INDEX = 0;
/** Where that member's entry starts. */
const ENTRY = 1;
/** Where its bytes start. */
const START = 2;
/** Its length. */
const LENGTH = 3;
/** Where the bytes of the member {@link readEntry} decoded start (apart from seek's: it leaves those). */
const READ_START = 4;
/** That member's length. */
const READ_LENGTH = 5;
/** The character {@link settle} read last. */
const SETTLED = 6;
/**
 * The list and the packed string {@link seek}'s cursor is in. The list is
 * compared first: comparing two strings compares their characters when
 * they are different strings of the same length. The string is compared
 * too, as the list may have changed since (equal strings have equal
 * offsets).
 */
const seekIn: { list: ListValue | null; data: string } = { list: null, data: "" };

/**
 * Puts the cursor on member `index` (in `[0, count)`) of `data`, the
 * packed members of `list`, scanning from the last member found when that
 * is in the same string and not past it, else from the start.
 */
function seek(list: ListValue, data: string, index: number): void {
  let i = 0;
  let at = 0;
  if (list === seekIn.list && index >= cursor[INDEX] && data === seekIn.data) {
    if (index === cursor[INDEX]) return;
    i = cursor[INDEX] + 1;
    at = cursor[START] + cursor[LENGTH];
  } else {
    seekIn.list = list;
    seekIn.data = data;
  }
  for (; i < index; i++) {
    // Lengths under 128 take one character: no varint decoding for them.
    const c = data.charCodeAt(at);
    at = c < 0x80 ? at + 1 + c : readLength(data, at) + elementStart;
  }
  cursor[INDEX] = index;
  cursor[ENTRY] = at;
  const c = data.charCodeAt(at);
  if (c < 0x80) {
    cursor[START] = at + 1;
    cursor[LENGTH] = c;
  } else {
    cursor[LENGTH] = readLength(data, at);
    cursor[START] = elementStart;
  }
}

/**
 * Decodes the packed entry at offset `at` of `data` into
 * `cursor[READ_START]` and `cursor[READ_LENGTH]`; returns where the next
 * entry starts.
 */
function readEntry(data: string, at: number): number {
  let start = at + 1;
  let length = data.charCodeAt(at);
  if (length >= 0x80) {
    length = readLength(data, at);
    start = elementStart;
  }
  cursor[READ_START] = start;
  cursor[READ_LENGTH] = length;
  return start + length;
}

/** True when the `n` characters of `data` from `at` are `member`'s bytes. */
function sameBytes(data: string, at: number, n: number, member: Uint8Array): boolean {
  if (n !== member.length) return false;
  for (let i = 0; i < n; i++) if (data.charCodeAt(at + i) !== member[i]) return false;
  return true;
}

/**
 * `text` (the result of `+`) made flat. `+` builds a rope, an object
 * linking its parts that keeps them alive; reading a character of it has
 * V8 copy them into one flat string, and the next young-generation
 * collection replaces the rope by that string wherever it is referenced
 * (measured: a list built by pushes takes the same heap as one built at
 * once). A `+` and a read cost ~60 ns where the `join` of
 * packed_string.ts `flat` costs ~100.
 */
function settle(text: string): string {
  // Stored, so that the read is not optimised away.
  cursor[SETTLED] = text.charCodeAt(0);
  return text;
}

/**
 * Characters `[from, to)` of `data` as a string of their own: a slice of
 * {@link MIN_SLICE} or more characters would keep all of `data` alive, so
 * those are copied (two slices joined by `+`, then flattened).
 */
function copyOf(data: string, from: number, to: number): string {
  if (to - from < MIN_SLICE) return data.substring(from, to);
  return settle(data.substring(from, from + 1) + data.substring(from + 1, to));
}

/**
 * Plain arrays of small integers, one of each length an entry can have,
 * reused to build entries: `String.fromCharCode.apply` reads a plain array
 * several times faster than a typed array (~45 ns against ~120 for a
 * 12-byte entry).
 */
const ENTRY_CODES: number[][] = Array.from(
  { length: FEW_MEMBER_MAX + 3 },
  (_, n) => Array.from({ length: n }, () => 0),
);

/** The packed entry `[length][bytes]` of a member given as bytes (at most {@link FEW_MEMBER_MAX}). */
function packEntry(member: Uint8Array): string {
  const n = member.length;
  const head = n < 0x80 ? 1 : 2;
  const codes = ENTRY_CODES[head + n];
  if (head === 1) codes[0] = n;
  else {
    codes[0] = (n & 0x7f) | 0x80;
    codes[1] = n >>> 7;
  }
  for (let i = 0; i < n; i++) codes[head + i] = member[i];
  return String.fromCharCode.apply(null, codes);
}

/**
 * A list of members (bytes; latin1 strings in the string API), as stored
 * under a list key.
 *
 * @example
 * ```ts
 * const list = ListValue.fromArray(["a", "b"]);
 * list.pushFront("z");
 * list.popBack(); // "b"
 * [...list.values()]; // ["z", "a"]
 * ```
 */
export class ListValue implements Collection {
  /** While packed: the members, `[length][bytes]` each, head to tail ("" once in the ring). */
  private packed = "";
  /** Number of members while packed. */
  private count = 0;
  /** The members once they did not fit the packed form, else null. */
  private ring: ListRing | null = null;

  /**
   * Builds a list holding `members` in order (persistence loading, tests).
   * The array is not kept.
   */
  static fromArray(members: readonly string[]): ListValue {
    const list = new ListValue();
    const n = members.length;
    let bytes = 0;
    let longest = 0;
    for (let i = 0; i < n; i++) {
      bytes += members[i].length;
      longest = Math.max(longest, members[i].length);
    }
    if (n <= FEW_MAX && longest <= FEW_MEMBER_MAX) {
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(encodeLength(members[i].length), members[i]);
      list.packed = flat(parts);
      list.count = n;
      return list;
    }
    const ring = new ListRing(n, bytes);
    for (let i = 0; i < n; i++) ring.pushBack(members[i]);
    list.ring = ring;
    return list;
  }

  /** Number of members. */
  get size(): number {
    return this.ring === null ? this.count : this.ring.length;
  }

  /** Redis 7.0 stores every list as a quicklist. */
  encoding(): string {
    return "quicklist";
  }

  /** A deep copy. */
  clone(): ListValue {
    const copy = new ListValue();
    // Strings are immutable: the copy can share the packed members.
    copy.packed = this.packed;
    copy.count = this.count;
    copy.ring = this.ring === null ? null : this.ring.clone();
    return copy;
  }

  /** Approximate bytes used: the packed members, or the ring's structure, slot tables and arenas. */
  memoryUsage(): number {
    if (this.ring === null) return LIST_BYTES + stringBytes(this.packed.length);
    return LIST_BYTES + this.ring.memoryUsage();
  }

  // ------------------------------------------------------------- reading

  /** The member at `index` (0 = head; must be in `[0, size)`). */
  at(index: number): string {
    if (this.ring !== null) return this.ring.at(index);
    seek(this, this.packed, index);
    return this.packed.substring(cursor[START], cursor[START] + cursor[LENGTH]);
  }

  /** Byte length of the member at `index` (must be in `[0, size)`). */
  lengthAt(index: number): number {
    if (this.ring !== null) return this.ring.lengthAt(index);
    seek(this, this.packed, index);
    return cursor[LENGTH];
  }

  /** Writes the member at `index` (in `[0, size)`) to `out` as a bulk string. */
  writeBulk(index: number, out: BulkSink): void {
    if (this.ring !== null) {
      this.ring.writeBulk(index, out);
      return;
    }
    seek(this, this.packed, index);
    out.bulkLatin1(this.packed.substring(cursor[START], cursor[START] + cursor[LENGTH]));
  }

  /**
   * The member at a Redis-style index (negative counts from the tail), or
   * undefined when out of range.
   */
  get(index: number): string | undefined {
    const n = this.size;
    const i = index < 0 ? n + index : index;
    if (i < 0 || i >= n) return undefined;
    return this.at(i);
  }

  /** Members in order, head to tail. The list must not change while iterating. */
  *values(): IterableIterator<string> {
    for (let i = 0; i < this.size; i++) yield this.at(i);
  }

  /** Same as {@link values}. */
  [Symbol.iterator](): IterableIterator<string> {
    return this.values();
  }

  /** A new array of the members in order. */
  toArray(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  /** True when the member at `index` (in `[0, size)`) holds exactly `member`'s bytes. */
  equalsBytes(index: number, member: Uint8Array): boolean {
    if (this.ring !== null) return this.ring.equalsBytes(index, member);
    seek(this, this.packed, index);
    return sameBytes(this.packed, cursor[START], cursor[LENGTH], member);
  }

  /**
   * Position of the first member equal to `member` scanning from `from`
   * towards the tail (`step` 1) or the head (`step` -1); -1 when absent.
   */
  indexOf(member: Uint8Array, from = 0, step: 1 | -1 = 1): number {
    const n = this.size;
    if (this.ring !== null || from < 0 || from >= n) {
      for (let i = from; i >= 0 && i < n; i += step) {
        if (this.equalsBytes(i, member)) return i;
      }
      return -1;
    }
    // Packed: one pass from `from` on, or (towards the head) from the start
    // to `from`, keeping the last match.
    const data = this.packed;
    const first = step === 1 ? from : 0;
    const last = step === 1 ? n - 1 : from;
    let found = -1;
    seek(this, data, first);
    let at = cursor[ENTRY];
    for (let i = first; i <= last; i++) {
      at = readEntry(data, at);
      if (sameBytes(data, cursor[READ_START], cursor[READ_LENGTH], member)) {
        if (step === 1) return i;
        found = i;
      }
    }
    return found;
  }

  // ------------------------------------------------------------- writing

  /** Replaces the member at `index` (must be in `[0, size)`). */
  set(index: number, member: string): void {
    if (this.ring === null) {
      if (member.length <= FEW_MEMBER_MAX) {
        this.setPacked(index, encodeLength(member.length) + member);
        return;
      }
      this.toRing();
    }
    this.ring!.set(index, member);
  }

  /** {@link set} with the member given as bytes (copied). */
  setBytes(index: number, member: Uint8Array): void {
    if (this.ring === null) {
      if (member.length <= FEW_MEMBER_MAX) {
        this.setPacked(index, packEntry(member));
        return;
      }
      this.toRing();
    }
    this.ring!.setBytes(index, member);
  }

  /** Adds a member at the tail (RPUSH). */
  pushBack(member: string): void {
    if (this.staysPacked(member.length)) {
      this.insertPacked(this.count, encodeLength(member.length) + member);
    } else this.ring!.pushBack(member);
  }

  /** {@link pushBack} with the member given as bytes (copied). */
  pushBackBytes(member: Uint8Array): void {
    if (this.staysPacked(member.length)) this.insertPacked(this.count, packEntry(member));
    else this.ring!.pushBackBytes(member);
  }

  /** Adds a member at the head (LPUSH). */
  pushFront(member: string): void {
    if (this.staysPacked(member.length)) this.insertPacked(0, encodeLength(member.length) + member);
    else this.ring!.pushFront(member);
  }

  /** {@link pushFront} with the member given as bytes (copied). */
  pushFrontBytes(member: Uint8Array): void {
    if (this.staysPacked(member.length)) this.insertPacked(0, packEntry(member));
    else this.ring!.pushFrontBytes(member);
  }

  /** Removes and returns the head member, or undefined when empty. */
  popFront(): string | undefined {
    if (this.size === 0) return undefined;
    const member = this.at(0);
    this.removeFront(1);
    return member;
  }

  /** Removes and returns the tail member, or undefined when empty. */
  popBack(): string | undefined {
    const n = this.size;
    if (n === 0) return undefined;
    const member = this.at(n - 1);
    this.removeBack(1);
    return member;
  }

  /** Removes `count` members from the head (clamped to the size). */
  removeFront(count: number): void {
    this.removeEnd(count, true);
  }

  /** Removes `count` members from the tail (clamped to the size). */
  removeBack(count: number): void {
    this.removeEnd(count, false);
  }

  /** Removes `count` members (clamped to the size) from the head when `front`, else from the tail. */
  private removeEnd(count: number, front: boolean): void {
    const ring = this.ring;
    if (ring !== null) {
      const k = Math.min(count, ring.length);
      if (front) ring.removeFront(k);
      else ring.removeBack(k);
      this.ringShrank();
      return;
    }
    const n = this.count;
    if (count <= 0) return;
    if (count >= n) {
      this.packed = "";
      this.count = 0;
      return;
    }
    const data = this.packed;
    seek(this, data, front ? count : n - count);
    this.packed = front ? copyOf(data, cursor[ENTRY], data.length) : copyOf(data, 0, cursor[ENTRY]);
    this.count = n - count;
  }

  /**
   * Inserts a member so that it ends up at `index` (in `[0, size]`),
   * shifting the shorter side of a ring: O(min(index, size − index)).
   */
  insert(index: number, member: string): void {
    if (this.staysPacked(member.length)) {
      this.insertPacked(index, encodeLength(member.length) + member);
    } else this.ring!.insert(index, member);
  }

  /** {@link insert} with the member given as bytes (copied). */
  insertBytes(index: number, member: Uint8Array): void {
    if (this.staysPacked(member.length)) this.insertPacked(index, packEntry(member));
    else this.ring!.insertBytes(index, member);
  }

  /** Removes the member at `index` (in `[0, size)`), shifting the shorter side of a ring. */
  removeAt(index: number): void {
    if (this.ring !== null) {
      this.ring.removeAt(index);
      this.ringShrank();
      return;
    }
    const data = this.packed;
    seek(this, data, index);
    const from = cursor[ENTRY];
    const to = cursor[START] + cursor[LENGTH];
    this.count--;
    if (from === 0) this.packed = copyOf(data, to, data.length);
    else if (to === data.length) this.packed = copyOf(data, 0, from);
    else this.packed = settle(data.slice(0, from) + data.slice(to));
  }

  /**
   * Removes members equal to `member`: up to `limit` of them (0 = all),
   * scanning from the head, or from the tail when `fromTail`. One pass,
   * O(size). Returns how many were removed.
   */
  removeMatching(member: Uint8Array, limit: number, fromTail: boolean): number {
    if (this.ring !== null) {
      const removed = this.ring.removeMatching(member, limit, fromTail);
      if (removed > 0) this.ringShrank();
      return removed;
    }
    const data = this.packed;
    const n = this.count;
    // From the tail, the last `limit` matches go: skip the ones before them.
    let skip = 0;
    if (fromTail && limit > 0) {
      let at = 0;
      for (let i = 0; i < n; i++) {
        at = readEntry(data, at);
        if (sameBytes(data, cursor[READ_START], cursor[READ_LENGTH], member)) skip++;
      }
      skip = Math.max(0, skip - limit);
    }
    // The runs of entries kept, joined; the last one's bounds.
    let kept = "";
    let runs = 0;
    let runFrom = 0;
    let runTo = 0;
    let removed = 0;
    let keptFrom = 0;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const next = readEntry(data, at);
      if (
        (limit === 0 || removed < limit) &&
        sameBytes(data, cursor[READ_START], cursor[READ_LENGTH], member)
      ) {
        if (skip > 0) skip--;
        else {
          if (at > keptFrom) {
            kept += data.slice(keptFrom, at);
            runs++;
            runFrom = keptFrom;
            runTo = at;
          }
          keptFrom = next;
          removed++;
        }
      }
      at = next;
    }
    if (removed === 0) return 0;
    if (keptFrom < data.length) {
      kept += data.slice(keptFrom);
      runs++;
      runFrom = keptFrom;
      runTo = data.length;
    }
    this.packed = runs === 1 ? copyOf(data, runFrom, runTo) : settle(kept);
    this.count = n - removed;
    return removed;
  }

  // ------------------------------------------------------------- storage

  /**
   * True when the list is packed and takes one more member of `bytes`
   * bytes; when it does not, the list moves to the ring.
   */
  private staysPacked(bytes: number): boolean {
    if (this.ring !== null) return false;
    if (this.count < FEW_MAX && bytes <= FEW_MEMBER_MAX) return true;
    this.toRing();
    return false;
  }

  /**
   * Inserts a packed entry (`[length][bytes]`) into the packed form so
   * that its member ends up at `index` (in `[0, count]`).
   */
  private insertPacked(index: number, entry: string): void {
    const data = this.packed;
    const n = this.count;
    if (index === n) this.packed = settle(data + entry);
    else if (index === 0) this.packed = settle(entry + data);
    else {
      seek(this, data, index);
      const at = cursor[ENTRY];
      this.packed = settle(data.slice(0, at) + entry + data.slice(at));
    }
    this.count = n + 1;
  }

  /** Replaces the packed member at `index` by a packed entry. */
  private setPacked(index: number, entry: string): void {
    const data = this.packed;
    seek(this, data, index);
    this.packed = settle(
      data.slice(0, cursor[ENTRY]) + entry + data.slice(cursor[START] + cursor[LENGTH]),
    );
  }

  /** Moves the packed members into a ring, with room for one more. */
  private toRing(): void {
    const data = this.packed;
    const n = this.count;
    const ring = new ListRing(n + 1, data.length);
    let at = 0;
    for (let i = 0; i < n; i++) {
      at = readEntry(data, at);
      ring.pushBackRange(data, cursor[READ_START], cursor[READ_LENGTH]);
    }
    this.ring = ring;
    this.packed = "";
    this.count = 0;
  }

  /**
   * After members left the ring: drops an emptied ring (an emptied list is
   * packed, and empty), and packs a ring down to {@link REPACK_MAX}
   * members when they all fit.
   */
  private ringShrank(): void {
    const ring = this.ring!;
    const n = ring.length;
    if (n > REPACK_MAX) return;
    for (let i = 0; i < n; i++) if (ring.lengthAt(i) > FEW_MEMBER_MAX) return;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const member = ring.at(i);
      parts.push(encodeLength(member.length), member);
    }
    this.packed = flat(parts);
    this.count = n;
    this.ring = null;
  }
}
