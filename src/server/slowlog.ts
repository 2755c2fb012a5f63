/**
 * The slow log (`SLOWLOG`): the most recent commands whose execution took
 * at least `slowlog-log-slower-than` microseconds, newest first, at most
 * `slowlog-max-len` of them. Arguments are kept as Redis keeps them: at
 * most 32 (the last one saying how many more there were), each string cut
 * to 128 bytes with a note of how many more bytes there were, secrets
 * redacted.
 *
 * @module
 */

import { latin1Bytes } from "../util/bytes.ts";

/** Most arguments an entry keeps. */
export const SLOWLOG_MAX_ARGC = 32;
/** Longest argument an entry keeps, in bytes. */
export const SLOWLOG_MAX_STRING = 128;

/** One slow log entry. */
export interface SlowLogEntry {
  id: number;
  /** Unix time in seconds when the command ran. */
  time: number;
  /** Execution time in microseconds. */
  micros: number;
  /** Arguments, truncated and copied. */
  args: Uint8Array[];
  /** Client `ip:port`. */
  addr: string;
  /** Client name (latin1). */
  name: string;
}

/** The text Redis puts in place of redacted arguments. */
export const REDACTED: Uint8Array = latin1Bytes("(redacted)");

/**
 * Copies a command's arguments the way the slow log stores them.
 * `redacted` lists argument positions to replace with `(redacted)`.
 */
export function truncatedArgs(argv: Uint8Array[], redacted: ReadonlySet<number>): Uint8Array[] {
  const argc = Math.min(argv.length, SLOWLOG_MAX_ARGC);
  const out: Uint8Array[] = new Array(argc);
  for (let j = 0; j < argc; j++) {
    if (argc !== argv.length && j === argc - 1) {
      out[j] = latin1Bytes(`... (${argv.length - argc + 1} more arguments)`);
    } else if (redacted.has(j)) {
      out[j] = REDACTED;
    } else if (argv[j].length > SLOWLOG_MAX_STRING) {
      const more = latin1Bytes(`... (${argv[j].length - SLOWLOG_MAX_STRING} more bytes)`);
      const cut = new Uint8Array(SLOWLOG_MAX_STRING + more.length);
      cut.set(argv[j].subarray(0, SLOWLOG_MAX_STRING));
      cut.set(more, SLOWLOG_MAX_STRING);
      out[j] = cut;
    } else {
      out[j] = argv[j].slice();
    }
  }
  return out;
}

/** The slow log of one server. */
export class SlowLog {
  /** Entries, oldest first (replies list them newest first). */
  private entries: SlowLogEntry[] = [];
  private nextId = 0;

  /** Adds an entry and drops the oldest ones beyond `maxLen`. */
  push(entry: Omit<SlowLogEntry, "id">, maxLen: number): void {
    this.entries.push({ id: this.nextId++, ...entry });
    this.trim(maxLen);
  }

  /** Drops the oldest entries beyond `maxLen` (also when the limit is lowered). */
  trim(maxLen: number): void {
    if (this.entries.length > maxLen) {
      this.entries.splice(0, this.entries.length - maxLen);
    }
  }

  /** The newest `count` entries, newest first (`count < 0` = all). */
  newest(count: number): SlowLogEntry[] {
    const n = count < 0 ? this.entries.length : Math.min(count, this.entries.length);
    const out: SlowLogEntry[] = [];
    for (let i = this.entries.length - 1; out.length < n; i--) out.push(this.entries[i]);
    return out;
  }

  /** Number of entries. */
  get length(): number {
    return this.entries.length;
  }

  /** Forgets every entry (ids keep counting up, as in Redis). */
  reset(): void {
    this.entries = [];
  }
}
