/**
 * RDB snapshots of a server: SAVE (at once), BGSAVE (in the background,
 * ADR 0003), save points checked from the cron, loading dump.rdb at
 * startup, and the state INFO persistence reports.
 *
 * @module
 */

import type { Server } from "../server/server.ts";
import type { SavePoint } from "../config/directives.ts";
import { AtomicFile } from "./atomic_file.ts";
import type { BackgroundWork } from "./background_work.ts";
import { ChunkedFile } from "./chunked_file.ts";
import { type LoadingProgress, LoadingStopped } from "./loading.ts";
import { loadRdbBytesSync, loadRdbStream, RdbLoader, type RdbLoadResult } from "./rdb_loader.ts";
import {
  BackgroundSnapshot,
  SnapshotCancelledError,
  writeBackgroundFile,
  writeSnapshotSync,
} from "./snapshot.ts";
import { RdbSnapshotFormat } from "./snapshot_formats.ts";
import { type PersistenceSettings, tempName } from "./settings.ts";

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: seconds before a save point retries after a failure. */
const BGSAVE_RETRY_DELAY_MS = 5000;

interface BgsaveJob {
  snapshot: BackgroundSnapshot;
  startedAt: number;
  dirtyBefore: number;
}

/** RDB persistence of one server. */
export class RdbService {
  /** Time of the last successful save, in ms (`LASTSAVE`, `rdb_last_save_time`). */
  lastSave: number;
  /** Whether the last background save succeeded (`rdb_last_bgsave_status`). */
  lastBgsaveOk = true;
  /** Duration of the last background save in seconds, -1 before the first. */
  lastBgsaveSeconds = -1;
  /** Saves started (`rdb_saves`). */
  saves = 0;
  /** A BGSAVE waits for the background slot (`BGSAVE SCHEDULE`). */
  scheduled = false;
  /** Result of the last load. */
  lastLoad: RdbLoadResult | null = null;
  private job: BgsaveJob | null = null;
  private lastTry = 0;

  constructor(
    private readonly server: Server,
    private readonly settings: PersistenceSettings,
    private readonly work: BackgroundWork,
  ) {
    this.lastSave = server.keyspace.clock.now();
  }

  /** True while a BGSAVE runs. */
  get inProgress(): boolean {
    return this.job !== null;
  }

  /** The running BGSAVE's snapshot, for progress figures. */
  get runningSnapshot(): BackgroundSnapshot | null {
    return this.job?.snapshot ?? null;
  }

  /** When the running BGSAVE started (`performance.now()`), or null. */
  get runningSince(): number | null {
    return this.job?.startedAt ?? null;
  }

  /** The RDB file: `dir`/`dbfilename`. */
  get path(): string {
    return this.settings.inDir(this.server.config.str("dbfilename"));
  }

  /** True when save points are configured. */
  get hasSavePoints(): boolean {
    return (this.server.config.get("save") as SavePoint[]).length > 0;
  }

  /**
   * Saves synchronously (SAVE, SHUTDOWN, FLUSHALL, DEBUG RELOAD): nothing
   * else runs meanwhile. Returns false (after logging why) on failure.
   */
  saveSync(): boolean {
    const server = this.server;
    this.saves++;
    let file: AtomicFile | null = null;
    try {
      file = AtomicFile.createSync(this.path, this.settings.inDir(tempName("")));
      const format = new RdbSnapshotFormat(this.settings.rdbOptions(false));
      const target = file;
      writeSnapshotSync(server.keyspace, format, (chunk) => target.writeSync(chunk));
      file.commitSync();
    } catch (e) {
      file?.abort();
      server.log.warning(`Failed saving the DB on disk: ${(e as Error).message}`);
      return false;
    }
    server.log.notice("DB saved on disk");
    server.dirty = 0;
    this.lastSave = server.keyspace.clock.now();
    this.lastBgsaveOk = true;
    return true;
  }

  /**
   * DEBUG RELOAD: saves (unless `save` is false), empties the dataset
   * (unless `flush` is false) and loads the file back, all synchronously.
   */
  reloadSync(
    options: { save: boolean; flush: boolean; merge: boolean },
  ): "ok" | "save-failed" | "load-failed" {
    if (options.save && !this.saveSync()) return "save-failed";
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(this.path);
    } catch {
      return "load-failed";
    }
    const keyspace = this.server.keyspace;
    if (options.flush) keyspace.flushAll();
    // Loading, as Redis's rdbLoad marks it: keys arriving are not `new` keys.
    this.server.loading = true;
    try {
      this.lastLoad = loadRdbBytesSync(bytes, keyspace, {
        ...this.settings.loadOptions(true),
        allowDuplicates: options.merge,
      });
    } catch (e) {
      this.server.log.warning(`DEBUG RELOAD failed: ${(e as Error).message}`);
      return "load-failed";
    } finally {
      this.server.loading = false;
    }
    this.server.log.warning("DB reloaded by DEBUG RELOAD");
    return "ok";
  }

  /** Starts a BGSAVE (the background slot must be free). */
  startBackground(): void {
    const server = this.server;
    const snapshot = new BackgroundSnapshot(
      server.keyspace,
      new RdbSnapshotFormat(this.settings.rdbOptions(false)),
      this.settings.pacing(),
    );
    this.work.begin("rdb");
    snapshot.start();
    const job: BgsaveJob = { snapshot, startedAt: performance.now(), dirtyBefore: server.dirty };
    this.job = job;
    this.scheduled = false;
    this.lastTry = server.keyspace.clock.now();
    this.saves++;
    server.log.notice("Background saving started");
    void this.runBackground(job, this.path);
  }

  private async runBackground(job: BgsaveJob, target: string): Promise<void> {
    const server = this.server;
    let file: AtomicFile | null = null;
    let outcome: "ok" | "error" | "cancelled";
    try {
      file = await AtomicFile.create(target, this.settings.inDir(tempName("")));
      await writeBackgroundFile(
        file,
        job.snapshot,
        () => server.config.bool("rdb-save-incremental-fsync"),
      );
      const committed = await file.commit(() => !job.snapshot.isCancelled);
      outcome = committed ? "ok" : "cancelled";
    } catch (e) {
      file?.abort();
      if (e instanceof SnapshotCancelledError || job.snapshot.isCancelled) {
        outcome = "cancelled";
      } else {
        outcome = "error";
        server.log.warning(`Write error saving DB on disk: ${(e as Error).message}`);
      }
    }
    if (this.job !== job) return; // cancelled and already cleaned up
    this.finish(job, outcome);
  }

  private finish(job: BgsaveJob, outcome: "ok" | "error" | "cancelled"): void {
    const server = this.server;
    this.job = null;
    if (outcome === "ok") {
      server.log.notice("Background saving terminated with success");
      server.dirty = Math.max(0, server.dirty - job.dirtyBefore);
      this.lastSave = server.keyspace.clock.now();
      this.lastBgsaveOk = true;
    } else if (outcome === "error") {
      server.log.warning("Background saving error");
      this.lastBgsaveOk = false;
    } else {
      server.log.warning("Background saving terminated by cancellation");
    }
    this.lastBgsaveSeconds = Math.round((performance.now() - job.startedAt) / 1000);
    this.work.end("rdb");
  }

  /** Stops a running BGSAVE (FLUSHALL, SHUTDOWN); its temporary file is deleted. */
  cancelBackground(): void {
    const job = this.job;
    if (job === null) return;
    job.snapshot.cancel();
    this.finish(job, "cancelled");
  }

  /** Cron: starts a scheduled BGSAVE, or one due by a save point, when the slot is free. */
  cron(): void {
    if (this.work.busy) return;
    const server = this.server;
    if (this.scheduled) {
      this.startBackground();
      return;
    }
    const now = server.keyspace.clock.now();
    for (const point of server.config.get("save") as SavePoint[]) {
      if (
        server.dirty >= point.changes && now - this.lastSave > point.seconds * 1000 &&
        (now - this.lastTry > BGSAVE_RETRY_DELAY_MS || this.lastBgsaveOk)
      ) {
        server.log.notice(`${point.changes} changes in ${point.seconds} seconds. Saving...`);
        this.startBackground();
        return;
      }
    }
  }

  /**
   * Loads `path` into the (empty) keyspace, yielding between slices.
   * Resolves to false when there is no such file.
   */
  async load(path: string, progress: LoadingProgress): Promise<boolean> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return false;
      throw new Error(`Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
    }
    const server = this.server;
    const started = performance.now();
    try {
      const size = (await file.stat()).size;
      const input = new ChunkedFile(file, size);
      const loader = new RdbLoader(
        server.keyspace,
        this.settings.loadOptions(true),
        () => this.settings.keyLoadDelay(),
      );
      await loadRdbStream(input, loader, {
        progress: (offset, keys) => {
          const usedMem = loader.result.aux.get("used-mem");
          if (usedMem !== undefined) progress.rdbUsedMem = Number(usedMem) || 0;
          progress.update(offset, keys, path);
        },
        keyDelayMicros: () => this.settings.keyLoadDelay(),
      });
      progress.fileDone(size);
      this.lastLoad = loader.result;
      logLoaded(server, loader.result);
    } catch (e) {
      if (e instanceof LoadingStopped) throw e;
      const offset = (e as { offset?: number }).offset;
      throw new Error(
        `Bad RDB file ${path}${offset !== undefined ? ` at offset ${offset}` : ""}: ${
          (e as Error).message
        }`,
      );
    } finally {
      file.close();
    }
    server.log.notice(
      `DB loaded from disk: ${((performance.now() - started) / 1000).toFixed(3)} seconds`,
    );
    return true;
  }
}

/** Logs what Redis logs about a loaded RDB (version, age, memory, counts). */
export function logLoaded(server: Server, result: RdbLoadResult): void {
  const aux = result.aux;
  const version = aux.get("redis-ver");
  if (version !== undefined) server.log.notice(`Loading RDB produced by version ${version}`);
  const ctime = aux.get("ctime");
  if (ctime !== undefined) {
    const age = Math.floor(server.keyspace.clock.now() / 1000) - Number(ctime);
    server.log.notice(`RDB age ${age} seconds`);
  }
  const usedMem = aux.get("used-mem");
  if (usedMem !== undefined) {
    server.log.notice(
      `RDB memory usage when created ${(Number(usedMem) / 1024 / 1024).toFixed(2)} Mb`,
    );
  }
  server.log.notice(
    `Done loading RDB, keys loaded: ${result.keysLoaded}, keys expired: ${result.keysExpired}.`,
  );
}
