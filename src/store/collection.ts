/**
 * What every collection value (list, hash, set, sorted set) stored with
 * `Database.setObject` provides, so generic commands (COPY, OBJECT,
 * MEMORY USAGE, DEBUG) and persistence can treat them alike.
 *
 * @module
 */

/** Common surface of collection values. */
export interface Collection {
  /** Number of elements. */
  readonly size: number;
  /** The encoding Redis 7.0 would report for the same value (`OBJECT ENCODING`). */
  encoding(): string;
  /** A deep copy (COPY, snapshots). */
  clone(): Collection;
  /** Approximate bytes of memory used (MEMORY USAGE, maxmemory accounting). */
  memoryUsage(): number;
}
