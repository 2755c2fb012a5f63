/**
 * A hash table keyed by latin1 strings with a 32-bit integer per key, used
 * inside collection values (hash fields map to value slots, set members to
 * nothing).
 *
 * Unlike a JS `Map` it supports what Redis's `dict` does and the commands
 * need: a SCAN cursor with Redis's guarantee (every element present for the
 * whole iteration is returned), and fair random element selection for
 * `SRANDMEMBER`/`SPOP`/`HRANDFIELD`.
 *
 * Layout: entries are numbered in insertion order; each has a three-int
 * record (hash, chain link, value) and its key in a JS array. A lookup in a
 * large table waits on cache misses one after another (bucket, record, key
 * string): keeping hash, link and value in one record makes that one miss
 * where three parallel arrays took three. Records and keys are stored in
 * chunks of 65,536 entries (src/store/chunks.ts): a table of millions grows
 * by adding a chunk, not by copying every record and key into arrays twice
 * the size (at 4 million members those copies stopped the server for
 * ~45 ms). Chains are threaded through the records from a power-of-two
 * bucket array whose heads hold entry number + 1: a new bucket array,
 * zeroed by the allocator page by page as it is first written, needs no
 * fill (filling 8 million buckets with -1 took ~20 ms when the table
 * doubled). Entries are appended and never reused; holes left by deletes
 * are squeezed out when they outnumber live entries. So iteration follows
 * insertion order, which is the order Redis gives for small
 * (listpack-encoded) hashes and that clients come to rely on. A table of
 * 65,536 elements or more resizes incrementally, as Redis's dicts and the
 * keyspace do (see incremental_rehash.ts): a set or hash of millions does
 * not stop the server to relink all its chains at once.
 *
 * @module
 */

import { hashBytes, hashLatin1, latin1Equals } from "../util/bytes.ts";
import { rehashBuckets, scanBuckets } from "./incremental_rehash.ts";
import { int32Array } from "../util/small_arrays.ts";
import { CHUNK, CHUNK_BITS, IN_CHUNK } from "./chunks.ts";
import { withInserted } from "../util/exact_arrays.ts";

const MIN_BUCKETS = 4;
/** Keys up to which the first key chunk grows one exact step at a time. */
const EXACT_KEYS = 8;
/** Ints per entry record: hash, next entry in the chain (-1 ends it), value. */
const RECORD = 3;
const HASH = 0;
const NEXT = 1;
const VALUE = 2;
/** Tables of fewer elements than this resize at once (about a millisecond at most). */
const REHASH_AT_ONCE_BELOW = 65536;
/** Old buckets a write moves while a resize is in progress. */
const REHASH_STEP_BUCKETS = 4;

/** A string-keyed hash table of 32-bit integers with Redis-style SCAN and random sampling. */
export class Dict {
  /**
   * Keys by entry number, {@link CHUNK} a chunk (undefined: a deleted
   * entry). Only the first chunk grows; later ones are pushed into.
   */
  private keyChunks: (string | undefined)[][] = [[]];
  /**
   * Entry records, {@link RECORD} ints each, {@link CHUNK} entries a chunk.
   * Only the first chunk grows; later ones are made full size.
   */
  private recordChunks: Int32Array[];
  /** Entry numbers handed out: live entries plus holes. */
  private slots = 0;
  /** Bucket heads: entry number + 1 of each chain's first entry, 0 when empty. */
  private buckets: Int32Array;
  private mask: number;
  /**
   * While the table is being resized, the previous bucket array: its
   * buckets move to {@link buckets} a few per write. An element whose bucket
   * in it is at or past {@link rehashIndex} is still chained there.
   */
  private oldBuckets: Int32Array | null = null;
  private oldMask = 0;
  private rehashIndex = 0;
  private holes = 0;
  private count = 0;

  /**
   * An empty dict with room for `expected` elements: the tables it would
   * grow to holding them, made at once, so a table filled from a known count
   * (a copy, a union) skips the growth steps, each a new pair of arrays and
   * a copy (and, past the small sizes of src/util/small_arrays.ts, a malloc).
   */
  constructor(expected = 0) {
    let buckets = MIN_BUCKETS;
    while (buckets < expected) buckets *= 2;
    this.recordChunks = [int32Array(Math.min(CHUNK, Math.max(MIN_BUCKETS, expected)) * RECORD)];
    this.buckets = int32Array(buckets);
    this.mask = buckets - 1;
  }

  /** Number of elements. */
  get size(): number {
    return this.count;
  }

  /** True while a resize is in progress. */
  get rehashing(): boolean {
    return this.oldBuckets !== null;
  }

  /** The bucket array holding the chain of hash `h` (mid-resize, maybe the old one). */
  private tableOf(h: number): Int32Array {
    const old = this.oldBuckets;
    return old !== null && (h & this.oldMask) >= this.rehashIndex ? old : this.buckets;
  }

  /** The first entry of the chain of hash `h`, or -1. */
  private chainOf(h: number): number {
    const old = this.oldBuckets;
    if (old !== null && (h & this.oldMask) >= this.rehashIndex) return old[h & this.oldMask] - 1;
    return this.buckets[h & this.mask] - 1;
  }

  /** The key of entry `id` (undefined for a deleted one). */
  private keyOf(id: number): string | undefined {
    return this.keyChunks[id >>> CHUNK_BITS][id & IN_CHUNK];
  }

  private find(key: string, h: number): number {
    const recordChunks = this.recordChunks;
    const keyChunks = this.keyChunks;
    let id = this.chainOf(h);
    while (id >= 0) {
      const chunk = id >>> CHUNK_BITS;
      const records = recordChunks[chunk];
      const at = (id & IN_CHUNK) * RECORD;
      if (records[at + HASH] === h && keyChunks[chunk][id & IN_CHUNK] === key) return id;
      id = records[at + NEXT];
    }
    return -1;
  }

  /**
   * Finds the entry whose key has the latin1 form of `bytes` without making
   * that string (a command's argument is bytes; most lookups hit an existing
   * element, and only a new one needs the string). Returns -1 when absent.
   */
  private findBytes(bytes: Uint8Array): number {
    const h = hashBytes(bytes);
    const recordChunks = this.recordChunks;
    const keyChunks = this.keyChunks;
    let id = this.chainOf(h);
    while (id >= 0) {
      const chunk = id >>> CHUNK_BITS;
      const records = recordChunks[chunk];
      const at = (id & IN_CHUNK) * RECORD;
      if (records[at + HASH] === h && latin1Equals(keyChunks[chunk][id & IN_CHUNK]!, bytes)) {
        return id;
      }
      id = records[at + NEXT];
    }
    return -1;
  }

  /** The value of entry `id`. */
  private valueAt(id: number): number {
    return this.recordChunks[id >>> CHUNK_BITS][(id & IN_CHUNK) * RECORD + VALUE];
  }

  /** {@link get} for a key given as bytes (see {@link findBytes}). */
  getBytes(bytes: Uint8Array): number | undefined {
    const id = this.findBytes(bytes);
    return id >= 0 ? this.valueAt(id) : undefined;
  }

  /** True when the key given as bytes is present. */
  hasBytes(bytes: Uint8Array): boolean {
    return this.findBytes(bytes) >= 0;
  }

  /** True when `key` is present. */
  has(key: string): boolean {
    return this.find(key, hashLatin1(key)) >= 0;
  }

  /** The value stored under `key`, or undefined. */
  get(key: string): number | undefined {
    const id = this.find(key, hashLatin1(key));
    return id >= 0 ? this.valueAt(id) : undefined;
  }

  /** Stores `value` (a 32-bit integer) under `key`; returns true when the key is new. */
  set(key: string, value: number): boolean {
    return this.swap(key, value) === undefined;
  }

  /**
   * Stores `value` under `key` and returns the value it replaces, or
   * undefined when the key is new: one lookup where `get` + `set` take two.
   */
  swap(key: string, value: number): number | undefined {
    const h = hashLatin1(key);
    const found = this.find(key, h);
    if (found >= 0) {
      const records = this.recordChunks[found >>> CHUNK_BITS];
      const at = (found & IN_CHUNK) * RECORD + VALUE;
      const old = records[at];
      records[at] = value;
      return old;
    }
    if (this.oldBuckets !== null) this.rehashStep(REHASH_STEP_BUCKETS);
    const id = this.slots++;
    this.addKey(key);
    const records = this.recordsFor(id);
    const at = (id & IN_CHUNK) * RECORD;
    records[at + HASH] = h;
    records[at + VALUE] = value;
    const table = this.tableOf(h);
    const b = h & (table === this.buckets ? this.mask : this.oldMask);
    records[at + NEXT] = table[b] - 1;
    table[b] = id + 1;
    this.count++;
    if (this.oldBuckets === null && this.count > this.buckets.length) {
      this.resize(this.buckets.length * 2);
    }
    return undefined;
  }

  /**
   * Appends a key: while the dict is small, into an array of exactly the
   * new size (a push would reserve room for 17 keys, ~120 bytes more per
   * small set than its members need), then by push, and into a new chunk
   * when the last one is full.
   */
  private addKey(key: string): void {
    const chunks = this.keyChunks;
    const last = chunks.length - 1;
    const keys = chunks[last];
    const n = keys.length;
    if (n >= EXACT_KEYS) {
      if (n < CHUNK) keys.push(key);
      else chunks.push([key]);
      return;
    }
    chunks[last] = withInserted(keys, n, key);
  }

  /**
   * The record chunk for new entry `id`, made or grown first when it has no
   * room: the first chunk doubles up to {@link CHUNK} entries (a copy of at
   * most 768 KB), later ones are made full size.
   */
  private recordsFor(id: number): Int32Array {
    const chunks = this.recordChunks;
    const chunk = id >>> CHUNK_BITS;
    if (chunk === chunks.length) {
      const records = int32Array(CHUNK * RECORD);
      chunks.push(records);
      return records;
    }
    const records = chunks[chunk];
    if ((id & IN_CHUNK) * RECORD < records.length) return records;
    const grown = int32Array(Math.min(CHUNK, (records.length / RECORD) * 2) * RECORD);
    grown.set(records);
    chunks[chunk] = grown;
    return grown;
  }

  /** Removes `key`; returns true when it was present. */
  delete(key: string): boolean {
    const h = hashLatin1(key);
    const table = this.tableOf(h);
    const b = h & (table === this.buckets ? this.mask : this.oldMask);
    let prev = -1;
    let id = table[b] - 1;
    while (id >= 0) {
      const records = this.recordChunks[id >>> CHUNK_BITS];
      const at = (id & IN_CHUNK) * RECORD;
      const keys = this.keyChunks[id >>> CHUNK_BITS];
      if (records[at + HASH] === h && keys[id & IN_CHUNK] === key) {
        const next = records[at + NEXT];
        if (prev < 0) table[b] = next + 1;
        else this.recordChunks[prev >>> CHUNK_BITS][(prev & IN_CHUNK) * RECORD + NEXT] = next;
        keys[id & IN_CHUNK] = undefined;
        this.holes++;
        this.count--;
        if (this.holes > 16 && this.holes > this.count) this.compact();
        if (this.oldBuckets !== null) {
          this.rehashStep(REHASH_STEP_BUCKETS);
        } else if (this.buckets.length > MIN_BUCKETS && this.count * 8 < this.buckets.length) {
          this.resize(this.buckets.length / 2);
        }
        return true;
      }
      prev = id;
      id = records[at + NEXT];
    }
    return false;
  }

  /** Removes every element. */
  clear(): void {
    this.keyChunks = [[]];
    this.recordChunks = [int32Array(MIN_BUCKETS * RECORD)];
    this.slots = 0;
    this.buckets = int32Array(MIN_BUCKETS);
    this.mask = MIN_BUCKETS - 1;
    this.oldBuckets = null;
    this.holes = 0;
    this.count = 0;
  }

  /** Iterates keys (do not mutate the dict while iterating). */
  *keys(): IterableIterator<string> {
    for (const keys of this.keyChunks) for (const k of keys) if (k !== undefined) yield k;
  }

  /** Iterates `[key, value]` pairs (do not mutate while iterating). */
  *entries(): IterableIterator<[string, number]> {
    for (let id = 0; id < this.slots; id++) {
      const k = this.keyOf(id);
      if (k !== undefined) yield [k, this.valueAt(id)];
    }
  }

  /** Calls `visit` for every element (do not mutate while iterating). */
  forEach(visit: (key: string, value: number) => void): void {
    const keyChunks = this.keyChunks;
    const recordChunks = this.recordChunks;
    for (let chunk = 0; chunk < keyChunks.length; chunk++) {
      const keys = keyChunks[chunk];
      const records = recordChunks[chunk];
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        if (k !== undefined) visit(k, records[i * RECORD + VALUE]);
      }
    }
  }

  /**
   * Visits one bucket chain per step starting at `cursor` until at least
   * `count` elements were visited or the iteration ends. Returns the next
   * cursor (0 = done).
   */
  scan(cursor: number, count: number, visit: (key: string, value: number) => void): number {
    let visited = 0;
    let v = cursor >>> 0;
    const chain = (head: number) => {
      for (let id = head - 1; id >= 0;) {
        const records = this.recordChunks[id >>> CHUNK_BITS];
        const at = (id & IN_CHUNK) * RECORD;
        visit(this.keyOf(id)!, records[at + VALUE]);
        visited++;
        id = records[at + NEXT];
      }
    };
    do {
      v = scanBuckets(v, this.buckets, this.mask, this.oldBuckets, this.oldMask, chain);
    } while (v !== 0 && visited < count);
    return v;
  }

  /**
   * A random key, uniformly: entries live in dense arrays whose holes
   * never outnumber the live entries by more than the compaction slack
   * (see {@link delete}), so picking random slots until one is live takes
   * few tries and is exactly uniform, unlike picking a bucket then a chain
   * position, which favours keys alone in their bucket.
   */
  randomKey(): string | undefined {
    if (this.count === 0) return undefined;
    const slots = this.slots;
    for (;;) {
      const k = this.keyOf((Math.random() * slots) | 0);
      if (k !== undefined) return k;
    }
  }

  /** Removes holes, keeping order, then rebuilds the chains. */
  private compact(): void {
    const oldKeys = this.keyChunks;
    const oldRecords = this.recordChunks;
    const oldSlots = this.slots;
    this.keyChunks = [[]];
    const room = Math.min(CHUNK, Math.max(MIN_BUCKETS, this.count * 2));
    this.recordChunks = [int32Array(room * RECORD)];
    this.slots = 0;
    for (let id = 0; id < oldSlots; id++) {
      const key = oldKeys[id >>> CHUNK_BITS][id & IN_CHUNK];
      if (key === undefined) continue;
      const from = oldRecords[id >>> CHUNK_BITS];
      const at = (id & IN_CHUNK) * RECORD;
      const to = this.slots++;
      this.addKey(key);
      const records = this.recordsFor(to);
      const toAt = (to & IN_CHUNK) * RECORD;
      records[toAt + HASH] = from[at + HASH];
      records[toAt + VALUE] = from[at + VALUE];
    }
    this.holes = 0;
    this.rehash(this.buckets.length);
  }

  /**
   * Starts moving the chains to a table of `size` buckets: at once for a
   * small table, else a few buckets per write ({@link rehashStep}).
   */
  private resize(size: number): void {
    if (this.oldBuckets !== null) this.rehashStep(Infinity);
    if (this.count < REHASH_AT_ONCE_BELOW) {
      this.rehash(size);
      return;
    }
    this.oldBuckets = this.buckets;
    this.oldMask = this.mask;
    this.rehashIndex = 0;
    this.buckets = int32Array(size);
    this.mask = size - 1;
  }

  /** Moves up to `count` non-empty buckets of the old table; the resize ends with the last. */
  private rehashStep(count: number): void {
    const old = this.oldBuckets;
    if (old === null) return;
    this.rehashIndex = rehashBuckets(old, this.rehashIndex, count, 0, this.moveChain);
    if (this.rehashIndex >= old.length) this.oldBuckets = null;
  }

  /** Relinks an old bucket's chain (head: its first entry + 1) into the current table. */
  private readonly moveChain = (head: number): void => {
    const buckets = this.buckets;
    const mask = this.mask;
    for (let id = head - 1; id >= 0;) {
      const records = this.recordChunks[id >>> CHUNK_BITS];
      const at = (id & IN_CHUNK) * RECORD;
      const following = records[at + NEXT];
      const b = records[at + HASH] & mask;
      records[at + NEXT] = buckets[b] - 1;
      buckets[b] = id + 1;
      id = following;
    }
  };

  /** Rebuilds every chain at once in a table of `size` buckets (a resize in progress is dropped). */
  private rehash(size: number): void {
    const buckets = int32Array(size);
    const mask = size - 1;
    const keyChunks = this.keyChunks;
    const recordChunks = this.recordChunks;
    for (let chunk = 0; chunk < keyChunks.length; chunk++) {
      const keys = keyChunks[chunk];
      const records = recordChunks[chunk];
      const base = chunk << CHUNK_BITS;
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] === undefined) continue;
        const at = i * RECORD;
        const b = records[at + HASH] & mask;
        records[at + NEXT] = buckets[b] - 1;
        buckets[b] = base + i + 1;
      }
    }
    this.buckets = buckets;
    this.mask = mask;
    this.oldBuckets = null;
  }
}
