/**
 * The persistence module: RDB snapshots and the AOF for one server, wired
 * into the core through its hooks (startup load, cron, shutdown, FLUSHALL,
 * propagation, reply gating, MISCONF admission, INFO persistence).
 *
 * @module
 */

import type { Server, ShutdownOptions } from "../server/server.ts";
import { production } from "../server/production.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type { Client } from "../server/client.ts";
import { AofService } from "./aof_service.ts";
import { BackgroundWork } from "./background_work.ts";
import { LoadingProgress, LoadingStopped } from "./loading.ts";
import { RdbService } from "./rdb_service.ts";
import { PersistenceSettings } from "./settings.ts";

/** Redis's MISCONF reply when a background save failed and writes are stopped. */
export const MISCONF_RDB =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** Persistence state of one server. */
export class Persistence {
  readonly settings: PersistenceSettings;
  readonly work = new BackgroundWork();
  readonly rdb: RdbService;
  readonly aof: AofService;
  /** The load in progress at startup, or null. */
  loading: LoadingProgress | null = null;
  /** FLUSHALL emptied the keyspace: save once the command is done (when save points exist). */
  private flushAllPending = false;

  constructor(private readonly server: Server) {
    this.settings = new PersistenceSettings(server);
    this.rdb = new RdbService(server, this.settings, this.work);
    this.aof = new AofService(server, this.settings, this.work);
    this.work.onIdle = () => this.cron();
    // `dbfilename` is a protected config in Redis 7, like `dir`.
    server.config.onChange("dbfilename", () => {
      if (server.config.str("enable-protected-configs") === "no") {
        throw new Error("can't set protected config");
      }
    });
    server.config.onChange("appendonly", (value) => {
      if (value) this.aof.enable();
      else this.aof.disable();
    });
  }

  /** Cron: AOF writes and fsyncs, scheduled background jobs, save points. */
  cron(): void {
    this.aof.cron();
    if (this.server.loading) return;
    this.rdb.cron();
  }

  /** The MISCONF error refusing writes (and PING) after a persistence failure, or null. */
  writeDenial(): string | null {
    const config = this.server.config;
    if (
      !this.rdb.lastBgsaveOk && config.bool("stop-writes-on-bgsave-error") &&
      this.rdb.hasSavePoints
    ) {
      return MISCONF_RDB;
    }
    return this.aof.writeDenial();
  }

  /** FLUSHALL: a running BGSAVE is pointless now and must not overwrite the next save. */
  beforeFlush(all: boolean): void {
    if (!all) return;
    this.rdb.cancelBackground();
    this.flushAllPending = true;
  }

  /** After a command: FLUSHALL saves the (now empty) dataset when save points exist, as Redis. */
  afterCommand(): void {
    if (!this.flushAllPending) return;
    this.flushAllPending = false;
    if (this.rdb.hasSavePoints) this.rdb.saveSync();
  }

  /** Shutdown: stop background work, fsync the AOF, then the final save when asked or configured. */
  shutdown(options: ShutdownOptions): Promise<void> {
    const server = this.server;
    if (this.rdb.inProgress) {
      server.log.warning("There is a child saving an .rdb. Killing it!");
      this.rdb.cancelBackground();
    }
    try {
      this.aof.shutdown(options.force ?? false);
    } catch (e) {
      return Promise.reject(e);
    }
    const save = options.save ?? this.rdb.hasSavePoints;
    if (save && !server.loading) {
      server.log.notice("Saving the final RDB snapshot before exiting.");
      if (!this.rdb.saveSync()) {
        if (!options.force) {
          server.log.warning("Error trying to save the DB, can't exit.");
          return Promise.reject(new Error("Errors trying to save the DB"));
        }
        server.log.warning("Error trying to save the DB. Exit anyway.");
      }
    }
    return Promise.resolve();
  }

  /**
   * Startup, before the listeners open: decides what to load (the AOF when
   * `appendonly yes`, as Redis does, else dump.rdb) and, if anything, marks
   * the server as loading so that the first clients already get
   * `-LOADING`. Returns the load to run once listening, or null.
   */
  prepareStartupLoad(): (() => Promise<void>) | null {
    const server = this.server;
    let size: number;
    let load: (progress: LoadingProgress) => Promise<void>;
    if (server.config.bool("appendonly")) {
      size = this.aof.prepareLoad();
      if (size === 0) {
        this.aof.openOnStart();
        return null;
      }
      load = async (progress) => {
        const started = performance.now();
        await this.aof.load(progress);
        server.log.notice(
          `DB loaded from append only file: ${
            ((performance.now() - started) / 1000).toFixed(3)
          } seconds`,
        );
        this.aof.openOnStart();
      };
    } else {
      const path = this.rdb.path;
      try {
        size = Deno.statSync(path).size;
      } catch {
        return null;
      }
      load = async (progress) => {
        await this.rdb.load(path, progress);
      };
    }
    server.loading = true;
    server.keyspace.expiryPaused = true;
    const progress = new LoadingProgress(size, server.log, () => server.isShuttingDown);
    this.loading = progress;
    return async () => {
      let stopped = false;
      try {
        await load(progress);
        // Memory accounting never saw the loaded values being written.
        production(server).memory.recount();
      } catch (e) {
        stopped = e instanceof LoadingStopped;
        throw e;
      } finally {
        // A load stopped by a shutdown leaves the server loading: its partial
        // dataset must never be saved by the shutdown going on.
        if (!stopped) {
          server.keyspace.expiryPaused = false;
          server.loading = false;
          this.loading = null;
          server.dirty = 0;
        }
      }
    };
  }

  /** The lines of INFO persistence, with Redis's field names and order. */
  infoLines(): string[] {
    const server = this.server;
    const rdb = this.rdb;
    const snapshot = rdb.runningSnapshot ?? this.aof.runningSnapshot;
    const since = rdb.runningSince;
    const lines = [
      `loading:${server.loading ? 1 : 0}`,
      "async_loading:0",
      "current_cow_peak:0",
      "current_cow_size:0",
      "current_cow_size_age:0",
      `current_fork_perc:${
        snapshot && snapshot.keysTotal > 0
          ? ((snapshot.keysWritten / snapshot.keysTotal) * 100).toFixed(2)
          : "0.00"
      }`,
      `current_save_keys_processed:${snapshot?.keysWritten ?? 0}`,
      `current_save_keys_total:${snapshot?.keysTotal ?? 0}`,
      `rdb_changes_since_last_save:${server.dirty}`,
      `rdb_bgsave_in_progress:${rdb.inProgress ? 1 : 0}`,
      `rdb_last_save_time:${Math.floor(rdb.lastSave / 1000)}`,
      `rdb_last_bgsave_status:${rdb.lastBgsaveOk ? "ok" : "err"}`,
      `rdb_last_bgsave_time_sec:${rdb.lastBgsaveSeconds}`,
      `rdb_current_bgsave_time_sec:${
        since === null ? -1 : Math.floor((performance.now() - since) / 1000)
      }`,
      `rdb_saves:${rdb.saves}`,
      "rdb_last_cow_size:0",
      `rdb_last_load_keys_expired:${rdb.lastLoad?.keysExpired ?? 0}`,
      `rdb_last_load_keys_loaded:${rdb.lastLoad?.keysLoaded ?? 0}`,
      ...this.aof.infoLines(),
    ];
    if (this.loading !== null) lines.push(...this.loading.infoLines());
    return lines;
  }
}

const STATE = new WeakMap<Server, Persistence>();

/** The persistence state of a server (the module must have been initialised). */
export function persistenceOf(server: Server): Persistence {
  const state = STATE.get(server);
  if (state === undefined) throw new Error("The persistence module is not initialised");
  return state;
}

/** Server module: sets up persistence and registers its hooks. */
export function persistenceModule(server: Server): void {
  const persistence = new Persistence(server);
  STATE.set(server, persistence);
  server.infoSections.set("persistence", () => persistence.infoLines());
  server.cronHooks.push(() => persistence.cron());
  server.turnDrivenWork.push(() => persistence.work.busy || persistence.aof.fsyncInFlight);
  server.shutdownHooks.push((options) => persistence.shutdown(options));
  server.flushHooks.push((db) => persistence.beforeFlush(db === null));
  server.commandObservers.push(() => persistence.afterCommand());
  server.admissionChecks.push((_c: Client, spec: CommandSpec) => {
    const denial = persistence.writeDenial();
    if (denial === null) return null;
    return spec.flags.includes("write") || spec.name === "ping" ? denial : null;
  });
  const load = persistence.prepareStartupLoad();
  if (load !== null) server.startupTasks.push(load);
}
