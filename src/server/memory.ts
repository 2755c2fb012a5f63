/**
 * Memory accounting: the `used_memory` figure that INFO reports and that
 * `maxmemory` is enforced against (see docs/adr/0004-memory-accounting.md).
 *
 * The figure is *accounted*, not sampled, so it moves with every write and
 * is cheap enough to read before each command:
 *
 * - slab bytes in use (keys and strings up to 4 KiB; exact, O(1));
 * - the hash-table columns of every database (O(databases));
 * - values kept outside the slab (large strings, collections): a per-entry
 *   byte count in a column beside each database, updated after each write
 *   command for the keys it names, dropped when the store deletes an entry
 *   (the store tells us through {@link StoreObserver}), and re-measured by
 *   a background audit that walks those values a little on every cron tick.
 *
 * The V8 heap is sampled separately, when INFO, MEMORY STATS or MEMORY
 * DOCTOR ask; it includes garbage not yet collected and the runtime
 * itself, so it is reported but not used for eviction.
 *
 * @module
 */

import type { Database, StoreObserver } from "../store/database.ts";
import type { Keyspace } from "../store/keyspace.ts";

/** Rough cost of one JS object holding a value outside the slab (header, backing pointer). */
const OBJECT_OVERHEAD = 64;
/** Per-entry bytes of this module's own size column. */
const SIZE_COLUMN_BYTES = Uint32Array.BYTES_PER_ELEMENT;
/** The column stores sizes up to 4 GiB - 1; larger values are counted as that. */
const MAX_ENTRY_BYTES = 0xffffffff;
/** Entries the background audit re-measures per cron tick. */
const AUDIT_ENTRIES_PER_TICK = 200;

/** A value with a size estimate (collections implement `Collection.memoryUsage`). */
interface Measurable {
  memoryUsage(): number;
}

/** Bytes an entry's value uses outside the slab. */
export function externalBytes(db: Database, id: number): number {
  const value = db.object<unknown>(id);
  if (value === undefined || value === null) return 0; // inline string: all in the slab
  if (value instanceof Uint8Array) return value.buffer.byteLength + OBJECT_OVERHEAD;
  const measurable = value as Partial<Measurable>;
  if (typeof measurable.memoryUsage === "function") {
    return measurable.memoryUsage() + OBJECT_OVERHEAD;
  }
  return OBJECT_OVERHEAD;
}

/** Process-level figures sampled from V8 and the OS. */
export interface SampledMemory {
  /** V8 heap in use (live and not yet collected objects). */
  heapUsed: number;
  /** Memory outside the V8 heap held by JS objects (ArrayBuffers: slab pages, big strings). */
  external: number;
  /** Resident set size of the process. */
  rss: number;
}

/** Keeps the accounted memory figure of one server's keyspace. */
export class MemoryAccountant implements StoreObserver {
  /** Per database: bytes outside the slab of each entry. */
  private sizes: Uint32Array[];
  /** Per database: sum of its column. */
  private dbTotals: number[];
  /** Sum of every column. */
  private externalTotal = 0;
  private auditDb = 0;
  private auditCursor = 0;
  /** Highest accounted figure seen. */
  peak = 0;
  /** Accounted figure right after startup. */
  readonly startup: number;

  constructor(private readonly keyspace: Keyspace) {
    this.sizes = keyspace.dbs.map(() => new Uint32Array(0));
    this.dbTotals = keyspace.dbs.map(() => 0);
    this.startup = this.used();
    this.peak = this.startup;
  }

  /**
   * The accounted bytes: slab in use, hash tables, values outside the slab
   * and this module's columns. O(databases).
   */
  used(): number {
    let tables = 0;
    const dbs = this.keyspace.dbs;
    for (let i = 0; i < dbs.length; i++) {
      tables += dbs[i].tableBytes() + this.sizes[i].length * SIZE_COLUMN_BYTES;
    }
    return this.keyspace.slab.usedBytes + tables + this.externalTotal;
  }

  /** Bytes held by values outside the slab, as last measured. */
  get externalBytes(): number {
    return this.externalTotal;
  }

  /** Bytes of the hash tables and size columns of one database. */
  overheadOf(db: Database): number {
    return db.tableBytes() + this.sizes[db.index].length * SIZE_COLUMN_BYTES;
  }

  /** Updates `used_memory_peak`; returns the current figure. */
  notePeak(): number {
    const used = this.used();
    if (used > this.peak) this.peak = used;
    return used;
  }

  /**
   * Re-measures the value of `key` in `db` after a write (no-op when the key
   * is gone). Collections are skipped unless `withCollections`, so that a
   * server without a memory limit never pays for `memoryUsage()` on writes.
   */
  remeasureKey(db: Database, key: Uint8Array, withCollections: boolean): void {
    const id = db.findRaw(key);
    if (id < 0) return;
    const value = db.object<unknown>(id);
    // A value kept in the slab has no outside size, and its column entry is
    // already zero (see valueDropped): nothing to read or write.
    if (value === undefined || value === null) return;
    if (!withCollections && !(value instanceof Uint8Array)) return;
    this.remeasure(db, id);
  }

  /** Re-measures one entry. */
  remeasure(db: Database, id: number): void {
    const bytes = Math.min(MAX_ENTRY_BYTES, externalBytes(db, id));
    let column = this.sizes[db.index];
    if (id >= column.length) {
      // Entries past the column's end count zero: it grows only to hold a size.
      if (bytes === 0) return;
      const grown = new Uint32Array(Math.max(16, id + 1, Math.ceil(column.length * 1.5)));
      grown.set(column);
      this.sizes[db.index] = column = grown;
    }
    const delta = bytes - column[id];
    if (delta === 0) return;
    column[id] = bytes;
    this.dbTotals[db.index] += delta;
    this.externalTotal += delta;
  }

  /** An entry is deleted, or its value moves into the slab: forget its outside size. */
  valueDropped(db: Database, id: number): void {
    const column = this.sizes[db.index];
    if (id >= column.length) return;
    const bytes = column[id];
    if (bytes === 0) return;
    column[id] = 0;
    this.dbTotals[db.index] -= bytes;
    this.externalTotal -= bytes;
  }

  /** A database was emptied. */
  cleared(db: Database): void {
    this.externalTotal -= this.dbTotals[db.index];
    this.dbTotals[db.index] = 0;
    this.sizes[db.index] = new Uint32Array(0);
  }

  /** Two databases swapped contents (SWAPDB): their columns go with them. */
  swapped(a: Database, b: Database): void {
    const column = this.sizes[a.index];
    this.sizes[a.index] = this.sizes[b.index];
    this.sizes[b.index] = column;
    const total = this.dbTotals[a.index];
    this.dbTotals[a.index] = this.dbTotals[b.index];
    this.dbTotals[b.index] = total;
  }

  /**
   * One step of the background audit: re-measures a few hundred values kept
   * outside the slab (only those can have an outside size), so values
   * changed without a write command naming them (loading, a collection
   * measured lazily) converge to their real size. It walks entry numbers
   * in order rather than the hash table, whose chains would cost a cache
   * miss per key: the step runs in the cron, between clients' commands.
   */
  auditStep(entries = AUDIT_ENTRIES_PER_TICK): void {
    const dbs = this.keyspace.dbs;
    let budget = entries;
    for (let tries = 0; tries < dbs.length && budget > 0; tries++) {
      const db = dbs[this.auditDb];
      if (db.size > 0) {
        let visited = 0;
        this.auditCursor = db.scanObjects(this.auditCursor, budget, (id) => {
          this.remeasure(db, id);
          visited++;
        });
        budget -= Math.max(1, visited);
        if (this.auditCursor !== 0) return;
      }
      this.auditCursor = 0;
      this.auditDb = (this.auditDb + 1) % dbs.length;
    }
  }

  /** Re-measures every entry now (after bulk loading, or on demand). O(keys). */
  recount(): void {
    for (const db of this.keyspace.dbs) db.forEach((id) => this.remeasure(db, id));
  }

  /**
   * Reads V8's heap figures and the RSS now (about a hundred microseconds in
   * a busy server): only INFO and MEMORY ask, so the cron does not pay for
   * it ten times a second.
   */
  sample(): SampledMemory {
    const { heapUsed, external, rss } = Deno.memoryUsage();
    return { heapUsed, external, rss };
  }
}
