/**
 * Persistence commands: SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF, DUMP and
 * RESTORE, with Redis 7.0's replies and error texts.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { NOTIFY_GENERIC } from "../server/notify_flags.ts";
import { persistenceOf } from "../persistence/persistence.ts";
import { dumpPayload, readPayload, verifyPayload } from "../persistence/dump_payload.ts";
import { TYPE_STRING } from "../store/database.ts";
import { isKeyword, utf8 } from "../util/bytes.ts";
import { parseInteger } from "../util/numbers.ts";
import { command, type CommandSpec } from "./spec.ts";
import { intArg, lookupRead, lookupWrite, SYNTAX_ERROR } from "./util.ts";

/** SAVE, BGSAVE, BGREWRITEAOF (`no_async_loading` is informational: Rift has no async loading). */
const ADMIN = ["admin", "noscript", "no_async_loading"] as const;

function save(c: Client): void {
  const persistence = persistenceOf(c.server);
  if (persistence.rdb.inProgress) {
    c.out.error("ERR Background save already in progress");
    return;
  }
  if (persistence.rdb.saveSync()) c.out.ok();
  else c.out.error("ERR");
}

function bgsave(c: Client, argv: Uint8Array[]): void {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && isKeyword(argv[1], "schedule")) {
      schedule = true;
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  const persistence = persistenceOf(c.server);
  if (persistence.rdb.inProgress) {
    c.out.error("ERR Background save already in progress");
  } else if (persistence.work.busy || c.inExec) {
    if (schedule || c.inExec) {
      persistence.rdb.scheduled = true;
      c.out.simple("Background saving scheduled");
    } else {
      c.out.error(
        "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
      );
    }
  } else {
    persistence.rdb.startBackground();
    c.out.simple("Background saving started");
  }
}

function bgrewriteaof(c: Client): void {
  const persistence = persistenceOf(c.server);
  const aof = persistence.aof;
  if (aof.rewriting) {
    c.out.error("ERR Background append only file rewriting already in progress");
  } else if (persistence.work.busy || c.inExec) {
    aof.rewriteScheduled = true;
    aof.consecutiveFailures = 0;
    c.out.simple("Background append only file rewriting scheduled");
  } else if (aof.startRewrite()) {
    c.out.simple("Background append only file rewriting started");
  } else {
    c.out.error(
      "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
    );
  }
}

function lastsave(c: Client): void {
  c.out.integer(Math.floor(persistenceOf(c.server).rdb.lastSave / 1000));
}

function dump(c: Client, argv: Uint8Array[]): void {
  const id = lookupRead(c, argv[1]);
  if (id < 0) {
    c.out.nullBulk();
    return;
  }
  const config = c.server.config;
  c.out.bulk(
    dumpPayload(c.db, id, {
      compress: config.bool("rdbcompression"),
      listFill: config.int("list-max-listpack-size"),
    }),
  );
}

const ABSTTL = utf8("ABSTTL");
const DEL = utf8("DEL");

function restore(c: Client, argv: Uint8Array[]): void {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const more = argv.length - j - 1;
    if (isKeyword(argv[j], "replace")) {
      replace = true;
    } else if (isKeyword(argv[j], "absttl")) {
      absttl = true;
    } else if (isKeyword(argv[j], "idletime") && more >= 1 && freq === -1) {
      const v = intArg(c, argv[++j]);
      if (v === null) return;
      if (v < 0) {
        c.out.error("ERR Invalid IDLETIME value, must be >= 0");
        return;
      }
      idle = v;
    } else if (isKeyword(argv[j], "freq") && more >= 1 && idle === -1) {
      const v = intArg(c, argv[++j]);
      if (v === null) return;
      if (v < 0 || v > 255) {
        c.out.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
        return;
      }
      freq = v;
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  const key = argv[1];
  const db = c.db;
  if (!replace && lookupWrite(c, key) >= 0) {
    c.out.error("BUSYKEY Target key name already exists.");
    return;
  }
  let ttl = parseInteger(argv[2]);
  if (Number.isNaN(ttl)) {
    c.out.error("ERR value is not an integer or out of range");
    return;
  }
  if (ttl < 0) {
    c.out.error("ERR Invalid TTL value, must be >= 0");
    return;
  }
  const payload = argv[3];
  if (!verifyPayload(payload)) {
    c.out.error("ERR DUMP payload version or checksum are wrong");
    return;
  }
  const loaded = readPayload(payload, persistenceOf(c.server).settings.loadLimits());
  if (loaded === null) {
    c.out.error("ERR Bad data format");
    return;
  }
  const server = c.server;
  // Redis's dbDelete: a key past its expiry but not yet removed is deleted
  // as it is (a DEL, not an expiry).
  const existing = replace ? db.findRaw(key) : -1;
  if (existing >= 0) db.deleteEntry(existing);
  const deleted = existing >= 0;
  if (ttl !== 0 && !absttl) ttl += server.keyspace.now;
  if (ttl !== 0 && ttl <= server.keyspace.now && !server.loading) {
    if (deleted) {
      c.propagateOverride = [[DEL, key.slice()]];
      server.wrote(db, key, NOTIFY_GENERIC, "del");
    }
    c.out.ok();
    return;
  }
  const id = loaded.type === TYPE_STRING
    ? db.setString(key, loaded.value as Uint8Array)
    : db.setObject(key, loaded.type, loaded.value);
  if (ttl !== 0) {
    db.setExpire(id, ttl);
    if (!absttl) {
      const rewritten: Uint8Array[] = argv.map((a) => a.slice());
      rewritten[2] = utf8(String(ttl));
      rewritten.push(ABSTTL);
      c.propagateOverride = [rewritten];
    }
  }
  applyIdleOrFreq(c, id, idle, freq);
  server.wrote(db, key, NOTIFY_GENERIC, "restore");
  // Redis's dbAdd wakes clients blocked on the key (a list or sorted set arriving).
  server.signalKeyAsReady(db, key);
  c.out.ok();
}

/** Redis's objectSetLRUOrLFU: FREQ counts under an LFU policy, IDLETIME otherwise. */
function applyIdleOrFreq(c: Client, id: number, idle: number, freq: number): void {
  const config = c.server.config;
  const lfu = config.directive("maxmemory-policy") !== undefined &&
    config.str("maxmemory-policy").endsWith("-lfu");
  if (lfu) {
    if (freq >= 0) c.db.setFrequency(id, freq);
  } else if (idle >= 0) {
    c.db.setAccessTime(id, Math.max(0, c.server.keyspace.lruClock - idle));
  }
}

/** Persistence command specs. */
export const PERSISTENCE_COMMANDS: CommandSpec[] = [
  command({
    name: "save",
    arity: 1,
    flags: [...ADMIN, "no_multi"],
    group: "server",
    since: "1.0.0",
    summary: "Synchronously save the dataset to disk",
    complexity: "O(N) where N is the total number of keys in all databases",
    handler: save,
  }),
  command({
    name: "bgsave",
    arity: -1,
    flags: [...ADMIN],
    group: "server",
    since: "1.0.0",
    summary: "Asynchronously save the dataset to disk",
    complexity: "O(1)",
    syntax: "[SCHEDULE]{3.2.2}",
    history: [["3.2.2", "Added the `SCHEDULE` option."]],
    handler: bgsave,
  }),
  command({
    name: "bgrewriteaof",
    arity: 1,
    flags: [...ADMIN],
    group: "server",
    since: "1.0.0",
    summary: "Asynchronously rewrite the append-only file",
    complexity: "O(1)",
    handler: bgrewriteaof,
  }),
  command({
    name: "lastsave",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    group: "server",
    since: "1.0.0",
    summary: "Get the UNIX time stamp of the last successful save to disk",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    aclCategories: ["admin", "dangerous"],
    handler: lastsave,
  }),
  command({
    name: "dump",
    arity: 2,
    flags: ["readonly"],
    keySpecs: ["RO access"],
    group: "generic",
    since: "2.6.0",
    summary: "Return a serialized version of the value stored at the specified key.",
    complexity:
      "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
    syntax: "key",
    tips: ["nondeterministic_output"],
    aclCategories: ["keyspace"],
    handler: dump,
  }),
  command({
    name: "restore",
    arity: -4,
    flags: ["write", "denyoom"],
    keySpecs: ["OW update"],
    group: "generic",
    since: "2.6.0",
    summary: "Create a key using the provided serialized value, previously obtained using DUMP.",
    complexity:
      "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
    syntax:
      "key ttl serialized-value [REPLACE]{3.0.0} [ABSTTL]{5.0.0} [IDLETIME seconds]{5.0.0} [FREQ frequency]{5.0.0}",
    history: [
      ["3.0.0", "Added the `REPLACE` modifier."],
      ["5.0.0", "Added the `ABSTTL` modifier."],
      ["5.0.0", "Added the `IDLETIME` and `FREQ` options."],
    ],
    aclCategories: ["keyspace", "dangerous"],
    handler: restore,
  }),
];
