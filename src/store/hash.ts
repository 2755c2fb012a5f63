/**
 * The hash value type, with Redis 7.0's two encodings and their conversion
 * rules:
 *
 * - `listpack` while the hash has at most `hash-max-listpack-entries`
 *   fields and no field or value longer than `hash-max-listpack-value`
 *   bytes. Fields keep insertion order (an update keeps its place, a
 *   re-added field goes last), which is the order Redis replies in.
 * - `hashtable` otherwise, for good: a hash never converts back. Order is
 *   unspecified, as in Redis (src/store/hash_table.ts).
 *
 * A `listpack` hash is one latin1 string of its fields and values in
 * insertion order, each `[length][bytes]` (src/store/packed_string.ts), as
 * Redis keeps them in one listpack: lookups scan it and a write rebuilds
 * it, O(n) in a hash of at most `hash-max-listpack-entries` fields as
 * Redis's are. A small hash is then two objects on V8's heap, the hash and
 * its string (~90 bytes for one short field), where an array of field and
 * value strings made five (~210 bytes): millions of small hashes cost the
 * garbage collector that much less to copy and mark.
 *
 * @module
 */

import type { Collection } from "./collection.ts";
import type { BulkSink } from "./list.ts";
import { latin1 } from "../util/bytes.ts";
import { HashTable } from "./hash_table.ts";
import { elementStart, encodeLength, flat, packPair, readLength } from "./packed_string.ts";
import { stringBytes } from "./zset_encoding.ts";

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

/** Rough per-field cost in bytes of a hash table, for memory accounting. */
const TABLE_FIELD_OVERHEAD = 80;
/** The hash object itself. */
const HASH_BASE_BYTES = 48;

/** Scratch for handing a listpack value out as bytes ({@link HashValue.forEachBytes}). */
let valueScratch = new Uint8Array(64);

// The pair decoded last by `readPair`, and where `locate` found it (shared
// by all hashes: every method reads what it needs before calling out):
// where the pair starts, where its field's bytes start and their length,
// where its value's length and bytes start, the value's length.
let pairStart = 0;
let fieldStart = 0;
let fieldLength = 0;
let valueEntry = 0;
let valueStart = 0;
let valueLength = 0;

/** Decodes the pair at offset `at` of `data` into the cursor; returns where the next pair starts. */
function readPair(data: string, at: number): number {
  // Lengths under 128 take one character: no varint decoding for them.
  let n = data.charCodeAt(at);
  fieldStart = at + 1;
  if (n >= 0x80) {
    n = readLength(data, at);
    fieldStart = elementStart;
  }
  fieldLength = n;
  valueEntry = fieldStart + n;
  let m = data.charCodeAt(valueEntry);
  valueStart = valueEntry + 1;
  if (m >= 0x80) {
    m = readLength(data, valueEntry);
    valueStart = elementStart;
  }
  valueLength = m;
  return valueStart + m;
}

/** True when `bytes` are the characters of `data` from `at` on. */
function sameBytes(data: string, at: number, bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (data.charCodeAt(at + i) !== bytes[i]) return false;
  return true;
}

/** A Redis hash value. */
export class HashValue implements Collection {
  /** While `listpack`-encoded: `[field][value]...` packed, in insertion order ("" otherwise). */
  private packed = "";
  /** Fields in {@link packed}. */
  private count = 0;
  /** The fields once the hash stopped being a listpack, else null. */
  private table: HashTable | null = null;

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
    return this.table === null ? this.count : this.table.size;
  }

  /** `listpack` or `hashtable`, as `OBJECT ENCODING` reports it. */
  encoding(): string {
    return this.table === null ? "listpack" : "hashtable";
  }

  /** True while `listpack`-encoded (fields iterate in insertion order). */
  get isListpack(): boolean {
    return this.table === null;
  }

  // ------------------------------------------------------------ listpack

  /**
   * Index of the listpack pair whose field is `field`, or -1; when found,
   * the cursor (pairStart, valueEntry, valueStart, valueLength) is on it.
   */
  private locate(field: string): number {
    const data = this.packed;
    const length = field.length;
    // Fields differ most often in their last byte ("f1", "f2"...).
    const last = length > 0 ? field.charCodeAt(length - 1) : 0;
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      const next = readPair(data, at);
      if (
        fieldLength === length &&
        (length === 0 || data.charCodeAt(fieldStart + length - 1) === last) &&
        data.startsWith(field, fieldStart)
      ) {
        pairStart = at;
        return i;
      }
      at = next;
    }
    return -1;
  }

  /** {@link locate} for a field given as bytes (no JS string made for it). */
  private locateBytes(field: Uint8Array): number {
    const data = this.packed;
    const length = field.length;
    const last = length > 0 ? field[length - 1] : 0;
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      const next = readPair(data, at);
      if (
        fieldLength === length &&
        (length === 0 || data.charCodeAt(fieldStart + length - 1) === last) &&
        sameBytes(data, fieldStart, field)
      ) {
        pairStart = at;
        return i;
      }
      at = next;
    }
    return -1;
  }

  /** The value of the pair under the cursor. */
  private cursorValue(): string {
    return this.packed.substring(valueStart, valueStart + valueLength);
  }

  /**
   * Sets a listpack field to `value` (`found`: the cursor is on its pair;
   * else it is new, and `field` is its name); returns true when it is new.
   * Converts to a hash table when the hash then has too many fields.
   */
  private setPair(found: boolean, field: string, value: string, limits: HashLimits): boolean {
    const data = this.packed;
    if (found) {
      if (valueLength !== value.length || !data.startsWith(value, valueStart)) {
        this.packed = flat([
          data.slice(0, valueEntry),
          encodeLength(value.length),
          value,
          data.slice(valueStart + valueLength),
        ]);
      }
      return false;
    }
    this.append(
      flat([encodeLength(field.length), field, encodeLength(value.length), value]),
      limits,
    );
    return true;
  }

  /** Adds a packed pair (of a new field) at the end; converts when the hash has too many fields. */
  private append(pair: string, limits: HashLimits): void {
    this.packed = this.packed.length === 0 ? pair : flat([this.packed, pair]);
    if (++this.count > limits.maxListpackEntries) this.convertToTable();
  }

  /** Turns the listpack into the hash table, in its order. */
  private convertToTable(): void {
    const table = new HashTable(this.count);
    this.forEach((field, value) => table.set(field, value));
    this.table = table;
    this.packed = "";
    this.count = 0;
  }

  /**
   * Calls `visit` with the offsets of every listpack pair, in order: where
   * the field's bytes start and end, where the value's start and end.
   */
  private walk(
    visit: (fieldStart: number, fieldEnd: number, valueStart: number, valueEnd: number) => void,
  ): void {
    const data = this.packed;
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      at = readPair(data, at);
      visit(fieldStart, fieldStart + fieldLength, valueStart, at);
    }
  }

  // -------------------------------------------------------------- reading

  /** The value of `field` as a latin1 string, or undefined. */
  get(field: string): string | undefined {
    if (this.table !== null) return this.table.get(field);
    return this.locate(field) < 0 ? undefined : this.cursorValue();
  }

  /** The length in bytes of the value of a field given as bytes, or -1 when it is missing. */
  valueLength(field: Uint8Array): number {
    if (this.table !== null) return this.table.valueLength(field);
    return this.locateBytes(field) < 0 ? -1 : valueLength;
  }

  /**
   * Writes the value of `field` to `out` as a bulk string; returns false
   * (writing nothing) when the field is missing.
   */
  writeValue(field: string, out: BulkSink): boolean {
    if (this.table !== null) return this.table.writeValue(field, out);
    return this.writeFound(this.locate(field), out);
  }

  /** {@link writeValue} for a field given as bytes. */
  writeFieldValue(field: Uint8Array, out: BulkSink): boolean {
    if (this.table !== null) return this.table.writeFieldValue(field, out);
    return this.writeFound(this.locateBytes(field), out);
  }

  /** Writes the value under the cursor when `found` is an index (-1: missing, false). */
  private writeFound(found: number, out: BulkSink): boolean {
    if (found < 0) return false;
    out.bulkLatin1(this.cursorValue());
    return true;
  }

  /** True when `field` exists. */
  has(field: string): boolean {
    return this.table !== null ? this.table.has(field) : this.locate(field) >= 0;
  }

  /** True when the field given as bytes exists. */
  hasField(field: Uint8Array): boolean {
    return this.table !== null ? this.table.hasField(field) : this.locateBytes(field) >= 0;
  }

  // -------------------------------------------------------------- writing

  /**
   * Sets a field to a latin1 string value; returns true when it is new. A
   * listpack converts to a hash table when the field or value is too long,
   * or when the hash then has too many fields, as Redis checks on every
   * write.
   */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (this.table === null) {
      if (Math.max(field.length, value.length) <= limits.maxListpackValue) {
        return this.setPair(this.locate(field) >= 0, field, value, limits);
      }
      this.convertToTable();
    }
    return this.table!.set(field, value);
  }

  /**
   * {@link set} with the field and value as bytes: in a hash table the value
   * is stored without making a JS string, and the field becomes one only
   * when it is new (an existing field is found by its bytes).
   */
  setField(field: Uint8Array, value: Uint8Array, limits: HashLimits): boolean {
    if (this.table === null) {
      if (Math.max(field.length, value.length) <= limits.maxListpackValue) {
        if (this.locateBytes(field) >= 0) return this.setPair(true, "", latin1(value), limits);
        this.append(packPair(field, value), limits);
        return true;
      }
      this.convertToTable();
    }
    return this.table!.setField(field, value);
  }

  /** Removes a field; returns true when it existed. */
  delete(field: string): boolean {
    if (this.table !== null) return this.table.delete(field);
    if (this.locate(field) < 0) return false;
    const data = this.packed;
    this.packed = flat([data.slice(0, pairStart), data.slice(valueStart + valueLength)]);
    this.count--;
    return true;
  }

  // ------------------------------------------------------------ iterating

  /**
   * Iterates `[field, value]` pairs: insertion order for `listpack`,
   * unspecified for `hashtable`. Do not modify the hash while iterating.
   */
  *entries(): IterableIterator<[string, string]> {
    if (this.table !== null) {
      yield* this.table.entries();
      return;
    }
    const pairs: [string, string][] = [];
    this.forEach((field, value) => pairs.push([field, value]));
    yield* pairs;
  }

  /** Iterates the fields, in {@link entries} order. */
  *fields(): IterableIterator<string> {
    if (this.table !== null) {
      yield* this.table.fields();
      return;
    }
    const data = this.packed;
    const fields: string[] = [];
    this.walk((start, end) => fields.push(data.substring(start, end)));
    yield* fields;
  }

  /** Calls `visit` for every pair, in {@link entries} order. */
  forEach(visit: (field: string, value: string) => void): void {
    if (this.table !== null) return this.table.forEach(visit);
    const data = this.packed;
    this.walk((fieldStart, fieldEnd, start, end) =>
      visit(data.substring(fieldStart, fieldEnd), data.substring(start, end))
    );
  }

  /**
   * Calls `visit` for every pair, in {@link entries} order, with the
   * value's bytes as `length` bytes of `data` from `offset` (valid only
   * during the call; do not modify the hash while iterating).
   */
  forEachBytes(
    visit: (field: string, data: Uint8Array, offset: number, length: number) => void,
  ): void {
    if (this.table !== null) return this.table.forEachBytes(visit);
    const data = this.packed;
    this.walk((fieldStart, fieldEnd, start, end) => {
      const n = end - start;
      if (n > valueScratch.length) valueScratch = new Uint8Array(n);
      const bytes = valueScratch;
      for (let j = 0; j < n; j++) bytes[j] = data.charCodeAt(start + j);
      visit(data.substring(fieldStart, fieldEnd), bytes, 0, n);
    });
  }

  /** A random field, close to uniform (the hash must not be empty). */
  randomField(): string {
    if (this.table !== null) return this.table.randomField();
    const data = this.packed;
    const wanted = Math.floor(Math.random() * this.count);
    let i = 0;
    let field = "";
    this.walk((start, end) => {
      if (i++ === wanted) field = data.substring(start, end);
    });
    return field;
  }

  /**
   * One HSCAN step. A listpack is returned whole with cursor 0, as Redis
   * does; a hash table is walked with Redis's reverse-binary cursor until
   * at least `count` fields were seen. Returns the next cursor (0 = done).
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    if (this.table !== null) return this.table.scan(cursor, count, visit);
    this.forEach(visit);
    return 0;
  }

  /** A deep copy with the same encoding and order. */
  clone(): HashValue {
    const copy = new HashValue();
    // Strings are immutable: the copy can share the packed pairs.
    copy.packed = this.packed;
    copy.count = this.count;
    copy.table = this.table === null ? null : this.table.clone();
    return copy;
  }

  /** Approximate bytes used: the packed pairs, or field and value bytes plus a per-field cost. */
  memoryUsage(): number {
    if (this.table === null) return HASH_BASE_BYTES + stringBytes(this.packed.length);
    return HASH_BASE_BYTES + this.table.payloadBytes + this.table.size * TABLE_FIELD_OVERHEAD;
  }
}
