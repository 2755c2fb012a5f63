/**
 * The list value: a double-ended queue of members (bytes held as latin1
 * strings, see util/bytes.ts).
 *
 * Layout: a ring buffer whose storage is split into blocks of at most
 * {@link MAX_BLOCK} slots. Element `i` sits at ring position
 * `(head + i) & mask`, in block `position >>> shift`, slot
 * `position & blockMask`, so any index is reached in O(1) and both ends
 * push and pop in O(1).
 *
 * - A small list has one block that grows by doubling (4, 8 ... 1024
 *   slots), so a short list costs a few dozen bytes beyond its members.
 * - A large list grows by doubling the block directory. The ring is
 *   re-linked block by block (only the block the ring wraps in is split),
 *   so growing a list of millions of members moves a few thousand
 *   pointers instead of copying every member.
 * - Blocks a large list no longer uses are released at once, and a list
 *   that shrinks far is compacted again, so memory follows the length.
 *
 * Middle insertions and removals shift the shorter side.
 *
 * @module
 */

import type { Collection } from "./collection.ts";

/** Largest block, in slots (a power of two). */
const MAX_BLOCK_SHIFT = 10;
const MAX_BLOCK = 1 << MAX_BLOCK_SHIFT;
/** Smallest capacity a list is given. */
const MIN_CAPACITY = 4;
/** Largest capacity: ring positions must stay within int32 bit arithmetic. */
const MAX_CAPACITY = 2 ** 30;

/** Approximate V8 sizes used by {@link ListValue.memoryUsage} (no pointer compression). */
const OBJECT_BYTES = 96;
const ARRAY_HEADER_BYTES = 32;
const SLOT_BYTES = 8;
const STRING_HEADER_BYTES = 24;

type Slot = string | undefined;
type Block = Slot[];

/**
 * A block of `n` empty slots. Allocated at its exact size: an array grown
 * by `push` reserves spare slots, which would double a small list's cost.
 */
function emptyBlock(n: number): Block {
  return new Array<Slot>(n).fill(undefined);
}

/** Smallest power of two ≥ n (at least {@link MIN_CAPACITY}). */
function capacityFor(n: number): number {
  let cap = MIN_CAPACITY;
  while (cap < n) cap *= 2;
  return cap;
}

/**
 * A list of members (latin1 strings), as stored under a list key.
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
  /** Sum of member lengths, kept current for {@link memoryUsage}. */
  private bytes = 0;
  /**
   * One released (all-empty) block kept for reuse, so a large list used as
   * a queue cycles through its blocks without allocating.
   */
  private spare: Block | null = null;

  /** Creates an empty list. */
  constructor() {
    this.allocate(MIN_CAPACITY);
  }

  /**
   * Builds a list holding `members` in order (persistence loading, tests).
   * The array is not kept.
   */
  static fromArray(members: readonly string[]): ListValue {
    const list = new ListValue();
    list.allocate(capacityFor(members.length));
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

  /** A deep copy (members are immutable strings, so they are shared). */
  clone(): ListValue {
    const copy = new ListValue();
    copy.blocks = this.blocks.map((b) => (b === null ? null : b.slice()));
    copy.shift = this.shift;
    copy.blockMask = this.blockMask;
    copy.mask = this.mask;
    copy.head = this.head;
    copy.length = this.length;
    copy.bytes = this.bytes;
    return copy;
  }

  /** Approximate bytes used: structure, slots, and member strings. */
  memoryUsage(): number {
    let total = OBJECT_BYTES + ARRAY_HEADER_BYTES + this.blocks.length * SLOT_BYTES;
    const blockBytes = ARRAY_HEADER_BYTES + (this.blockMask + 1) * SLOT_BYTES;
    for (const b of this.blocks) if (b !== null) total += blockBytes;
    if (this.spare !== null) total += blockBytes;
    return total + this.bytes + this.length * STRING_HEADER_BYTES;
  }

  // ------------------------------------------------------------- reading

  /** The member at `index` (0 = head; must be in `[0, size)`). */
  at(index: number): string {
    const p = (this.head + index) & this.mask;
    return this.blocks[p >>> this.shift]![p & this.blockMask]!;
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

  /**
   * Position of the first member equal to `member` scanning from `from`
   * towards the tail (`step` 1) or the head (`step` -1); -1 when absent.
   */
  indexOf(member: string, from = 0, step: 1 | -1 = 1): number {
    for (let i = from; i >= 0 && i < this.length; i += step) {
      if (this.at(i) === member) return i;
    }
    return -1;
  }

  // ------------------------------------------------------------- writing

  /** Replaces the member at `index` (must be in `[0, size)`). */
  set(index: number, member: string): void {
    const p = (this.head + index) & this.mask;
    const block = this.blocks[p >>> this.shift]!;
    const slot = p & this.blockMask;
    this.bytes += member.length - block[slot]!.length;
    block[slot] = member;
  }

  /** Adds a member at the tail (RPUSH). */
  pushBack(member: string): void {
    if (this.length > this.mask) this.grow();
    const p = (this.head + this.length) & this.mask;
    this.blockAt(p)[p & this.blockMask] = member;
    this.length++;
    this.bytes += member.length;
  }

  /** Adds a member at the head (LPUSH). */
  pushFront(member: string): void {
    if (this.length > this.mask) this.grow();
    const p = (this.head - 1) & this.mask;
    this.blockAt(p)[p & this.blockMask] = member;
    this.head = p;
    this.length++;
    this.bytes += member.length;
  }

  /** Removes and returns the head member, or undefined when empty. */
  popFront(): string | undefined {
    if (this.length === 0) return undefined;
    const p = this.head;
    const block = this.blocks[p >>> this.shift]!;
    const slot = p & this.blockMask;
    const member = block[slot]!;
    block[slot] = undefined;
    this.head = (p + 1) & this.mask;
    this.length--;
    this.bytes -= member.length;
    if (slot === this.blockMask) this.releaseBlock(p >>> this.shift);
    this.maybeShrink();
    return member;
  }

  /** Removes and returns the tail member, or undefined when empty. */
  popBack(): string | undefined {
    if (this.length === 0) return undefined;
    const p = (this.head + this.length - 1) & this.mask;
    const block = this.blocks[p >>> this.shift]!;
    const slot = p & this.blockMask;
    const member = block[slot]!;
    block[slot] = undefined;
    this.length--;
    this.bytes -= member.length;
    if (slot === 0) this.releaseBlock(p >>> this.shift);
    this.maybeShrink();
    return member;
  }

  /** Removes `count` members from the head (clamped to the size). */
  removeFront(count: number): void {
    for (let n = Math.min(count, this.length); n > 0; n--) this.popFront();
  }

  /** Removes `count` members from the tail (clamped to the size). */
  removeBack(count: number): void {
    for (let n = Math.min(count, this.length); n > 0; n--) this.popBack();
  }

  /**
   * Inserts a member so that it ends up at `index` (in `[0, size]`),
   * shifting the shorter side: O(min(index, size − index)).
   */
  insert(index: number, member: string): void {
    const n = this.length;
    if (index <= n - index) {
      this.pushFront(member);
      for (let i = 0; i < index; i++) this.set(i, this.at(i + 1));
    } else {
      this.pushBack(member);
      for (let i = n; i > index; i--) this.set(i, this.at(i - 1));
    }
    this.set(index, member);
  }

  /** Removes the member at `index` (in `[0, size)`), shifting the shorter side. */
  removeAt(index: number): void {
    const n = this.length;
    if (index < n - 1 - index) {
      for (let i = index; i > 0; i--) this.set(i, this.at(i - 1));
      this.popFront();
    } else {
      for (let i = index; i < n - 1; i++) this.set(i, this.at(i + 1));
      this.popBack();
    }
  }

  /**
   * Removes members equal to `member`: up to `limit` of them (0 = all),
   * scanning from the head, or from the tail when `fromTail`. One pass,
   * O(size). Returns how many were removed.
   */
  removeMatching(member: string, limit: number, fromTail: boolean): number {
    const n = this.length;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const v = this.at(r);
        if (v === member && (limit === 0 || removed < limit)) removed++;
        else if (removed > 0) this.set(w++, v);
        else w++;
      }
      this.removeBack(removed);
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const v = this.at(r);
        if (v === member && (limit === 0 || removed < limit)) removed++;
        else if (removed > 0) this.set(w--, v);
        else w--;
      }
      this.removeFront(removed);
    }
    return removed;
  }

  // ------------------------------------------------------------- storage

  /** The block holding ring position `p`, allocating it if needed. */
  private blockAt(p: number): Block {
    const i = p >>> this.shift;
    let block = this.blocks[i];
    if (block === null) {
      block = this.spare ?? emptyBlock(this.blockMask + 1);
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
      if (this.spare === null) this.spare = this.blocks[i];
      this.blocks[i] = null;
    }
  }

  /** Sets up empty storage of `capacity` slots (a power of two). */
  private allocate(capacity: number): void {
    const blockSize = Math.min(capacity, MAX_BLOCK);
    this.shift = Math.log2(blockSize);
    this.blockMask = blockSize - 1;
    this.mask = capacity - 1;
    this.head = 0;
    this.spare = null;
    const count = capacity / blockSize;
    this.blocks = [emptyBlock(blockSize)];
    for (let i = 1; i < count; i++) this.blocks.push(null);
  }

  /** Moves the members into fresh storage of `capacity` slots. */
  private rebuild(capacity: number): void {
    const members = this.toArray();
    const bytes = this.bytes;
    this.allocate(capacity);
    this.length = 0;
    for (let i = 0; i < members.length; i++) this.pushBack(members[i]);
    this.bytes = bytes;
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
      const split = this.spare ?? emptyBlock(MAX_BLOCK);
      this.spare = null;
      for (let s = 0; s < headSlot; s++) {
        split[s] = src[s];
        src[s] = undefined;
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
    const capacity = this.mask + 1;
    if (capacity <= MIN_CAPACITY || this.length > capacity >>> 2) return;
    if (capacity > MAX_BLOCK) {
      if (this.length <= MAX_BLOCK >>> 2) this.rebuild(capacityFor(this.length * 2));
      return;
    }
    this.rebuild(capacityFor(this.length * 2));
  }
}
