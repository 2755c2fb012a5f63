/**
 * The hash value type, with Redis 7.0's two encodings and their conversion
 * rules:
 *
 * - `listpack` while the hash has at most `hash-max-listpack-entries`
 *   fields and no field or value longer than `hash-max-listpack-value`
 *   bytes. Fields keep insertion order (an update keeps its place, a
 *   re-added field goes last), which is the order Redis replies in.
 * - `hashtable` otherwise, for good: a hash never converts back. Order is
 *   unspecified, as in Redis.
 *
 * A `listpack` hash is one array of its fields and values, in insertion
 * order, as Redis keeps them in one listpack: lookups scan it, O(n) in a
 * hash of at most `hash-max-listpack-entries` fields as Redis's are, and a
 * small hash is then three JS objects and its strings instead of a dozen
 * objects and tables.
 *
 * A `hashtable` hash keeps its fields as the keys of an insertion-ordered
 * {@link Dict} (latin1 strings) and its values as bytes in one arena, so
 * replacing a value allocates no JS object and a large hash costs the
 * garbage collector nothing per value:
 *
 * - the Dict maps a field to a value slot; slot `s` has its offset at
 *   `meta[2s]` and its length at `meta[2s + 1]` ({@link EMPTY} when free),
 *   and freed slots are reused from a free list;
 * - value bytes are bump-allocated in `data`; bytes no longer referenced
 *   are counted as dead, and an arena that runs out of room is replaced by
 *   one sized to the live bytes plus as much spare (compaction and growth
 *   in one step, amortised O(1) per byte written). A value replaced by one
 *   no longer than itself is overwritten in place.
 *
 * @module
 */

import type { Collection } from "./collection.ts";
import { int32Array, uint8Array } from "../util/small_arrays.ts";
import { Dict } from "./dict.ts";
import type { BulkSink } from "./list.ts";
import { latin1 } from "../util/bytes.ts";

/** The settings that decide when a listpack hash becomes a hash table. */
export interface HashLimits {
  /** `hash-max-listpack-entries`. */
  readonly maxListpackEntries: number;
  /** `hash-max-listpack-value` (bytes). */
  readonly maxListpackValue: number;
}

/**
 * Reads the current limits from a configuration (`hash-max-listpack-*`),
 * for building hashes outside a command (loading a dataset).
 */
export function hashLimitsFrom(config: { int(name: string): number }): HashLimits {
  return {
    maxListpackEntries: config.int("hash-max-listpack-entries"),
    maxListpackValue: config.int("hash-max-listpack-value"),
  };
}

/** Rough per-field cost in bytes of each encoding, for memory accounting. */
const LISTPACK_FIELD_OVERHEAD = 48;
const TABLE_FIELD_OVERHEAD = 80;
const HASH_BASE_BYTES = 64;
/** Slots and arena bytes a new hash starts with. */
const INITIAL_SLOTS = 4;
const INITIAL_ARENA = 64;
/** A delete compacts the arena when dead bytes exceed this and the live bytes. */
const SHRINK_DEAD_BYTES = 4096;
/** Length recorded for a free slot. */
const EMPTY = -1;

/** Shared empty tables of a listpack hash (the table mode makes its own). */
const EMPTY_ARENA = new Uint8Array(0);
const EMPTY_META = new Int32Array(0);
/** Never modified: a listpack hash frees no slots. */
const NO_FREE_SLOTS: number[] = [];

/** Scratch for handing a listpack value out as bytes ({@link HashValue.forEachBytes}). */
let valueScratch = new Uint8Array(64);

/** A Redis hash value. */
export class HashValue implements Collection {
  /**
   * While `listpack`-encoded: fields and values in insertion order,
   * `[field0, value0, field1, value1...]`, else null.
   */
  private pairs: string[] | null = [];
  /** Sum of field and value lengths, for {@link memoryUsage}. */
  private payloadBytes = 0;
  // The hash table, made when the hash stops being a listpack.
  /** Field → value slot. */
  private dict: Dict | null = null;
  /** Value bytes, bump-allocated up to `used`; `dead` of them unreferenced. */
  private data: Uint8Array = EMPTY_ARENA;
  private used = 0;
  private dead = 0;
  /** Per slot: offset, length ({@link EMPTY} when the slot is free). */
  private meta: Int32Array = EMPTY_META;
  /** Slots below this index have been handed out at least once. */
  private slotsUsed = 0;
  /** Slots freed in the table (made with the table). */
  private freeSlots: number[] = NO_FREE_SLOTS;

  /** An empty `listpack` hash, as HSET and friends create one. */
  static empty(): HashValue {
    return new HashValue();
  }

  /**
   * Builds a hash from `[field, value]` pairs (a later duplicate field
   * overwrites the earlier value in place), choosing the encoding Redis 7.0
   * picks when it loads a hash: `listpack` when it fits both limits, else
   * `hashtable`. Insertion order is kept.
   */
  static fromEntries(entries: Iterable<readonly [string, string]>, limits: HashLimits): HashValue {
    const hash = new HashValue();
    for (const [field, value] of entries) hash.set(field, value, limits);
    return hash;
  }

  /** Number of fields. */
  get size(): number {
    return this.pairs !== null ? this.pairs.length >> 1 : this.dict!.size;
  }

  /** `listpack` or `hashtable`, as `OBJECT ENCODING` reports it. */
  encoding(): string {
    return this.pairs !== null ? "listpack" : "hashtable";
  }

  /** True while `listpack`-encoded (fields iterate in insertion order). */
  get isListpack(): boolean {
    return this.pairs !== null;
  }

  // ------------------------------------------------------------ listpack

  /** Index of a listpack field given as text in {@link pairs}, or -1. */
  private locate(field: string): number {
    const pairs = this.pairs!;
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === field) return i;
    return -1;
  }

  /** Index of a listpack field given as bytes in {@link pairs}, or -1. */
  private locateBytes(field: Uint8Array): number {
    // One string for the whole scan: V8 compares strings faster than a
    // loop compares bytes with chars.
    return this.locate(latin1(field));
  }

  /**
   * Sets a listpack field (at index `at` of {@link pairs}, or -1 when new)
   * to `value`; returns true when it is new. Converts to a hash table when
   * the hash then has too many fields.
   */
  private setPair(at: number, field: string, value: string, limits: HashLimits): boolean {
    const pairs = this.pairs!;
    if (at >= 0) {
      this.payloadBytes += value.length - pairs[at + 1].length;
      pairs[at + 1] = value;
      return false;
    }
    this.payloadBytes += field.length + value.length;
    // A new array of the exact size rather than a push, which would give
    // most small hashes room for a dozen fields they never get (O(n) per new
    // field, as Redis's listpack insert is).
    const grown = new Array<string>(pairs.length + 2);
    for (let i = 0; i < pairs.length; i++) grown[i] = pairs[i];
    grown[pairs.length] = field;
    grown[pairs.length + 1] = value;
    this.pairs = grown;
    if (grown.length >> 1 > limits.maxListpackEntries) this.convertToTable(limits);
    return true;
  }

  /** Turns the listpack into the hash table, in its order, through the table's own write path. */
  private convertToTable(limits: HashLimits): void {
    const pairs = this.pairs!;
    const count = pairs.length >> 1;
    this.dict = new Dict(count);
    this.meta = int32Array(Math.max(INITIAL_SLOTS, count) * 2).fill(EMPTY);
    this.freeSlots = [];
    this.pairs = null;
    this.payloadBytes = 0;
    for (let i = 0; i < pairs.length; i += 2) this.set(pairs[i], pairs[i + 1], limits);
  }

  // -------------------------------------------------------------- reading

  /** The value of `field` as a latin1 string, or undefined. */
  get(field: string): string | undefined {
    if (this.pairs !== null) {
      const at = this.locate(field);
      return at < 0 ? undefined : this.pairs[at + 1];
    }
    const slot = this.dict!.get(field);
    return slot === undefined ? undefined : this.slotText(slot);
  }

  /** The length in bytes of the value of a field given as bytes, or -1 when it is missing. */
  valueLength(field: Uint8Array): number {
    if (this.pairs !== null) {
      const at = this.locateBytes(field);
      return at < 0 ? -1 : this.pairs[at + 1].length;
    }
    const slot = this.dict!.getBytes(field);
    return slot === undefined ? -1 : this.meta[2 * slot + 1];
  }

  /**
   * Writes the value of `field` to `out` as a bulk string; returns false
   * (writing nothing) when the field is missing.
   */
  writeValue(field: string, out: BulkSink): boolean {
    if (this.pairs !== null) return this.writePair(this.locate(field), out);
    return this.writeSlot(this.dict!.get(field), out);
  }

  /** {@link writeValue} for a field given as bytes. */
  writeFieldValue(field: Uint8Array, out: BulkSink): boolean {
    if (this.pairs !== null) return this.writePair(this.locateBytes(field), out);
    return this.writeSlot(this.dict!.getBytes(field), out);
  }

  /** Writes the listpack value of the field at `at` (-1: missing, false). */
  private writePair(at: number, out: BulkSink): boolean {
    if (at < 0) return false;
    out.bulkLatin1(this.pairs![at + 1]);
    return true;
  }

  private writeSlot(slot: number | undefined, out: BulkSink): boolean {
    if (slot === undefined) return false;
    out.bulkSlice(this.data, this.meta[2 * slot], this.meta[2 * slot + 1]);
    return true;
  }

  /** True when `field` exists. */
  has(field: string): boolean {
    return this.pairs !== null ? this.locate(field) >= 0 : this.dict!.has(field);
  }

  /** True when the field given as bytes exists. */
  hasField(field: Uint8Array): boolean {
    return this.pairs !== null ? this.locateBytes(field) >= 0 : this.dict!.hasBytes(field);
  }

  // -------------------------------------------------------------- writing

  /**
   * Sets a field to a latin1 string value; returns true when it is new. A
   * listpack converts to a hash table when the field or value is too long,
   * or when the hash then has too many fields, as Redis checks on every
   * write.
   */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (this.pairs !== null) {
      if (Math.max(field.length, value.length) <= limits.maxListpackValue) {
        return this.setPair(this.locate(field), field, value, limits);
      }
      this.convertToTable(limits);
    }
    const n = value.length;
    const slot = this.prepare(this.dict!.get(field), field.length, n);
    const at = this.meta[2 * (slot < 0 ? ~slot : slot)];
    const data = this.data;
    for (let i = 0; i < n; i++) data[at + i] = value.charCodeAt(i);
    return this.finish(field, slot);
  }

  /**
   * {@link set} with the field and value as bytes: in a hash table the value
   * is stored without making a JS string, and the field becomes one only
   * when it is new (an existing field is found by its bytes).
   */
  setField(field: Uint8Array, value: Uint8Array, limits: HashLimits): boolean {
    if (this.pairs !== null) {
      if (Math.max(field.length, value.length) <= limits.maxListpackValue) {
        const name = latin1(field);
        return this.setPair(this.locate(name), name, latin1(value), limits);
      }
      this.convertToTable(limits);
    }
    const n = value.length;
    const existing = this.dict!.getBytes(field);
    const name = existing === undefined ? latin1(field) : "";
    const slot = this.prepare(existing, field.length, n);
    const at = this.meta[2 * (slot < 0 ? ~slot : slot)];
    if (n < 32) {
      const data = this.data;
      for (let i = 0; i < n; i++) data[at + i] = value[i];
    } else this.data.set(value, at);
    return this.finish(name, slot);
  }

  /**
   * Makes room in the table for an `n`-byte value of a field (its
   * `existing` slot, or undefined when new) and records it in the slot
   * table: returns the existing slot, or `~slot` for a fresh slot not yet
   * in the Dict. The caller copies the bytes to the slot's offset.
   */
  private prepare(existing: number | undefined, fieldLength: number, n: number): number {
    return existing === undefined ? this.freshSlot(fieldLength, n) : this.resize(existing, n);
  }

  /** Gives an existing slot room for an `n`-byte value; returns the slot. */
  private resize(slot: number, n: number): number {
    const m = 2 * slot;
    const oldLength = this.meta[m + 1];
    this.payloadBytes += n - oldLength;
    if (n <= oldLength) {
      // Overwrite in place; the tail becomes dead.
      this.dead += oldLength - n;
      this.meta[m + 1] = n;
      return slot;
    }
    this.dead += oldLength;
    this.meta[m + 1] = 0;
    const at = this.reserve(n);
    this.meta[m] = at;
    this.meta[m + 1] = n;
    return slot;
  }
  /** A slot with room for an `n`-byte value of a new field, as `~slot`. */
  private freshSlot(fieldLength: number, n: number): number {
    this.payloadBytes += fieldLength + n;
    const slot = this.takeSlot();
    const at = this.reserve(n);
    this.meta[2 * slot] = at;
    this.meta[2 * slot + 1] = n;
    return ~slot;
  }

  /** Adds a fresh slot to the Dict. */
  private finish(field: string, slot: number): boolean {
    if (slot >= 0) return false;
    this.dict!.set(field, ~slot);
    return true;
  }

  /** Removes a field; returns true when it existed. */
  delete(field: string): boolean {
    if (this.pairs !== null) {
      const at = this.locate(field);
      if (at < 0) return false;
      this.payloadBytes -= field.length + this.pairs[at + 1].length;
      this.pairs.splice(at, 2);
      return true;
    }
    const slot = this.dict!.get(field);
    if (slot === undefined) return false;
    this.dict!.delete(field);
    const length = this.meta[2 * slot + 1];
    this.payloadBytes -= field.length + length;
    this.dead += length;
    this.meta[2 * slot + 1] = EMPTY;
    this.freeSlots.push(slot);
    if (this.dead > SHRINK_DEAD_BYTES && this.dead > this.used - this.dead) this.compact(0);
    return true;
  }

  // ------------------------------------------------------------ iterating

  /**
   * Iterates `[field, value]` pairs: insertion order for `listpack`,
   * unspecified for `hashtable`. Do not modify the hash while iterating.
   */
  *entries(): IterableIterator<[string, string]> {
    if (this.pairs !== null) {
      const pairs = this.pairs;
      for (let i = 0; i < pairs.length; i += 2) yield [pairs[i], pairs[i + 1]];
      return;
    }
    for (const [field, slot] of this.dict!.entries()) yield [field, this.slotText(slot)];
  }

  /** Iterates the fields, in {@link entries} order. */
  *fields(): IterableIterator<string> {
    if (this.pairs !== null) {
      const pairs = this.pairs;
      for (let i = 0; i < pairs.length; i += 2) yield pairs[i];
      return;
    }
    yield* this.dict!.keys();
  }

  /** Calls `visit` for every pair, in {@link entries} order. */
  forEach(visit: (field: string, value: string) => void): void {
    if (this.pairs !== null) {
      const pairs = this.pairs;
      for (let i = 0; i < pairs.length; i += 2) visit(pairs[i], pairs[i + 1]);
      return;
    }
    this.dict!.forEach((field, slot) => visit(field, this.slotText(slot)));
  }

  /**
   * Calls `visit` for every pair, in {@link entries} order, with the
   * value's bytes as `length` bytes of `data` from `offset` (valid only
   * during the call; do not modify the hash while iterating).
   */
  forEachBytes(
    visit: (field: string, data: Uint8Array, offset: number, length: number) => void,
  ): void {
    if (this.pairs !== null) {
      const pairs = this.pairs;
      for (let i = 0; i < pairs.length; i += 2) {
        const value = pairs[i + 1];
        const n = value.length;
        if (n > valueScratch.length) valueScratch = new Uint8Array(n);
        const bytes = valueScratch;
        for (let j = 0; j < n; j++) bytes[j] = value.charCodeAt(j);
        visit(pairs[i], bytes, 0, n);
      }
      return;
    }
    const meta = this.meta;
    this.dict!.forEach((field, slot) =>
      visit(field, this.data, meta[2 * slot], meta[2 * slot + 1])
    );
  }

  /** A random field, close to uniform (the hash must not be empty). */
  randomField(): string {
    if (this.pairs !== null) {
      return this.pairs[2 * Math.floor(Math.random() * (this.pairs.length >> 1))];
    }
    return this.dict!.randomKey()!;
  }

  /**
   * One HSCAN step. A listpack is returned whole with cursor 0, as Redis
   * does; a hash table is walked with Redis's reverse-binary cursor until
   * at least `count` fields were seen. Returns the next cursor (0 = done).
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    if (this.pairs !== null) {
      this.forEach(visit);
      return 0;
    }
    return this.dict!.scan(cursor, count, (field, slot) => visit(field, this.slotText(slot)));
  }

  /** A deep copy with the same encoding and order. */
  clone(): HashValue {
    const copy = new HashValue();
    copy.pairs = this.pairs === null ? null : [...this.pairs];
    copy.payloadBytes = this.payloadBytes;
    if (this.dict !== null) {
      const dict = new Dict(this.dict.size);
      this.dict.forEach((field, slot) => dict.set(field, slot));
      copy.dict = dict;
      copy.data = this.data.slice();
      copy.used = this.used;
      copy.dead = this.dead;
      copy.meta = this.meta.slice();
      copy.slotsUsed = this.slotsUsed;
      copy.freeSlots = [...this.freeSlots];
    }
    return copy;
  }

  /** Approximate bytes used: field and value bytes plus a per-field cost of the encoding. */
  memoryUsage(): number {
    const overhead = this.pairs !== null ? LISTPACK_FIELD_OVERHEAD : TABLE_FIELD_OVERHEAD;
    return HASH_BASE_BYTES + this.payloadBytes + this.size * overhead;
  }

  /** The value in `slot` as a latin1 string. */
  private slotText(slot: number): string {
    const at = this.meta[2 * slot];
    return latin1(this.data.subarray(at, at + this.meta[2 * slot + 1]));
  }
  /** A free slot, from the free list or a fresh one (the slot table doubles when full). */
  private takeSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    if (2 * this.slotsUsed === this.meta.length) {
      const meta = int32Array(this.meta.length * 2).fill(EMPTY);
      meta.set(this.meta);
      this.meta = meta;
    }
    return this.slotsUsed++;
  }
  /** Reserves `n` bytes at the arena's end and returns their offset. */
  private reserve(n: number): number {
    if (this.used + n > this.data.length) this.compact(n);
    const at = this.used;
    this.used += n;
    return at;
  }
  /**
   * Replaces the arena by one holding the live values plus room for `need`
   * more bytes and as much again spare, so compaction stays amortised O(1)
   * per byte written.
   */
  private compact(need: number): void {
    const want = this.used - this.dead + need;
    const next = uint8Array(Math.max(INITIAL_ARENA, 2 * want));
    const old = this.data;
    const meta = this.meta;
    let o = 0;
    for (let m = 0; m < 2 * this.slotsUsed; m += 2) {
      const length = meta[m + 1];
      if (length < 0) continue;
      const from = meta[m];
      if (length < 32) { for (let i = 0; i < length; i++) next[o + i] = old[from + i]; }
      else next.set(old.subarray(from, from + length), o);
      meta[m] = o;
      o += length;
    }
    this.data = next;
    this.used = o;
    this.dead = 0;
  }
}
