/**
 * The table of configuration directives Rift understands. Each area of the
 * server keeps its directives in one list here; names, defaults, ranges and
 * messages follow Redis 7.
 *
 * @module
 */

import { bool, int, memory, oneOf, parseMemory, text } from "./kinds.ts";
import type { ConfigValue, Directive, ParseResult } from "./types.ts";
import { formatNotifyFlags, parseNotifyFlags } from "../server/notify_flags.ts";
import { sizeBytes, sizeCount } from "./sizes.ts";

const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;
const LLONG_MAX = Number.MAX_SAFE_INTEGER;

/** A save point: after `seconds` if at least `changes` writes happened. */
export interface SavePoint {
  seconds: number;
  changes: number;
}

const save: Directive = {
  name: "save",
  default: "3600 1 300 100 60 10000",
  mutable: true,
  accumulates: true,
  help: 'snapshot points: <seconds> <changes> pairs, "" to disable',
  parse(textValue, previous): ParseResult {
    const parts = textValue.split(/\s+/).filter((p) => p.length > 0);
    if (parts.length === 0) return { ok: true, value: [] };
    if (parts.length % 2 !== 0) return { ok: false, error: "Invalid save parameters" };
    const points: SavePoint[] = previous === undefined ? [] : [...(previous as SavePoint[])];
    for (let i = 0; i < parts.length; i += 2) {
      if (!/^\d+$/.test(parts[i]) || !/^\d+$/.test(parts[i + 1])) {
        return { ok: false, error: "Invalid save parameters" };
      }
      points.push({ seconds: Number(parts[i]), changes: Number(parts[i + 1]) });
    }
    return { ok: true, value: points };
  },
  format: (v) => (v as SavePoint[]).map((p) => `${p.seconds} ${p.changes}`).join(" "),
};

/** Output buffer limits per client class, in bytes and seconds. */
export interface OutputBufferLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

const OUTPUT_CLASSES = ["normal", "slave", "pubsub"] as const;

const clientOutputBufferLimit: Directive = {
  name: "client-output-buffer-limit",
  default: "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60",
  mutable: true,
  accumulates: true,
  help: "<class> <hard> <soft> <soft-seconds> for normal, replica and pubsub clients",
  parse(textValue, previous): ParseResult {
    const parts = textValue.split(/\s+/).filter((p) => p.length > 0);
    if (parts.length % 4 !== 0 || parts.length === 0) {
      return { ok: false, error: "Wrong number of arguments in buffer limit configuration." };
    }
    const limits = { ...(previous as Record<string, OutputBufferLimit> ?? {}) };
    for (let i = 0; i < parts.length; i += 4) {
      let cls = parts[i].toLowerCase();
      if (cls === "replica") cls = "slave";
      if (!(OUTPUT_CLASSES as readonly string[]).includes(cls)) {
        return {
          ok: false,
          error: "Invalid client class specified in buffer limit configuration.",
        };
      }
      const hard = parseMemoryValue(parts[i + 1]);
      const soft = parseMemoryValue(parts[i + 2]);
      const secs = /^\d+$/.test(parts[i + 3]) ? Number(parts[i + 3]) : NaN;
      if ([hard, soft, secs].some((n) => Number.isNaN(n))) {
        return {
          ok: false,
          error: "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
        };
      }
      limits[cls] = { hard, soft, softSeconds: secs };
    }
    return { ok: true, value: limits };
  },
  format(v) {
    const limits = v as Record<string, OutputBufferLimit>;
    return OUTPUT_CLASSES.map((cls) => {
      const l = limits[cls] ?? { hard: 0, soft: 0, softSeconds: 0 };
      return `${cls} ${l.hard} ${l.soft} ${l.softSeconds}`;
    }).join(" ");
  },
};

function parseMemoryValue(t: string): number {
  const m = /^(\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(t);
  if (!m) return NaN;
  const unit = (m[2] ?? "").toLowerCase();
  const mult: Record<string, number> = {
    "": 1,
    b: 1,
    k: 1e3,
    kb: 1024,
    m: 1e6,
    mb: 1024 ** 2,
    g: 1e9,
    gb: 1024 ** 3,
  };
  return Number(m[1]) * mult[unit];
}

const notifyKeyspaceEvents: Directive = {
  name: "notify-keyspace-events",
  default: "",
  mutable: true,
  help: "keyspace notification classes (K, E, g, $, l, s, h, z, x, e, t, m, n, A)",
  parse(textValue): ParseResult {
    const flags = parseNotifyFlags(textValue);
    if (flags < 0) {
      return { ok: false, error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
    }
    return { ok: true, value: flags };
  },
  format: (v) => formatNotifyFlags(v as number),
};

const bind: Directive = {
  name: "bind",
  default: "127.0.0.1",
  mutable: false,
  help: "addresses to listen on (space separated)",
  parse(textValue): ParseResult {
    const addrs = textValue.split(/\s+/).filter((p) => p.length > 0);
    if (addrs.length === 0) return { ok: false, error: "Too many bind addresses specified." };
    return { ok: true, value: addrs };
  },
  format: (v) => (v as string[]).join(" "),
};

/** Network, clients and protocol. */
const NETWORK: Directive[] = [
  int({
    name: "port",
    default: 6380,
    min: 0,
    max: 65535,
    mutable: false,
    help: "TCP port (0 = any free port)",
  }),
  bind,
  bool({
    name: "protected-mode",
    default: true,
    help: "refuse non-loopback clients when no password is set",
  }),
  int({
    name: "maxclients",
    default: 10000,
    min: 1,
    max: UINT_MAX,
    help: "maximum connected clients",
  }),
  int({
    name: "timeout",
    default: 0,
    min: 0,
    max: INT_MAX,
    help: "close idle clients after N seconds (0 = never)",
  }),
  int({
    name: "tcp-keepalive",
    default: 300,
    min: 0,
    max: INT_MAX,
    help: "TCP keepalive in seconds",
  }),
  int({ name: "tcp-backlog", default: 511, min: 0, max: INT_MAX, mutable: false }),
  memory({
    name: "proto-max-bulk-len",
    default: "512mb",
    min: 1024 * 1024,
    max: LLONG_MAX,
    help: "largest bulk string a client may send",
  }),
  memory({
    name: "client-query-buffer-limit",
    default: "1gb",
    min: 1024 * 1024,
    max: LLONG_MAX,
    help: "largest query buffer of one client",
  }),
  clientOutputBufferLimit,
  bool({ name: "human-mode", default: false, help: "greet telnet users with a readable REPL" }),
  oneOf({
    name: "io-backend",
    default: "auto",
    values: ["auto", "deno", "epoll"],
    mutable: false,
    help: "client sockets: Rift's own epoll loop over FFI (Linux), Deno's socket ops, or auto: " +
      "epoll for the rift process where it can run, Deno's ops for embedded servers",
  }),
  text({
    name: "requirepass",
    default: "",
    sensitive: true,
    help: "password clients must AUTH with",
  }),
  int({
    name: "shutdown-timeout",
    default: 10,
    min: 0,
    max: INT_MAX,
    help: "seconds to drain clients on shutdown",
  }),
];

/** Keyspace and expiry. */
const KEYSPACE: Directive[] = [
  int({
    name: "databases",
    default: 16,
    min: 1,
    max: INT_MAX,
    mutable: false,
    help: "number of databases",
  }),
  int({
    name: "hz",
    default: 10,
    min: 1,
    max: 500,
    clamp: true,
    help: "background task frequency",
  }),
  int({ name: "active-expire-effort", default: 1, min: 1, max: 10 }),
  bool({
    name: "activerehashing",
    default: true,
    help: "move a resizing keyspace table on for 1 ms per database in each cron tick",
  }),
  notifyKeyspaceEvents,
  bool({ name: "lazyfree-lazy-expire", default: false }),
  bool({ name: "lazyfree-lazy-user-del", default: false }),
  bool({ name: "lazyfree-lazy-user-flush", default: false }),
  bool({ name: "lazyfree-lazy-server-del", default: false }),
  bool({ name: "lazyfree-lazy-eviction", default: false }),
];

/**
 * List tuning. Redis sizes quicklist nodes with these; Rift's list layout
 * does not need them, but clients and config files set and read them.
 */
const LISTS: Directive[] = [
  int({
    name: "list-max-listpack-size",
    aliases: ["list-max-ziplist-size"],
    default: -2,
    min: -2147483648,
    max: INT_MAX,
    help: "quicklist node size (ignored by Rift's list layout)",
  }),
  int({
    name: "list-compress-depth",
    default: 0,
    min: 0,
    max: INT_MAX,
    help: "quicklist nodes left uncompressed at each end (ignored by Rift)",
  }),
];

/**
 * `dir`: kept as an absolute path (`CONFIG GET dir` shows one, as Redis's
 * getcwd() does). Changing it at runtime is a protected config in Redis 7;
 * the production module enforces that and changes directory.
 */
const dir: Directive = {
  name: "dir",
  default: ".",
  mutable: true,
  help: "working directory for data files",
  parse(textValue): ParseResult {
    if (textValue === "") return { ok: false, error: "No such file or directory" };
    return { ok: true, value: resolvePath(textValue) };
  },
  format: (v) => String(v),
};

/** Makes a path absolute against the current directory, dropping `.` and `..` parts. */
function resolvePath(path: string): string {
  const absolute = path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path);
  const base = absolute ? "" : Deno.cwd();
  const sep = Deno.build.os === "windows" ? "\\" : "/";
  const parts: string[] = [];
  for (const part of `${base}/${path}`.split(/[\\/]+/)) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  if (Deno.build.os === "windows") return parts.join(sep);
  return "/" + parts.join(sep);
}

/** Logging and process. */
const PROCESS: Directive[] = [
  oneOf({
    name: "loglevel",
    default: "notice",
    values: ["debug", "verbose", "notice", "warning"],
    help: "log verbosity",
  }),
  text({ name: "logfile", default: "", mutable: false, help: 'log file path ("" = stdout)' }),
  text({ name: "pidfile", default: "", mutable: false, help: "write the process id to this file" }),
  dir,
];

/** An integer directive whose maximum is C's LLONG_MAX, printed as Redis prints it. */
function llong(spec: { name: string; default: number; min: number; help?: string }): Directive {
  const base = int({ ...spec, max: Number.MAX_SAFE_INTEGER });
  return {
    ...base,
    parse(textValue) {
      const parsed = base.parse(textValue);
      if (!parsed.ok && parsed.error.startsWith("argument must be between")) {
        return {
          ok: false,
          error: `argument must be between ${spec.min} and 9223372036854775807 inclusive`,
        };
      }
      return parsed;
    },
  };
}

/** A memory value or a percentage of `maxmemory` (`maxmemory-clients 10%`). */
const maxmemoryClients: Directive = {
  name: "maxmemory-clients",
  default: "0",
  mutable: true,
  help: "disconnect the biggest clients past this much client memory (bytes or % of maxmemory)",
  parse(textValue): ParseResult {
    if (textValue.endsWith("%")) {
      const digits = textValue.slice(0, -1);
      if (!/^\d+$/.test(digits)) {
        return { ok: false, error: "argument must be a memory or percent value" };
      }
      const percent = Number(digits);
      if (percent > 100) {
        return { ok: false, error: "percentage argument must be less or equal to 100" };
      }
      return { ok: true, value: -percent };
    }
    const bytes = parseMemory(textValue);
    if (Number.isNaN(bytes)) {
      return { ok: false, error: "argument must be a memory or percent value" };
    }
    return { ok: true, value: bytes };
  },
  // Percentages are stored negated, as Redis does.
  format: (v) => ((v as number) < 0 ? `${-(v as number)}%` : String(v)),
};

/** Percentiles `INFO latencystats` reports, e.g. `50 99 99.9`. */
const latencyTrackingPercentiles: Directive = {
  name: "latency-tracking-info-percentiles",
  default: "50 99 99.9",
  mutable: true,
  help: "percentiles of per-command latency shown by INFO latencystats",
  parse(textValue): ParseResult {
    const parts = textValue.split(/\s+/).filter((p) => p.length > 0);
    const values: number[] = [];
    for (const part of parts) {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(part)) {
        return { ok: false, error: "Invalid latency-tracking-info-percentiles parameters" };
      }
      const v = Number(part);
      if (v < 0 || v > 100) {
        return {
          ok: false,
          error: "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
        };
      }
      values.push(v);
    }
    return { ok: true, value: values };
  },
  format: (v) => (v as number[]).map((p) => String(p)).join(" "),
};

/** Memory limit, eviction, diagnostics and process supervision. */
const PRODUCTION: Directive[] = [
  memory({
    name: "maxmemory",
    default: "0",
    min: 0,
    max: LLONG_MAX,
    help: "memory limit for the dataset (0 = none); see maxmemory-policy",
  }),
  oneOf({
    name: "maxmemory-policy",
    default: "noeviction",
    values: [
      "volatile-lru",
      "volatile-lfu",
      "volatile-random",
      "volatile-ttl",
      "allkeys-lru",
      "allkeys-lfu",
      "allkeys-random",
      "noeviction",
    ],
    help: "what to evict when maxmemory is reached",
  }),
  int({
    name: "maxmemory-samples",
    default: 5,
    min: 1,
    max: INT_MAX,
    help: "keys sampled per eviction for the approximated LRU/LFU/TTL",
  }),
  int({
    name: "maxmemory-eviction-tenacity",
    default: 10,
    min: 0,
    max: 100,
    help: "how long one command may spend evicting before the rest is done in the background",
  }),
  maxmemoryClients,
  int({
    name: "lfu-log-factor",
    default: 10,
    min: 0,
    max: INT_MAX,
    help: "LFU counter logarithm factor",
  }),
  int({
    name: "lfu-decay-time",
    default: 1,
    min: 0,
    max: INT_MAX,
    help: "minutes of idleness that decrement an LFU counter by one",
  }),
  llong({
    name: "slowlog-log-slower-than",
    default: 10000,
    min: -1,
    help: "log commands slower than this many microseconds (-1 = off, 0 = all)",
  }),
  llong({ name: "slowlog-max-len", default: 128, min: 0, help: "slow log entries kept" }),
  bool({
    name: "latency-tracking",
    default: true,
    help: "keep per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats)",
  }),
  latencyTrackingPercentiles,
  llong({
    name: "latency-monitor-threshold",
    default: 0,
    min: 0,
    help: "record events slower than this many milliseconds (0 = off)",
  }),
  bool({
    name: "daemonize",
    default: false,
    mutable: false,
    help: "not supported (Deno cannot fork): run under systemd instead",
  }),
  oneOf({
    name: "supervised",
    default: "no",
    values: ["upstart", "systemd", "auto", "no"],
    mutable: false,
    help: "tell a supervisor when the server is ready (systemd: sd_notify)",
  }),
  oneOf({
    name: "enable-debug-command",
    default: "no",
    values: ["no", "yes", "local"],
    mutable: false,
    help: "allow DEBUG (yes, or local connections only)",
  }),
  oneOf({
    name: "enable-protected-configs",
    default: "no",
    values: ["no", "yes", "local"],
    mutable: false,
    help: "allow CONFIG SET of protected directives such as dir",
  }),
];

/** Persistence. */
const PERSISTENCE: Directive[] = [save];

/** A file name that must not be a path (`dbfilename`, `appendfilename`, `appenddirname`). */
function baseName(
  name: string,
  defaultValue: string,
  options: { mutable: boolean; allowEmpty: boolean; pathError: string; help: string },
): Directive {
  return {
    name,
    default: defaultValue,
    mutable: options.mutable,
    help: options.help,
    parse(textValue): ParseResult {
      if (textValue === "" && !options.allowEmpty) {
        return { ok: false, error: `${name} can't be empty` };
      }
      if (/[/\\]/.test(textValue)) return { ok: false, error: options.pathError };
      return { ok: true, value: textValue };
    },
    format: (v) => String(v),
  };
}

/** RDB snapshots and the append-only file (Redis 7.0 names, defaults and mutability). */
const SNAPSHOTS_AND_AOF: Directive[] = [
  baseName("dbfilename", "dump.rdb", {
    mutable: true,
    allowEmpty: true,
    pathError: "dbfilename can't be a path, just a filename",
    help: "RDB file name in dir",
  }),
  bool({ name: "rdbcompression", default: true, help: "LZF-compress strings in RDB files" }),
  bool({
    name: "rdbchecksum",
    default: true,
    mutable: false,
    help: "write and verify the CRC64 of RDB files",
  }),
  bool({
    name: "stop-writes-on-bgsave-error",
    default: true,
    help: "refuse writes while the last background save failed",
  }),
  bool({ name: "rdb-save-incremental-fsync", default: true }),
  bool({ name: "rdb-del-sync-files", default: false }),
  int({ name: "rdb-key-save-delay", default: 0, min: -2147483648, max: INT_MAX }),
  int({ name: "key-load-delay", default: 0, min: -2147483648, max: INT_MAX }),
  bool({ name: "appendonly", default: false, help: "log every write to the append-only file" }),
  oneOf({
    name: "appendfsync",
    default: "everysec",
    values: ["everysec", "always", "no"],
    help: "when the AOF is fsynced: always, everysec or no",
  }),
  baseName("appendfilename", "appendonly.aof", {
    mutable: false,
    allowEmpty: false,
    pathError: "appendfilename can't be a path, just a filename",
    help: "base name of the AOF files",
  }),
  baseName("appenddirname", "appendonlydir", {
    mutable: false,
    allowEmpty: false,
    pathError: "appenddirname can't be a path, just a dirname",
    help: "directory of the AOF files, in dir",
  }),
  bool({ name: "aof-use-rdb-preamble", default: true, help: "write AOF base files as RDB" }),
  bool({
    name: "aof-load-truncated",
    default: true,
    help: "load an AOF whose last command is incomplete (truncating it)",
  }),
  bool({ name: "no-appendfsync-on-rewrite", default: false }),
  bool({ name: "aof-rewrite-incremental-fsync", default: true }),
  int({ name: "auto-aof-rewrite-percentage", default: 100, min: 0, max: INT_MAX }),
  memory({ name: "auto-aof-rewrite-min-size", default: "64mb", min: 0, max: LLONG_MAX }),
];

/** Encoding thresholds of hashes and sets (Redis 7.0 names, aliases and defaults). */
const HASH_SET_ENCODINGS: Directive[] = [
  sizeCount({
    name: "hash-max-listpack-entries",
    aliases: ["hash-max-ziplist-entries"],
    default: 512,
    help: "hashes with more fields use a hash table",
  }),
  sizeBytes({
    name: "hash-max-listpack-value",
    aliases: ["hash-max-ziplist-value"],
    default: 64,
    help: "hashes with a longer field or value use a hash table",
  }),
  sizeCount({
    name: "set-max-intset-entries",
    default: 512,
    help: "integer sets with more members use a hash table",
  }),
];

/** Sorted-set encoding limits. */
const ZSETS: Directive[] = [
  sizeCount({
    name: "zset-max-listpack-entries",
    aliases: ["zset-max-ziplist-entries"],
    default: 128,
    help: "sorted sets with up to this many members use the compact listpack encoding",
  }),
  sizeBytes({
    name: "zset-max-listpack-value",
    aliases: ["zset-max-ziplist-value"],
    default: 64,
    help: "sorted sets with members up to this many bytes use the compact listpack encoding",
  }),
];

/** HyperLogLog representation limit. */
const HYPERLOGLOG: Directive[] = [
  sizeBytes({
    name: "hll-sparse-max-bytes",
    default: 3000,
    help: "a sparse HyperLogLog growing past this many bytes (header included) turns dense",
  }),
];

/** Client-side caching (CLIENT TRACKING). */
const TRACKING: Directive[] = [
  llong({
    name: "tracking-table-max-keys",
    default: 1000000,
    min: 0,
    help: "keys the client-side caching table remembers before invalidating some (0 = no limit)",
  }),
];

/** Every directive, in the order `--help` lists them. */
export const DIRECTIVES: readonly Directive[] = [
  ...NETWORK,
  ...KEYSPACE,
  ...PROCESS,
  ...PERSISTENCE,
  ...SNAPSHOTS_AND_AOF,
  ...HASH_SET_ENCODINGS,
  ...LISTS,
  ...PRODUCTION,
  ...ZSETS,
  ...HYPERLOGLOG,
  ...TRACKING,
];

/** Re-exported for the config machinery. */
export type { ConfigValue };
