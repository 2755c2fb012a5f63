/**
 * Command dispatch, in Redis's order of checks: lookup (unknown command or
 * subcommand), arity, authentication, pub/sub context, loading, memory,
 * then MULTI queuing or execution. {@link call} is the single execution
 * path that keeps statistics, propagation and reply modes right for every
 * command, including those run by EXEC and re-run for blocked clients.
 *
 * @module
 */

import type { Client, QueuedCommand } from "../server/client.ts";
import { ReplyMode } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { CommandSpec } from "./spec.ts";
import { fullName } from "./table.ts";
import { discardTransaction } from "./transactions.ts";
import { monotonicNow } from "../util/monotonic.ts";

/** Commands a RESP2 client may send while subscribed. */
const ALLOWED_WHILE_SUBSCRIBED = new Set([
  "subscribe",
  "ssubscribe",
  "unsubscribe",
  "sunsubscribe",
  "psubscribe",
  "punsubscribe",
  "ping",
  "quit",
  "reset",
]);

/** Commands that are executed, not queued, inside MULTI. */
const TRANSACTION_CONTROL = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

/** Renders `%.*s` of a C string: bytes up to the first NUL, at most `max`. */
function cString(bytes: Uint8Array, max: number): string {
  let s = "";
  for (let i = 0; i < bytes.length && i < max; i++) {
    if (bytes[i] === 0) break;
    s += String.fromCharCode(bytes[i]);
  }
  return s;
}

/** Redis's unknown-command error, including the first arguments. */
export function unknownCommandError(argv: Uint8Array[]): string {
  let args = "";
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${cString(argv[i], 128 - args.length)}' `;
  }
  return `ERR unknown command '${cString(argv[0], 128)}', with args beginning with: ${args}`;
}

/** Redis's wrong-arity error. */
export function arityError(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
}

/** Full name (`config|get`) of the command {@link resolveCommand} last found. */
let resolvedName = "";

/**
 * Finds the spec for a command line, leaving its full name in
 * {@link resolvedName} (a second result without an object per command),
 * or writes the error reply (unknown command/subcommand, arity) and
 * returns null.
 */
function resolveCommand(server: Server, c: Client, argv: Uint8Array[]): CommandSpec | null {
  const spec = server.commands.lookup(argv[0]);
  if (spec === undefined) {
    reject(server, c, null, unknownCommandError(argv));
    return null;
  }
  // A container that also answers on its own (COMMAND) runs when called bare.
  if (spec.subcommands !== undefined && !(argv.length === 1 && spec.handler !== undefined)) {
    if (argv.length < 2) {
      reject(server, c, spec.name, arityError(spec.name));
      return null;
    }
    const sub = server.commands.subcommand(spec, argv[1]);
    if (sub === undefined) {
      reject(
        server,
        c,
        spec.name,
        `ERR unknown subcommand '${cString(argv[1], 128)}'. Try ${spec.name.toUpperCase()} HELP.`,
      );
      return null;
    }
    const name = fullName(sub, spec);
    if (!arityOk(sub, argv.length)) {
      reject(server, c, name, arityError(name));
      return null;
    }
    resolvedName = name;
    return sub;
  }
  if (!arityOk(spec, argv.length)) {
    reject(server, c, spec.name, arityError(spec.name));
    return null;
  }
  resolvedName = spec.name;
  return spec;
}

/**
 * Writes an error for a command that was not executed and counts it as
 * rejected. A rejected command flags an open transaction; a rejected EXEC
 * discards it and says why, as Redis's `execCommandAbort` does (its own
 * texts carry no `ERR ` prefix there).
 */
function reject(server: Server, c: Client, name: string | null, error: string): void {
  if (name === "exec") {
    discardTransaction(c);
    const reason = error.startsWith("ERR ") ? error.slice(4) : error;
    c.out.error(`EXECABORT Transaction discarded because of: ${reason}`);
  } else {
    c.out.error(error);
    if (c.multi !== null) c.multiFailed = true;
  }
  if (name !== null) server.stats.command(name).rejectedCalls++;
}

/**
 * What admission checks judge: the command itself, except that EXEC carries
 * the flags of everything it queued (Redis's `mstate.cmd_flags`), so a
 * transaction of writes is refused as a write would be (OOM, read-only...).
 */
function admittedAs(server: Server, c: Client, spec: CommandSpec): CommandSpec {
  if (spec.name !== "exec" || c.multi === null || server.admissionChecks.length === 0) return spec;
  const flags = new Set(spec.flags);
  for (const queued of c.multi) for (const flag of queued.spec.flags) flags.add(flag);
  return { ...spec, flags: [...flags] };
}

/**
 * Runs one command line received from a client. The caller refreshes the
 * cached time once per batch ({@link Server.beginBatch}), as Redis caches it
 * per event-loop iteration.
 */
export function execute(server: Server, c: Client, argv: Uint8Array[]): void {
  const mark = c.out.length;
  dispatch(server, c, argv);
  applyReplyMode(c, mark);
  afterCommand(server);
}

function dispatch(server: Server, c: Client, argv: Uint8Array[]): void {
  const spec = resolveCommand(server, c, argv);
  if (spec === null) return;
  const name = resolvedName;
  const flags = spec.flags;

  if (!c.authenticated && !flags.includes("no_auth") && server.authRequired()) {
    reject(server, c, name, "NOAUTH Authentication required.");
    return;
  }
  if (c.multi !== null && flags.includes("no_multi")) {
    reject(server, c, name, "ERR Command not allowed inside a transaction");
    return;
  }
  if (c.proto === 2 && c.subscribed && !ALLOWED_WHILE_SUBSCRIBED.has(spec.name)) {
    reject(
      server,
      c,
      name,
      `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
    );
    return;
  }
  if (server.loading && !flags.includes("loading")) {
    reject(server, c, name, "LOADING Redis is loading the dataset in memory");
    return;
  }
  const denial = server.admissionCheck(c, admittedAs(server, c, spec));
  if (denial !== null) {
    reject(server, c, name, denial);
    return;
  }
  if (c.multi !== null && !TRANSACTION_CONTROL.has(spec.name)) {
    // A transaction already doomed to abort keeps no more commands.
    if (!c.multiFailed && !c.watchDirty) {
      const queued: QueuedCommand = { spec, argv: argv.map((a) => a.slice()) };
      c.multi.push(queued);
    }
    c.out.queued();
    return;
  }
  call(server, c, spec, argv, name);
}

/**
 * Errors replied by the commands a running command executed itself (EXEC's
 * queued commands): they count as failures of those, not of EXEC.
 */
let nestedErrors = 0;

/**
 * Executes a resolved command: runs the handler, updates command and error
 * statistics, records what to propagate to the AOF, feeds the slow log.
 */
export function call(
  server: Server,
  c: Client,
  spec: CommandSpec,
  argv: Uint8Array[],
  name = fullNameOf(server, spec),
): void {
  const dirtyBefore = server.dirty;
  const errorsBefore = c.out.errorCount;
  const outerNestedErrors = nestedErrors;
  nestedErrors = 0;
  c.propagateOverride = null;
  c.forcePropagation = false;
  c.lastCommand = name;
  // One clock read per command: a command's duration runs from the end of the
  // previous one (or the start of the batch), which keeps timing cheap.
  const start = server.clockMark;
  if (spec.multiKey) c.db.prefetch(argv, spec.firstKey, spec.lastKey, spec.step);
  spec.handler!(c, argv);
  const end = monotonicNow();
  server.clockMark = end;
  const micros = Math.round((end - start) * 1000);
  const errors = c.out.errorCount - errorsBefore;
  const ownErrors = errors - nestedErrors;
  nestedErrors = outerNestedErrors + errors;
  // Like Redis, a blocking command counts as one call when first called;
  // being served later adds its time and errors. A re-execution that keeps
  // waiting counts nothing.
  if (c.reprocessingBlocked && server.blocking.waitingAgain) return;
  const stat = server.stats.command(name);
  if (!c.reprocessingBlocked) {
    stat.calls++;
    server.stats.totalCommandsProcessed++;
  }
  stat.usec += micros;
  if (ownErrors > 0) stat.failedCalls++;
  if (c.blocked !== null && !c.reprocessingBlocked) return; // completes when served
  if (server.dirty > dirtyBefore || c.forcePropagation) {
    // Set by the handler, which the compiler does not see (it was reset above).
    const override = c.propagateOverride as Uint8Array[][] | null;
    if (override === null) server.propagate(c.db.index, argv);
    else for (const command of override) server.propagate(c.db.index, command);
  }
  c.propagateOverride = null;
  server.commandExecuted(c, argv, name, micros, spec);
}

function fullNameOf(server: Server, spec: CommandSpec): string {
  const parent = server.commands.parentOf(spec);
  return fullName(spec, parent);
}

/** Work done after every top-level command: serve unblocked clients, flush propagation. */
export function afterCommand(server: Server): void {
  server.blocking.serveReady();
  server.flushPropagation();
}

/** Drops the reply just written when `CLIENT REPLY OFF|SKIP` says so. */
function applyReplyMode(c: Client, mark: number): void {
  const mode = c.replyMode;
  if (mode === ReplyMode.ON) return;
  if (mode === ReplyMode.OFF) {
    c.out.truncate(mark);
  } else if (mode === ReplyMode.SKIP) {
    c.out.truncate(mark);
    c.replyMode = ReplyMode.ON;
  } else if (mode === ReplyMode.SKIP_NEXT) {
    c.replyMode = ReplyMode.SKIP;
  }
}
