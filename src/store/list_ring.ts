/**
 * The block ring that holds a list too long or with members too large for
 * its packed form (src/store/list.ts): a double-ended queue of members,
 * each member's bytes held in typed arrays.
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
 * - A small ring has one block that grows by doubling (4, 8 ... 1024
 *   slots), so a short list costs a few dozen bytes beyond its members.
 * - A large ring grows by doubling the block directory. The ring is
 *   re-linked block by block (only the block the ring wraps in is split),
 *   so growing a list of millions of members moves a few thousand
 *   blocks' worth of pointers instead of copying every member.
 * - Blocks a large ring no longer uses are released at once, and a ring
 *   that shrinks far is compacted again, so memory follows the length.
 *
 * Middle insertions and removals shift the shorter side (slot moves within
 * a block copy only the offset and length).
 *
 * The ring's fields live apart from {@link ListValue} so that a small list,
 * which has none of them, is a three-field object and its packed string.
 *
 * @module
 */

import type { BulkSink } from "./list.ts";
import { latin1 } from "../util/bytes.ts";
import { int32Array, uint8Array } from "../util/small_arrays.ts";

/** Largest block, in slots (a power of two). */
const MAX_BLOCK_SHIFT = 10;
const MAX_BLOCK = 1 << MAX_BLOCK_SHIFT;
/** Smallest capacity a ring is given. */
const MIN_CAPACITY = 4;
/** Largest capacity: ring positions must stay within int32 bit arithmetic. */
const MAX_CAPACITY = 2 ** 30;
/** Initial arena bytes per slot of a block. */
const ARENA_BYTES_PER_SLOT = 8;
/** A released block keeps its arena for reuse only up to this size. */
const MAX_SPARE_ARENA = 64 * 1024;
/** Length recorded for a slot that holds no member. */
const EMPTY = -1;

/** Approximate V8 sizes used by {@link ListRing.memoryUsage} (no pointer compression). */
const OBJECT_BYTES = 96;
const ARRAY_HEADER_BYTES = 32;
const SLOT_BYTES = 8;
const TYPED_ARRAY_BYTES = 160;

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

  /** Stores `n` characters of the latin1 string `text` from `from` in the empty slot `s`. */
  writeString(s: number, text: string, from = 0, n = text.length): void {
    const at = this.reserve(n);
    const data = this.data;
    for (let i = 0; i < n; i++) data[at + i] = text.charCodeAt(from + i);
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
 * A list's members in a ring of blocks. It is never left empty by
 * {@link ListValue}, which drops its ring when the last member goes.
 */
export class ListRing {
  /** Ring of blocks; `null` marks a block not allocated (large rings only). */
  private blocks: (Block | null)[] = [];
  /** log2 of the block size. */
  private shift = 0;
  private blockMask = 0;
  /** Capacity − 1 (capacity is a power of two). */
  private mask = 0;
  /** Ring position of element 0. */
  private head = 0;
  /** Number of members. */
  length = 0;
  /** Sum of member lengths. */
  bytes = 0;
  /**
   * One released (all-empty) block kept for reuse, so a large list used as
   * a queue cycles through its blocks without allocating.
   */
  private spare: Block | null = null;
  /** Slot within its block of the member last found by {@link locate}. */
  private located = 0;

  /**
   * An empty ring with room for `capacity` members of `bytes` bytes in all
   * (no storage at all for 0: {@link clone} fills it in).
   */
  constructor(capacity: number, bytes: number) {
    if (capacity > 0) this.allocate(capacityFor(capacity), bytes);
  }

  /** A deep copy. */
  clone(): ListRing {
    const copy = new ListRing(0, 0);
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

  /**
   * The block holding the member at `index` (in `[0, length)`); its slot is
   * left in {@link located} (no object per call: this is on every access).
   */
  private locate(index: number): Block {
    const p = (this.head + index) & this.mask;
    this.located = p & this.blockMask;
    return this.blocks[p >>> this.shift]!;
  }

  /** The member at `index` (must be in `[0, length)`). */
  at(index: number): string {
    const block = this.locate(index);
    const s = this.located << 1;
    const from = block.meta[s];
    return latin1(block.data.subarray(from, from + block.meta[s + 1]));
  }

  /** Byte length of the member at `index`. */
  lengthAt(index: number): number {
    const block = this.locate(index);
    return block.meta[(this.located << 1) + 1];
  }

  /** Writes the member at `index` to `out` as a bulk string. */
  writeBulk(index: number, out: BulkSink): void {
    const block = this.locate(index);
    const s = this.located << 1;
    out.bulkSlice(block.data, block.meta[s], block.meta[s + 1]);
  }

  /** True when the member at `index` holds exactly `member`'s bytes. */
  equalsBytes(index: number, member: Uint8Array): boolean {
    const block = this.locate(index);
    const s = this.located << 1;
    const n = member.length;
    if (block.meta[s + 1] !== n) return false;
    const data = block.data;
    const from = block.meta[s];
    for (let i = 0; i < n; i++) if (data[from + i] !== member[i]) return false;
    return true;
  }

  // ------------------------------------------------------------- writing

  /** Replaces the member at `index`. */
  set(index: number, member: string): void {
    const block = this.locate(index);
    const slot = this.located;
    this.bytes += member.length - block.free(slot);
    block.writeString(slot, member);
  }

  /** {@link set} with the member given as bytes (copied). */
  setBytes(index: number, member: Uint8Array): void {
    const block = this.locate(index);
    const slot = this.located;
    this.bytes += member.length - block.free(slot);
    block.writeBytes(slot, member, 0, member.length);
  }

  /** Adds a member at the tail. */
  pushBack(member: string): void {
    const p = this.openBack();
    this.blockAt(p).writeString(p & this.blockMask, member);
    this.bytes += member.length;
  }

  /** {@link pushBack} with the member given as `n` characters of `text` from `from`. */
  pushBackRange(text: string, from: number, n: number): void {
    const p = this.openBack();
    this.blockAt(p).writeString(p & this.blockMask, text, from, n);
    this.bytes += n;
  }

  /** {@link pushBack} with the member given as bytes (copied). */
  pushBackBytes(member: Uint8Array): void {
    const p = this.openBack();
    this.blockAt(p).writeBytes(p & this.blockMask, member, 0, member.length);
    this.bytes += member.length;
  }

  /** Adds a member at the head. */
  pushFront(member: string): void {
    const p = this.openFront();
    this.blockAt(p).writeString(p & this.blockMask, member);
    this.bytes += member.length;
  }

  /** {@link pushFront} with the member given as bytes (copied). */
  pushFrontBytes(member: Uint8Array): void {
    const p = this.openFront();
    this.blockAt(p).writeBytes(p & this.blockMask, member, 0, member.length);
    this.bytes += member.length;
  }

  /** Removes `count` members (at most the length) from the head. */
  removeFront(count: number): void {
    for (let i = count; i > 0; i--) this.dropFront(true);
  }

  /** Removes `count` members (at most the length) from the tail. */
  removeBack(count: number): void {
    for (let i = count; i > 0; i--) this.dropBack(true);
  }

  /** Inserts a member so that it ends up at `index` (in `[0, length]`), shifting the shorter side. */
  insert(index: number, member: string): void {
    this.openAt(index);
    this.locate(index).writeString(this.located, member);
    this.bytes += member.length;
  }

  /** {@link insert} with the member given as bytes (copied). */
  insertBytes(index: number, member: Uint8Array): void {
    this.openAt(index);
    this.locate(index).writeBytes(this.located, member, 0, member.length);
    this.bytes += member.length;
  }

  /** Removes the member at `index`, shifting the shorter side. */
  removeAt(index: number): void {
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
   * scanning from the head, or from the tail when `fromTail`. One pass.
   * Returns how many were removed.
   */
  removeMatching(member: Uint8Array, limit: number, fromTail: boolean): number {
    const n = this.length;
    let removed = 0;
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
   * Adds an empty slot at `index` (in `[0, length]`), shifting the shorter
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
   * Drops a large ring's block that the members just left, unless the ring
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
   * Compacts a ring that shrank to a quarter of its capacity (a large ring
   * once it fits a small block again), keeping pops amortised O(1). An
   * emptied ring is left as it is: its list drops it.
   */
  private maybeShrink(): void {
    if (this.length === 0) return;
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
