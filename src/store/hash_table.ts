/**
 * The `hashtable` encoding of a hash (see hash.ts for when a hash has it).
 * Fields are the keys of an insertion-ordered {@link Dict} (latin1
 * strings) and values are bytes in one arena, so replacing a value
 * allocates no JS object and a large hash costs the garbage collector
 * nothing per value:
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

import { int32Array, uint8Array } from "../util/small_arrays.ts";
import { Dict } from "./dict.ts";
import type { BulkSink } from "./list.ts";
import { latin1 } from "../util/bytes.ts";

/** Slots and arena bytes a new table starts with. */
const INITIAL_SLOTS = 4;
const INITIAL_ARENA = 64;
/** A delete compacts the arena when dead bytes exceed this and the live bytes. */
const SHRINK_DEAD_BYTES = 4096;
/** Length recorded for a free slot. */
const EMPTY = -1;
/** The arena of a table that has stored no value yet (never written: its length is 0). */
const EMPTY_ARENA = new Uint8Array(0);

/** The fields and values of a `hashtable` hash. */
export class HashTable {
  /** Field → value slot. */
  private dict: Dict;
  /** Value bytes, bump-allocated up to `used`; `dead` of them unreferenced. */
  private data: Uint8Array = EMPTY_ARENA;
  private used = 0;
  private dead = 0;
  /** Per slot: offset, length ({@link EMPTY} when the slot is free). */
  private meta: Int32Array;
  /** Slots below this index have been handed out at least once. */
  private slotsUsed = 0;
  /** Slots freed. */
  private freeSlots: number[] = [];
  /** Sum of field and value lengths, for memory accounting. */
  payloadBytes = 0;

  /** An empty table with room for `expected` fields. */
  constructor(expected: number) {
    this.dict = new Dict(expected);
    this.meta = int32Array(Math.max(INITIAL_SLOTS, expected) * 2).fill(EMPTY);
  }

  /** Number of fields. */
  get size(): number {
    return this.dict.size;
  }

  /** The value of `field` as a latin1 string, or undefined. */
  get(field: string): string | undefined {
    const slot = this.dict.get(field);
    return slot === undefined ? undefined : this.slotText(slot);
  }

  /** The length in bytes of the value of a field given as bytes, or -1 when it is missing. */
  valueLength(field: Uint8Array): number {
    const slot = this.dict.getBytes(field);
    return slot === undefined ? -1 : this.meta[2 * slot + 1];
  }

  /** Writes the value of `field` to `out`; false (writing nothing) when it is missing. */
  writeValue(field: string, out: BulkSink): boolean {
    return this.writeSlot(this.dict.get(field), out);
  }

  /** {@link writeValue} for a field given as bytes. */
  writeFieldValue(field: Uint8Array, out: BulkSink): boolean {
    return this.writeSlot(this.dict.getBytes(field), out);
  }

  private writeSlot(slot: number | undefined, out: BulkSink): boolean {
    if (slot === undefined) return false;
    out.bulkSlice(this.data, this.meta[2 * slot], this.meta[2 * slot + 1]);
    return true;
  }

  /** True when `field` exists. */
  has(field: string): boolean {
    return this.dict.has(field);
  }

  /** True when the field given as bytes exists. */
  hasField(field: Uint8Array): boolean {
    return this.dict.hasBytes(field);
  }

  /** Sets a field to a latin1 string value; returns true when it is new. */
  set(field: string, value: string): boolean {
    const n = value.length;
    const slot = this.prepare(this.dict.get(field), field.length, n);
    const at = this.meta[2 * (slot < 0 ? ~slot : slot)];
    const data = this.data;
    for (let i = 0; i < n; i++) data[at + i] = value.charCodeAt(i);
    return this.finish(field, slot);
  }

  /**
   * {@link set} with the field and value as bytes: the value is stored
   * without making a JS string, and the field becomes one only when it is
   * new (an existing field is found by its bytes).
   */
  setField(field: Uint8Array, value: Uint8Array): boolean {
    const n = value.length;
    const existing = this.dict.getBytes(field);
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
   * Makes room for an `n`-byte value of a field (its `existing` slot, or
   * undefined when new) and records it in the slot table: returns the
   * existing slot, or `~slot` for a fresh slot not yet in the Dict. The
   * caller copies the bytes to the slot's offset.
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
    this.dict.set(field, ~slot);
    return true;
  }

  /** Removes a field; returns true when it existed. */
  delete(field: string): boolean {
    const slot = this.dict.get(field);
    if (slot === undefined) return false;
    this.dict.delete(field);
    const length = this.meta[2 * slot + 1];
    this.payloadBytes -= field.length + length;
    this.dead += length;
    this.meta[2 * slot + 1] = EMPTY;
    this.freeSlots.push(slot);
    if (this.dead > SHRINK_DEAD_BYTES && this.dead > this.used - this.dead) this.compact(0);
    return true;
  }

  /** Iterates `[field, value]` pairs (unspecified order). */
  *entries(): IterableIterator<[string, string]> {
    for (const [field, slot] of this.dict.entries()) yield [field, this.slotText(slot)];
  }

  /** Iterates the fields, in {@link entries} order. */
  fields(): IterableIterator<string> {
    return this.dict.keys();
  }

  /** Calls `visit` for every pair, in {@link entries} order. */
  forEach(visit: (field: string, value: string) => void): void {
    this.dict.forEach((field, slot) => visit(field, this.slotText(slot)));
  }

  /** Calls `visit` for every pair with the value's bytes as `length` bytes of `data` from `offset`. */
  forEachBytes(
    visit: (field: string, data: Uint8Array, offset: number, length: number) => void,
  ): void {
    const meta = this.meta;
    this.dict.forEach((field, slot) => visit(field, this.data, meta[2 * slot], meta[2 * slot + 1]));
  }

  /** A random field, close to uniform (the table must not be empty). */
  randomField(): string {
    return this.dict.randomKey()!;
  }

  /** One HSCAN step with Redis's reverse-binary cursor; returns the next cursor (0 = done). */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    return this.dict.scan(cursor, count, (field, slot) => visit(field, this.slotText(slot)));
  }

  /** A deep copy. */
  clone(): HashTable {
    const copy = new HashTable(this.dict.size);
    this.dict.forEach((field, slot) => copy.dict.set(field, slot));
    copy.data = this.data.slice();
    copy.used = this.used;
    copy.dead = this.dead;
    copy.meta = this.meta.slice();
    copy.slotsUsed = this.slotsUsed;
    copy.freeSlots = [...this.freeSlots];
    copy.payloadBytes = this.payloadBytes;
    return copy;
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
