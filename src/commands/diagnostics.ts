/**
 * Diagnostic commands: SLOWLOG, LATENCY, MONITOR, MEMORY and DEBUG. Their
 * data lives in the production module (src/server/production.ts).
 *
 * @module
 */

import { trimMalloc } from "../util/malloc_trim.ts";
import { datasetEmptied } from "../server/tracking.ts";
import v8 from "node:v8";
import type { Client } from "../server/client.ts";
import { clientMemory, isLocalClient, production } from "../server/production.ts";
import { externalBytes } from "../server/memory.ts";
import { persistenceOf } from "../persistence/persistence.ts";
import { latencyDoctor, latencyGraph } from "../server/latency.ts";
import type { Database } from "../store/database.ts";
import { TYPE_STRING } from "../store/database.ts";
import { command, type CommandSpec } from "./spec.ts";
import { helpReply, NO_SUCH_KEY, SYNTAX_ERROR } from "./util.ts";
import { isKeyword, latin1, lowerAscii, utf8 } from "../util/bytes.ts";
import { parseDoubleText, parseInteger } from "../util/numbers.ts";

// ------------------------------------------------------------------ SLOWLOG

function slowlogGet(c: Client, argv: Uint8Array[]): void {
  let count = 10;
  if (argv.length === 3) {
    count = parseInteger(argv[2]);
    if (Number.isNaN(count) || count < -1) {
      c.out.error("ERR count should be greater than or equal to -1");
      return;
    }
  } else if (argv.length > 3) {
    c.out.error(
      `ERR unknown subcommand or wrong number of arguments for '${
        latin1(argv[1]).slice(0, 128)
      }'. Try SLOWLOG HELP.`,
    );
    return;
  }
  const entries = production(c.server).slowlog.newest(count);
  c.out.array(entries.length);
  for (const e of entries) {
    c.out.array(6);
    c.out.integer(e.id);
    c.out.integer(e.time);
    c.out.integer(e.micros);
    c.out.array(e.args.length);
    for (const a of e.args) c.out.bulk(a);
    c.out.bulkLatin1(e.addr);
    c.out.bulkLatin1(e.name);
  }
}

// ------------------------------------------------------------------ LATENCY

function latencyLatest(c: Client): void {
  const latest = production(c.server).latency.latest();
  c.out.array(latest.length);
  for (const e of latest) {
    c.out.array(4);
    c.out.bulkLatin1(e.event);
    c.out.integer(e.time);
    c.out.integer(e.latency);
    c.out.integer(e.max);
  }
}

function latencyHistory(c: Client, argv: Uint8Array[]): void {
  const samples = production(c.server).latency.history(latin1(argv[2]));
  c.out.array(samples.length);
  for (const s of samples) {
    c.out.array(2);
    c.out.integer(s.time);
    c.out.integer(s.latency);
  }
}

function latencyGraphCommand(c: Client, argv: Uint8Array[]): void {
  const event = latin1(argv[2]);
  const graph = latencyGraph(production(c.server).latency, event, Math.floor(Date.now() / 1000));
  if (graph === null) c.out.error(`ERR No samples available for event '${event}'`);
  else c.out.verbatim(graph);
}

function latencyDoctorCommand(c: Client): void {
  const config = c.server.config;
  c.out.verbatim(latencyDoctor(production(c.server).latency, {
    threshold: config.int("latency-monitor-threshold"),
    slowlogSlowerThan: config.int("slowlog-log-slower-than"),
    hz: config.int("hz"),
    nowSeconds: Math.floor(Date.now() / 1000),
  }));
}

function latencyHistogram(c: Client, argv: Uint8Array[]): void {
  const { histograms } = production(c.server);
  let names: string[];
  if (argv.length === 2) {
    names = histograms.names();
  } else {
    names = [];
    for (let i = 2; i < argv.length; i++) {
      const name = latin1(argv[i]).toLowerCase();
      if (histograms.get(name) !== undefined && !names.includes(name)) names.push(name);
    }
  }
  c.out.map(names.length);
  for (const name of names) {
    const histogram = histograms.get(name)!;
    const buckets = histogram.cumulativeMicros();
    c.out.bulkLatin1(name);
    c.out.map(2);
    c.out.bulkLatin1("calls");
    c.out.integer(histogram.calls);
    c.out.bulkLatin1("histogram_usec");
    c.out.map(buckets.length);
    for (const [bound, count] of buckets) {
      c.out.integer(bound);
      c.out.integer(count);
    }
  }
}

function latencyReset(c: Client, argv: Uint8Array[]): void {
  c.out.integer(production(c.server).latency.reset(argv.slice(2).map((a) => latin1(a))));
}

// ------------------------------------------------------------------ MONITOR

function monitor(c: Client): void {
  if (c.inExec) {
    // A client inside EXEC expects one reply per command, which a monitor stream breaks.
    c.out.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  const feed = production(c.server).monitors;
  if (feed.has(c)) return; // already monitoring: Redis ignores it without a reply
  feed.add(c);
  c.out.ok();
}

// ------------------------------------------------------------------- MEMORY

/** Bytes of one entry's hash-table columns (hash, next, ref, kind, expire, position, access, lfu, objects slot, size column). */
const ENTRY_COLUMN_BYTES = 4 + 4 + 4 + 1 + 8 + 4 + 4 + 1 + 8 + 4;

/** Size of a record header `[varint keyLen][varint valueLen]`. */
function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/**
 * Estimated bytes a key and its value use: its slab record (key and inline
 * value, rounded to a 16-byte multiple as a stand-in for the size class),
 * its table columns and its value outside the slab.
 */
export function keyMemoryUsage(db: Database, id: number): number {
  const key = db.keyView(id);
  const inline = db.object<unknown>(id) === undefined ? db.stringLength(id) : 0;
  const record = varintSize(key.length) + varintSize(inline) + key.length + inline;
  return Math.ceil(record / 16) * 16 + ENTRY_COLUMN_BYTES + externalBytes(db, id);
}

function memoryUsage(c: Client, argv: Uint8Array[]): void {
  for (let j = 3; j < argv.length; j++) {
    if (isKeyword(argv[j], "samples") && j + 1 < argv.length) {
      const samples = parseInteger(argv[j + 1]);
      if (Number.isNaN(samples)) {
        c.out.error("ERR value is not an integer or out of range");
        return;
      }
      if (samples < 0) {
        c.out.error(SYNTAX_ERROR);
        return;
      }
      j++;
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  // Collections keep their size up to date, so there is nothing to sample.
  const id = c.db.find(argv[2]);
  if (id < 0) c.out.nullBulk();
  else c.out.integer(keyMemoryUsage(c.db, id));
}

function memoryStats(c: Client): void {
  const server = c.server;
  const { memory } = production(server);
  const used = memory.notePeak();
  const { rss } = memory.sample();
  const out = c.out;
  let clients = 0;
  for (const client of server.clients.values()) clients += clientMemory(client);
  const dbs = server.keyspace.dbs.filter((db) => db.size > 0);
  let overhead = memory.startup + clients;
  for (const db of server.keyspace.dbs) overhead += memory.overheadOf(db);
  const keys = server.keyspace.totalKeys();
  const dataset = Math.max(0, used - overhead);
  const slab = server.keyspace.slab;
  // Slab bytes handed out vs pages held: the allocator's "allocated" and "active".
  const allocated = slab.usedBytes + memory.externalBytes;
  const active = slab.allocatedBytes + memory.externalBytes;
  const netUsed = used - memory.startup;
  out.map(27 + dbs.length);
  const field = (name: string, value: number) => {
    out.bulkLatin1(name);
    out.integer(value);
  };
  const ratio = (name: string, value: number) => {
    out.bulkLatin1(name);
    out.double(value);
  };
  field("peak.allocated", memory.peak);
  field("total.allocated", used);
  field("startup.allocated", memory.startup);
  field("replication.backlog", 0);
  field("clients.slaves", 0);
  field("clients.normal", clients);
  field("cluster.links", 0);
  field("aof.buffer", 0);
  field("lua.caches", 0);
  field("functions.caches", 0);
  for (const db of dbs) {
    out.bulkLatin1(`db.${db.index}`);
    out.map(3);
    field("overhead.hashtable.main", memory.overheadOf(db));
    field("overhead.hashtable.expires", db.expiresCount * 4);
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", overhead);
  field("keys.count", keys);
  field("keys.bytes-per-key", keys > 0 ? Math.floor(netUsed / keys) : 0);
  field("dataset.bytes", dataset);
  ratio("dataset.percentage", netUsed > 0 ? (dataset * 100) / netUsed : 0);
  ratio("peak.percentage", memory.peak > 0 ? (used * 100) / memory.peak : 0);
  field("allocator.allocated", allocated);
  field("allocator.active", active);
  field("allocator.resident", rss);
  ratio("allocator-fragmentation.ratio", allocated > 0 ? active / allocated : 0);
  field("allocator-fragmentation.bytes", active - allocated);
  ratio("allocator-rss.ratio", active > 0 ? rss / active : 0);
  field("allocator-rss.bytes", rss - active);
  ratio("rss-overhead.ratio", used > 0 ? rss / used : 0);
  field("rss-overhead.bytes", rss - used);
  ratio("fragmentation", used > 0 ? rss / used : 0);
  field("fragmentation.bytes", rss - used);
}

/** Below this much used memory, MEMORY DOCTOR declines to judge (as Redis does). */
const DOCTOR_MIN_USED = 5 * 1024 * 1024;

/** MEMORY DOCTOR's report: Redis's wording for the usual cases, plus Rift's own checks. */
export function memoryDoctorReport(c: Client): string {
  const server = c.server;
  const { memory } = production(server);
  const used = memory.notePeak();
  if (used < DOCTOR_MIN_USED) {
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
  }
  const { heapUsed, external, rss } = memory.sample();
  const issues: string[] = [];
  if (memory.peak > used * 1.5) {
    issues.push(
      ` * Peak memory: the dataset once used ${memory.peak} bytes, more than 150% of the ${used} used now. Memory freed by deletions or eviction is kept by the process for reuse, so the RSS can stay high.`,
    );
  }
  if (rss > used * 1.4 && rss - used > 10 * 1024 * 1024) {
    issues.push(
      ` * High total RSS: the process uses ${rss} bytes of RAM for ${used} bytes of data (ratio ${
        (rss / used).toFixed(2)
      }). The JavaScript runtime itself and garbage not yet collected are part of the difference.`,
    );
  }
  if (heapUsed + external > used * 2 + 64 * 1024 * 1024) {
    issues.push(
      ` * Accounting gap: the V8 heap and its buffers hold ${
        heapUsed + external
      } bytes, more than twice the ${used} bytes accounted for the dataset. Either much garbage awaits collection or some values are larger than their size estimates; leave extra headroom between maxmemory and the container limit.`,
    );
  }
  let clientBytes = 0;
  for (const client of server.clients.values()) clientBytes += client.pendingOutput;
  if (clientBytes > 200 * 1024 * 1024) {
    issues.push(
      ` * Big client buffers: clients hold ${clientBytes} bytes of pending replies. Slow readers (MONITOR, Pub/Sub) are the usual cause; see client-output-buffer-limit.`,
    );
  }
  if (issues.length === 0) {
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  }
  return "Sam, I detected a few issues in this Rift instance memory implants:\n\n" +
    issues.join("\n\n") + "\n\nI'm here to keep you safe, Sam. I want to help you.\n";
}

// -------------------------------------------------------------------- DEBUG

const DEBUG_HELP = [
  "ERROR <string>",
  "    Return a Redis protocol error with <string> as message. Useful for clients",
  "    unit tests to simulate Redis errors.",
  "HEAPSTATS",
  "    Return V8 heap statistics of the server process (Rift only).",
  "LOG <message>",
  "    Write <message> to the server log.",
  "OBJECT <key>",
  "    Show low level info about `key` and associated value.",
  "RELOAD [option ...]",
  "    Save the RDB on disk and reload it back to memory. Options: NOSAVE (load",
  "    the existing file), NOFLUSH (keep the current keys), MERGE (file keys",
  "    replace current ones with the same name).",
  "POPULATE <count> [<prefix>] [<size>]",
  "    Create <count> string keys named key:<num>. If <prefix> is specified then",
  "    it is used instead of the 'key' prefix. These are not propagated to",
  "    replicas.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Setting it to 0 disables expiring keys in background when they are not",
  "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
  "    default.",
  "SLEEP <seconds>",
  "    Stop the server for <seconds>. Decimals allowed.",
];

/** C's atoi: leading whitespace, optional sign, digits; 0 when none. */
function atoi(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? parseInt(m[1], 10) : 0;
}

/** C's strtod: the longest numeric prefix, 0 when none. */
function strtod(text: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)/.exec(text);
  return m ? parseDoubleText(m[0].trim()) : 0;
}

/** Blocks the whole event loop, as `DEBUG SLEEP` blocks Redis's single thread. */
function sleepSync(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Redis's string encoding name for a string entry. */
function stringEncoding(db: Database, id: number): string {
  if (db.isRawString(id)) return "raw";
  const value = db.stringView(id);
  if (value.length <= 20 && value.length > 0 && isCanonicalInteger(value)) return "int";
  return value.length <= 44 ? "embstr" : "raw";
}

/** True for the canonical text of a 64-bit integer (no sign +, no leading zeros). */
function isCanonicalInteger(bytes: Uint8Array): boolean {
  const n = parseInteger(bytes);
  if (Number.isNaN(n)) return false;
  return latin1(bytes) === String(BigInt(latin1(bytes)));
}

/** Bytes of an RDB length prefix. */
function rdbLengthSize(n: number): number {
  if (n < 64) return 1;
  if (n < 16384) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/**
 * Approximate RDB serialized length of a value (exact for small strings,
 * which is what RDB stores uncompressed).
 */
function serializedLength(db: Database, id: number): number {
  if (db.typeOf(id) === TYPE_STRING) {
    const value = db.stringView(id);
    if (stringEncoding(db, id) === "int") {
      const n = Number(latin1(value));
      if (n >= -128 && n <= 127) return 2;
      if (n >= -32768 && n <= 32767) return 3;
      if (n >= -2147483648 && n <= 2147483647) return 5;
    }
    return rdbLengthSize(value.length) + value.length;
  }
  return externalBytes(db, id);
}

function debugObject(c: Client, key: Uint8Array): void {
  const db = c.db;
  const id = db.find(key);
  if (id < 0) {
    c.out.error(NO_SUCH_KEY);
    return;
  }
  const collection = db.object<{ encoding?: () => string }>(id);
  const encoding = db.typeOf(id) === TYPE_STRING
    ? stringEncoding(db, id)
    : collection?.encoding?.() ?? "unknown";
  const address = (0x7f0000000000 + db.index * 0x100000000 + id * 0x40).toString(16);
  const lru = db.accessTime(id) & 0xffffff;
  const idle = Math.max(0, c.server.keyspace.lruClock - db.accessTime(id));
  c.out.simple(
    `Value at:0x${address} refcount:1 encoding:${encoding} serializedlength:${
      serializedLength(db, id)
    } lru:${lru} lru_seconds_idle:${idle}`,
  );
}

function debugPopulate(c: Client, argv: Uint8Array[]): void {
  const count = parseInteger(argv[2]);
  if (Number.isNaN(count) || count < 0) {
    c.out.error("ERR value is out of range, must be positive");
    return;
  }
  const prefix = argv.length >= 4 ? latin1(argv[3]) : "key";
  let size = 0;
  if (argv.length >= 5) {
    size = parseInteger(argv[4]);
    if (Number.isNaN(size) || size < 0) {
      c.out.error("ERR value is out of range, must be positive");
      return;
    }
  }
  const server = c.server;
  const { memory } = production(server);
  const db = c.db;
  for (let j = 0; j < count; j++) {
    const key = utf8(`${prefix}:${j}`);
    if (db.find(key) >= 0) continue;
    let value = utf8(`value:${j}`);
    if (size > 0) {
      const padded = new Uint8Array(size);
      padded.set(value.subarray(0, Math.min(size, value.length)));
      value = padded;
    }
    const id = db.setString(key, value);
    memory.remeasure(db, id);
    server.watch.touch(db, key);
  }
  c.out.ok();
}

function debugHeapStats(c: Client): void {
  const heap = v8.getHeapStatistics() as unknown as Record<string, number>;
  const spaces = v8.getHeapSpaceStatistics();
  const out = c.out;
  const entries = Object.entries(heap);
  out.map(entries.length + 1);
  for (const [name, value] of entries) {
    out.bulkLatin1(name);
    out.integer(value);
  }
  out.bulkLatin1("spaces");
  out.map(spaces.length);
  for (const space of spaces) {
    out.bulkLatin1(space.space_name);
    out.map(4);
    out.bulkLatin1("space_size");
    out.integer(space.space_size);
    out.bulkLatin1("space_used_size");
    out.integer(space.space_used_size);
    out.bulkLatin1("space_available_size");
    out.integer(space.space_available_size);
    out.bulkLatin1("physical_space_size");
    out.integer(space.physical_space_size);
  }
}

function debugDisabledError(): string {
  return 'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';
}

/** `DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]`: save, flush and load the RDB file back. */
function debugReload(c: Client, argv: Uint8Array[]): void {
  let save = true;
  let flush = true;
  let merge = false;
  for (let i = 2; i < argv.length; i++) {
    const option = lowerAscii(argv[i]);
    if (option === "nosave") save = false;
    else if (option === "noflush") flush = false;
    else if (option === "merge") merge = true;
    else {
      c.out.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  // Without NOFLUSH the dataset is emptied first; MERGE lets file keys replace live ones
  // (Redis aborts on such duplicates; Rift reports the load error instead).
  // Emptying the dataset touches every watched key that exists (Redis's
  // emptyData), even though the reload brings the same keys back.
  // Client-side caching is told too, with a null invalidation (Redis's signalFlushedDb).
  if (flush) {
    for (const db of c.server.keyspace.dbs) c.server.watch.touchDatabase(db, null);
    datasetEmptied(c.server);
  }
  const outcome = persistenceOf(c.server).rdb.reloadSync({ save, flush, merge });
  if (outcome === "save-failed") c.out.error("ERR Error trying to save the DB");
  else if (outcome === "load-failed") c.out.error("ERR Error trying to load the RDB dump");
  else {
    production(c.server).memory.recount();
    c.out.ok();
  }
}

function debug(c: Client, argv: Uint8Array[]): void {
  const allowed = c.server.config.str("enable-debug-command");
  if (allowed === "no" || (allowed === "local" && !isLocalClient(c))) {
    c.out.error(debugDisabledError());
    return;
  }
  const sub = lowerAscii(argv[1]);
  const argc = argv.length;
  if (sub === "help" && argc === 2) {
    helpReply(c, "DEBUG", DEBUG_HELP);
  } else if (sub === "sleep" && argc === 3) {
    sleepSync(strtod(latin1(argv[2])) * 1000);
    c.out.ok();
  } else if (sub === "object" && argc === 3) {
    debugObject(c, argv[2]);
  } else if (sub === "set-active-expire" && argc === 3) {
    c.server.keyspace.activeExpireEnabled = atoi(latin1(argv[2])) !== 0;
    c.out.ok();
  } else if (sub === "log" && argc === 3) {
    c.server.log.warning(`DEBUG LOG: ${latin1(argv[2])}`);
    c.out.ok();
  } else if (sub === "error" && argc === 3) {
    c.out.error(latin1(argv[2]));
  } else if (sub === "populate" && argc >= 3 && argc <= 5) {
    debugPopulate(c, argv);
  } else if (sub === "heapstats" && argc === 2) {
    debugHeapStats(c);
  } else if (sub === "reload") {
    debugReload(c, argv);
  } else {
    c.out.error(
      `ERR unknown subcommand or wrong number of arguments for '${
        latin1(argv[1]).slice(0, 128)
      }'. Try DEBUG HELP.`,
    );
  }
}

// -------------------------------------------------------------------- specs

const ADMIN = ["admin", "loading", "stale"] as const;
const ADMIN_NOSCRIPT = ["admin", "noscript", "loading", "stale"] as const;
const HELP_FLAGS = ["loading", "stale"] as const;

/** Diagnostic command specs. */
export const DIAGNOSTIC_COMMANDS: CommandSpec[] = [
  command({
    name: "slowlog",
    arity: -2,
    flags: [],
    group: "server",
    since: "2.2.12",
    summary: "A container for slow log commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      command({
        name: "get",
        arity: -2,
        flags: [...ADMIN],
        group: "server",
        since: "2.2.12",
        summary: "Get the slow log's entries",
        complexity: "O(N) where N is the number of entries returned",
        syntax: "[count]",
        history: [["4.0.0", "Added client IP address, port and name to the reply."]],
        tips: ["request_policy:all_nodes", "nondeterministic_output"],
        handler: slowlogGet,
      }),
      command({
        name: "len",
        arity: 2,
        flags: [...ADMIN],
        group: "server",
        since: "2.2.12",
        summary: "Get the slow log's length",
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"],
        handler: (c) => c.out.integer(production(c.server).slowlog.length),
      }),
      command({
        name: "reset",
        arity: 2,
        flags: [...ADMIN],
        group: "server",
        since: "2.2.12",
        summary: "Clear all entries from the slow log",
        complexity: "O(N) where N is the number of entries in the slowlog",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: (c) => {
          production(c.server).slowlog.reset();
          c.out.ok();
        },
      }),
      command({
        name: "help",
        arity: 2,
        flags: [...HELP_FLAGS],
        group: "server",
        since: "6.2.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (c) =>
          helpReply(c, "SLOWLOG", [
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
          ]),
      }),
    ],
  }),
  command({
    name: "latency",
    arity: -2,
    flags: [],
    group: "server",
    since: "2.8.13",
    summary: "A container for latency diagnostics commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      command({
        name: "latest",
        arity: 2,
        flags: [...ADMIN_NOSCRIPT],
        group: "server",
        since: "2.8.13",
        summary: "Return the latest latency samples for all events.",
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
        handler: latencyLatest,
      }),
      command({
        name: "history",
        arity: 3,
        flags: [...ADMIN_NOSCRIPT],
        group: "server",
        since: "2.8.13",
        summary: "Return timestamp-latency samples for the event.",
        syntax: "event",
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
        handler: latencyHistory,
      }),
      command({
        name: "reset",
        arity: -2,
        flags: [...ADMIN_NOSCRIPT],
        group: "server",
        since: "2.8.13",
        summary: "Reset latency data for one or more events.",
        syntax: "[event [event ...]]",
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        handler: latencyReset,
      }),
      command({
        name: "doctor",
        arity: 2,
        flags: [...ADMIN_NOSCRIPT],
        group: "server",
        since: "2.8.13",
        summary: "Return a human readable latency analysis report.",
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
        handler: latencyDoctorCommand,
      }),
      command({
        name: "graph",
        arity: 3,
        flags: [...ADMIN_NOSCRIPT],
        group: "server",
        since: "2.8.13",
        summary: "Return a latency graph for the event.",
        syntax: "event",
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
        handler: latencyGraphCommand,
      }),
      command({
        name: "histogram",
        arity: -2,
        flags: [...ADMIN_NOSCRIPT],
        group: "server",
        since: "7.0.0",
        summary: "Return the cumulative distribution of latencies of a subset of commands or all.",
        complexity:
          "O(N) where N is the number of commands with latency information being retrieved.",
        syntax: "[command [command ...]]",
        tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
        handler: latencyHistogram,
      }),
      command({
        name: "help",
        arity: 2,
        flags: [...HELP_FLAGS],
        group: "server",
        since: "2.8.13",
        summary: "Show helpful text about the different subcommands.",
        complexity: "O(1)",
        handler: (c) =>
          helpReply(c, "LATENCY", [
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
          ]),
      }),
    ],
  }),
  command({
    name: "monitor",
    arity: 1,
    flags: [...ADMIN_NOSCRIPT],
    group: "server",
    since: "1.0.0",
    summary: "Listen for all requests received by the server in real time",
    handler: monitor,
  }),
  command({
    name: "memory",
    arity: -2,
    flags: [],
    group: "server",
    since: "4.0.0",
    summary: "A container for memory diagnostics commands",
    complexity: "Depends on subcommand.",
    subcommands: [
      command({
        name: "usage",
        arity: -3,
        flags: ["readonly"],
        keySpecs: ["RO index:2"],
        group: "server",
        since: "4.0.0",
        summary: "Estimate the memory usage of a key",
        complexity: "O(N) where N is the number of samples.",
        syntax: "key [SAMPLES count]",
        handler: memoryUsage,
      }),
      command({
        name: "stats",
        arity: 2,
        flags: [],
        group: "server",
        since: "4.0.0",
        summary: "Show memory usage details",
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
        handler: memoryStats,
      }),
      command({
        name: "doctor",
        arity: 2,
        flags: [],
        group: "server",
        since: "4.0.0",
        summary: "Outputs memory problems report",
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
        handler: (c) => c.out.verbatim(memoryDoctorReport(c)),
      }),
      command({
        name: "malloc-stats",
        arity: 2,
        flags: [],
        group: "server",
        since: "4.0.0",
        summary: "Show allocator internal stats",
        complexity: "Depends on how much memory is allocated, could be slow",
        tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
        handler: (c) => c.out.verbatim("Stats not supported for the current allocator"),
      }),
      command({
        name: "purge",
        arity: 2,
        flags: [],
        group: "server",
        since: "4.0.0",
        summary: "Ask the allocator to release memory",
        complexity: "Depends on how much memory is allocated, could be slow",
        tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
        handler: (c) => {
          // V8's "last resort" full collection also shrinks the young generation
          // and releases pooled pages: its way of handing memory back; then libc
          // hands back what the freed buffers held. `gc` exists when Rift runs
          // with its V8 flags (src/v8_flags.ts: `deno task start`, the binary).
          (globalThis as { gc?: (options: object) => void }).gc?.({
            type: "major",
            execution: "sync",
            flavor: "last-resort",
          });
          trimMalloc();
          c.out.ok();
        },
      }),
      command({
        name: "help",
        arity: 2,
        flags: [...HELP_FLAGS],
        group: "server",
        since: "4.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        handler: (c) =>
          helpReply(c, "MEMORY", [
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
          ]),
      }),
    ],
  }),
  command({
    name: "debug",
    arity: -2,
    flags: [...ADMIN_NOSCRIPT],
    group: "server",
    since: "1.0.0",
    summary: "A container for debugging commands",
    complexity: "Depends on subcommand.",
    docFlags: ["syscmd"],
    handler: debug,
  }),
];
