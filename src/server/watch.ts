/**
 * WATCH bookkeeping: which clients watch which keys, and invalidation when
 * a watched key is modified (so EXEC aborts with a null reply).
 *
 * @module
 */

import type { Client } from "./client.ts";
import { latin1 } from "../util/bytes.ts";

/** Watched keys of all clients, per database. */
export class WatchRegistry {
  private readonly byDb: Map<string, Set<Client>>[] = [];
  private total = 0;

  constructor(databases: number) {
    for (let i = 0; i < databases; i++) this.byDb.push(new Map());
  }

  /** Starts watching a key for a client. */
  watch(c: Client, db: number, key: Uint8Array): void {
    const k = latin1(key);
    if (c.watched.some((w) => w.db === db && w.key === k)) return;
    c.watched.push({ db, key: k });
    let set = this.byDb[db].get(k);
    if (!set) this.byDb[db].set(k, set = new Set());
    set.add(c);
    this.total++;
  }

  /** Forgets all keys a client watches (UNWATCH, EXEC, DISCARD, disconnect). */
  unwatchAll(c: Client): void {
    for (const { db, key } of c.watched) {
      const set = this.byDb[db].get(key);
      if (!set) continue;
      set.delete(c);
      this.total--;
      if (set.size === 0) this.byDb[db].delete(key);
    }
    c.watched.length = 0;
    c.watchDirty = false;
  }

  /** Marks clients watching `key` as dirty. Cheap when nobody watches anything. */
  touch(db: number, key: Uint8Array): void {
    if (this.total === 0) return;
    const set = this.byDb[db].get(latin1(key));
    if (set) { for (const c of set) c.watchDirty = true; }
  }

  /**
   * Marks clients watching keys of a database as dirty (FLUSHDB, FLUSHALL,
   * SWAPDB). With `exists`, only keys it reports as present count, as in
   * Redis's `touchAllWatchedKeysInDb`.
   */
  touchAll(db: number, exists?: (key: string) => boolean): void {
    if (this.total === 0) return;
    for (const [key, set] of this.byDb[db]) {
      if (exists && !exists(key)) continue;
      for (const c of set) c.watchDirty = true;
    }
  }

  /** Keys watched in a database (for EXEC's expiry check and SWAPDB). */
  keysOf(db: number): IterableIterator<string> {
    return this.byDb[db].keys();
  }

  /** Number of clients with at least one watched key. */
  watchingClients(): number {
    const clients = new Set<Client>();
    for (const m of this.byDb) for (const set of m.values()) for (const c of set) clients.add(c);
    return clients.size;
  }

  /** Total number of watched keys. */
  get watchedKeys(): number {
    let n = 0;
    for (const m of this.byDb) n += m.size;
    return n;
  }
}
