/**
 * Redis-style log lines: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`
 * where the level mark is `.` debug, `-` verbose, `*` notice, `#` warning.
 * Writes go to stdout or to `logfile`; `reopen()` supports log rotation on
 * SIGHUP.
 *
 * @module
 */

/** Log verbosity, as the `loglevel` directive names it. */
export type LogLevel = "debug" | "verbose" | "notice" | "warning" | "nothing";

const RANK: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARK: Record<Exclude<LogLevel, "nothing">, string> = {
  debug: ".",
  verbose: "-",
  notice: "*",
  warning: "#",
};
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Formats a timestamp the way Redis logs do (local time). */
export function logTimestamp(date: Date): string {
  return `${pad(date.getDate())} ${MONTHS[date.getMonth()]} ${date.getFullYear()} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
    pad(date.getMilliseconds(), 3);
}

/** A logger writing Redis-format lines. */
export class Logger {
  private file: Deno.FsFile | null = null;
  private readonly encoder = new TextEncoder();
  /** Lines kept in memory instead of written (embedded servers in tests can inspect them). */
  readonly captured: string[] | null;

  constructor(
    public level: LogLevel,
    private readonly path: string = "",
    options: { capture?: boolean } = {},
  ) {
    this.captured = options.capture ? [] : null;
    this.open();
  }

  private open(): void {
    if (this.path !== "" && this.captured === null) {
      this.file = Deno.openSync(this.path, { append: true, create: true });
    }
  }

  /** Closes and reopens the log file (after logrotate moved it). */
  reopen(): void {
    this.file?.close();
    this.file = null;
    this.open();
  }

  /** True when messages at `level` would be written. */
  enabled(level: Exclude<LogLevel, "nothing">): boolean {
    return RANK[level] >= RANK[this.level];
  }

  /** Writes one line at `level`. */
  log(level: Exclude<LogLevel, "nothing">, message: string): void {
    if (!this.enabled(level)) return;
    const line = `${Deno.pid}:M ${logTimestamp(new Date())} ${MARK[level]} ${message}`;
    if (this.captured !== null) {
      this.captured.push(line);
      return;
    }
    const bytes = this.encoder.encode(line + "\n");
    try {
      if (this.file) this.file.writeSync(bytes);
      else Deno.stdout.writeSync(bytes);
    } catch {
      // A closed stdout must not take the server down.
    }
  }

  /** Debug-level line. */
  debug(message: string): void {
    this.log("debug", message);
  }

  /** Verbose-level line. */
  verbose(message: string): void {
    this.log("verbose", message);
  }

  /** Notice-level line. */
  notice(message: string): void {
    this.log("notice", message);
  }

  /** Warning-level line. */
  warning(message: string): void {
    this.log("warning", message);
  }

  /** Closes the log file. */
  close(): void {
    this.file?.close();
    this.file = null;
  }
}
