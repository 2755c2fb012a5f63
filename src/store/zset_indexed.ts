/**
 * The indexed encoding of large sorted sets, reported as `skiplist` like
 * Redis's (which pairs a hash table with a skiplist). Here a member table
 * and an order-statistic B+-tree share element *slots*:
 *
 * - `members[slot]` and `scores[slot]` hold each element once (a JS
 *   array of latin1 strings and a `Float64Array`);
 * - a chained hash table over slots (`buckets`, and `links` holding each
 *   slot's hash and chain link side by side, all typed arrays) finds a
 *   member's slot in O(1);
 * - the {@link OrderTree} keeps slots in (score, member) order with
 *   subtree counts, for ranks and ranges in O(log n).
 *
 * So an element costs its string plus about 30 bytes of typed arrays, and
 * no JS object exists per element. The hash table keeps Redis's
 * power-of-two sizes and reverse-binary SCAN cursor, so ZSCAN gives
 * Redis's guarantee across resizes.
 *
 * @module
 */

import { hashBytes, hashLatin1, latin1, latin1Equals } from "../util/bytes.ts";
import { rehashBuckets, scanBuckets } from "./incremental_rehash.ts";
import { OrderTree, type SlotKeys } from "./order_tree.ts";
import { stringBytes, type ZSetEncoding } from "./zset_encoding.ts";
import { CHUNK, CHUNK_BITS, IN_CHUNK } from "./chunks.ts";

const MIN_SLOTS = 8;
/** Where a slot's hash and chain link sit in `links` (see {@link IndexedZSet}). */
const HASH = 0;
const NEXT = 1;
const MIN_BUCKETS = 4;
/** Tables of fewer members than this resize at once (well under a millisecond). */
const REHASH_AT_ONCE_BELOW = 65536;
/** Old buckets a write moves while a resize is in progress. */
const REHASH_STEP_BUCKETS = 4;

/** A large sorted set: member table plus ordered index over shared slots. */
export class IndexedZSet implements ZSetEncoding, SlotKeys {
  /**
   * The columns, in chunks of {@link CHUNK} slots (src/store/chunks.ts): the
   * member of each slot (undefined when the slot is free), its score, and
   * two ints side by side so a chain step reads one cache line: the
   * member's hash (at `2 * i`, {@link HASH}) and the hash chain link of a
   * used slot or the next free slot of a free one (`2 * i + 1`,
   * {@link NEXT}). Only the first chunk of each grows.
   */
  private memberChunks: (string | undefined)[][] = [[]];
  private scoreChunks: Float64Array[] = [new Float64Array(MIN_SLOTS)];
  private linkChunks: Int32Array[] = [new Int32Array(2 * MIN_SLOTS)];
  /**
   * Bucket heads: slot + 1 of each chain's first slot, 0 when empty, so a
   * new table, zeroed by the allocator as its pages are first written,
   * needs no fill.
   */
  private buckets = new Int32Array(MIN_BUCKETS);
  private mask = MIN_BUCKETS - 1;
  /**
   * While the hash table is being resized, the previous one, whose buckets
   * move a few per write (as the keyspace's do, see Database): a member
   * whose bucket in it is at or past {@link rehashIndex} is still there.
   */
  private oldBuckets: Int32Array | null = null;
  private oldMask = 0;
  private rehashIndex = 0;
  private freeSlot = -1;
  /** Slots handed out so far (free ones included). */
  private used = 0;
  private count = 0;
  private bytes = 0;
  private readonly tree: OrderTree = new OrderTree(this);

  /** Builds from members and scores already in (score, member) order. O(n). */
  static fromSorted(members: ArrayLike<string>, scores: ArrayLike<number>): IndexedZSet {
    const set = new IndexedZSet();
    set.load(members, scores);
    return set;
  }

  /** Score of a slot (for the tree, {@link SlotKeys}). */
  scoreOf(slot: number): number {
    return this.scoreChunks[slot >>> CHUNK_BITS][slot & IN_CHUNK];
  }

  /** Sets a slot's score (for the tree, {@link SlotKeys}). */
  setScore(slot: number, score: number): void {
    this.scoreChunks[slot >>> CHUNK_BITS][slot & IN_CHUNK] = score;
  }

  /** Member of a slot, undefined for a free one (for the tree, {@link SlotKeys}). */
  memberOf(slot: number): string | undefined {
    return this.memberChunks[slot >>> CHUNK_BITS][slot & IN_CHUNK];
  }

  private setMember(slot: number, member: string | undefined): void {
    this.memberChunks[slot >>> CHUNK_BITS][slot & IN_CHUNK] = member;
  }

  /** The hash of the member in `slot`. */
  private hashAt(slot: number): number {
    return this.linkChunks[slot >>> CHUNK_BITS][2 * (slot & IN_CHUNK) + HASH];
  }

  /** The chain link (or, for a free slot, the next free slot) of `slot`. */
  private nextOf(slot: number): number {
    return this.linkChunks[slot >>> CHUNK_BITS][2 * (slot & IN_CHUNK) + NEXT];
  }

  private setNext(slot: number, next: number): void {
    this.linkChunks[slot >>> CHUNK_BITS][2 * (slot & IN_CHUNK) + NEXT] = next;
  }

  /** Replaces the contents with ordered members and scores; slot i holds rank i. */
  private load(members: ArrayLike<string>, scores: ArrayLike<number>): void {
    const n = members.length;
    this.allocateFor(n);
    this.count = n;
    this.bytes = 0;
    for (let slot = 0; slot < n; slot++) {
      const member = members[slot];
      this.setMember(slot, member);
      this.setScore(slot, scores[slot]);
      this.bytes += member.length;
      this.chainSlot(slot, hashLatin1(member));
    }
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    this.tree.build(order, n);
  }

  /**
   * New columns for `n` slots, all handed out, and an empty hash table
   * sized for them (no resize in progress): what {@link load} and
   * {@link compactSlots} fill in slot order. The member chunks start empty
   * and are filled by appending, so they stay packed arrays (one element
   * kind at every access site) rather than arrays with holes.
   */
  private allocateFor(n: number): void {
    this.memberChunks = [];
    this.scoreChunks = [];
    this.linkChunks = [];
    // One chunk sized to fit, or full chunks (only the first may be smaller).
    const chunks = Math.max(1, Math.ceil(n / CHUNK));
    const cap = chunks === 1 ? Math.max(MIN_SLOTS, n) : CHUNK;
    for (let i = 0; i < chunks; i++) {
      this.memberChunks.push([]);
      this.scoreChunks.push(new Float64Array(cap));
      this.linkChunks.push(new Int32Array(2 * cap));
    }
    let size = MIN_BUCKETS;
    while (size < n) size *= 2;
    this.buckets = new Int32Array(size);
    this.mask = size - 1;
    this.oldBuckets = null;
    this.freeSlot = -1;
    this.used = n;
  }

  /** Records a slot's hash and puts it at the head of its chain in the current table. */
  private chainSlot(slot: number, h: number): void {
    const links = this.linkChunks[slot >>> CHUNK_BITS];
    const at = 2 * (slot & IN_CHUNK);
    const b = h & this.mask;
    links[at + HASH] = h;
    links[at + NEXT] = this.buckets[b] - 1;
    this.buckets[b] = slot + 1;
  }

  get size(): number {
    return this.count;
  }

  // ------------------------------------------------------------ hash table

  /**
   * The member last hashed and its hash: ZADD and ZINCRBY look a member up
   * and then update or insert it, which would hash it twice.
   */
  private hashedMember: string | undefined = undefined;
  private hashedValue = 0;

  private hashOf(member: string): number {
    if (member === this.hashedMember) return this.hashedValue;
    const h = hashLatin1(member);
    this.hashedMember = member;
    this.hashedValue = h;
    return h;
  }

  /**
   * The member whose bytes are `bytes`: the stored string when present,
   * found without making one, so looking up an existing member allocates
   * nothing; else a new string, remembered as absent together with its
   * hash, so the lookup and insert that follow (ZADD of a new member) do
   * not hash it and walk its chain again. A found member's slot is
   * remembered too, for the lookup or update that follows.
   */
  memberOfBytes(bytes: Uint8Array): string {
    const h = hashBytes(bytes);
    let slot = this.chainOf(h);
    while (slot >= 0) {
      const links = this.linkChunks[slot >>> CHUNK_BITS];
      const at = 2 * (slot & IN_CHUNK);
      if (links[at + HASH] === h) {
        const member = this.memberOf(slot)!;
        if (latin1Equals(member, bytes)) {
          this.foundMember = member;
          this.foundSlot = slot;
          return member;
        }
      }
      slot = links[at + NEXT];
    }
    const member = latin1(bytes);
    this.absentMember = member;
    this.hashedMember = member;
    this.hashedValue = h;
    return member;
  }

  /** A member {@link memberOfBytes} found absent; forgotten by the next insert. */
  private absentMember: string | undefined = undefined;

  /**
   * The member {@link memberOfBytes} last found and its slot: ZADD finds a
   * member by its bytes, then reads its score and updates it, and in a large
   * set each walk of the chain waits on cache misses. Forgotten when any
   * slot is released (slots are renumbered only after releases).
   */
  private foundMember: string | undefined = undefined;
  private foundSlot = -1;

  /** Slot of `member`, or -1. */
  private find(member: string): number {
    if (member === this.foundMember) return this.foundSlot;
    if (member === this.absentMember) return -1;
    const h = this.hashOf(member);
    const linkChunks = this.linkChunks;
    const memberChunks = this.memberChunks;
    let slot = this.chainOf(h);
    while (slot >= 0) {
      const chunk = slot >>> CHUNK_BITS;
      const links = linkChunks[chunk];
      const at = 2 * (slot & IN_CHUNK);
      if (links[at + HASH] === h && memberChunks[chunk][slot & IN_CHUNK] === member) return slot;
      slot = links[at + NEXT];
    }
    return -1;
  }

  /**
   * A slot for a new member: a free one, else the next, making room for it
   * first: the first chunk grows by half up to {@link CHUNK} slots, then
   * full chunks are added.
   */
  private allocSlot(): number {
    if (this.freeSlot >= 0) {
      const slot = this.freeSlot;
      this.freeSlot = this.nextOf(slot);
      return slot;
    }
    const slot = this.used;
    const chunk = slot >>> CHUNK_BITS;
    if (chunk === this.scoreChunks.length) {
      this.memberChunks.push([]);
      this.scoreChunks.push(new Float64Array(CHUNK));
      this.linkChunks.push(new Int32Array(2 * CHUNK));
    } else if ((slot & IN_CHUNK) === this.scoreChunks[chunk].length) {
      const cap = Math.min(CHUNK, Math.max(MIN_SLOTS, Math.ceil(slot * 1.5)));
      const scores = new Float64Array(cap);
      scores.set(this.scoreChunks[chunk]);
      const links = new Int32Array(2 * cap);
      links.set(this.linkChunks[chunk]);
      this.scoreChunks[chunk] = scores;
      this.linkChunks[chunk] = links;
    }
    return this.used++;
  }

  /**
   * Records a slot's hash and puts it at the head of its chain in whichever
   * table holds that hash now (mid-resize, possibly the old one); see
   * {@link chainSlot} for the current table alone.
   */
  private link(slot: number, h: number): void {
    const table = this.tableOf(h);
    const b = this.bucketIn(table, h);
    const links = this.linkChunks[slot >>> CHUNK_BITS];
    const at = 2 * (slot & IN_CHUNK);
    links[at + HASH] = h;
    links[at + NEXT] = table[b] - 1;
    table[b] = slot + 1;
  }

  /** Unlinks a slot from its hash chain and puts it on the free list. */
  private releaseSlot(slot: number): void {
    const h = this.hashAt(slot);
    const table = this.tableOf(h);
    const b = this.bucketIn(table, h);
    let cur = table[b] - 1;
    if (cur === slot) {
      table[b] = this.nextOf(slot) + 1;
    } else {
      while (this.nextOf(cur) !== slot) cur = this.nextOf(cur);
      this.setNext(cur, this.nextOf(slot));
    }
    this.bytes -= (this.memberOf(slot) as string).length;
    this.setMember(slot, undefined);
    this.foundMember = undefined;
    this.setNext(slot, this.freeSlot);
    this.freeSlot = slot;
    this.count--;
  }

  /** The table holding the members of hash `h`. */
  private tableOf(h: number): Int32Array {
    const old = this.oldBuckets;
    return old !== null && (h & this.oldMask) >= this.rehashIndex ? old : this.buckets;
  }

  /** The first slot of the chain of hash `h`, or -1. */
  private chainOf(h: number): number {
    const table = this.tableOf(h);
    return table[this.bucketIn(table, h)] - 1;
  }

  /** The bucket of hash `h` in `table` (the current or the old one). */
  private bucketIn(table: Int32Array, h: number): number {
    return h & (table === this.buckets ? this.mask : this.oldMask);
  }

  /**
   * Starts moving the members to a table of `size` buckets: a small table at
   * once, relinking slots in order (the columns read front to back, not at
   * random along the old chains); a large one a few buckets per write.
   */
  private resize(size: number): void {
    if (this.oldBuckets !== null) this.rehashStep(Infinity);
    const atOnce = this.count < REHASH_AT_ONCE_BELOW;
    if (!atOnce) {
      this.oldBuckets = this.buckets;
      this.oldMask = this.mask;
      this.rehashIndex = 0;
    }
    this.buckets = new Int32Array(size);
    this.mask = size - 1;
    if (atOnce) {
      for (let slot = 0; slot < this.used; slot++) {
        // Free slots are skipped.
        if (this.memberOf(slot) !== undefined) this.chainSlot(slot, this.hashAt(slot));
      }
    }
  }

  /** Moves up to `count` non-empty old buckets; the resize ends with the last. */
  private rehashStep(count: number): void {
    const old = this.oldBuckets;
    if (old === null) return;
    this.rehashIndex = rehashBuckets(old, this.rehashIndex, count, 0, this.moveChain);
    if (this.rehashIndex >= old.length) this.oldBuckets = null;
  }

  /** Relinks an old bucket's chain (head: its first slot + 1) into the new table. */
  private readonly moveChain = (head: number): void => {
    for (let slot = head - 1; slot >= 0;) {
      const following = this.nextOf(slot);
      this.chainSlot(slot, this.hashAt(slot));
      slot = following;
    }
  };

  /** True while a resize of the member table is in progress. */
  get rehashing(): boolean {
    return this.oldBuckets !== null;
  }

  /**
   * After removals: shrinks the hash table like Redis (below 1/8 full), and
   * renumbers slots when most are free so memory follows the size.
   */
  private afterRemoval(): void {
    if (this.used > 64 && this.count < this.used >> 2) {
      this.compactSlots();
      return;
    }
    if (this.oldBuckets !== null) {
      this.rehashStep(REHASH_STEP_BUCKETS);
    } else if (this.buckets.length > MIN_BUCKETS && this.count * 8 < this.buckets.length) {
      let size = this.buckets.length;
      while (size > MIN_BUCKETS && this.count * 8 < size) size >>= 1;
      this.resize(size);
    }
  }

  /**
   * Renumbers the slots in order into columns sized to the members, and
   * chains them into a table sized as {@link load} would: the hashes are
   * kept (no member is read, let alone hashed again) and the tree only has
   * its slot numbers rewritten: about 50 ns a member (21,500 members in
   * 1.1 ms, where rebuilding from the members took 4–13).
   */
  private compactSlots(): void {
    const oldMembers = this.memberChunks;
    const oldScores = this.scoreChunks;
    const oldLinks = this.linkChunks;
    this.allocateFor(this.count);
    this.tree.renumber((from, to) => {
      const chunk = from >>> CHUNK_BITS;
      const i = from & IN_CHUNK;
      this.setMember(to, oldMembers[chunk][i]);
      this.setScore(to, oldScores[chunk][i]);
      this.chainSlot(to, oldLinks[chunk][2 * i + HASH]);
    });
  }

  // ------------------------------------------------------------ operations

  score(member: string): number | undefined {
    const slot = this.find(member);
    return slot < 0 ? undefined : this.scoreOf(slot);
  }

  rank(member: string): number {
    const slot = this.find(member);
    return slot < 0 ? -1 : this.tree.rankOf(slot);
  }

  insert(member: string, score: number): void {
    this.absentMember = undefined;
    const slot = this.allocSlot();
    const h = this.hashOf(member);
    this.setMember(slot, member);
    this.setScore(slot, score);
    this.link(slot, h);
    this.count++;
    this.bytes += member.length;
    if (this.oldBuckets !== null) this.rehashStep(REHASH_STEP_BUCKETS);
    else if (this.count > this.buckets.length) this.resize(this.buckets.length * 2);
    this.tree.insert(slot);
  }

  update(member: string, score: number): void {
    this.tree.rescore(this.find(member), score);
  }

  remove(member: string): boolean {
    const slot = this.find(member);
    if (slot < 0) return false;
    this.tree.removeSlot(slot);
    this.releaseSlot(slot);
    this.afterRemoval();
    return true;
  }

  removeRanks(first: number, last: number): void {
    this.tree.removeRange(first, last, this.releaseRemoved);
    this.afterRemoval();
  }

  /** {@link releaseSlot} as one function per set (ZPOPMIN removes for every call). */
  private readonly releaseRemoved = (slot: number): void => this.releaseSlot(slot);

  memberAt(rank: number): string {
    return this.memberOf(this.tree.slotAt(rank)) as string;
  }

  scoreAt(rank: number): number {
    return this.scoreOf(this.tree.slotAt(rank));
  }

  walk(rank: number, reverse: boolean, visit: (member: string, score: number) => boolean): void {
    // The visitor is passed through a field, not captured by a closure made
    // per call; saved and restored, as a visitor may walk another set.
    const outer = this.walkVisitor;
    this.walkVisitor = visit;
    try {
      this.tree.walk(rank, reverse, this.visitSlot);
    } finally {
      this.walkVisitor = outer;
    }
  }

  private walkVisitor: ((member: string, score: number) => boolean) | null = null;
  private readonly visitSlot = (slot: number, score: number): boolean =>
    this.walkVisitor!(this.memberOf(slot) as string, score);

  countScoreBelow(score: number, orEqual: boolean): number {
    return this.tree.countScoreBelow(score, orEqual);
  }

  /**
   * Number of members sorting below `member` (or equal, when `orEqual`),
   * found by binary search: exact when members are in order, that is when
   * scores are all equal, as lexicographic commands require.
   */
  countMemberBelow(member: string, orEqual: boolean): number {
    return this.tree.countMemberBelow(member, orEqual);
  }

  forEach(visit: (member: string, score: number) => void): void {
    this.tree.forEach((slot) => visit(this.memberOf(slot) as string, this.scoreOf(slot)));
  }

  /**
   * One SCAN step over the hash table: visits whole bucket chains from
   * `cursor` until about `count` members were seen (Redis counts a member
   * and its score as two), at most `count * 10` buckets. Returns the next
   * cursor, 0 when done.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    let v = cursor >>> 0;
    let budget = count * 10;
    let seen = 0;
    const chain = (head: number) => {
      for (let slot = head - 1; slot >= 0; slot = this.nextOf(slot)) {
        visit(this.memberOf(slot) as string, this.scoreOf(slot));
        seen += 2;
      }
    };
    do {
      v = scanBuckets(v, this.buckets, this.mask, this.oldBuckets, this.oldMask, chain);
    } while (v !== 0 && budget-- > 0 && seen < count);
    return v;
  }

  clone(): IndexedZSet {
    const members: string[] = [];
    const scores: number[] = [];
    this.forEach((m, s) => {
      members.push(m);
      scores.push(s);
    });
    return IndexedZSet.fromSorted(members, scores);
  }

  /** Checks the hash table and the tree against each other (for tests). */
  verify(): void {
    this.tree.verify();
    if (this.tree.size !== this.count) throw new Error("tree and table sizes differ");
    let chained = 0;
    const old = this.oldBuckets;
    for (
      const [table, mask] of old === null ? [[this.buckets, this.mask] as const] : [
        [old, this.oldMask] as const,
        [this.buckets, this.mask] as const,
      ]
    ) {
      for (let b = 0; b < table.length; b++) {
        for (let slot = table[b] - 1; slot >= 0; slot = this.nextOf(slot)) {
          chained++;
          if ((this.hashAt(slot) & mask) !== b) {
            throw new Error("slot in the wrong bucket");
          }
          if (this.tableOf(this.hashAt(slot)) !== table) {
            throw new Error("slot in the wrong table");
          }
          if (this.memberOf(slot) === undefined) throw new Error("free slot in a chain");
        }
      }
    }
    if (chained !== this.count) throw new Error(`${chained} chained slots for ${this.count}`);
  }

  memoryUsage(): number {
    let cap = 0;
    for (const scores of this.scoreChunks) cap += scores.length;
    return 128 + cap * (8 + 8 + 4 + 4) +
      (this.buckets.length + (this.oldBuckets?.length ?? 0)) * 4 +
      this.tree.memoryUsage() +
      this.count * stringBytes(0) + this.bytes;
  }
}
