/**
 * Snapshots of the keyspace: written at once ({@link writeSnapshotSync}, for
 * SAVE and SHUTDOWN), or in the background without stopping clients
 * ({@link BackgroundSnapshot}, for BGSAVE and BGREWRITEAOF).
 *
 * A background snapshot follows docs/adr/0003-persistence-without-fork.md:
 * it captures which entries exist when it starts and installs an
 * {@link EntryGuard} on every database. The walk writes captured entries in
 * slices between event-loop turns; an entry a client looks up or deletes
 * first is written right then, before it can change. Entries created later
 * were never captured, so the file holds the dataset exactly as it was at
 * the start.
 *
 * @module
 */

import type { Database, EntryGuard } from "../store/database.ts";
import type { AtomicFile } from "./atomic_file.ts";
import type { Keyspace } from "../store/keyspace.ts";
import type { SnapshotFormat } from "./snapshot_formats.ts";

/** Where a background snapshot's bytes go. */
export type SnapshotSink = (chunk: Uint8Array) => Promise<void>;

/** How a background snapshot paces itself. */
export interface SnapshotPacing {
  /** Longest stretch of walking before letting clients in, in ms. */
  readonly sliceMs: number;
  /** Bytes of output that are written out before the slice ends. */
  readonly flushBytes: number;
  /** Microseconds to pause per key (`rdb-key-save-delay`, for tests); 0 for none. */
  keyDelayMicros(): number;
  /**
   * What the walk awaits between slices; by default it yields to the event
   * loop (or sleeps the per-key delay). Tests change the dataset here.
   */
  pause?: () => Promise<void>;
}

/** Default pacing: short slices keep command latency low during a save. */
export const DEFAULT_PACING: SnapshotPacing = {
  sliceMs: 2,
  flushBytes: 4 * 1024 * 1024,
  keyDelayMicros: () => 0,
};

/** The snapshot was cancelled (FLUSHALL, SHUTDOWN, CONFIG SET appendonly no...). */
export class SnapshotCancelledError extends Error {
  override name = "SnapshotCancelledError";
}

/** Lets timers and I/O callbacks run (a zero timeout, which also lets sockets be read). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Writes every key of every database at once (the server does nothing else meanwhile). */
export function writeSnapshotSync(
  keyspace: Keyspace,
  format: SnapshotFormat,
  write: (chunk: Uint8Array) => void,
  flushBytes = 4 * 1024 * 1024,
): number {
  let keys = 0;
  format.begin();
  for (const db of keyspace.dbs) {
    if (db.size === 0) continue;
    format.beginDb(db.index, db.size, db.expiresCount);
    db.forEach((id) => {
      format.entry(db, id, db.index);
      keys++;
      if (format.pendingBytes >= flushBytes) write(format.take());
    });
  }
  format.end();
  write(format.take());
  return keys;
}

/** The part of a background snapshot watching one database's entries. */
class DatabaseGuard implements EntryGuard {
  /** Non-zero for each entry captured at the start and not written yet, by entry number. */
  readonly pending: Uint8Array;
  /** Next entry number the walk looks at. */
  cursor = 0;

  constructor(
    private readonly snapshot: BackgroundSnapshot,
    /** The database whose contents these are at the start (SWAPDB moves the guard). */
    readonly dbIndex: number,
    readonly keysAtStart: number,
    readonly expiresAtStart: number,
    live: Uint8Array,
  ) {
    this.pending = live;
  }

  beforeAccess(db: Database, id: number): void {
    if (id < this.pending.length && this.pending[id] !== 0) this.snapshot.write(this, db, id);
  }

  beforeClear(db: Database): void {
    const pending = this.pending;
    for (let id = 0; id < pending.length; id++) {
      if (pending[id] !== 0) this.snapshot.write(this, db, id);
    }
  }
}

/**
 * A snapshot taken without stopping the server. {@link start} fixes its
 * contents; {@link run} writes them out in slices.
 */
export class BackgroundSnapshot {
  /** Keys in the snapshot (`current_save_keys_total`). */
  keysTotal = 0;
  /** Keys written so far (`current_save_keys_processed`). */
  keysWritten = 0;
  private guards: DatabaseGuard[] = [];
  private cancelled = false;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly format: SnapshotFormat,
    private readonly pacing: SnapshotPacing = DEFAULT_PACING,
  ) {}

  /** Captures the keyspace and installs the guards. Synchronous: the snapshot is "now". */
  start(): void {
    for (const db of this.keyspace.dbs) {
      if (db.guard !== null) throw new Error("Another snapshot is running");
    }
    this.format.begin();
    for (const db of this.keyspace.dbs) {
      if (db.size === 0) continue;
      const guard = new DatabaseGuard(
        this,
        db.index,
        db.size,
        db.expiresCount,
        db.liveEntries(),
      );
      this.guards.push(guard);
      db.guard = guard;
      this.keysTotal += db.size;
    }
  }

  /** Writes an entry now (called by the walk and by guards). */
  write(guard: DatabaseGuard, db: Database, id: number): void {
    guard.pending[id] = 0;
    this.format.entry(db, id, guard.dbIndex);
    this.keysWritten++;
  }

  /** Stops the snapshot: guards are removed and {@link run} rejects. */
  cancel(): void {
    this.cancelled = true;
    this.uninstall();
  }

  /** True once cancelled. */
  get isCancelled(): boolean {
    return this.cancelled;
  }

  private uninstall(): void {
    for (const db of this.keyspace.dbs) {
      if (db.guard !== null && this.guards.includes(db.guard as DatabaseGuard)) db.guard = null;
    }
  }

  /** The database currently holding a guard's entries (SWAPDB may have moved them). */
  private holderOf(guard: DatabaseGuard): Database | null {
    for (const db of this.keyspace.dbs) if (db.guard === guard) return db;
    return null;
  }

  /**
   * Walks the captured entries not written yet, database by database,
   * handing the output to `sink` and yielding to the event loop between
   * slices. Rejects with {@link SnapshotCancelledError} when cancelled.
   */
  async run(sink: SnapshotSink): Promise<void> {
    const format = this.format;
    let sliceStart = performance.now();
    const endSlice = async () => {
      if (format.pendingBytes > 0) await sink(format.take());
      this.checkCancelled();
      const delay = this.pacing.keyDelayMicros();
      if (this.pacing.pause !== undefined) await this.pacing.pause();
      else if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay / 1000));
      else await yieldToEventLoop();
      this.checkCancelled();
      sliceStart = performance.now();
    };
    for (const guard of this.guards) {
      let started = false;
      for (;;) {
        this.checkCancelled();
        const db = this.holderOf(guard);
        if (db === null) break;
        if (!started) {
          format.beginDb(guard.dbIndex, guard.keysAtStart, guard.expiresAtStart);
          started = true;
        }
        if (this.walkSlice(guard, db, sliceStart)) break;
        await endSlice();
      }
      if (
        format.pendingBytes >= this.pacing.flushBytes ||
        performance.now() - sliceStart >= this.pacing.sliceMs
      ) {
        await endSlice();
      }
    }
    this.checkCancelled();
    this.uninstall();
    format.end();
    await sink(format.take());
  }

  private checkCancelled(): void {
    if (this.cancelled) throw new SnapshotCancelledError("Snapshot cancelled");
  }

  /**
   * Writes pending entries of one database from the guard's cursor until
   * the slice's time or output budget is spent (or after one key when a
   * per-key delay is set). Returns true when the database is done.
   */
  private walkSlice(guard: DatabaseGuard, db: Database, sliceStart: number): boolean {
    const { sliceMs, flushBytes } = this.pacing;
    const oneKey = this.pacing.keyDelayMicros() > 0;
    const pending = guard.pending;
    let steps = 0;
    for (let id = guard.cursor; id < pending.length; id++) {
      if (pending[id] === 0) continue;
      this.write(guard, db, id);
      if (
        oneKey || this.format.pendingBytes >= flushBytes ||
        ((++steps & 63) === 0 && performance.now() - sliceStart >= sliceMs)
      ) {
        guard.cursor = id + 1;
        return false;
      }
    }
    guard.cursor = pending.length;
    return true;
  }
}

/** `rdb-save-incremental-fsync`: fsync every this many bytes while writing. */
const INCREMENTAL_FSYNC_BYTES = 4 * 1024 * 1024;

/** Writes a file from a background snapshot, fsyncing every few MiB when configured. */
export async function writeBackgroundFile(
  file: AtomicFile,
  snapshot: BackgroundSnapshot,
  incrementalFsync: () => boolean,
): Promise<void> {
  let unsynced = 0;
  await snapshot.run(async (chunk) => {
    await file.write(chunk);
    unsynced += chunk.length;
    if (unsynced >= INCREMENTAL_FSYNC_BYTES && incrementalFsync()) {
      unsynced = 0;
      await file.sync();
    }
  });
}
