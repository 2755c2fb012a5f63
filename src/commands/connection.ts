/**
 * Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT and
 * the CLIENT family.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { ReplyMode } from "../server/client.ts";
import { command, type CommandSpec } from "./spec.ts";
import { helpReply, intArg, SYNTAX_ERROR } from "./util.ts";
import { isKeyword, latin1, lowerAscii } from "../util/bytes.ts";
import { parseInteger } from "../util/numbers.ts";
import { REDIS_COMPAT_VERSION } from "../version.ts";
import { trackingOf, trackingStateOf } from "../server/tracking.ts";
import { CLIENT_TRACKING_SUBCOMMANDS } from "./client_tracking.ts";

const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

function ping(c: Client, argv: Uint8Array[]): void {
  if (argv.length > 2) {
    c.out.error("ERR wrong number of arguments for 'ping' command");
    return;
  }
  if (c.proto === 2 && c.subscribed) {
    // RESP2 subscribers get PING as a message-like array, as in Redis.
    c.out.array(2);
    c.out.bulkLatin1("pong");
    if (argv.length === 2) c.out.bulk(argv[1]);
    else c.out.bulkLatin1("");
    return;
  }
  if (argv.length === 2) c.out.bulk(argv[1]);
  else c.out.pong();
}

/** Checks a password for the default user; writes the error and returns false when wrong. */
function checkPassword(c: Client, user: Uint8Array | null, password: Uint8Array): boolean {
  const required = c.server.config.str("requirepass");
  const userOk = user === null || latin1(user) === "default";
  const ok = userOk &&
    (required === "" ? user !== null : latin1(password) === utf8ToLatin1(required));
  if (!ok) {
    c.out.error(WRONGPASS);
    c.server.log.verbose(`AUTH failed for client id=${c.id} addr=${c.addr}`);
    return false;
  }
  c.authenticated = true;
  c.user = "default";
  return true;
}

/** Passwords come from UTF-8 config text but are compared as bytes. */
function utf8ToLatin1(text: string): string {
  return latin1(new TextEncoder().encode(text));
}

function auth(c: Client, argv: Uint8Array[]): void {
  if (argv.length > 3) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  if (argv.length === 2 && c.server.config.str("requirepass") === "") {
    c.out.error(
      "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
    );
    return;
  }
  const user = argv.length === 3 ? argv[1] : null;
  if (checkPassword(c, user, argv[argv.length - 1])) c.out.ok();
}

function hello(c: Client, argv: Uint8Array[]): void {
  let proto = c.proto as number;
  let i = 1;
  if (argv.length >= 2) {
    const v = parseInteger(argv[1]);
    if (Number.isNaN(v)) {
      c.out.error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (v < 2 || v > 3) {
      c.out.error("NOPROTO unsupported protocol version");
      return;
    }
    proto = v;
    i = 2;
  }
  let setName: Uint8Array | null = null;
  let authUser: Uint8Array | null = null;
  let authPass: Uint8Array | null = null;
  for (; i < argv.length; i++) {
    const more = argv.length - i - 1;
    if (isKeyword(argv[i], "auth") && more >= 2) {
      authUser = argv[i + 1];
      authPass = argv[i + 2];
      i += 2;
    } else if (isKeyword(argv[i], "setname") && more >= 1) {
      setName = argv[i + 1];
      i += 1;
    } else {
      c.out.error(`ERR Syntax error in HELLO option '${latin1(argv[i])}'`);
      return;
    }
  }
  if (authUser !== null && !checkPassword(c, authUser, authPass!)) return;
  if (!c.authenticated && c.server.authRequired()) {
    c.out.error(
      "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
    );
    return;
  }
  if (setName !== null && !validName(c, setName)) return;
  if (setName !== null) c.name = latin1(setName);
  c.out.proto = proto as 2 | 3;
  c.out.map(7);
  c.out.bulkLatin1("server");
  c.out.bulkLatin1("redis");
  c.out.bulkLatin1("version");
  c.out.bulkLatin1(REDIS_COMPAT_VERSION);
  c.out.bulkLatin1("proto");
  c.out.integer(proto);
  c.out.bulkLatin1("id");
  c.out.integer(c.id);
  c.out.bulkLatin1("mode");
  c.out.bulkLatin1("standalone");
  c.out.bulkLatin1("role");
  c.out.bulkLatin1("master");
  c.out.bulkLatin1("modules");
  c.out.array(0);
}

function select(c: Client, argv: Uint8Array[]): void {
  const index = intArg(c, argv[1]);
  if (index === null) return;
  if (index < 0 || index >= c.server.keyspace.dbs.length) {
    c.out.error("ERR DB index is out of range");
    return;
  }
  c.db = c.server.db(index);
  c.out.ok();
}

function reset(c: Client): void {
  const server = c.server;
  c.multi = null;
  c.multiFailed = false;
  server.watch.unwatchAll(c);
  server.pubsub.removeClient(c);
  if (trackingStateOf(c) !== undefined) trackingOf(server).disable(c);
  c.db = server.db(0);
  c.out.proto = 2;
  c.name = "";
  // RESET turns OFF and a pending SKIP back on, but when RESET is itself
  // the skipped command its reply is dropped, as in Redis.
  if (c.replyMode !== ReplyMode.SKIP) c.replyMode = ReplyMode.ON;
  c.noEvict = false;
  c.noTouch = false;
  c.authenticated = !server.authRequired();
  c.out.simple("RESET");
}

/** Client names may hold only printable ASCII without spaces. */
function validName(c: Client, name: Uint8Array, what = "Client names"): boolean {
  for (const b of name) {
    if (b < 33 || b > 126) {
      c.out.error(`ERR ${what} cannot contain spaces, newlines or special characters.`);
      return false;
    }
  }
  return true;
}

/** The flags field of CLIENT LIST. */
function clientFlags(c: Client): string {
  let flags = "";
  if (c.subscribed) flags += "P";
  if (c.multi !== null) flags += "x";
  if (c.blocked !== null) flags += "b";
  const tracking = trackingStateOf(c);
  if (tracking !== undefined) {
    flags += "t";
    if (tracking.brokenRedirect) flags += "R";
    if (tracking.bcast) flags += "B";
  }
  if (c.watchDirty) flags += "d";
  if (c.closeAfterReply) flags += "c";
  if (c.noEvict) flags += "e";
  if (c.noTouch) flags += "T";
  return flags === "" ? "N" : flags;
}

/** One CLIENT LIST / CLIENT INFO line, with Redis 7.2's fields. */
export function clientInfoLine(c: Client): string {
  // The server's clock, as the times below were taken with it. Clamped at
  // zero: the batch time derived from the monotonic clock can sit a
  // millisecond either side of a fresh wall-clock reading.
  const now = c.server.keyspace.now;
  const multiMem = c.multi === null ? 0 : c.multi.reduce(
    (n, q) => n + q.argv.reduce((m, a) => m + a.length, 0),
    0,
  );
  const fields: [string, string | number][] = [
    ["id", c.id],
    ["addr", c.addr],
    ["laddr", c.laddr],
    ["fd", -1],
    ["name", c.name],
    ["age", Math.max(0, Math.floor((now - c.createdAt) / 1000))],
    ["idle", Math.max(0, Math.floor((now - c.lastInteraction) / 1000))],
    ["flags", clientFlags(c)],
    ["db", c.db.index],
    ["sub", c.channels.size],
    ["psub", c.patterns.size],
    ["ssub", c.shardChannels.size],
    ["multi", c.multi === null ? -1 : c.multi.length],
    ["qbuf", c.queryBufferBytes],
    ["qbuf-free", c.parser.capacity - c.queryBufferBytes],
    ["argv-mem", 0],
    ["multi-mem", multiMem],
    ["rbs", c.out.buf.length],
    ["rbp", c.out.buf.length],
    ["obl", c.out.length],
    ["oll", 0],
    ["omem", c.pendingOutput],
    ["tot-mem", c.parser.capacity + c.out.buf.length + multiMem],
    ["events", c.pendingOutput > 0 ? "rw" : "r"],
    ["cmd", c.lastCommand],
    ["user", c.user],
    ["redir", trackingStateOf(c)?.redirect ?? -1],
    ["resp", c.proto],
    ["lib-name", c.libName],
    ["lib-ver", c.libVersion],
  ];
  return fields.map(([k, v]) => `${k}=${v}`).join(" ");
}

function clientType(c: Client): string {
  return c.subscribed ? "pubsub" : "normal";
}

const CLIENT_TYPES = ["normal", "master", "slave", "replica", "pubsub"];

function clientList(c: Client, argv: Uint8Array[]): void {
  let clients = [...c.server.clients.values()];
  let i = 2;
  while (i < argv.length) {
    if (isKeyword(argv[i], "type") && i + 1 < argv.length) {
      const type = lowerAscii(argv[i + 1]);
      if (!CLIENT_TYPES.includes(type)) {
        c.out.error(`ERR Unknown client type '${latin1(argv[i + 1])}'`);
        return;
      }
      const wanted = type === "replica" ? "slave" : type;
      clients = clients.filter((x) => clientType(x) === wanted);
      i += 2;
    } else if (isKeyword(argv[i], "id") && i + 1 < argv.length) {
      const ids = new Set<number>();
      for (i = i + 1; i < argv.length; i++) {
        const id = parseInteger(argv[i]);
        if (Number.isNaN(id) || id <= 0) {
          c.out.error("ERR Invalid client ID");
          return;
        }
        ids.add(id);
      }
      clients = clients.filter((x) => ids.has(x.id));
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  clients.sort((a, b) => a.id - b.id);
  c.out.verbatim(clients.map((x) => clientInfoLine(x) + "\n").join(""));
}

function clientKill(c: Client, argv: Uint8Array[]): void {
  const server = c.server;
  if (argv.length === 3) {
    const addr = latin1(argv[2]);
    const victim = [...server.clients.values()].find((x) => x.addr === addr);
    if (!victim) {
      c.out.error("ERR No such client");
      return;
    }
    c.out.ok();
    killClient(c, victim);
    return;
  }
  if ((argv.length - 2) % 2 !== 0) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  const filters: ((x: Client) => boolean)[] = [];
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (isKeyword(argv[i], "id")) {
      const id = parseInteger(value);
      if (Number.isNaN(id) || id <= 0) {
        c.out.error("ERR client-id should be greater than 0");
        return;
      }
      filters.push((x) => x.id === id);
    } else if (isKeyword(argv[i], "type")) {
      const type = lowerAscii(value);
      if (!CLIENT_TYPES.includes(type)) {
        c.out.error(`ERR Unknown client type '${latin1(value)}'`);
        return;
      }
      const wanted = type === "replica" ? "slave" : type;
      filters.push((x) => clientType(x) === wanted);
    } else if (isKeyword(argv[i], "addr")) {
      const addr = latin1(value);
      filters.push((x) => x.addr === addr);
    } else if (isKeyword(argv[i], "laddr")) {
      const addr = latin1(value);
      filters.push((x) => x.laddr === addr);
    } else if (isKeyword(argv[i], "user")) {
      const user = latin1(value);
      filters.push((x) => x.user === user);
    } else if (isKeyword(argv[i], "skipme")) {
      if (isKeyword(value, "yes")) skipMe = true;
      else if (isKeyword(value, "no")) skipMe = false;
      else {
        c.out.error(SYNTAX_ERROR);
        return;
      }
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  let killed = 0;
  for (const x of [...server.clients.values()]) {
    if (skipMe && x === c) continue;
    if (!filters.every((f) => f(x))) continue;
    killed++;
    killClient(c, x);
  }
  c.out.integer(killed);
}

/** Killing yourself closes after the reply; others close at once. */
function killClient(c: Client, victim: Client): void {
  if (victim === c) victim.closeAfterReply = true;
  else victim.kill();
}

function clientPause(c: Client, argv: Uint8Array[]): void {
  const timeout = intArg(c, argv[2], "ERR timeout is not an integer or out of range");
  if (timeout === null) return;
  if (timeout < 0) {
    c.out.error("ERR timeout is negative");
    return;
  }
  let writesOnly = false;
  if (argv.length === 4) {
    if (isKeyword(argv[3], "write")) writesOnly = true;
    else if (!isKeyword(argv[3], "all")) {
      c.out.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  } else if (argv.length > 4) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  c.server.pause(Date.now() + timeout, writesOnly);
  c.out.ok();
}

function clientUnblock(c: Client, argv: Uint8Array[]): void {
  const id = intArg(c, argv[2]);
  if (id === null) return;
  let how: "timeout" | "error" = "timeout";
  if (argv.length === 4) {
    if (isKeyword(argv[3], "error")) how = "error";
    else if (!isKeyword(argv[3], "timeout")) {
      c.out.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  } else if (argv.length > 4) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  const target = c.server.clients.get(id);
  if (target === undefined || target.blocked === null) {
    c.out.integer(0);
    return;
  }
  c.server.blocking.unblock(target, how);
  c.out.integer(1);
}

function onOff(c: Client, arg: Uint8Array, set: (on: boolean) => void): void {
  if (isKeyword(arg, "on")) set(true);
  else if (isKeyword(arg, "off")) set(false);
  else {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  c.out.ok();
}

function clientSetInfo(c: Client, argv: Uint8Array[]): void {
  const attr = lowerAscii(argv[2]);
  if (attr !== "lib-name" && attr !== "lib-ver") {
    c.out.error(`ERR Unrecognized option '${latin1(argv[2])}'`);
    return;
  }
  if (!validName(c, argv[3], attr)) return;
  if (attr === "lib-name") c.libName = latin1(argv[3]);
  else c.libVersion = latin1(argv[3]);
  c.out.ok();
}

const CLIENT_HELP = [
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are: ID, TYPE, ADDR, LADDR, USER, SKIPME.",
  "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <id> ...]",
  "    Return information about client connections.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "NO-TOUCH (ON|OFF)",
  "    Do not update the access time of keys read by this connection.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETINFO <LIB-NAME|LIB-VER> <value>",
  "    Set client library name or version.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
];

const CONN_FLAGS = ["noscript", "loading", "stale"] as const;
const ADMIN_FLAGS = ["admin", "noscript", "loading", "stale"] as const;

/** Connection command specs. */
export const CONNECTION_COMMANDS: CommandSpec[] = [
  command({
    name: "ping",
    arity: -1,
    flags: ["fast"],
    group: "connection",
    since: "1.0.0",
    summary: "Ping the server",
    complexity: "O(1)",
    syntax: "[message]",
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    handler: ping,
  }),
  command({
    name: "echo",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    group: "connection",
    since: "1.0.0",
    summary: "Echo the given string",
    complexity: "O(1)",
    syntax: "message",
    handler: (c, argv) => c.out.bulk(argv[1]),
  }),
  command({
    name: "quit",
    arity: -1,
    flags: ["allow_busy", "noscript", "loading", "stale", "fast", "no_auth"],
    group: "connection",
    since: "1.0.0",
    summary: "Close the connection",
    complexity: "O(1)",
    handler: (c) => {
      c.out.ok();
      c.closeAfterReply = true;
    },
  }),
  command({
    name: "reset",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    group: "connection",
    since: "6.2.0",
    summary: "Reset the connection",
    complexity: "O(1)",
    handler: reset,
  }),
  command({
    name: "hello",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    group: "connection",
    since: "6.0.0",
    summary: "Handshake with Redis",
    complexity: "O(1)",
    syntax: "[protover [AUTH username password] [SETNAME clientname]]{arguments}",
    history: [[
      "6.2.0",
      "`protover` made optional; when called without arguments the command reports the current connection's context.",
    ]],
    handler: hello,
  }),
  command({
    name: "auth",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    group: "connection",
    since: "1.0.0",
    summary: "Authenticate to the server",
    complexity: "O(N) where N is the number of passwords defined for the user",
    syntax: "[username]{6.0.0} password",
    history: [["6.0.0", "Added ACL style (username and password)."]],
    handler: auth,
  }),
  command({
    name: "select",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    group: "connection",
    since: "1.0.0",
    summary: "Change the selected database for the current connection",
    complexity: "O(1)",
    syntax: "index",
    handler: select,
  }),
  command({
    name: "client",
    arity: -2,
    flags: [],
    group: "connection",
    since: "2.4.0",
    summary: "A container for client connection commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      command({
        name: "id",
        arity: 2,
        flags: [...CONN_FLAGS],
        group: "connection",
        since: "5.0.0",
        summary: "Returns the client ID for the current connection",
        complexity: "O(1)",
        handler: (c) => c.out.integer(c.id),
      }),
      command({
        name: "setname",
        arity: 3,
        flags: [...CONN_FLAGS],
        group: "connection",
        since: "2.6.9",
        summary: "Set the current connection name",
        complexity: "O(1)",
        syntax: "connection-name",
        handler: (c, argv) => {
          if (!validName(c, argv[2])) return;
          c.name = latin1(argv[2]);
          c.out.ok();
        },
      }),
      command({
        name: "getname",
        arity: 2,
        flags: [...CONN_FLAGS],
        group: "connection",
        since: "2.6.9",
        summary: "Get the current connection name",
        complexity: "O(1)",
        handler: (c) => (c.name === "" ? c.out.nullBulk() : c.out.bulkLatin1(c.name)),
      }),
      command({
        // Beyond Redis 7.0: from Redis 7.2 (clients send it on connect and ignore errors).
        name: "setinfo",
        arity: 4,
        flags: [...CONN_FLAGS],
        group: "connection",
        since: "7.2.0",
        summary: "Sets information specific to the client or connection.",
        complexity: "O(1)",
        syntax: "<LIB-NAME libname | LIB-VER libver>{attr}",
        handler: clientSetInfo,
      }),
      command({
        name: "list",
        arity: -2,
        flags: [...ADMIN_FLAGS],
        group: "connection",
        since: "2.4.0",
        summary: "Get the list of client connections",
        complexity: "O(N) where N is the number of client connections",
        syntax:
          "[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>]{5.0.0} [ID client-id [client-id ...]]{block id 6.2.0}",
        history: [
          ["2.8.12", "Added unique client `id` field."],
          ["5.0.0", "Added optional `TYPE` filter."],
          ["6.0.0", "Added `user` field."],
          [
            "6.2.0",
            "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.",
          ],
          ["7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."],
          ["7.0.3", "Added `ssub` field."],
        ],
        tips: ["nondeterministic_output"],
        handler: clientList,
      }),
      command({
        name: "info",
        arity: 2,
        flags: [...CONN_FLAGS],
        group: "connection",
        since: "6.2.0",
        summary: "Returns information about the current client connection.",
        complexity: "O(1)",
        tips: ["nondeterministic_output"],
        handler: (c) => c.out.verbatim(clientInfoLine(c) + "\n"),
      }),
      ...CLIENT_TRACKING_SUBCOMMANDS,
      command({
        name: "kill",
        arity: -3,
        flags: [...ADMIN_FLAGS],
        group: "connection",
        since: "2.4.0",
        summary: "Kill the connection of a client",
        complexity: "O(N) where N is the number of client connections",
        syntax:
          "<ip:port{deprecated:2.8.12} | <[ID client-id]{2.8.12} | [TYPE <NORMAL | MASTER{3.2.0} | SLAVE | REPLICA{5.0.0} | PUBSUB>]{normal_master_slave_pubsub 2.8.12} | [USER username] | [ADDR ip:port] | [LADDR ip:port]{6.2.0} | [SKIPME yes/no]>{new-format} ...>{filter}",
        history: [["2.8.12", "Added new filter format."], ["2.8.12", "`ID` option."], [
          "3.2.0",
          "Added `master` type in for `TYPE` option.",
        ], [
          "5.0.0",
          "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.",
        ], ["6.2.0", "`LADDR` option."]],
        handler: clientKill,
      }),
      command({
        name: "no-evict",
        arity: 3,
        flags: [...ADMIN_FLAGS],
        group: "connection",
        since: "7.0.0",
        summary: "Set client eviction mode for the current connection",
        complexity: "O(1)",
        syntax: "<ON | OFF>{enabled}",
        handler: (c, argv) => onOff(c, argv[2], (on) => c.noEvict = on),
      }),
      command({
        // Beyond Redis 7.0: from Redis 7.2.
        name: "no-touch",
        arity: 3,
        flags: ["noscript", "loading", "stale"],
        group: "connection",
        since: "7.2.0",
        summary:
          "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
        complexity: "O(1)",
        syntax: "<ON | OFF>{enabled}",
        handler: (c, argv) => onOff(c, argv[2], (on) => c.noTouch = on),
      }),
      command({
        name: "reply",
        arity: 3,
        flags: [...CONN_FLAGS],
        group: "connection",
        since: "3.2.0",
        summary: "Instruct the server whether to reply to commands",
        complexity: "O(1)",
        syntax: "<ON | OFF | SKIP>",
        handler: (c, argv) => {
          if (isKeyword(argv[2], "on")) {
            c.replyMode = ReplyMode.ON;
            c.out.ok();
          } else if (isKeyword(argv[2], "off")) {
            c.replyMode = ReplyMode.OFF;
          } else if (isKeyword(argv[2], "skip")) {
            if (c.replyMode !== ReplyMode.OFF) c.replyMode = ReplyMode.SKIP_NEXT;
          } else {
            c.out.error(SYNTAX_ERROR);
          }
        },
      }),
      command({
        name: "pause",
        arity: -3,
        flags: [...ADMIN_FLAGS],
        group: "connection",
        since: "2.9.50",
        summary: "Stop processing commands from clients for some time",
        complexity: "O(1)",
        syntax: "timeout{integer} [WRITE | ALL]{mode 6.2.0}",
        history: [["6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."]],
        handler: clientPause,
      }),
      command({
        name: "unpause",
        arity: 2,
        flags: [...ADMIN_FLAGS],
        group: "connection",
        since: "6.2.0",
        summary: "Resume processing of clients that were paused",
        complexity: "O(N) Where N is the number of paused clients",
        handler: (c) => {
          c.server.unpause();
          c.out.ok();
        },
      }),
      command({
        name: "unblock",
        arity: -3,
        flags: [...ADMIN_FLAGS],
        group: "connection",
        since: "5.0.0",
        summary: "Unblock a client blocked in a blocking command from a different connection",
        complexity: "O(log N) where N is the number of client connections",
        syntax: "client-id [TIMEOUT | ERROR]",
        handler: clientUnblock,
      }),
      command({
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        group: "connection",
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (c) => helpReply(c, "CLIENT", CLIENT_HELP),
      }),
    ],
  }),
];
