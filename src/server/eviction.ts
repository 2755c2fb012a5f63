/**
 * Key eviction under `maxmemory`, with Redis's policies and its
 * approximations: LRU, LFU and TTL pick from a pool of the best candidates
 * found by sampling `maxmemory-samples` keys per database per round (no
 * global ordering is ever maintained); the random policies pick a random
 * key, rotating over the databases.
 *
 * LFU counters grow logarithmically (`lfu-log-factor`) and decay by one per
 * `lfu-decay-time` minutes without access; the store keeps them
 * (`Database.touch`, `Database.frequency`, store/lfu.ts).
 *
 * Like Redis, one command spends at most a time budget evicting (set by
 * `maxmemory-eviction-tenacity`); if memory is still over the limit after
 * it, eviction goes on in the background and the command is not refused.
 *
 * @module
 */

import type { Database } from "../store/database.ts";
import type { Server } from "./server.ts";
import type { MemoryAccountant } from "./memory.ts";
import type { LatencyMonitor } from "./latency.ts";
import { NOTIFY_EVICTED } from "./notify_flags.ts";
import { utf8 } from "../util/bytes.ts";

/** Candidates kept between eviction rounds (Redis's EVPOOL_SIZE). */
const POOL_SIZE = 16;
const DEL = utf8("DEL");

/** A maxmemory policy name. */
export type EvictionPolicy =
  | "noeviction"
  | "allkeys-lru"
  | "allkeys-lfu"
  | "allkeys-random"
  | "volatile-lru"
  | "volatile-lfu"
  | "volatile-random"
  | "volatile-ttl";

/** Result of trying to get under the limit. */
export type EvictionResult = "ok" | "running" | "fail";

/** A candidate in the eviction pool. */
interface Candidate {
  key: Uint8Array;
  db: number;
  /** Higher is a better victim: idle ms (LRU), 255 - frequency (LFU), or inverted expire (TTL). */
  score: number;
}

/** How long one eviction pass may run, in microseconds, for a tenacity of 0..100. */
export function evictionTimeLimitMicros(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return 500 * Math.pow(1.15, tenacity - 10);
  return Infinity;
}

/** Evicts keys of one server to keep its accounted memory under `maxmemory`. */
export class Evictor {
  /** Best candidates found so far, sorted by score, best last. */
  private pool: Candidate[] = [];
  private nextRandomDb = 0;
  private background: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly server: Server,
    private readonly memory: MemoryAccountant,
    private readonly latency: LatencyMonitor,
  ) {
    this.policy = server.config.str("maxmemory-policy") as EvictionPolicy;
  }

  /** Takes a new `maxmemory-policy`: pooled scores of the old one are meaningless. */
  policyChanged(): void {
    this.policy = this.server.config.str("maxmemory-policy") as EvictionPolicy;
    this.pool = [];
  }

  /** The active policy (kept current by {@link policyChanged}). */
  policy: EvictionPolicy;

  /**
   * Evicts until the accounted memory is under `maxmemory`, within the time
   * budget. "ok": under the limit; "running": still over, background
   * eviction continues; "fail": nothing (more) can be evicted.
   */
  performEvictions(): EvictionResult {
    const limit = this.server.config.int("maxmemory");
    if (limit === 0) return "ok";
    let used = this.memory.used();
    if (used <= limit) return "ok";
    const policy = this.policy;
    if (policy === "noeviction") return "fail";
    const budgetMicros = evictionTimeLimitMicros(
      this.server.config.int("maxmemory-eviction-tenacity"),
    );
    // Clock reads cost more than evicting a small key, so the budget clock starts at the
    // first check (after 16 evictions) and the latency events are timed only when monitored.
    const monitored = this.server.config.int("latency-monitor-threshold") > 0;
    const cycleStart = monitored ? performance.now() : 0;
    let budgetStart = -1;
    let evicted = 0;
    let result: EvictionResult = "ok";
    while (used > limit) {
      const victim = policy.endsWith("random") ? this.randomVictim(policy) : this.pooledVictim();
      if (victim === null) {
        result = "fail";
        break;
      }
      this.evict(victim.db, victim.id, monitored);
      evicted++;
      used = this.memory.used();
      if (evicted % 16 === 0) {
        const now = performance.now();
        if (budgetStart < 0) budgetStart = now;
        else if ((now - budgetStart) * 1000 > budgetMicros) {
          if (used > limit) {
            this.startBackgroundEviction();
            result = "running";
          }
          break;
        }
      }
    }
    if (monitored) this.recordLatency("eviction-cycle", Math.round(performance.now() - cycleStart));
    if (evicted > 0) this.server.flushPropagation();
    return result;
  }

  /** Keeps evicting on later event-loop turns until under the limit (or nothing is left). */
  private startBackgroundEviction(): void {
    if (this.background !== undefined) return;
    const step = () => {
      this.background = undefined;
      if (this.server.isShuttingDown) return;
      if (this.performEvictions() === "running") this.startBackgroundEviction();
    };
    this.background = setTimeout(step, 0);
  }

  /** True while eviction goes on in later event-loop turns. */
  get evictingInBackground(): boolean {
    return this.background !== undefined;
  }

  /** Stops background eviction (shutdown). */
  stop(): void {
    clearTimeout(this.background);
    this.background = undefined;
  }

  /** Deletes one key as eviction does: statistics, WATCH, `evicted` event, propagated DEL. */
  private evict(db: Database, id: number, monitored: boolean): void {
    const server = this.server;
    // The key is copied only when someone will see it (WATCH, notifications, the AOF).
    const key = server.watch.watchedKeys > 0 || server.propagationSinks.length > 0 ||
        server.config.int("notify-keyspace-events") !== 0 || server.keyTracker !== null
      ? db.keyCopy(id)
      : null;
    const start = monitored ? performance.now() : 0;
    db.deleteEntry(id);
    if (monitored) this.recordLatency("eviction-del", Math.round(performance.now() - start));
    server.stats.evictedKeys++;
    if (key !== null) {
      server.wrote(db, key, NOTIFY_EVICTED, "evicted", 0);
      server.propagate(db.index, [DEL, key]);
    }
  }

  private recordLatency(event: string, ms: number): void {
    const threshold = this.server.config.int("latency-monitor-threshold");
    if (threshold > 0 && ms >= threshold) {
      this.latency.add(event, ms, Math.floor(Date.now() / 1000));
    }
  }

  /** A random key (volatile policies: a random key with a TTL), rotating over databases. */
  private randomVictim(policy: EvictionPolicy): { db: Database; id: number } | null {
    const dbs = this.server.keyspace.dbs;
    const volatile = policy.startsWith("volatile");
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[this.nextRandomDb];
      this.nextRandomDb = (this.nextRandomDb + 1) % dbs.length;
      const id = volatile ? db.randomVolatile() : db.randomEntry();
      if (id >= 0) return { db, id };
    }
    return null;
  }

  /** The best candidate of the pool after refilling it from fresh samples. */
  private pooledVictim(): { db: Database; id: number } | null {
    const dbs = this.server.keyspace.dbs;
    const volatile = this.policy.startsWith("volatile");
    for (;;) {
      let candidates = 0;
      for (const db of dbs) {
        const keys = volatile ? db.expiresCount : db.size;
        if (keys === 0) continue;
        candidates += keys;
        this.populate(db, volatile);
      }
      if (candidates === 0) return null;
      // Take the best candidate still present; drop ghosts (keys deleted since sampled).
      for (let candidate = this.pool.pop(); candidate; candidate = this.pool.pop()) {
        const db = dbs[candidate.db];
        const id = db.findRaw(candidate.key);
        if (id < 0 || (volatile && db.getExpire(id) === 0)) continue;
        return { db, id };
      }
    }
  }

  /** Samples `maxmemory-samples` keys of a database into the pool. */
  private populate(db: Database, volatile: boolean): void {
    const samples = this.server.config.int("maxmemory-samples");
    for (let i = 0; i < samples; i++) {
      const id = volatile ? db.randomVolatile() : db.randomEntry();
      if (id < 0) return;
      this.offer(db, id, this.score(db, id));
    }
  }

  /** How good a victim an entry is under the current policy (higher = evict first). */
  private score(db: Database, id: number): number {
    const policy = this.policy;
    if (policy.endsWith("lru")) {
      return Math.max(0, this.server.keyspace.lruClock - db.accessTime(id)) * 1000;
    }
    if (policy.endsWith("lfu")) return 255 - db.frequency(id);
    return Number.MAX_SAFE_INTEGER - db.getExpire(id);
  }

  /** Inserts a candidate, keeping the pool sorted by score (best last) and at most 16 long. */
  private offer(db: Database, id: number, score: number): void {
    const pool = this.pool;
    if (pool.length === POOL_SIZE && score <= pool[0].score) return;
    const key = db.keyView(id);
    for (const c of pool) {
      if (c.db === db.index && sameBytes(c.key, key)) return; // sampled twice
    }
    if (pool.length === POOL_SIZE) pool.shift();
    let k = pool.length;
    while (k > 0 && pool[k - 1].score > score) k--;
    pool.splice(k, 0, { key: key.slice(), db: db.index, score });
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
