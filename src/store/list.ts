/**
 * The list value: a double-ended queue of members, each member's bytes
 * held in typed arrays (the string API speaks latin1, see util/bytes.ts).
 *
 * Layout: a ring buffer whose storage is split into blocks of at most
 * {@link MAX_BLOCK} slots. Element `i` sits at ring position
 * `(head + i) & mask`, in block `position >>> shift`, slot
 * `position & blockMask`, so any index is reached in O(1) and both ends
 * push and pop in O(1).
 *
 * - Each block keeps its members' bytes in one arena (a `Uint8Array`
 *   filled by a bump offset) and per-slot offsets and lengths in an
 *   `Int32Array`. A member is written once when stored; no JS object
 *   exists per member, so a list of millions costs the garbage collector
 *   nothing to scan or copy. Freed bytes are counted, and an arena that
 *   runs out of room is replaced by one sized to its live bytes (live
 *   members copied over: compaction and growth in one step).
 * - A small list has one block that grows by doubling (4, 8 ... 1024
 *   slots), so a short list costs a few dozen bytes beyond its members.
 * - A large list grows by doubling the block directory. The ring is
 *   re-linked block by block (only the block the ring wraps in is split),
 *   so growing a list of millions of members moves a few thousand
 *   blocks' worth of pointers instead of copying every member.
 * - Blocks a large list no longer uses are released at once, and a list
 *   that shrinks far is compacted again, so memory follows the length.
 *
 * Middle insertions and removals shift the shorter side (slot moves within
 * a block copy only the offset and length).
 *
 * A list of at most {@link FEW_MAX} members of at most
 * {@link FEW_MEMBER_MAX} bytes each (Redis keeps such lists in one small
 * listpack) holds them as latin1 strings in one exactly-sized array, which
 * is rebuilt on each change: a block, its arena and slot table cost ~400
 * bytes more than two short members need. The first push or write that
 * does not fit moves it to the block ring, where it stays until emptied.
 *
 * @module
 */

import type { Collection } from "./collection.ts";
import { latin1, latin1Equals } from "../util/bytes.ts";
import { int32Array, uint8Array } from "../util/small_arrays.ts";
import { withInserted, withoutRange } from "../util/exact_arrays.ts";

/** Most members a list keeps in its array form. */
export const FEW_MAX = 8;
/** Longest member (bytes) the array form holds. */
export const FEW_MEMBER_MAX = 64;
/** Largest block, in slots (a power of two). */
const MAX_BLOCK_SHIFT = 10;
const MAX_BLOCK = 1 << MAX_BLOCK_SHIFT;
/** Smallest capacity a list is given. */
const MIN_CAPACITY = 4;
/** Largest capacity: ring positions must stay within int32 bit arithmetic. */
const MAX_CAPACITY = 2 ** 30;
/** Initial arena bytes per slot of a block. */
const ARENA_BYTES_PER_SLOT = 8;
/** A released block keeps its arena for reuse only up to this size. */
const MAX_SPARE_ARENA = 64 * 1024;
/** Length recorded for a slot that holds no member. */
const EMPTY = -1;

/** Approximate V8 sizes used by {@link ListValue.memoryUsage} (no pointer compression). */
const OBJECT_BYTES = 96;
const ARRAY_HEADER_BYTES = 32;
const SLOT_BYTES = 8;
const TYPED_ARRAY_BYTES = 160;
const STRING_HEADER_BYTES = 24;

/** Where {@link ListValue.writeBulk} sends a member (a ReplyWriter). */
export interface BulkSink {
  /** Writes `n` bytes of `source` from `offset` as one bulk string. */
  bulkSlice(source: Uint8Array, offset: number, n: number): void;
  /** Writes a latin1 string as one bulk string. */
  bulkLatin1(text: string): void;
}

/** Arena bytes a fresh block of `slots` slots starts with. */
function initialArena(slots: number): number {
  return slots * ARENA_BYTES_PER_SLOT;
}

/**
 * One block of slots: member bytes in `data` (bump-allocated up to `used`,
 * `dead` of them no longer referenced), and for slot `s` its offset at
 * `meta[2s]` and length at `meta[2s + 1]` ({@link EMPTY} when unused).
 */
class Block {
  data: Uint8Array;
  used = 0;
  dead = 0;
  meta: Int32Array;

  constructor(slots: number, arena = initialArena(slots)) {
    this.data = uint8Array(arena);
    this.meta = int32Array(slots * 2).fill(EMPTY);
  }

  /** A copy with its own arena and slot table. */
  clone(): Block {
    const copy = new Block(0, 0);
    copy.data = this.data.slice();
    copy.used = this.used;
    copy.dead = this.dead;
    copy.meta = this.meta.slice();
    return copy;
  }

  /** Reserves `n` bytes at the arena's end and returns their offset. */
  reserve(n: number): number {
    if (this.used + n > this.data.length) this.compact(n);
    const at = this.used;
    this.used += n;
    return at;
  }

  /**
   * Replaces the arena by one holding the live members plus room for
   * `need` more bytes and as much again spare, so compaction stays
   * amortised O(1) per byte written.
   */
  private compact(need: number): void {
    const live = this.used - this.dead;
    const want = live + need;
    const size = want + Math.max(want, initialArena(this.meta.length >>> 1));
    const next = uint8Array(size);
    const old = this.data;
    const meta = this.meta;
    let o = 0;
    for (let m = 0; m < meta.length; m += 2) {
      const len = meta[m + 1];
      if (len <= 0) continue;
      const from = meta[m];
      next.set(old.subarray(from, from + len), o);
      meta[m] = o;
      o += len;
    }
    this.data = next;
    this.used = o;
    this.dead = 0;
  }

  /** Stores `n` bytes of `src` from `offset` in the empty slot `s`. */
  writeBytes(s: number, src: Uint8Array, offset: number, n: number): void {
    const at = this.reserve(n);
    const data = this.data;
    if (n < 32) { for (let i = 0; i < n; i++) data[at + i] = src[offset + i]; }
    else data.set(src.subarray(offset, offset + n), at);
    this.meta[2 * s] = at;
    this.meta[2 * s + 1] = n;
  }

  /** Stores the latin1 string `text` in the empty slot `s`. */
  writeString(s: number, text: string): void {
    const n = text.length;
    const at = this.reserve(n);
    const data = this.data;
    for (let i = 0; i < n; i++) data[at + i] = text.charCodeAt(i);
    this.meta[2 * s] = at;
    this.meta[2 * s + 1] = n;
  }

  /** Empties slot `s`, counting its bytes as dead; returns its length. */
  free(s: number): number {
    const len = this.meta[2 * s + 1];
    this.dead += len;
    this.meta[2 * s + 1] = EMPTY;
    return len;
  }

  /**
   * Forgets every member (the caller knows no slot is in use), keeping the
   * arena unless it is larger than `keepArenaUpTo` bytes.
   */
  reset(keepArenaUpTo: number): void {
    this.meta.fill(EMPTY);
    this.used = 0;
    this.dead = 0;
    if (this.data.length > keepArenaUpTo) {
      this.data = uint8Array(initialArena(this.meta.length >>> 1));
    }
  }
}

/** Smallest power of two ≥ n (at least {@link MIN_CAPACITY}). */
function capacityFor(n: number): number {
  let cap = MIN_CAPACITY;
  while (cap < n) cap *= 2;
  return cap;
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
  /** The members while the list is in its array form (see the module comment), else null. */
  private few: string[] | null = [];
  /** Ring of blocks; `null` marks a block not allocated (large lists only). */
  private blocks: (Block | null)[] = [];
  /** log2 of the block size. */
  private shift = 0;
  private blockMask = 0;
  /** Capacity − 1 (capacity is a power of two). */
  private mask = 0;
  /** Ring position of element 0. */
  private head = 0;
  private length = 0;
  /** Sum of member lengths. */
  private bytes = 0;
  /**
   * One released (all-empty) block kept for reuse, so a large list used as
   * a queue cycles through its blocks without allocating.
   */
  private spare: Block | null = null;

  /**
   * Builds a list holding `members` in order (persistence loading, tests).
   * The array is not kept.
   */
  static fromArray(members: readonly string[]): ListValue {
    const list = new ListValue();
    let bytes = 0;
    let longest = 0;
    for (let i = 0; i < members.length; i++) {
      bytes += members[i].length;
      longest = Math.max(longest, members[i].length);
    }
    if (members.length <= FEW_MAX && longest <= FEW_MEMBER_MAX) {
      list.few = members.slice();
      list.length = members.length;
      list.bytes = bytes;
      return list;
    }
    list.few = null;
    list.allocate(capacityFor(members.length), bytes);
    for (let i = 0; i < members.length; i++) list.pushBack(members[i]);
    return list;
  }

  /** Number of members. */
  get size(): number {
    return this.length;
  }

  /** Redis 7.0 stores every list as a quicklist. */
  encoding(): string {
    return "quicklist";
  }

  /** A deep copy. */
  clone(): ListValue {
    const copy = new ListValue();
    copy.few = this.few === null ? null : this.few.slice();
    copy.blocks = this.blocks.map((b) => (b === null ? null : b.clone()));
    copy.shift = this.shift;
    copy.blockMask = this.blockMask;
    copy.mask = this.mask;
    copy.head = this.head;
    copy.length = this.length;
    copy.bytes = this.bytes;
    return copy;
  }

  /** Approximate bytes used: structure, slot tables and arenas. */
  memoryUsage(): number {
    if (this.few !== null) {
      return OBJECT_BYTES + ARRAY_HEADER_BYTES + this.length * (SLOT_BYTES + STRING_HEADER_BYTES) +
        this.bytes;
    }
    let total = OBJECT_BYTES + ARRAY_HEADER_BYTES + this.blocks.length * SLOT_BYTES;
    const blocks = this.spare === null ? this.blocks : [...this.blocks, this.spare];
    for (const b of blocks) {
      if (b !== null) {
        total += OBJECT_BYTES + 2 * TYPED_ARRAY_BYTES + b.meta.byteLength + b.data.byteLength;
      }
    }
    return total;
  }

  // ------------------------------------------------------------- reading

  /** Slot within its block of the member last found by {@link locate}. */
  private located = 0;

  /**
   * The block holding the member at `index` (in `[0, size)`); its slot is
   * left in {@link located} (no object per call: this is on every access).
   */
  private locate(index: number): Block {
    const p = (this.head + index) & this.mask;
    this.located = p & this.blockMask;
    return this.blocks[p >>> this.shift]!;
  }

  /** The member at `index` (0 = head; must be in `[0, size)`). */
  at(index: number): string {
    if (this.few !== null) return this.few[index];
    const block = this.locate(index);
    const s = this.located << 1;
    const from = block.meta[s];
    return latin1(block.data.subarray(from, from + block.meta[s + 1]));
  }

  /** Byte length of the member at `index` (must be in `[0, size)`). */
  lengthAt(index: number): number {
    if (this.few !== null) return this.few[index].length;
    const block = this.locate(index);
    return block.meta[(this.located << 1) + 1];
  }

  /** Writes the member at `index` (in `[0, size)`) to `out` as a bulk string. */
  writeBulk(index: number, out: BulkSink): void {
    if (this.few !== null) {
      out.bulkLatin1(this.few[index]);
      return;
    }
    const block = this.locate(index);
    const s = this.located << 1;
    out.bulkSlice(block.data, block.meta[s], block.meta[s + 1]);
  }

  /**
   * The member at a Redis-style index (negative counts from the tail), or
   * undefined when out of range.
   */
  get(index: number): string | undefined {
    const i = index < 0 ? this.length + index : index;
    if (i < 0 || i >= this.length) return undefined;
    return this.at(i);
  }

  /** Members in order, head to tail. The list must not change while iterating. */
  *values(): IterableIterator<string> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  /** Same as {@link values}. */
  [Symbol.iterator](): IterableIterator<string> {
    return this.values();
  }

  /** A new array of the members in order. */
  toArray(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i));
    return out;
  }

  /** True when the member at `index` (in `[0, size)`) holds exactly `member`'s bytes. */
  equalsBytes(index: number, member: Uint8Array): boolean {
    if (this.few !== null) return latin1Equals(this.few[index], member);
    const block = this.locate(index);
    const s = this.located << 1;
    const n = member.length;
    if (block.meta[s + 1] !== n) return false;
    const data = block.data;
    const from = block.meta[s];
    for (let i = 0; i < n; i++) if (data[from + i] !== member[i]) return false;
    return true;
  }

  /**
   * Position of the first member equal to `member` scanning from `from`
   * towards the tail (`step` 1) or the head (`step` -1); -1 when absent.
   */
  indexOf(member: Uint8Array, from = 0, step: 1 | -1 = 1): number {
    for (let i = from; i >= 0 && i < this.length; i += step) {
      if (this.equalsBytes(i, member)) return i;
    }
    return -1;
  }

  // ------------------------------------------------------------- writing

  /** Replaces the member at `index` (must be in `[0, size)`). */
  set(index: number, member: string): void {
    if (this.few !== null) {
      if (member.length <= FEW_MEMBER_MAX) {
        this.bytes += member.length - this.few[index].length;
        this.few[index] = member;
        return;
      }
      this.leaveFew();
    }
    const block = this.locate(index);
    const slot = this.located;
    this.bytes += member.length - block.free(slot);
    block.writeString(slot, member);
  }

  /** {@link set} with the member given as bytes (copied). */
  setBytes(index: number, member: Uint8Array): void {
    if (this.few !== null && member.length <= FEW_MEMBER_MAX) {
      this.set(index, latin1(member));
      return;
    }
    this.leaveFew();
    const block = this.locate(index);
    const slot = this.located;
    this.bytes += member.length - block.free(slot);
    block.writeBytes(slot, member, 0, member.length);
  }

  /** Adds a member at the tail (RPUSH). */
  pushBack(member: string): void {
    if (this.staysFew(member.length)) {
      this.insertFew(this.length, member);
      return;
    }
    const p = this.openBack();
    this.blockAt(p).writeString(p & this.blockMask, member);
    this.bytes += member.length;
  }

  /** {@link pushBack} with the member given as bytes (copied). */
  pushBackBytes(member: Uint8Array): void {
    if (this.staysFew(member.length)) {
      this.insertFew(this.length, latin1(member));
      return;
    }
    const p = this.openBack();
    this.blockAt(p).writeBytes(p & this.blockMask, member, 0, member.length);
    this.bytes += member.length;
  }

  /** Adds a member at the head (LPUSH). */
  pushFront(member: string): void {
    if (this.staysFew(member.length)) {
      this.insertFew(0, member);
      return;
    }
    const p = this.openFront();
    this.blockAt(p).writeString(p & this.blockMask, member);
    this.bytes += member.length;
  }

  /** {@link pushFront} with the member given as bytes (copied). */
  pushFrontBytes(member: Uint8Array): void {
    if (this.staysFew(member.length)) {
      this.insertFew(0, latin1(member));
      return;
    }
    const p = this.openFront();
    this.blockAt(p).writeBytes(p & this.blockMask, member, 0, member.length);
    this.bytes += member.length;
  }

  /** Removes and returns the head member, or undefined when empty. */
  popFront(): string | undefined {
    if (this.length === 0) return undefined;
    const member = this.at(0);
    if (this.few !== null) this.removeFew(0, 1);
    else this.dropFront(true);
    return member;
  }

  /** Removes and returns the tail member, or undefined when empty. */
  popBack(): string | undefined {
    if (this.length === 0) return undefined;
    const member = this.at(this.length - 1);
    if (this.few !== null) this.removeFew(this.length - 1, this.length);
    else this.dropBack(true);
    return member;
  }

  /** Removes `count` members from the head (clamped to the size). */
  removeFront(count: number): void {
    const n = Math.min(count, this.length);
    if (this.few !== null) this.removeFew(0, n);
    else for (let i = n; i > 0; i--) this.dropFront(true);
  }

  /** Removes `count` members from the tail (clamped to the size). */
  removeBack(count: number): void {
    const n = Math.min(count, this.length);
    if (this.few !== null) this.removeFew(this.length - n, this.length);
    else for (let i = n; i > 0; i--) this.dropBack(true);
  }

  /**
   * Inserts a member so that it ends up at `index` (in `[0, size]`),
   * shifting the shorter side: O(min(index, size − index)).
   */
  insert(index: number, member: string): void {
    if (this.staysFew(member.length)) {
      this.insertFew(index, member);
      return;
    }
    this.openAt(index);
    this.locate(index).writeString(this.located, member);
    this.bytes += member.length;
  }

  /** {@link insert} with the member given as bytes (copied). */
  insertBytes(index: number, member: Uint8Array): void {
    if (this.staysFew(member.length)) {
      this.insertFew(index, latin1(member));
      return;
    }
    this.openAt(index);
    this.locate(index).writeBytes(this.located, member, 0, member.length);
    this.bytes += member.length;
  }

  /** Removes the member at `index` (in `[0, size)`), shifting the shorter side. */
  removeAt(index: number): void {
    if (this.few !== null) {
      this.removeFew(index, index + 1);
      return;
    }
    const n = this.length;
    this.freeAt(index);
    if (index < n - 1 - index) {
      for (let i = index; i > 0; i--) this.move(i - 1, i);
      this.dropFront(false);
    } else {
      for (let i = index; i < n - 1; i++) this.move(i + 1, i);
      this.dropBack(false);
    }
  }

  /**
   * Removes members equal to `member`: up to `limit` of them (0 = all),
   * scanning from the head, or from the tail when `fromTail`. One pass,
   * O(size). Returns how many were removed.
   */
  removeMatching(member: Uint8Array, limit: number, fromTail: boolean): number {
    const n = this.length;
    let removed = 0;
    const few = this.few;
    if (few !== null) {
      const kept: string[] = [];
      for (let k = 0; k < n; k++) {
        const i = fromTail ? n - 1 - k : k;
        if ((limit === 0 || removed < limit) && latin1Equals(few[i], member)) {
          this.bytes -= few[i].length;
          removed++;
        } else kept.push(few[i]);
      }
      if (removed > 0) {
        // slice: an exactly-sized copy (kept grew by push).
        this.few = (fromTail ? kept.reverse() : kept).slice();
        this.length = kept.length;
      }
      return removed;
    }
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        if ((limit === 0 || removed < limit) && this.equalsBytes(r, member)) {
          this.freeAt(r);
          removed++;
        } else if (removed > 0) this.move(r, w++);
        else w++;
      }
      for (let i = 0; i < removed; i++) this.dropBack(false);
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        if ((limit === 0 || removed < limit) && this.equalsBytes(r, member)) {
          this.freeAt(r);
          removed++;
        } else if (removed > 0) this.move(r, w--);
        else w--;
      }
      for (let i = 0; i < removed; i++) this.dropFront(false);
    }
    return removed;
  }

  // ------------------------------------------------------------- storage

  /**
   * True when the list is in the array form and it takes one more member of
   * `bytes` bytes; when it does not, the list moves to the block ring.
   */
  private staysFew(bytes: number): boolean {
    if (this.few === null) return false;
    if (this.length < FEW_MAX && bytes <= FEW_MEMBER_MAX) return true;
    this.leaveFew();
    return false;
  }

  /** Inserts a member into the array form at `index` (in `[0, size]`). */
  private insertFew(index: number, member: string): void {
    this.few = withInserted(this.few!, index, member);
    this.length++;
    this.bytes += member.length;
  }

  /** Removes the array form's members in `[from, to)`. */
  private removeFew(from: number, to: number): void {
    const few = this.few!;
    for (let i = from; i < to; i++) this.bytes -= few[i].length;
    this.few = withoutRange(few, from, to);
    this.length -= to - from;
  }

  /** Moves the members of the array form into the block ring (no-op when already there). */
  private leaveFew(): void {
    const few = this.few;
    if (few === null) return;
    this.few = null;
    this.allocate(capacityFor(few.length + 1), this.bytes);
    for (const member of few) this.pushBack(member);
  }

  /** Grows if full and returns the (empty) ring position past the tail. */
  private openBack(): number {
    if (this.length > this.mask) this.grow();
    const p = (this.head + this.length) & this.mask;
    this.length++;
    return p;
  }

  /** Grows if full, makes room before the head and returns its ring position. */
  private openFront(): number {
    if (this.length > this.mask) this.grow();
    const p = (this.head - 1) & this.mask;
    this.head = p;
    this.length++;
    return p;
  }

  /**
   * Adds an empty slot at `index` (in `[0, size]`), shifting the shorter
   * side; the caller fills it.
   */
  private openAt(index: number): void {
    const n = this.length;
    if (index <= n - index) {
      this.blockAt(this.openFront());
      for (let i = 0; i < index; i++) this.move(i + 1, i);
    } else {
      this.blockAt(this.openBack());
      for (let i = n; i > index; i--) this.move(i - 1, i);
    }
  }

  /** Empties the slot of `index`, counting its bytes out. */
  private freeAt(index: number): void {
    const block = this.locate(index);
    this.bytes -= block.free(this.located);
  }

  /**
   * Moves the member at index `from` into the empty slot of index `to`,
   * leaving `from` empty. Within a block only the offset and length move.
   */
  private move(from: number, to: number): void {
    const src = this.locate(from);
    const sf = this.located;
    const dst = this.locate(to);
    const st = this.located;
    if (src === dst) {
      src.meta[2 * st] = src.meta[2 * sf];
      src.meta[2 * st + 1] = src.meta[2 * sf + 1];
      src.meta[2 * sf + 1] = EMPTY;
      return;
    }
    dst.writeBytes(st, src.data, src.meta[2 * sf], src.meta[2 * sf + 1]);
    src.free(sf);
  }

  /**
   * Removes the head slot, freeing its member first when `free` (otherwise
   * it is already empty), then releases or shrinks storage as needed.
   */
  private dropFront(free: boolean): void {
    const p = this.head;
    const slot = p & this.blockMask;
    if (free) this.bytes -= this.blocks[p >>> this.shift]!.free(slot);
    this.head = (p + 1) & this.mask;
    this.length--;
    if (slot === this.blockMask) this.releaseBlock(p >>> this.shift);
    this.maybeShrink();
  }

  /** The tail counterpart of {@link dropFront}. */
  private dropBack(free: boolean): void {
    const p = (this.head + this.length - 1) & this.mask;
    const slot = p & this.blockMask;
    if (free) this.bytes -= this.blocks[p >>> this.shift]!.free(slot);
    this.length--;
    if (slot === 0) this.releaseBlock(p >>> this.shift);
    this.maybeShrink();
  }

  /** The block holding ring position `p`, allocating it if needed. */
  private blockAt(p: number): Block {
    const i = p >>> this.shift;
    let block = this.blocks[i];
    if (block === null) {
      block = this.spare ?? new Block(this.blockMask + 1);
      this.spare = null;
      this.blocks[i] = block;
    }
    return block;
  }

  /**
   * Drops a large list's block that the members just left, unless the ring
   * still uses it at the other end (only possible when nearly full).
   */
  private releaseBlock(i: number): void {
    if (this.blocks.length > 1 && this.length <= this.mask + 1 - MAX_BLOCK) {
      const block = this.blocks[i]!;
      if (this.spare === null) {
        block.reset(MAX_SPARE_ARENA);
        this.spare = block;
      }
      this.blocks[i] = null;
    }
  }

  /**
   * Sets up empty storage of `capacity` slots (a power of two); a single
   * block's arena is sized for `bytes` member bytes.
   */
  private allocate(capacity: number, bytes: number): void {
    const blockSize = Math.min(capacity, MAX_BLOCK);
    this.shift = Math.log2(blockSize);
    this.blockMask = blockSize - 1;
    this.mask = capacity - 1;
    this.head = 0;
    this.length = 0;
    this.bytes = 0;
    this.spare = null;
    const count = capacity / blockSize;
    const arena = count === 1 ? Math.max(initialArena(blockSize), bytes) : initialArena(blockSize);
    this.blocks = [new Block(blockSize, arena)];
    for (let i = 1; i < count; i++) this.blocks.push(null);
  }

  /** Moves the members into fresh storage of `capacity` slots. */
  private rebuild(capacity: number): void {
    const blocks = this.blocks;
    const shift = this.shift;
    const blockMask = this.blockMask;
    const mask = this.mask;
    const head = this.head;
    const n = this.length;
    this.allocate(capacity, this.bytes);
    for (let i = 0; i < n; i++) {
      const q = (head + i) & mask;
      const src = blocks[q >>> shift]!;
      const s = (q & blockMask) << 1;
      const len = src.meta[s + 1];
      const p = this.openBack();
      this.blockAt(p).writeBytes(p & this.blockMask, src.data, src.meta[s], len);
      this.bytes += len;
    }
  }

  /** Doubles the capacity of a full ring. */
  private grow(): void {
    const capacity = this.mask + 1;
    if (capacity >= MAX_CAPACITY) throw new RangeError("list too long");
    if (capacity < MAX_BLOCK) {
      this.rebuild(capacity * 2);
      return;
    }
    // Keep the head's ring position: blocks before the head's block move up
    // by the old block count, and the head's block is split where the ring
    // wrapped, its first slots (the tail's last members) moving to a new block.
    const old = this.blocks;
    const count = old.length;
    const headBlock = this.head >>> this.shift;
    const headSlot = this.head & this.blockMask;
    const next: (Block | null)[] = [];
    for (let i = 0; i < count * 2; i++) next.push(null);
    for (let i = 0; i < count; i++) next[i < headBlock ? count + i : i] = old[i];
    if (headSlot > 0) {
      const src = old[headBlock]!;
      const split = this.spare ?? new Block(MAX_BLOCK);
      this.spare = null;
      for (let s = 0; s < headSlot; s++) {
        split.writeBytes(s, src.data, src.meta[2 * s], src.meta[2 * s + 1]);
        src.free(s);
      }
      next[count + headBlock] = split;
    }
    this.blocks = next;
    this.mask = capacity * 2 - 1;
  }

  /**
   * Compacts a list that shrank to a quarter of its capacity (a large list
   * once it fits a small block again), keeping pops amortised O(1).
   */
  private maybeShrink(): void {
    if (this.length === 0) {
      // An emptied list starts over in the array form, giving its blocks back.
      this.few = [];
      this.blocks = [];
      this.spare = null;
      return;
    }
    const capacity = this.mask + 1;
    if (capacity <= MIN_CAPACITY) return;
    if (this.length > capacity >>> 2) return;
    if (capacity > MAX_BLOCK) {
      if (this.length <= MAX_BLOCK >>> 2) this.rebuild(capacityFor(this.length * 2));
      return;
    }
    this.rebuild(capacityFor(this.length * 2));
  }
}
