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
 * Both encodings live in one insertion-ordered {@link Dict}; the encoding is
 * a flag that changes what the commands report and how SCAN and random
 * sampling behave. Fields and values are bytes held as latin1 strings.
 *
 * @module
 */

import type { Collection } from "./collection.ts";
import { Dict } from "./dict.ts";

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

/** A Redis hash value. */
export class HashValue implements Collection {
  private readonly dict = new Dict<string>();
  private listpack = true;
  /** Sum of field and value lengths, for {@link memoryUsage}. */
  private payloadBytes = 0;

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
    return this.dict.size;
  }

  /** `listpack` or `hashtable`, as `OBJECT ENCODING` reports it. */
  encoding(): string {
    return this.listpack ? "listpack" : "hashtable";
  }

  /** True while `listpack`-encoded (fields iterate in insertion order). */
  get isListpack(): boolean {
    return this.listpack;
  }

  /** The value of `field`, or undefined. */
  get(field: string): string | undefined {
    return this.dict.get(field);
  }

  /** True when `field` exists. */
  has(field: string): boolean {
    return this.dict.has(field);
  }

  /**
   * Sets a field; returns true when it is new. A listpack converts to a
   * hash table when the field or value is too long, or when the hash then
   * has too many fields, as Redis checks on every write.
   */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (this.listpack && Math.max(field.length, value.length) > limits.maxListpackValue) {
      this.listpack = false;
    }
    const old = this.dict.swap(field, value);
    const created = old === undefined;
    this.payloadBytes += created ? field.length + value.length : value.length - old.length;
    if (this.listpack && this.dict.size > limits.maxListpackEntries) this.listpack = false;
    return created;
  }

  /** Removes a field; returns true when it existed. */
  delete(field: string): boolean {
    const old = this.dict.get(field);
    if (old === undefined) return false;
    this.dict.delete(field);
    this.payloadBytes -= field.length + old.length;
    return true;
  }

  /**
   * Iterates `[field, value]` pairs: insertion order for `listpack`,
   * unspecified for `hashtable`. Do not modify the hash while iterating.
   */
  entries(): IterableIterator<[string, string]> {
    return this.dict.entries();
  }

  /** Iterates the fields, in {@link entries} order. */
  fields(): IterableIterator<string> {
    return this.dict.keys();
  }

  /** Calls `visit` for every pair, in {@link entries} order. */
  forEach(visit: (field: string, value: string) => void): void {
    this.dict.forEach(visit);
  }

  /** A random field, close to uniform (the hash must not be empty). */
  randomField(): string {
    return this.dict.randomKey()!;
  }

  /**
   * One HSCAN step. A listpack is returned whole with cursor 0, as Redis
   * does; a hash table is walked with Redis's reverse-binary cursor until
   * at least `count` fields were seen. Returns the next cursor (0 = done).
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    if (this.listpack) {
      this.dict.forEach(visit);
      return 0;
    }
    return this.dict.scan(cursor, count, visit);
  }

  /** A deep copy with the same encoding and order. */
  clone(): HashValue {
    const copy = new HashValue();
    this.dict.forEach((field, value) => copy.dict.set(field, value));
    copy.listpack = this.listpack;
    copy.payloadBytes = this.payloadBytes;
    return copy;
  }

  /** Approximate bytes used: field and value bytes plus a per-field cost of the encoding. */
  memoryUsage(): number {
    const overhead = this.listpack ? LISTPACK_FIELD_OVERHEAD : TABLE_FIELD_OVERHEAD;
    return HASH_BASE_BYTES + this.payloadBytes + this.size * overhead;
  }
}
