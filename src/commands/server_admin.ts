/**
 * Server commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, INFO, CONFIG
 * and SHUTDOWN.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { renderInfo } from "../server/info.ts";
import { ConfigError } from "../config/config.ts";
import { command, type CommandSpec } from "./spec.ts";
import { helpReply, SYNTAX_ERROR } from "./util.ts";
import { isKeyword, latin1, utf8Text } from "../util/bytes.ts";
import { parseInteger } from "../util/numbers.ts";

/** Parses the optional `ASYNC|SYNC` of FLUSHDB/FLUSHALL; false after writing an error. */
function flushMode(c: Client, argv: Uint8Array[]): boolean {
  if (argv.length > 2) {
    c.out.error(SYNTAX_ERROR);
    return false;
  }
  if (argv.length === 2 && !isKeyword(argv[1], "async") && !isKeyword(argv[1], "sync")) {
    c.out.error(SYNTAX_ERROR);
    return false;
  }
  return true;
}

function flushdb(c: Client, argv: Uint8Array[]): void {
  if (!flushMode(c, argv)) return;
  const removed = c.db.size;
  c.server.flush(c.db);
  // Redis counts the removed keys only, but always propagates the flush.
  c.server.dirty += removed;
  c.forcePropagation = true;
  c.out.ok();
}

function flushall(c: Client, argv: Uint8Array[]): void {
  if (!flushMode(c, argv)) return;
  const removed = c.server.keyspace.totalKeys();
  c.server.flush(null);
  // Redis counts the removed keys only, but always propagates the flush.
  c.server.dirty += removed;
  c.forcePropagation = true;
  c.out.ok();
}

function swapdb(c: Client, argv: Uint8Array[]): void {
  const a = parseInteger(argv[1]);
  if (Number.isNaN(a)) {
    c.out.error("ERR invalid first DB index");
    return;
  }
  const b = parseInteger(argv[2]);
  if (Number.isNaN(b)) {
    c.out.error("ERR invalid second DB index");
    return;
  }
  const dbs = c.server.keyspace.dbs;
  if (a < 0 || a >= dbs.length || b < 0 || b >= dbs.length) {
    c.out.error("ERR DB index is out of range");
    return;
  }
  const server = c.server;
  if (a !== b) {
    const dbA = dbs[a];
    const dbB = dbs[b];
    server.watch.touchDatabase(dbA, dbB);
    server.watch.touchDatabase(dbB, dbA);
    dbA.swapContents(dbB);
    server.blocking.signalDatabase(dbA);
    server.blocking.signalDatabase(dbB);
  }
  server.dirty++;
  c.out.ok();
}

function time(c: Client): void {
  const now = Date.now();
  const micros = Math.floor(performance.timeOrigin * 1000 + performance.now() * 1000) % 1_000_000;
  c.out.array(2);
  c.out.bulkLatin1(String(Math.floor(now / 1000)));
  c.out.bulkLatin1(String(micros));
}

function info(c: Client, argv: Uint8Array[]): void {
  const sections = argv.slice(1).map((a) => latin1(a));
  c.out.verbatim(renderInfo(c.server, sections));
}

function configGet(c: Client, argv: Uint8Array[]): void {
  const pairs = c.server.config.getMatching(argv.slice(2).map((a) => utf8Text(a)));
  c.out.map(pairs.length);
  for (const [k, v] of pairs) {
    c.out.bulkText(k);
    c.out.bulkText(v);
  }
}

function configSet(c: Client, argv: Uint8Array[]): void {
  if ((argv.length - 2) % 2 !== 0) {
    c.out.error(
      `ERR Unknown option or number of arguments for CONFIG SET - '${
        latin1(argv[argv.length - 1])
      }'`,
    );
    return;
  }
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([utf8Text(argv[i]), utf8Text(argv[i + 1])]);
  try {
    c.server.config.setMany(pairs);
  } catch (e) {
    if (e instanceof ConfigError) {
      c.out.error(e.message);
      return;
    }
    throw e;
  }
  c.out.ok();
}

function configRewrite(c: Client): void {
  try {
    c.server.config.rewrite();
  } catch (e) {
    if (e instanceof ConfigError) {
      c.out.error(e.message);
      return;
    }
    c.server.log.warning(`CONFIG REWRITE failed: ${(e as Error).message}`);
    c.out.error(`ERR Rewriting config file: ${(e as Error).message}`);
    return;
  }
  c.server.log.notice("CONFIG REWRITE executed with success.");
  c.out.ok();
}

function shutdown(c: Client, argv: Uint8Array[]): void {
  let save: boolean | undefined;
  let force = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    if (isKeyword(argv[i], "nosave")) save = false;
    else if (isKeyword(argv[i], "save")) save = true;
    else if (isKeyword(argv[i], "now")) continue;
    else if (isKeyword(argv[i], "force")) force = true;
    else if (isKeyword(argv[i], "abort")) abort = true;
    else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  if (abort) {
    if (argv.length > 2) {
      c.out.error(SYNTAX_ERROR);
      return;
    }
    c.out.error("ERR No shutdown in progress.");
    return;
  }
  if (c.multi !== null || c.inExec) {
    c.out.error("ERR Command not allowed inside a transaction");
    return;
  }
  const server = c.server;
  server.shutdown({ save, force }).catch(() => {
    c.out.error("ERR Errors trying to SHUTDOWN. Check logs.");
    c.scheduleFlush();
  });
}

const ADMIN = ["admin", "noscript", "loading", "stale"] as const;

/** Server command specs. */
export const SERVER_COMMANDS: CommandSpec[] = [
  command({
    name: "dbsize",
    arity: 1,
    flags: ["readonly", "fast"],
    group: "server",
    since: "1.0.0",
    summary: "Return the number of keys in the selected database",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:agg_sum"],
    aclCategories: ["keyspace"],
    handler: (c) => c.out.integer(c.db.size),
  }),
  command({
    name: "flushdb",
    arity: -1,
    flags: ["write"],
    group: "server",
    since: "1.0.0",
    summary: "Remove all keys from the current database",
    complexity: "O(N) where N is the number of keys in the selected database",
    syntax: "[ASYNC{4.0.0} | SYNC{6.2.0}]{async}",
    history: [["4.0.0", "Added the `ASYNC` flushing mode modifier."], [
      "6.2.0",
      "Added the `SYNC` flushing mode modifier.",
    ]],
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    aclCategories: ["keyspace", "dangerous"],
    handler: flushdb,
  }),
  command({
    name: "flushall",
    arity: -1,
    flags: ["write"],
    group: "server",
    since: "1.0.0",
    summary: "Remove all keys from all databases",
    complexity: "O(N) where N is the total number of keys in all databases",
    syntax: "[ASYNC{4.0.0} | SYNC{6.2.0}]{async}",
    history: [["4.0.0", "Added the `ASYNC` flushing mode modifier."], [
      "6.2.0",
      "Added the `SYNC` flushing mode modifier.",
    ]],
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    aclCategories: ["keyspace", "dangerous"],
    handler: flushall,
  }),
  command({
    name: "swapdb",
    arity: 3,
    flags: ["write", "fast"],
    group: "server",
    since: "4.0.0",
    summary: "Swaps two Redis databases",
    complexity:
      "O(N) where N is the count of clients watching or blocking on keys from both databases.",
    syntax: "index1 index2",
    aclCategories: ["keyspace", "dangerous"],
    handler: swapdb,
  }),
  command({
    name: "time",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    group: "server",
    since: "2.6.0",
    summary: "Return the current server time",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    handler: time,
  }),
  command({
    name: "info",
    arity: -1,
    flags: ["loading", "stale"],
    group: "server",
    since: "1.0.0",
    summary: "Get information and statistics about the server",
    syntax: "[section [section ...]]",
    complexity: "O(1)",
    history: [["7.0.0", "Added support for taking multiple section arguments."]],
    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    aclCategories: ["dangerous"],
    handler: info,
  }),
  command({
    name: "shutdown",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
    group: "server",
    since: "1.0.0",
    summary: "Synchronously save the dataset to disk and then shut down the server",
    complexity:
      "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
    syntax: "[NOSAVE | SAVE] [NOW]{7.0.0} [FORCE]{7.0.0} [ABORT]{7.0.0}",
    history: [["7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."]],
    handler: shutdown,
  }),
  command({
    name: "config",
    arity: -2,
    flags: [],
    group: "server",
    since: "2.0.0",
    summary: "A container for server configuration commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      command({
        name: "get",
        arity: -3,
        flags: [...ADMIN],
        group: "server",
        since: "2.0.0",
        summary: "Get the values of configuration parameters",
        complexity: "O(N) when N is the number of configuration parameters provided",
        syntax: "parameter [parameter ...]{block}",
        history: [["7.0.0", "Added the ability to pass multiple pattern parameters in one call"]],
        handler: configGet,
      }),
      command({
        name: "set",
        arity: -4,
        flags: [...ADMIN],
        group: "server",
        since: "2.0.0",
        summary: "Set configuration parameters to the given values",
        complexity: "O(N) when N is the number of configuration parameters provided",
        syntax: "parameter value [parameter value ...]",
        history: [["7.0.0", "Added the ability to set multiple parameters in one call."]],
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: configSet,
      }),
      command({
        name: "resetstat",
        arity: 2,
        flags: [...ADMIN],
        group: "server",
        since: "2.0.0",
        summary: "Reset the stats returned by INFO",
        complexity: "O(1)",
        handler: (c) => {
          c.server.stats.reset();
          c.out.ok();
        },
      }),
      command({
        name: "rewrite",
        arity: 2,
        flags: [...ADMIN],
        group: "server",
        since: "2.8.0",
        summary: "Rewrite the configuration file with the in memory configuration",
        complexity: "O(1)",
        handler: configRewrite,
      }),
      command({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        group: "server",
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (c) =>
          helpReply(c, "CONFIG", [
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
          ]),
      }),
    ],
  }),
];
