/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 *
 * Queuing happens in dispatch (a command sent after MULTI is checked, then
 * copied into `c.multi` and answered `QUEUED`; a rejected one flags the
 * transaction). EXEC runs the queue through {@link call} inside one
 * synchronous handler, so no other client's command can interleave: the
 * whole transaction is one turn of the event loop.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { call } from "./dispatch.ts";
import { command, type CommandSpec } from "./spec.ts";

const EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

/** Leaves MULTI state: drops the queue, the error flag and every WATCH. */
export function discardTransaction(c: Client): void {
  c.multi = null;
  c.multiFailed = false;
  c.server.watch.unwatchAll(c);
}

function multi(c: Client): void {
  if (c.multi !== null) {
    c.out.error("ERR MULTI calls can not be nested");
    return;
  }
  c.multi = [];
  c.out.ok();
}

function exec(c: Client): void {
  const queued = c.multi;
  if (queued === null) {
    c.out.error("ERR EXEC without MULTI");
    return;
  }
  const server = c.server;
  if (!c.watchDirty && server.watch.expiredSinceWatch(c)) c.watchDirty = true;
  if (c.multiFailed || c.watchDirty) {
    if (c.multiFailed) c.out.error(EXECABORT);
    else c.out.nullArray();
    discardTransaction(c);
    return;
  }
  // Nothing the queued commands do can invalidate this transaction any more.
  server.watch.unwatchAll(c);
  c.inExec = true;
  c.out.array(queued.length);
  try {
    for (const { spec, argv } of queued) call(server, c, spec, argv);
  } finally {
    c.inExec = false;
    discardTransaction(c);
  }
  // The queued commands propagated themselves (wrapped in MULTI/EXEC when
  // there are several); EXEC adds nothing of its own.
  c.propagateOverride = [];
}

function discard(c: Client): void {
  if (c.multi === null) {
    c.out.error("ERR DISCARD without MULTI");
    return;
  }
  discardTransaction(c);
  c.out.ok();
}

function watch(c: Client, argv: Uint8Array[]): void {
  if (c.multi !== null) {
    c.out.error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  // A dirty client's EXEC fails whatever it watches now.
  if (!c.watchDirty) {
    for (let i = 1; i < argv.length; i++) c.server.watch.watch(c, c.db, argv[i]);
  }
  c.out.ok();
}

function unwatch(c: Client): void {
  c.server.watch.unwatchAll(c);
  c.out.ok();
}

const CONTROL = ["noscript", "loading", "stale", "fast", "allow_busy"] as const;

/** Transaction command specs. */
export const TRANSACTION_COMMANDS: CommandSpec[] = [
  command({
    name: "multi",
    arity: 1,
    flags: [...CONTROL],
    group: "transactions",
    since: "1.2.0",
    summary: "Mark the start of a transaction block",
    complexity: "O(1)",
    handler: multi,
  }),
  command({
    name: "exec",
    arity: 1,
    flags: ["noscript", "loading", "stale", "skip_slowlog"],
    group: "transactions",
    since: "1.2.0",
    summary: "Execute all commands issued after MULTI",
    complexity: "Depends on commands in the transaction",
    handler: exec,
  }),
  command({
    name: "discard",
    arity: 1,
    flags: [...CONTROL],
    group: "transactions",
    since: "2.0.0",
    summary: "Discard all commands issued after MULTI",
    complexity: "O(N), when N is the number of queued commands",
    handler: discard,
  }),
  command({
    name: "watch",
    arity: -2,
    flags: [...CONTROL],
    keySpecs: ["RO range:-1"],
    group: "transactions",
    since: "2.2.0",
    summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
    complexity: "O(1) for every key.",
    syntax: "key [key ...]",
    handler: watch,
  }),
  command({
    name: "unwatch",
    arity: 1,
    flags: [...CONTROL],
    group: "transactions",
    since: "2.2.0",
    summary: "Forget about all watched keys",
    complexity: "O(1)",
    handler: unwatch,
  }),
];
