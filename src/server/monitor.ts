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

import type { OutputBufferLimit } from "../config/directives.ts";
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

/**
 * The clients of one server that are in monitor mode. Like Redis, which
 * treats monitors as replicas, their output is bounded by the `replica`
 * (`slave`) class of `client-output-buffer-limit`, so a monitor that stops
 * reading is disconnected instead of growing without bound.
 */
export class MonitorFeed {
  /** Monitoring clients, with the time (ms) their output went over the soft limit (0 = not). */
  private readonly clients = new Map<Client, number>();

  /** Puts a client in monitor mode. */
  add(c: Client): void {
    this.clients.set(c, 0);
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

  /**
   * Sends a line to every monitoring client, forgetting those that
   * disconnected and disconnecting those over `limits` (the replica class).
   */
  send(line: string, limits: OutputBufferLimit | undefined, nowMs: number): void {
    for (const [m, softSince] of this.clients) {
      if (m.closed) {
        this.clients.delete(m);
        continue;
      }
      m.out.simple(line);
      if (limits !== undefined && this.overLimit(m, softSince, limits, nowMs)) {
        m.server.stats.clientOutputBufferLimitDisconnections++;
        m.server.log.warning(
          `Client id=${m.id} addr=${m.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`,
        );
        this.clients.delete(m);
        m.kill();
        continue;
      }
      m.scheduleFlush();
    }
  }

  /** Applies the hard and soft limits, remembering when the soft one was first passed. */
  private overLimit(
    m: Client,
    softSince: number,
    limits: OutputBufferLimit,
    nowMs: number,
  ): boolean {
    const pending = m.pendingOutput;
    if (limits.hard > 0 && pending > limits.hard) return true;
    if (limits.soft > 0 && pending > limits.soft) {
      if (softSince === 0) this.clients.set(m, nowMs);
      else if (nowMs - softSince > limits.softSeconds * 1000) return true;
    } else if (softSince !== 0) {
      this.clients.set(m, 0);
    }
    return false;
  }
}
