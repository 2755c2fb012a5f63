/**
 * A hash table keyed by latin1 strings, used inside collection values
 * (hash fields, set members, sorted-set members).
 *
 * Unlike a JS `Map` it supports what Redis's `dict` does and the commands
 * need: a SCAN cursor with Redis's guarantee (every element present for the
 * whole iteration is returned), and fair random element selection for
 * `SRANDMEMBER`/`SPOP`/`HRANDFIELD`/`ZRANDMEMBER`.
 *
 * Layout: parallel arrays indexed by entry number, chains threaded through
 * `next`, power-of-two bucket array. Entries are appended and never reused;
 * holes left by deletes are squeezed out when they outnumber live entries.
 * So iteration follows insertion order, which is the order Redis gives for
 * small (listpack-encoded) hashes and that clients come to rely on.
 *
 * @module
 */

import { hashBytes, hashLatin1, latin1Equals } from "../util/bytes.ts";
import { nextCursor } from "./scan_cursor.ts";

const MIN_BUCKETS = 4;

/** A string-keyed hash table with Redis-style SCAN and random sampling. */
export class Dict<V> {
  private keysById: (string | undefined)[] = [];
  private valuesById: (V | undefined)[] = [];
  private hashes = new Int32Array(MIN_BUCKETS);
  private next = new Int32Array(MIN_BUCKETS);
  private buckets = new Int32Array(MIN_BUCKETS).fill(-1);
  private mask = MIN_BUCKETS - 1;
  private holes = 0;
  private count = 0;

  /** Number of elements. */
  get size(): number {
    return this.count;
  }

  private find(key: string, h: number): number {
    let id = this.buckets[h & this.mask];
    while (id >= 0) {
      if (this.hashes[id] === h && this.keysById[id] === key) return id;
      id = this.next[id];
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
    let id = this.buckets[h & this.mask];
    while (id >= 0) {
      if (this.hashes[id] === h && latin1Equals(this.keysById[id]!, bytes)) return id;
      id = this.next[id];
    }
    return -1;
  }

  /** {@link get} for a key given as bytes (see {@link findBytes}). */
  getBytes(bytes: Uint8Array): V | undefined {
    const id = this.findBytes(bytes);
    return id >= 0 ? this.valuesById[id] : undefined;
  }

  /** True when `key` is present. */
  has(key: string): boolean {
    return this.find(key, hashLatin1(key)) >= 0;
  }

  /** The value stored under `key`, or undefined. */
  get(key: string): V | undefined {
    const id = this.find(key, hashLatin1(key));
    return id >= 0 ? this.valuesById[id] : undefined;
  }

  /** Stores `value` under `key`; returns true when the key is new. */
  set(key: string, value: V): boolean {
    return this.swap(key, value) === undefined;
  }

  /**
   * Stores `value` under `key` and returns the value it replaces, or
   * undefined when the key is new: one lookup where `get` + `set` take two.
   */
  swap(key: string, value: V): V | undefined {
    const h = hashLatin1(key);
    const found = this.find(key, h);
    if (found >= 0) {
      const old = this.valuesById[found];
      this.valuesById[found] = value;
      return old;
    }
    const id = this.keysById.length;
    if (id >= this.hashes.length) this.growEntries();
    this.keysById.push(key);
    this.valuesById.push(value);
    this.hashes[id] = h;
    const b = h & this.mask;
    this.next[id] = this.buckets[b];
    this.buckets[b] = id;
    this.count++;
    if (this.count > this.buckets.length) this.rehash(this.buckets.length * 2);
    return undefined;
  }

  /** Removes `key`; returns true when it was present. */
  delete(key: string): boolean {
    const h = hashLatin1(key);
    const b = h & this.mask;
    let prev = -1;
    let id = this.buckets[b];
    while (id >= 0) {
      if (this.hashes[id] === h && this.keysById[id] === key) {
        if (prev < 0) this.buckets[b] = this.next[id];
        else this.next[prev] = this.next[id];
        this.keysById[id] = undefined;
        this.valuesById[id] = undefined;
        this.holes++;
        this.count--;
        if (this.holes > 16 && this.holes > this.count) this.compact();
        if (this.buckets.length > MIN_BUCKETS && this.count * 8 < this.buckets.length) {
          this.rehash(this.buckets.length / 2);
        }
        return true;
      }
      prev = id;
      id = this.next[id];
    }
    return false;
  }

  /** Removes every element. */
  clear(): void {
    this.keysById = [];
    this.valuesById = [];
    this.hashes = new Int32Array(MIN_BUCKETS);
    this.next = new Int32Array(MIN_BUCKETS);
    this.buckets = new Int32Array(MIN_BUCKETS).fill(-1);
    this.mask = MIN_BUCKETS - 1;
    this.holes = 0;
    this.count = 0;
  }

  /** Iterates keys (do not mutate the dict while iterating). */
  *keys(): IterableIterator<string> {
    for (const k of this.keysById) if (k !== undefined) yield k;
  }

  /** Iterates `[key, value]` pairs (do not mutate while iterating). */
  *entries(): IterableIterator<[string, V]> {
    const keys = this.keysById;
    for (let id = 0; id < keys.length; id++) {
      const k = keys[id];
      if (k !== undefined) yield [k, this.valuesById[id] as V];
    }
  }

  /** Calls `visit` for every element (do not mutate while iterating). */
  forEach(visit: (key: string, value: V) => void): void {
    const keys = this.keysById;
    for (let id = 0; id < keys.length; id++) {
      const k = keys[id];
      if (k !== undefined) visit(k, this.valuesById[id] as V);
    }
  }

  /**
   * Visits one bucket chain per step starting at `cursor` until at least
   * `count` elements were visited or the iteration ends. Returns the next
   * cursor (0 = done).
   */
  scan(cursor: number, count: number, visit: (key: string, value: V) => void): number {
    let visited = 0;
    let v = cursor >>> 0;
    do {
      let id = this.buckets[v & this.mask];
      while (id >= 0) {
        visit(this.keysById[id]!, this.valuesById[id] as V);
        visited++;
        id = this.next[id];
      }
      v = nextCursor(v, this.mask);
    } while (v !== 0 && visited < count);
    return v;
  }

  /**
   * A random key, uniformly: entries live in a dense array whose holes
   * never outnumber the live entries by more than the compaction slack
   * (see {@link delete}), so picking random slots until one is live takes
   * few tries and is exactly uniform, unlike picking a bucket then a chain
   * position, which favours keys alone in their bucket.
   */
  randomKey(): string | undefined {
    if (this.count === 0) return undefined;
    const keys = this.keysById;
    const slots = keys.length;
    for (;;) {
      const k = keys[(Math.random() * slots) | 0];
      if (k !== undefined) return k;
    }
  }

  private growEntries(): void {
    const cap = Math.max(MIN_BUCKETS, this.hashes.length * 2);
    const hashes = new Int32Array(cap);
    hashes.set(this.hashes);
    const next = new Int32Array(cap);
    next.set(this.next);
    this.hashes = hashes;
    this.next = next;
  }

  /** Removes holes, keeping order, then rebuilds the chains. */
  private compact(): void {
    const keys: (string | undefined)[] = [];
    const values: (V | undefined)[] = [];
    const hashes = new Int32Array(Math.max(MIN_BUCKETS, this.count * 2));
    for (let id = 0; id < this.keysById.length; id++) {
      if (this.keysById[id] === undefined) continue;
      hashes[keys.length] = this.hashes[id];
      keys.push(this.keysById[id]);
      values.push(this.valuesById[id]);
    }
    this.keysById = keys;
    this.valuesById = values;
    this.hashes = hashes;
    this.next = new Int32Array(hashes.length);
    this.holes = 0;
    this.rehash(this.buckets.length);
  }

  private rehash(size: number): void {
    const buckets = new Int32Array(size).fill(-1);
    const mask = size - 1;
    const keys = this.keysById;
    for (let id = 0; id < keys.length; id++) {
      if (keys[id] === undefined) continue;
      const b = this.hashes[id] & mask;
      this.next[id] = buckets[b];
      buckets[b] = id;
    }
    this.buckets = buckets;
    this.mask = mask;
  }
}
