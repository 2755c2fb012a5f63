/**
 * Rift as a library: start a Redis-compatible server inside a Deno program
 * or test suite, point any Redis client at it, and close it when done.
 *
 * @example
 * ```ts
 * import { startServer } from "./src/mod.ts";
 *
 * const rift = await startServer(); // 127.0.0.1, a free port, in memory
 * console.log(`redis://${rift.hostname}:${rift.port}`);
 * await rift.close();
 * ```
 *
 * @module
 */

import { Config } from "./config/config.ts";
import type { Clock } from "./store/clock.ts";
import { Logger, type LogLevel } from "./server/log.ts";
import type { Server } from "./server/server.ts";
import { startServerWith } from "./server/startup.ts";

export { ManualClock, systemClock } from "./store/clock.ts";
export type { Clock } from "./store/clock.ts";
export { Config, ConfigError } from "./config/config.ts";
export { Server } from "./server/server.ts";
export { VERSION } from "./version.ts";

/** Options for {@link startServer}. */
export interface StartOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  hostname?: string;
  /** Any configuration directives, e.g. `{ databases: 4, "notify-keyspace-events": "KEA" }`. */
  config?: Record<string, string | number | boolean>;
  /** A redis.conf-style file to load before `config` is applied. */
  configFile?: string;
  /** Time source for expiry; pass a `ManualClock` to control time in tests. */
  clock?: Clock;
  /** Log level; default `warning` for embedded servers. */
  logLevel?: LogLevel;
  /** Keep log lines in memory (`server.log.captured`) instead of printing them. */
  captureLogs?: boolean;
}

/** A running embedded server. */
export interface RiftHandle {
  /** Bound address. */
  hostname: string;
  /** Bound port. */
  port: number;
  /** The server itself, for advanced use (statistics, config, the keyspace). */
  server: Server;
  /** Shuts the server down (no save unless configured) and waits for it. */
  close(): Promise<void>;
}

function directiveText(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** Builds a Config from start options, applying file then explicit directives. */
export async function configFromOptions(options: StartOptions = {}): Promise<Config> {
  const config = new Config();
  if (options.configFile) await config.loadFile(options.configFile);
  // Embedded servers are in-memory by default; a config file decides for itself.
  const directives: Record<string, string | number | boolean> = {
    port: options.port ?? 0,
    bind: options.hostname ?? "127.0.0.1",
    ...(options.configFile ? {} : { save: "" }),
    ...options.config,
  };
  for (const [name, value] of Object.entries(directives)) {
    config.applyStartup(name, [directiveText(value)], `option '${name}'`);
  }
  return config;
}

/** Starts an embedded Rift server. */
export async function startServer(options: StartOptions = {}): Promise<RiftHandle> {
  const config = await configFromOptions(options);
  const level = options.logLevel ?? (options.config?.loglevel as LogLevel | undefined) ?? "warning";
  const logger = new Logger(level, config.str("logfile"), { capture: options.captureLogs });
  const server = await startServerWith(config, { clock: options.clock, logger });
  return {
    hostname: (config.get("bind") as string[])[0],
    port: server.port,
    server,
    close: () => server.shutdown({ save: false, force: true }),
  };
}
