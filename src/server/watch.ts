/**
 * WATCH bookkeeping: which clients watch which keys, and invalidation when
 * a watched key changes, so that EXEC aborts with a null reply.
 *
 * Semantics follow Redis 7.0:
 * - a client is dirtied by any change to a key it watches, its own included;
 *   once dirty it stops watching (nothing can make it clean again but
 *   UNWATCH, EXEC or DISCARD);
 * - a key that was already logically expired (still stored, TTL passed) when
 *   it was watched counts as absent: its removal by expiry or by a flush is
 *   no change, while a write that recreates it is;
 * - EXEC aborts when a key that was live at WATCH time has expired since,
 *   even if nobody has removed it yet ({@link WatchRegistry.expiredSinceWatch}).
 *
 * @module
 */

import type { Client } from "./client.ts";
import type { Database } from "../store/database.ts";
import type { Keyspace } from "../store/keyspace.ts";
import { latin1 } from "../util/bytes.ts";

/** One key watched by one client. */
export interface WatchedKey {
  readonly client: Client;
  readonly db: Database;
  /** The key as a latin1 string (the registry's map key). */
  readonly key: string;
  /** The key's bytes (copied). */
  readonly bytes: Uint8Array;
  /** The key was stored but already expired when WATCH was called. */
  expired: boolean;
}

/** Watched keys of all clients, per database. */
export class WatchRegistry {
  private readonly byDb: Map<string, Set<WatchedKey>>[] = [];
  private total = 0;

  constructor(private readonly keyspace: Keyspace) {
    for (let i = 0; i < keyspace.dbs.length; i++) this.byDb.push(new Map());
  }

  /** Starts watching a key of `db` for a client (no-op when already watched). */
  watch(c: Client, db: Database, key: Uint8Array): void {
    const k = latin1(key);
    for (const w of c.watched) if (w.db === db && w.key === k) return;
    const bytes = key.slice();
    const entry: WatchedKey = { client: c, db, key: k, bytes, expired: this.isExpired(db, bytes) };
    c.watched.push(entry);
    let set = this.byDb[db.index].get(k);
    if (!set) this.byDb[db.index].set(k, set = new Set());
    set.add(entry);
    this.total++;
  }

  /**
   * Forgets every key a client watches and clears its dirty flag (UNWATCH,
   * EXEC, DISCARD, RESET, disconnect).
   */
  unwatchAll(c: Client): void {
    this.forget(c);
    c.watchDirty = false;
  }

  /**
   * A key of `db` was modified: dirties its watchers. `removed` says the key
   * is being deleted by expiry (it may still be stored while this runs).
   * Cheap when nobody watches anything.
   */
  touch(db: Database, key: Uint8Array, removed = false): void {
    if (this.total === 0) return;
    const set = this.byDb[db.index].get(latin1(key));
    if (!set) return;
    for (const w of [...set]) {
      if (w.expired) {
        // Watched while already expired: its deletion is no logical change.
        // Redis leaves an expired-but-stored key alone here too (no write
        // reaches one without deleting it first).
        if (removed || db.findRaw(w.bytes) < 0) w.expired = false;
        continue;
      }
      this.dirty(w.client);
    }
  }

  /**
   * `emptied` loses all its keys (FLUSHDB, FLUSHALL) or, with
   * `replacedWith`, gets that database's keys (SWAPDB, called for both
   * sides before the swap). Watchers of a key that exists before or after
   * are dirtied, except where the key is logically absent on both sides
   * (expired before and deleted or still expired after).
   */
  touchDatabase(emptied: Database, replacedWith: Database | null): void {
    if (this.total === 0) return;
    const dirtied: Client[] = [];
    for (const set of this.byDb[emptied.index].values()) {
      const bytes = set.values().next().value!.bytes;
      const before = emptied.findRaw(bytes) >= 0;
      const after = replacedWith !== null && replacedWith.findRaw(bytes) >= 0;
      if (!before && !after) continue;
      for (const w of set) {
        if (w.expired) {
          if (!after) {
            w.expired = false;
            continue;
          }
          if (this.isExpired(replacedWith!, bytes)) continue;
        } else if (!before && this.isExpired(replacedWith!, bytes)) {
          w.expired = true;
          continue;
        }
        dirtied.push(w.client);
      }
    }
    for (const c of dirtied) this.dirty(c);
  }

  /**
   * True when a key the client watched while it was live has expired since
   * (checked by EXEC: such a transaction aborts).
   */
  expiredSinceWatch(c: Client): boolean {
    for (const w of c.watched) {
      if (!w.expired && this.isExpired(w.db, w.bytes)) return true;
    }
    return false;
  }

  /** Number of distinct watched keys. */
  get watchedKeys(): number {
    let n = 0;
    for (const m of this.byDb) n += m.size;
    return n;
  }

  /** Marks a client dirty; it stops watching, since nothing can make it clean again. */
  private dirty(c: Client): void {
    c.watchDirty = true;
    this.forget(c);
  }

  private forget(c: Client): void {
    for (const w of c.watched) {
      const map = this.byDb[w.db.index];
      const set = map.get(w.key);
      if (!set) continue;
      set.delete(w);
      this.total--;
      if (set.size === 0) map.delete(w.key);
    }
    c.watched.length = 0;
  }

  /** Redis's `keyIsExpired`: stored with a TTL that has passed (never while loading). */
  private isExpired(db: Database, key: Uint8Array): boolean {
    if (this.keyspace.expiryPaused) return false;
    const id = db.findRaw(key);
    return id >= 0 && db.isExpired(id);
  }
}
