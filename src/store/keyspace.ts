/**
 * All databases of a server, the shared slab and clock, and the active
 * expiry cycle.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import { Database, type StoreEnv, type StoreObserver } from "./database.ts";
import { Slab } from "./slab.ts";

/** Keys sampled per database per round of the active expiry cycle. */
const KEYS_PER_LOOP = 20;
/** Another round runs while more than this share of the sample was expired. */
const ACCEPTABLE_STALE = 0.1;

/** The databases of one server. */
export class Keyspace implements StoreEnv {
  readonly slab = new Slab();
  readonly dbs: Database[] = [];
  now: number;
  lruClock: number;
  expiryPaused = false;
  /** False after `DEBUG SET-ACTIVE-EXPIRE 0`: only lazy expiry then. */
  activeExpireEnabled = true;
  storeObserver: StoreObserver | null = null;
  /** See {@link StoreEnv.outsideWrites}. */
  outsideWrites = 0;
  /** An LFU `maxmemory-policy` is active (see {@link StoreEnv.lfuPolicy}). */
  lfuPolicy = false;
  /** `lfu-log-factor`. */
  lfuLogFactor = 10;
  /** `lfu-decay-time` in minutes. */
  lfuDecayTime = 1;
  /** Small integers are not shared (see {@link StoreEnv.noSharedIntegers}). */
  noSharedIntegers = false;
  /** Set by the server: called before an expired key is removed. */
  expiredHandler: (db: Database, key: Uint8Array) => void = () => {};
  /** Set by the server: called when a key is added to a database (`new` events). */
  createdHandler: (db: Database, key: Uint8Array) => void = () => {};
  /** Database to resume the next active expiry cycle from. */
  private nextExpireDb = 0;

  constructor(readonly clock: Clock, databases: number) {
    this.now = clock.now();
    this.lruClock = Math.floor(this.now / 1000) >>> 0;
    for (let i = 0; i < databases; i++) this.dbs.push(new Database(i, this));
  }

  /**
   * Refreshes the cached time; called before each batch of commands, with
   * the server's {@link monotonicNow} reading when it has one.
   */
  updateTime(monotonic?: number): void {
    const clock = this.clock;
    this.now = monotonic !== undefined && clock.nowAt !== undefined
      ? clock.nowAt(monotonic)
      : clock.now();
    this.lruClock = Math.floor(this.now / 1000) >>> 0;
  }

  onExpired(db: Database, key: Uint8Array): void {
    this.expiredHandler(db, key);
  }

  onCreated(db: Database, key: Uint8Array): void {
    this.createdHandler(db, key);
  }

  /** Total number of keys in all databases. */
  totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }

  /**
   * Goes on with the hash-table resizes in progress, about `ms` milliseconds
   * per database at most, as Redis's cron does with `activerehashing`: a
   * resize otherwise only moves on with writes to its database.
   */
  rehashFor(ms: number): void {
    for (const db of this.dbs) db.rehashFor(ms);
  }

  /**
   * One run of the active expiry cycle, like Redis's `activeExpireCycle`:
   * per database, sample keys that have a TTL and delete the expired ones,
   * repeating while many of the sample were expired, until `budgetMs` is
   * spent. Returns the number of keys expired and the share of stale keys
   * seen in the last samples.
   */
  activeExpireCycle(budgetMs: number, effort = 1): { expired: number; stalePercent: number } {
    if (this.expiryPaused || !this.activeExpireEnabled) return { expired: 0, stalePercent: 0 };
    this.updateTime();
    const perLoop = KEYS_PER_LOOP + Math.floor((KEYS_PER_LOOP / 4) * (effort - 1));
    const acceptable = ACCEPTABLE_STALE - (effort - 1) / 100;
    const start = performance.now();
    let expired = 0;
    let sampledTotal = 0;
    let expiredTotal = 0;
    const dbs = this.dbs.length;
    for (let n = 0; n < dbs; n++) {
      const db = this.dbs[(this.nextExpireDb + n) % dbs];
      for (;;) {
        const volatile = db.expiresCount;
        if (volatile === 0) break;
        const samples = Math.min(perLoop, volatile);
        let expiredNow = 0;
        for (let i = 0; i < samples; i++) {
          const id = db.randomVolatile();
          if (id < 0) break;
          if (db.isExpired(id)) {
            db.expireEntry(id);
            expiredNow++;
          }
        }
        expired += expiredNow;
        sampledTotal += samples;
        expiredTotal += expiredNow;
        if (performance.now() - start > budgetMs) {
          this.nextExpireDb = (this.nextExpireDb + n) % dbs;
          return { expired, stalePercent: sampledTotal ? expiredTotal / sampledTotal : 0 };
        }
        if (expiredNow <= samples * acceptable) break;
      }
    }
    this.nextExpireDb = 0;
    return { expired, stalePercent: sampledTotal ? expiredTotal / sampledTotal : 0 };
  }

  /** Removes every key of every database. */
  flushAll(): void {
    for (const db of this.dbs) db.clear(false);
    this.slab.reset();
  }
}
