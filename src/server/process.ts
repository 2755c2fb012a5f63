/**
 * Rift as an operating-system process, the way `redis-server` runs: change
 * to `dir`, open the log, print the startup banner, write the pid file,
 * start the server, tell a supervisor (systemd) when it is ready, turn
 * signals into a graceful shutdown (SIGTERM/SIGINT) or a log reopen
 * (SIGHUP), and exit 0 once the server has drained its clients.
 *
 * Embedded servers (`startServer` in src/mod.ts) skip all of this: they
 * never change the process's directory or own its signals.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import { Logger, type LogLevel } from "./log.ts";
import type { Server } from "./server.ts";
import { startServerWith } from "./startup.ts";
import { LoadingStopped } from "../persistence/loading.ts";
import { notifySystemd, supervisionMode } from "./systemd.ts";
import { REDIS_COMPAT_VERSION, sourceRevision, VERSION } from "../version.ts";

/** Why `daemonize yes` cannot work, with the way to run Rift in the background instead. */
export const DAEMONIZE_UNSUPPORTED =
  "'daemonize yes' is not supported: Deno cannot fork, so Rift always runs in the foreground. " +
  "Run it under a supervisor instead: see docs/service.md for the systemd unit " +
  "(scripts/rift.service, with 'supervised systemd'), or use your init system's equivalent.";

/** A startup problem that ends the process with exit code 1. */
export class StartupError extends Error {
  override name = "StartupError";
}

/** Changes to the configured `dir`, as redis-server does before it opens any file. */
function enterDataDir(config: Config): void {
  const dir = config.str("dir");
  try {
    Deno.chdir(dir);
  } catch (e) {
    throw new StartupError(`Can't chdir to '${dir}': ${describeError(e)}`);
  }
}

/** Short reason for a file-system error, like strerror(). */
function describeError(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "No such file or directory";
  if (e instanceof Deno.errors.PermissionDenied) return "Permission denied";
  if (e instanceof Deno.errors.NotADirectory) return "Not a directory";
  return (e as Error).message;
}

/** Writes the pid file; like Redis, a failure is logged but not fatal. */
function writePidFile(path: string, log: Logger): boolean {
  try {
    Deno.writeTextFileSync(path, `${Deno.pid}\n`);
    return true;
  } catch (e) {
    log.warning(`Failed to write PID file: ${describeError(e)}`);
    return false;
  }
}

function removePidFile(path: string, log: Logger): void {
  log.notice("Removing the pid file.");
  try {
    Deno.removeSync(path);
  } catch {
    // Already gone: nothing to clean up.
  }
}

/** The banner lines Redis prints before loading anything. */
function logBanner(log: Logger, config: Config): void {
  const { commit, dirty } = sourceRevision();
  log.notice("oO0OoO0OoO0Oo Rift is starting oO0OoO0OoO0Oo");
  log.notice(
    `Rift version=${VERSION}, redis-compat=${REDIS_COMPAT_VERSION}, bits=64, commit=${commit}, ` +
      `modified=${dirty ? 1 : 0}, deno=${Deno.version.deno}, pid=${Deno.pid}, just started`,
  );
  if (config.configFile) {
    log.notice(`Configuration loaded from ${config.configFile}`);
  } else {
    log.warning(
      "Warning: no config file specified, using the default config. " +
        "In order to specify a config file use rift /path/to/rift.conf",
    );
  }
}

/** Tells systemd about a state change, logging (once per reason) when it cannot. */
async function tellSystemd(log: Logger, state: string): Promise<void> {
  const result = await notifySystemd(state);
  if (!result.sent) log.warning(`systemd supervision error: ${result.reason}`);
}

/** What the signal handlers need to know of the server as it starts. */
interface SignalTarget {
  /** The server exists (it may be loading its dataset): a signal while it loads stops the load. */
  created(server: Server): void;
  /** The server is up: a signal remembered meanwhile is acted on now. */
  ready(server: Server): void;
}

/**
 * Turns SIGTERM/SIGINT into a graceful shutdown (a second signal forces it)
 * and SIGHUP into a log reopen. Installed before the server listens. A
 * signal while the dataset loads shuts down at once, stopping the load,
 * without saving (a partial dataset), as Redis 7 does; one at another moment
 * of the start (it may already be serving) is remembered and acted on once
 * the server is up; a second one meanwhile ends the process at once.
 */
function installSignalHandlers(log: Logger): SignalTarget {
  let signals = 0;
  let starting: Server | null = null;
  let server: Server | null = null;
  const shutdown = (s: Server) => {
    void s.shutdown({ force: signals > 1 }).catch((e) =>
      log.warning(`Shutdown failed: ${(e as Error).message}`)
    );
  };
  const onShutdownSignal = (name: string) => {
    signals++;
    if (server === null && starting?.loading) {
      log.warning("Received shutdown signal during loading, scheduling shutdown.");
      if (signals > 1) Deno.exit(1);
      shutdown(starting);
      return;
    }
    log.warning(`Received ${name} scheduling shutdown...`);
    if (server !== null) shutdown(server);
    else if (signals > 1) Deno.exit(1);
  };
  const target: SignalTarget = {
    created: (s) => starting = s,
    ready: (s) => {
      server = s;
      if (signals > 0) shutdown(s);
    },
  };
  Deno.addSignalListener("SIGINT", () => onShutdownSignal("SIGINT"));
  if (Deno.build.os === "windows") {
    Deno.addSignalListener("SIGBREAK", () => onShutdownSignal("SIGBREAK"));
    return target;
  }
  Deno.addSignalListener("SIGTERM", () => onShutdownSignal("SIGTERM"));
  Deno.addSignalListener("SIGHUP", () => {
    try {
      log.reopen();
      log.notice("Received SIGHUP, log file reopened");
    } catch (e) {
      // Keep serving: the old file handle is closed, lines go to stdout until the next SIGHUP.
      console.error(`rift: can't reopen the log file: ${describeError(e)}`);
    }
  });
  return target;
}

/**
 * Runs Rift as a process until it shuts down. Throws {@link StartupError}
 * for configuration problems found before serving (the caller prints it
 * and exits 1).
 */
export async function runServerProcess(config: Config): Promise<void> {
  if (config.bool("daemonize")) throw new StartupError(DAEMONIZE_UNSUPPORTED);
  enterDataDir(config);
  let log: Logger;
  try {
    log = new Logger(config.str("loglevel") as LogLevel, config.str("logfile"));
  } catch (e) {
    throw new StartupError(`Can't open the log file: ${describeError(e)}`);
  }
  logBanner(log, config);
  const supervision = supervisionMode(config.str("supervised"));
  if (supervision === "systemd") {
    log.notice(
      "Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec " +
        "and TimeoutStopSec in your service unit.",
    );
  } else if (supervision === "upstart") {
    log.warning("upstart supervision is not supported (it needs SIGSTOP readiness); ignoring it.");
  }
  const pidfile = config.str("pidfile");
  const wrotePid = pidfile !== "" && writePidFile(pidfile, log);

  const signals = installSignalHandlers(log);
  let server: Server;
  try {
    server = await startServerWith(config, { logger: log, standalone: true }, signals.created);
  } catch (e) {
    const stopped = e instanceof LoadingStopped;
    if (!stopped) log.warning((e as Error).message);
    if (wrotePid) removePidFile(pidfile, log);
    log.close();
    // Shut down while loading (SHUTDOWN or a signal): a clean exit, as Redis's.
    if (stopped) return;
    throw new StartupError((e as Error).message);
  }
  // Runtime `CONFIG SET dir` (when protected configs are enabled) moves the process too.
  config.onChange("dir", (value) => Deno.chdir(String(value)));
  server.shutdownHooks.push(async () => {
    if (supervision === "systemd") await tellSystemd(log, "STOPPING=1\n");
    if (wrotePid) removePidFile(pidfile, log);
  });

  log.notice(`Running mode=standalone, port=${server.port}.`);
  log.notice("Server initialized");
  log.notice("Ready to accept connections tcp");
  signals.ready(server);
  if (supervision === "systemd") {
    await tellSystemd(log, "STATUS=Ready to accept connections\nREADY=1\n");
  }
  await server.closed;
  log.close();
}
