/**
 * Progress of loading a dataset at startup: what INFO persistence reports
 * in its `loading_*` fields, and the periodic progress lines in the log.
 *
 * @module
 */

import type { Logger } from "../server/log.ts";

/** Seconds between two progress lines in the log. */
const LOG_EVERY_MS = 1000;

/**
 * Thrown out of a load by {@link LoadingProgress.update} once the server
 * began shutting down (SHUTDOWN, SIGTERM): like Redis, a shutdown during
 * loading stops the load at once instead of waiting for the rest of the file.
 */
export class LoadingStopped extends Error {
  override name = "LoadingStopped";
  constructor() {
    super("Loading stopped: the server is shutting down");
  }
}

/** One load in progress (possibly over several files, for an AOF). */
export class LoadingProgress {
  /** Start, in ms since the epoch. */
  readonly startTime = Date.now();
  private readonly startMark = performance.now();
  private lastLog = performance.now();
  /** Bytes consumed in files already finished. */
  private doneBytes = 0;
  /** Bytes consumed in the current file. */
  private fileBytes = 0;
  /** Keys (or commands, for AOF files) loaded so far. */
  keys = 0;
  /** `used-mem` recorded in the RDB being loaded (`loading_rdb_used_mem`). */
  rdbUsedMem = 0;

  constructor(
    /** Total size of the files to load. */
    readonly totalBytes: number,
    private readonly log: Logger,
    /** Asked between slices of the load: true stops it ({@link LoadingStopped}). */
    private readonly stopRequested: () => boolean = () => false,
  ) {}

  /** Bytes loaded so far. */
  get loadedBytes(): number {
    return this.doneBytes + this.fileBytes;
  }

  /** Records the position in the current file and logs a progress line now and then. */
  update(fileOffset: number, keys: number, file: string): void {
    if (this.stopRequested()) throw new LoadingStopped();
    this.fileBytes = fileOffset;
    this.keys = keys;
    const now = performance.now();
    if (now - this.lastLog < LOG_EVERY_MS) return;
    this.lastLog = now;
    const seconds = (now - this.startMark) / 1000;
    const rate = Math.round(keys / Math.max(seconds, 0.001));
    this.log.notice(
      `Loading ${file}: ${
        this.percent().toFixed(2)
      }% (${keys} keys, ${rate} keys/sec, ETA ${this.etaSeconds()} sec)`,
    );
  }

  /** Moves on to the next file, `size` bytes having been read from the last one. */
  fileDone(size: number): void {
    this.doneBytes += size;
    this.fileBytes = 0;
  }

  /** Share loaded, as Redis computes `loading_loaded_perc`. */
  percent(): number {
    return (this.loadedBytes / (this.totalBytes + 1)) * 100;
  }

  /** Redis's `loading_eta_seconds`: elapsed time scaled by the bytes left. */
  etaSeconds(): number {
    const elapsed = Math.floor((Date.now() - this.startTime) / 1000);
    if (elapsed === 0) return 1;
    return Math.floor((elapsed * (this.totalBytes - this.loadedBytes)) / (this.loadedBytes + 1));
  }

  /** The `loading_*` lines of INFO persistence. */
  infoLines(): string[] {
    return [
      `loading_start_time:${Math.floor(this.startTime / 1000)}`,
      `loading_total_bytes:${this.totalBytes}`,
      `loading_rdb_used_mem:${this.rdbUsedMem}`,
      `loading_loaded_bytes:${this.loadedBytes}`,
      `loading_loaded_perc:${this.percent().toFixed(2)}`,
      `loading_eta_seconds:${this.etaSeconds()}`,
    ];
  }
}
