/**
 * The append-only file of a server, in Redis 7's multi-part layout (a base
 * file, incremental files, a manifest; see aof_manifest.ts).
 *
 * Writing: commands arrive from the server's propagation sink, one batch
 * per top-level command (MULTI/EXEC-wrapped when several), and are appended
 * to a buffer, preceded by a SELECT when the database changes. The buffer is
 * written to the current incremental file (a synchronous write(2) into the
 * page cache, as Redis does from its event loop) right after the command,
 * and before any client's replies go out: every reply passes the server's
 * reply gate, which writes what is pending first.
 *
 * fsync policy:
 * - `always`: the gate returns a promise resolved once an fsync covering
 *   everything written so far has completed; the client's socket write waits
 *   for it. fsyncs are asynchronous (the event loop keeps serving) and group
 *   commits: one fsync covers every write made before it started. A reply is
 *   therefore never sent for a write that is not on disk.
 * - `everysec`: an asynchronous fsync at most once a second from the cron.
 * - `no`: the operating system decides.
 *
 * Rewriting (BGREWRITEAOF, auto rewrite, turning the AOF on): a new
 * incremental file is opened and the manifest updated at the start, so the
 * writes made during the rewrite are kept; the new base is written in the
 * background by the same walk as BGSAVE (ADR 0003), and on success the
 * manifest is switched atomically to the new base and the new incremental
 * file, the old files deleted.
 *
 * @module
 */

import { join } from "node:path";
import type { Propagated, Server } from "../server/server.ts";
import { AofManifest } from "./aof_manifest.ts";
import { type AofFileResult, AofLoadError, loadAofFile } from "./aof_loader.ts";
import { AtomicFile, fsyncDirectorySync } from "./atomic_file.ts";
import type { BackgroundWork } from "./background_work.ts";
import { writeArrayHeader, writeBulk, writeCommand } from "./command_encoding.ts";
import type { LoadingProgress } from "./loading.ts";
import { RdbWriter } from "./rdb_encoding.ts";
import type { PersistenceSettings } from "./settings.ts";
import {
  BackgroundSnapshot,
  SnapshotCancelledError,
  writeBackgroundFile,
  writeSnapshotSync,
} from "./snapshot.ts";
import {
  CommandSnapshotFormat,
  RdbSnapshotFormat,
  type SnapshotFormat,
} from "./snapshot_formats.ts";

/** `off`, `on`, or turned on and waiting for the first rewrite to complete. */
export type AofState = "off" | "on" | "wait_rewrite";

/** fsync every this many ms with `appendfsync everysec`. */
const EVERYSEC_MS = 1000;
/** Redis's AOF_REWRITE_LIMITE_THRESHOLD: consecutive failures before retries slow down. */
const REWRITE_FAILURES_BEFORE_LIMIT = 3;

interface RewriteJob {
  snapshot: BackgroundSnapshot;
  startedAt: number;
  /** File name of the base being written (its final name). */
  baseName: string;
  /** Whether the base is an RDB (`aof-use-rdb-preamble`). */
  rdb: boolean;
}

interface SyncWaiter {
  offset: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** The AOF of one server. */
export class AofService {
  state: AofState = "off";
  manifest = new AofManifest();
  /** A rewrite waits for the background slot. */
  rewriteScheduled = false;
  lastRewriteOk = true;
  lastRewriteSeconds = -1;
  rewrites = 0;
  consecutiveFailures = 0;
  /** Whether the last write(2) succeeded (`aof_last_write_status`). */
  lastWriteOk = true;
  /** Why the last write or fsync failed. */
  lastWriteError = "";
  /** Size of the base and incremental files (`aof_current_size`). */
  currentSize = 0;
  /** Size after the last rewrite (`aof_base_size`, the auto-rewrite reference). */
  baseSize = 0;

  private fd: Deno.FsFile | null = null;
  /** Name of the incremental file being written (a temporary name while waiting for a rewrite). */
  private fdName = "";
  /** Size of the incremental file being written. */
  private incrSize = 0;
  private readonly buffer = new RdbWriter(64 * 1024);
  private selectedDb = -1;
  /** Bytes handed to write(2) since startup, over all files. */
  private written = 0;
  /** Bytes known to be on disk. */
  private synced = 0;
  private syncing = false;
  /** True while an fsync runs (it completes in a turn of Deno's event loop). */
  get fsyncInFlight(): boolean {
    return this.syncing;
  }
  private waiters: SyncWaiter[] = [];
  private lastFsync = 0;
  private flushQueued = false;
  private job: RewriteJob | null = null;
  private nextRewriteAllowed = 0;
  private policy: string;
  private readonly sink = (batch: Propagated[]) => this.feed(batch);
  private readonly gate = () => this.replyGate();

  constructor(
    private readonly server: Server,
    private readonly settings: PersistenceSettings,
    private readonly work: BackgroundWork,
  ) {
    this.policy = server.config.str("appendfsync");
    server.config.onChange("appendfsync", (v) => this.policy = v as string);
  }

  /** `appenddirname` inside `dir`. */
  get dir(): string {
    return this.settings.inDir(this.server.config.str("appenddirname"));
  }

  private get fileName(): string {
    return this.server.config.str("appendfilename");
  }

  /** Bytes handed to the file and not yet known to be on disk. */
  get unsyncedBytes(): number {
    return this.written - this.synced + this.buffer.length;
  }

  /** True while a rewrite runs. */
  get rewriting(): boolean {
    return this.job !== null;
  }

  /** The running rewrite's snapshot (progress), or null. */
  get runningSnapshot(): BackgroundSnapshot | null {
    return this.job?.snapshot ?? null;
  }

  /** When the running rewrite started (`performance.now()`), or null. */
  get runningSince(): number | null {
    return this.job?.startedAt ?? null;
  }

  // ------------------------------------------------------------- writing

  /** The propagation sink: appends a batch of commands to the buffer. */
  private feed(batch: Propagated[]): void {
    const out = this.buffer;
    for (const { db, argv } of batch) {
      if (db !== this.selectedDb) {
        writeCommand(out, ["SELECT", String(db)]);
        this.selectedDb = db;
      }
      writeArrayHeader(out, argv.length);
      for (const arg of argv) writeBulk(out, arg);
    }
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.writePending();
        if (this.policy === "always" && !this.fsyncSuspended()) this.startSync();
      });
    }
  }

  /**
   * Writes the buffer to the current file. On failure the file is cut back
   * to its last complete write, the data stays in the buffer for a retry,
   * and writes are refused (MISCONF) until a write succeeds again.
   */
  writePending(): void {
    const fd = this.fd;
    if (fd === null || this.buffer.length === 0) return;
    const bytes = this.buffer.bytes();
    let off = 0;
    try {
      while (off < bytes.length) off += fd.writeSync(bytes.subarray(off));
    } catch (e) {
      this.writeFailed(fd, off, e as Error);
      return;
    }
    this.buffer.reset();
    this.written += bytes.length;
    this.incrSize += bytes.length;
    this.currentSize += bytes.length;
    if (!this.lastWriteOk) {
      this.server.log.warning("AOF write error looks solved, Redis can write again.");
      this.lastWriteOk = true;
    }
  }

  private writeFailed(fd: Deno.FsFile, partial: number, e: Error): void {
    if (this.lastWriteOk) this.server.log.warning(`Error writing to the AOF file: ${e.message}`);
    if (partial > 0) {
      try {
        fd.truncateSync(this.incrSize);
      } catch (t) {
        this.server.log.warning(
          `Could not remove short write from the append-only file. Redis may refuse to load the AOF the next time it starts. ftruncate: ${
            (t as Error).message
          }`,
        );
      }
    }
    this.lastWriteOk = false;
    this.lastWriteError = e.message;
    // Replies waiting for durability of this data must never be sent.
    this.failWaiters(new Error(`AOF write failed: ${e.message}`));
  }

  /** The reply gate: writes what is pending, then (always) waits for its fsync. */
  private replyGate(): Promise<void> | null {
    if (this.buffer.length > 0) this.writePending();
    if (!this.lastWriteOk && this.buffer.length > 0 && this.policy === "always") {
      return Promise.reject(new Error("AOF write failed"));
    }
    if (this.policy !== "always" || this.synced >= this.written || this.fsyncSuspended()) {
      return null;
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ offset: this.written, resolve, reject });
      this.startSync();
    });
  }

  /** `no-appendfsync-on-rewrite`: no fsync while a background job writes. */
  private fsyncSuspended(): boolean {
    return this.server.config.bool("no-appendfsync-on-rewrite") && this.work.busy;
  }

  /**
   * Starts an fsync unless one runs. While replies wait for durability
   * (`always`), it goes on with another fsync as long as writes arrived
   * during the last one: each fsync covers every write made before it began.
   */
  private startSync(): void {
    if (this.syncing || this.fd === null || this.synced >= this.written) return;
    void this.syncLoop();
  }

  private async syncLoop(): Promise<void> {
    this.syncing = true;
    try {
      do {
        const fd = this.fd;
        if (fd === null) break;
        const target = this.written;
        try {
          await fd.syncData();
        } catch (e) {
          if (fd !== this.fd) continue; // the file was switched (and synced) meanwhile
          this.server.log.warning(`Can't persist AOF for fsync error: ${(e as Error).message}`);
          this.lastWriteOk = false;
          this.lastWriteError = (e as Error).message;
          this.failWaiters(e as Error);
          return;
        }
        this.lastFsync = performance.now();
        if (target > this.synced) this.synced = target;
        this.resolveWaiters();
      } while (this.waiters.length > 0 && this.synced < this.written);
    } finally {
      this.syncing = false;
    }
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: SyncWaiter[] = [];
    for (const w of this.waiters) {
      if (w.offset <= this.synced) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private failWaiters(e: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(e);
  }

  /** Writes and fsyncs everything now (switching files, stopping, shutdown). */
  private flushAndSyncNow(): void {
    this.writePending();
    const fd = this.fd;
    if (fd === null) return;
    try {
      fd.syncDataSync();
      this.synced = this.written;
      this.lastFsync = performance.now();
      this.resolveWaiters();
    } catch (e) {
      this.server.log.warning(`Fail to fsync the AOF file: ${(e as Error).message}`);
    }
  }

  private openFile(name: string, truncate: boolean): void {
    const path = join(this.dir, name);
    const fd = Deno.openSync(path, { write: true, create: true, truncate, append: !truncate });
    const previous = this.fd;
    if (previous !== null) {
      this.flushAndSyncNow();
      previous.close();
    }
    this.fd = fd;
    this.fdName = name;
    this.incrSize = truncate ? 0 : Deno.statSync(path).size;
    this.selectedDb = -1;
    this.attach();
  }

  private closeFile(): void {
    if (this.fd === null) return;
    this.flushAndSyncNow();
    this.fd.close();
    this.fd = null;
    this.fdName = "";
    this.detach();
    this.failWaiters(new Error("AOF closed"));
  }

  /** Starts receiving propagated commands and gating replies. */
  private attach(): void {
    const sinks = this.server.propagationSinks;
    if (!sinks.includes(this.sink)) sinks.push(this.sink);
    this.server.replyGate = this.gate;
  }

  private detach(): void {
    const sinks = this.server.propagationSinks;
    const at = sinks.indexOf(this.sink);
    if (at >= 0) sinks.splice(at, 1);
    if (this.server.replyGate === this.gate) this.server.replyGate = null;
  }

  // ------------------------------------------------------------- startup

  /**
   * Reads the manifest (migrating an old single-file AOF into the
   * directory, as Redis 7 does). Returns the total size of the files to
   * load, or 0 when there is nothing to load.
   */
  prepareLoad(): number {
    const dir = this.dir;
    const manifest = AofManifest.load(dir, this.fileName) ?? new AofManifest();
    const oldStyle = this.settings.inDir(this.fileName);
    let oldExists = false;
    try {
      oldExists = Deno.statSync(oldStyle).isFile;
    } catch {
      // No old-style AOF.
    }
    if (oldExists && manifest.isEmpty) this.upgradeOldStyle(manifest, oldStyle);
    this.manifest = manifest;
    if (manifest.isEmpty) return 0;
    let total = 0;
    for (const info of manifest.loadOrder) {
      try {
        total += Deno.statSync(join(dir, info.name)).size;
      } catch (e) {
        throw new AofLoadError(
          `The AOF file ${info.name} listed in the manifest can't be read: ${(e as Error).message}`,
        );
      }
    }
    return total;
  }

  private upgradeOldStyle(manifest: AofManifest, oldPath: string): void {
    const dir = this.dir;
    Deno.mkdirSync(dir, { recursive: true });
    manifest.base = { name: this.fileName, seq: 1, type: "b" };
    manifest.baseSeq = 1;
    manifest.persist(dir, this.fileName);
    Deno.renameSync(oldPath, join(dir, this.fileName));
    this.server.log.notice(
      `Successfully migrated an old-style AOF file (${this.fileName}) into the AOF directory (${
        this.server.config.str("appenddirname")
      }).`,
    );
  }

  /** Replays the files of the manifest into the keyspace. */
  async load(progress: LoadingProgress): Promise<void> {
    const files = this.manifest.loadOrder;
    for (let i = 0; i < files.length; i++) {
      const result: AofFileResult = await loadAofFile(
        { server: this.server, settings: this.settings, progress, dir: this.dir },
        files[i],
        i === files.length - 1,
      );
      if (result === "empty") continue;
    }
    let base = 0;
    let total = 0;
    for (const info of files) {
      const size = Deno.statSync(join(this.dir, info.name)).size;
      total += size;
      if (info === this.manifest.base) base = size;
    }
    this.currentSize = total;
    this.baseSize = base;
  }

  /**
   * After loading, with `appendonly yes`: creates a base file when there is
   * none (an empty start), opens the last incremental file (or a new one)
   * for appending and persists the manifest.
   */
  openOnStart(): void {
    const dir = this.dir;
    Deno.mkdirSync(dir, { recursive: true });
    const manifest = this.manifest;
    const log = this.server.log;
    if (manifest.isEmpty) {
      const rdb = this.server.config.bool("aof-use-rdb-preamble");
      const base = manifest.newBase(this.fileName, rdb);
      const size = this.writeBaseSync(base.name, rdb);
      this.baseSize = size;
      this.currentSize = size;
      log.notice(`Creating AOF base file ${base.name} on server start`);
    }
    const existing = manifest.incrs.length > 0;
    const incr = existing
      ? manifest.incrs[manifest.incrs.length - 1]
      : manifest.newIncr(this.fileName);
    manifest.persist(dir, this.fileName);
    this.openFile(incr.name, false);
    this.synced = this.written;
    this.state = "on";
    log.notice(`${existing ? "Opening" : "Creating"} AOF incr file ${incr.name} on server start`);
  }

  /** Writes a base file of the current dataset at once; returns its size. */
  private writeBaseSync(name: string, rdb: boolean): number {
    const file = AtomicFile.createSync(
      join(this.dir, name),
      join(this.dir, `temp-rewriteaof-${Deno.pid}.aof`),
    );
    try {
      writeSnapshotSync(this.server.keyspace, this.baseFormat(rdb), (c) => file.writeSync(c));
      file.commitSync();
    } catch (e) {
      file.abort();
      throw e;
    }
    return file.size;
  }

  private baseFormat(rdb: boolean): SnapshotFormat {
    return rdb
      ? new RdbSnapshotFormat(this.settings.rdbOptions(true))
      : new CommandSnapshotFormat();
  }

  // ----------------------------------------------------------- rewriting

  /**
   * Starts a background rewrite (the slot must be free). Returns false
   * (after logging why) when it cannot start.
   */
  startRewrite(): boolean {
    const server = this.server;
    const dir = this.dir;
    try {
      Deno.mkdirSync(dir, { recursive: true });
      this.writePending();
      if (this.state === "wait_rewrite") {
        this.openFile(`temp-${this.fileName}.incr`, true);
      } else if (this.state === "on") {
        const next = this.manifest.clone();
        const incr = next.newIncr(this.fileName);
        Deno.writeFileSync(join(dir, incr.name), new Uint8Array(0));
        next.persist(dir, this.fileName);
        this.manifest = next;
        this.openFile(incr.name, false);
        server.log.notice(`Creating AOF incr file ${incr.name} on background rewrite`);
      }
    } catch (e) {
      server.log.warning(`Can't rewrite append only file in background: ${(e as Error).message}`);
      this.lastRewriteOk = false;
      return false;
    }
    const rdb = server.config.bool("aof-use-rdb-preamble");
    const baseName = this.manifest.clone().newBase(this.fileName, rdb).name;
    const snapshot = new BackgroundSnapshot(
      server.keyspace,
      this.baseFormat(rdb),
      this.settings.pacing(),
    );
    this.work.begin("aof");
    snapshot.start();
    const job: RewriteJob = { snapshot, startedAt: performance.now(), baseName, rdb };
    this.job = job;
    this.rewriteScheduled = false;
    this.rewrites++;
    server.log.notice("Background append only file rewriting started");
    void this.runRewrite(job);
    return true;
  }

  private async runRewrite(job: RewriteJob): Promise<void> {
    const server = this.server;
    let file: AtomicFile | null = null;
    let outcome: "ok" | "error" | "cancelled";
    try {
      file = await AtomicFile.create(
        join(this.dir, job.baseName),
        join(this.dir, `temp-rewriteaof-bg-${Deno.pid}.aof`),
      );
      await writeBackgroundFile(
        file,
        job.snapshot,
        () => server.config.bool("aof-rewrite-incremental-fsync"),
      );
      const committed = await file.commit(() => !job.snapshot.isCancelled && this.job === job);
      outcome = committed ? "ok" : "cancelled";
    } catch (e) {
      file?.abort();
      if (e instanceof SnapshotCancelledError || job.snapshot.isCancelled) {
        outcome = "cancelled";
      } else {
        outcome = "error";
        server.log.warning(`Write error writing append only file on disk: ${(e as Error).message}`);
      }
    }
    if (this.job !== job) return;
    if (outcome === "ok") {
      try {
        this.rewriteDone(job, file!.size);
      } catch (e) {
        server.log.warning(`Background AOF rewrite failed: ${(e as Error).message}`);
        outcome = "error";
      }
    }
    this.finish(job, outcome);
  }

  /** Switches the manifest to the new base (and incremental file), then deletes history. */
  private rewriteDone(job: RewriteJob, baseSize: number): void {
    const server = this.server;
    const dir = this.dir;
    server.log.notice("Background AOF rewrite terminated with success");
    const next = this.manifest.clone();
    next.newBase(this.fileName, job.rdb);
    if (this.state === "wait_rewrite") {
      const incr = next.newIncr(this.fileName);
      this.writePending();
      Deno.renameSync(join(dir, this.fdName), join(dir, incr.name));
      fsyncDirectorySync(dir);
      this.fdName = incr.name;
      server.log.notice(
        `Successfully renamed the temporary AOF incr file temp-${this.fileName}.incr into ${incr.name}`,
      );
    }
    next.retireIncrs(this.fd !== null);
    next.persist(dir, this.fileName);
    this.manifest = next;
    if (this.state === "wait_rewrite") this.state = "on";
    this.currentSize = baseSize + this.incrSize;
    this.baseSize = this.currentSize;
    this.deleteHistory();
    server.log.notice("Background AOF rewrite finished successfully");
  }

  private deleteHistory(): void {
    const manifest = this.manifest;
    if (manifest.history.length === 0) return;
    for (const info of manifest.history) {
      this.server.log.notice(`Removing the history file ${info.name} in the background`);
      Deno.remove(join(this.dir, info.name)).catch(() => {});
    }
    const next = manifest.clone();
    next.history = [];
    try {
      next.persist(this.dir, this.fileName);
      this.manifest = next;
    } catch (e) {
      this.server.log.warning(`Can't update the AOF manifest: ${(e as Error).message}`);
    }
  }

  private finish(job: RewriteJob, outcome: "ok" | "error" | "cancelled"): void {
    const server = this.server;
    this.job = null;
    this.lastRewriteSeconds = Math.round((performance.now() - job.startedAt) / 1000);
    if (outcome === "ok") {
      this.lastRewriteOk = true;
      this.consecutiveFailures = 0;
    } else if (outcome === "error") {
      this.lastRewriteOk = false;
      this.consecutiveFailures++;
      server.log.warning("Background AOF rewrite failed");
      if (this.consecutiveFailures >= REWRITE_FAILURES_BEFORE_LIMIT) {
        const minutes = Math.min(
          60,
          2 ** (this.consecutiveFailures - REWRITE_FAILURES_BEFORE_LIMIT),
        );
        this.nextRewriteAllowed = performance.now() + minutes * 60_000;
        server.log.warning(
          `Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${minutes} minutes`,
        );
      }
    } else {
      server.log.notice("Background AOF rewrite cancelled");
    }
    if (outcome !== "ok" && this.state === "wait_rewrite") {
      // The temporary incremental file only made sense with this base: start over.
      const temp = this.fdName;
      this.closeFile();
      Deno.remove(join(this.dir, temp)).catch(() => {});
      if (outcome === "error") this.rewriteScheduled = true;
    }
    this.work.end("aof");
  }

  /** Stops a running rewrite; its temporary base file is deleted. */
  cancelRewrite(): void {
    const job = this.job;
    if (job === null) return;
    job.snapshot.cancel();
    this.finish(job, "cancelled");
  }

  // ------------------------------------------------------- on/off, cron

  /**
   * `CONFIG SET appendonly yes`: the AOF starts with a rewrite of the
   * current dataset, begun after the current command (so that no command
   * whose effects the snapshot holds is also logged after it).
   */
  enable(): void {
    if (this.state !== "off") return;
    try {
      Deno.mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      this.server.log.warning(
        `Can't open or create append-only dir ${this.server.config.str("appenddirname")}: ${
          (e as Error).message
        }`,
      );
      throw new Error("Unable to turn on AOF. Check server logs.");
    }
    this.state = "wait_rewrite";
    this.rewriteScheduled = true;
    if (this.work.busy) {
      this.server.log.warning(
        "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.",
      );
    }
    queueMicrotask(() => this.cron());
  }

  /** `CONFIG SET appendonly no` (or shutdown): flush, fsync and close. */
  disable(): void {
    if (this.state === "off") return;
    this.cancelRewrite();
    this.closeFile();
    this.state = "off";
    this.rewriteScheduled = false;
    this.buffer.reset();
  }

  /** Cron: fsync (everysec), write retries, scheduled and automatic rewrites. */
  cron(): void {
    if (this.buffer.length > 0) this.writePending();
    if (
      this.policy === "everysec" && this.synced < this.written && !this.fsyncSuspended() &&
      performance.now() - this.lastFsync >= EVERYSEC_MS
    ) {
      this.startSync();
    }
    if (this.work.busy || this.server.loading) return;
    if (this.rewriteScheduled) {
      if (performance.now() >= this.nextRewriteAllowed) this.startRewrite();
      return;
    }
    const config = this.server.config;
    const percentage = config.int("auto-aof-rewrite-percentage");
    if (
      this.state === "on" && percentage > 0 &&
      this.currentSize > config.int("auto-aof-rewrite-min-size")
    ) {
      const base = this.baseSize > 0 ? this.baseSize : 1;
      const growth = Math.floor((this.currentSize * 100) / base) - 100;
      if (growth >= percentage && performance.now() >= this.nextRewriteAllowed) {
        this.server.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
        this.startRewrite();
      }
    }
  }

  /** Shutdown: a rewrite that would make the AOF usable must not be lost silently. */
  shutdown(force: boolean): void {
    const log = this.server.log;
    if (this.job !== null) {
      if (this.state === "wait_rewrite") {
        if (!force) {
          log.warning("Writing initial AOF, can't exit.");
          throw new Error("Writing initial AOF, can't exit.");
        }
        log.warning("Writing initial AOF. Exit anyway.");
      }
      log.warning("There is a child rewriting the AOF. Killing it!");
      this.cancelRewrite();
    }
    if (this.fd !== null) {
      log.notice("Calling fsync() on the AOF file.");
      this.flushAndSyncNow();
    }
  }

  /** The AOF lines of INFO persistence. */
  infoLines(): string[] {
    const since = this.runningSince;
    const lines = [
      `aof_enabled:${this.state !== "off" ? 1 : 0}`,
      `aof_rewrite_in_progress:${this.job !== null ? 1 : 0}`,
      `aof_rewrite_scheduled:${this.rewriteScheduled ? 1 : 0}`,
      `aof_last_rewrite_time_sec:${this.lastRewriteSeconds}`,
      `aof_current_rewrite_time_sec:${
        since === null ? -1 : Math.floor((performance.now() - since) / 1000)
      }`,
      `aof_last_bgrewrite_status:${this.lastRewriteOk ? "ok" : "err"}`,
      `aof_rewrites:${this.rewrites}`,
      `aof_rewrites_consecutive_failures:${this.consecutiveFailures}`,
      `aof_last_write_status:${this.lastWriteOk ? "ok" : "err"}`,
      "aof_last_cow_size:0",
      "module_fork_in_progress:0",
      "module_fork_last_cow_size:0",
    ];
    if (this.state !== "off") {
      lines.push(
        `aof_current_size:${this.currentSize}`,
        `aof_base_size:${this.baseSize}`,
        `aof_pending_rewrite:${this.rewriteScheduled ? 1 : 0}`,
        `aof_buffer_length:${this.buffer.length}`,
        `aof_pending_bio_fsync:${this.syncing ? 1 : 0}`,
        "aof_delayed_fsync:0",
      );
    }
    return lines;
  }

  /** The MISCONF error when AOF writes fail, or null. */
  writeDenial(): string | null {
    if (this.state === "off" || this.lastWriteOk) return null;
    return `MISCONF Errors writing to the AOF file: ${this.lastWriteError}`;
  }
}
