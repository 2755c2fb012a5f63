/**
 * `MONITOR`: clients in monitor mode receive every executed command as a
 * status line in Redis's format,
 * `+<seconds>.<microseconds> [<db> <ip:port>] "arg" "arg"...`, with the
 * arguments quoted like redis-cli quotes them and secrets redacted.
 * Administrative commands (and those flagged `skip_monitor`) are not shown,
 * as in Redis.
 *
 * @module
 */

import type { Client } from "./client.ts";
import { quoteBytes } from "../util/bytes.ts";

/** Formats one MONITOR line (without the leading `+` and the CRLF). */
export function monitorLine(
  timeMicros: number,
  db: number,
  addr: string,
  argv: Uint8Array[],
  redacted: ReadonlySet<number>,
): string {
  const seconds = Math.floor(timeMicros / 1e6);
  const micros = Math.floor(timeMicros - seconds * 1e6);
  let line = `${seconds}.${String(micros).padStart(6, "0")} [${db} ${addr}]`;
  for (let j = 0; j < argv.length; j++) {
    line += redacted.has(j) ? ' "(redacted)"' : " " + quoteBytes(argv[j]);
  }
  return line;
}

/** Wall-clock time in microseconds (Redis uses gettimeofday for MONITOR lines). */
export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/** The clients of one server that are in monitor mode. */
export class MonitorFeed {
  private readonly clients = new Set<Client>();

  /** Puts a client in monitor mode. */
  add(c: Client): void {
    this.clients.add(c);
  }

  /** Takes a client out of monitor mode (RESET, disconnect). */
  remove(c: Client): void {
    this.clients.delete(c);
  }

  /** True when the client is in monitor mode. */
  has(c: Client): boolean {
    return this.clients.has(c);
  }

  /** Number of monitoring clients (connected or not yet noticed as gone). */
  get size(): number {
    return this.clients.size;
  }

  /** Sends a line to every monitoring client, forgetting those that disconnected. */
  send(line: string): void {
    for (const m of this.clients) {
      if (m.closed) {
        this.clients.delete(m);
        continue;
      }
      m.out.simple(line);
      if (!m.checkOutputLimits()) m.scheduleFlush();
    }
  }
}
