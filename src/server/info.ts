/**
 * The `INFO` report, with Redis's section and field names so that tools
 * which parse it (redis-cli --stat, exporters, client libraries) work.
 *
 * @module
 */

import process from "node:process";
import type { Server } from "./server.ts";
import { supervisionMode } from "./systemd.ts";
import { trackingCounts } from "./tracking.ts";
import { REDIS_COMPAT_VERSION, sourceRevision, VERSION } from "../version.ts";

/** First 8 hex digits of the source commit, or Redis's zeros when unknown. */
function gitSha1(): string {
  const { commit } = sourceRevision();
  return /^[0-9a-f]{8}/.test(commit) ? commit.slice(0, 8) : "00000000";
}

/** Sections in `INFO` / `INFO default` order. */
const DEFAULT_SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "modules",
  "errorstats",
  "cluster",
  "keyspace",
];

/** Sections added by `INFO all` / `INFO everything`. */
const EXTRA_SECTIONS = ["commandstats", "latencystats"];

/** Formats a byte count like Redis's `bytesToHuman`. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ["K", "M", "G", "T", "P"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}

let executable: string | undefined;

/** The running binary, read once as Redis does at startup (a readlink per call otherwise). */
function executablePath(): string {
  executable ??= Deno.execPath();
  return executable;
}

function section(server: Server, name: string): string[] | null {
  const extra = server.infoSections.get(name);
  if (extra) return extra();
  const stats = server.stats;
  const config = server.config;
  switch (name) {
    case "server": {
      const uptime = Math.floor((Date.now() - server.startTime) / 1000);
      return [
        `redis_version:${REDIS_COMPAT_VERSION}`,
        `rift_version:${VERSION}`,
        `redis_git_sha1:${gitSha1()}`,
        `redis_git_dirty:${sourceRevision().dirty ? 1 : 0}`,
        "redis_mode:standalone",
        `os:${Deno.build.os} ${Deno.build.arch}`,
        "arch_bits:64",
        `deno_version:${Deno.version.deno}`,
        `v8_version:${Deno.version.v8}`,
        `multiplexing_api:${server.ioBackend === "epoll" ? "epoll" : "tokio"}`,
        `process_id:${Deno.pid}`,
        `process_supervised:${supervisionMode(config.str("supervised"))}`,
        `run_id:${server.runId}`,
        `tcp_port:${server.port}`,
        `server_time_usec:${Date.now() * 1000}`,
        `uptime_in_seconds:${uptime}`,
        `uptime_in_days:${Math.floor(uptime / 86400)}`,
        `hz:${config.int("hz")}`,
        `configured_hz:${config.int("hz")}`,
        `lru_clock:${server.keyspace.lruClock & 0xffffff}`,
        `executable:${executablePath()}`,
        `config_file:${config.configFile ?? ""}`,
        "io_threads_active:0",
      ];
    }
    case "clients": {
      let pubsub = 0;
      let watching = 0;
      for (const c of server.clients.values()) {
        if (c.subscribed) pubsub++;
        if (c.watched.length > 0) watching++;
      }
      return [
        `connected_clients:${server.clients.size}`,
        "cluster_connections:0",
        `maxclients:${config.int("maxclients")}`,
        "client_recent_max_input_buffer:0",
        "client_recent_max_output_buffer:0",
        `blocked_clients:${server.blocking.count}`,
        `tracking_clients:${trackingCounts(server).clients}`,
        `pubsub_clients:${pubsub}`,
        `watching_clients:${watching}`,
        `clients_in_timeout_table:${server.blocking.count}`,
        `total_watched_keys:${server.watch.watchedKeys}`,
        `total_blocking_keys:${server.blocking.keyCount}`,
      ];
    }
    case "persistence":
      return [
        `loading:${server.loading ? 1 : 0}`,
        "async_loading:0",
        `rdb_changes_since_last_save:${server.dirty}`,
        "rdb_bgsave_in_progress:0",
        "aof_enabled:0",
      ];
    case "stats":
      return [
        `total_connections_received:${stats.totalConnectionsReceived}`,
        `total_commands_processed:${stats.totalCommandsProcessed}`,
        `instantaneous_ops_per_sec:${stats.instantaneousOps}`,
        `total_net_input_bytes:${stats.totalNetInputBytes}`,
        `total_net_output_bytes:${stats.totalNetOutputBytes}`,
        "total_net_repl_input_bytes:0",
        "total_net_repl_output_bytes:0",
        `instantaneous_input_kbps:${stats.instantaneousInputKbps.toFixed(2)}`,
        `instantaneous_output_kbps:${stats.instantaneousOutputKbps.toFixed(2)}`,
        `rejected_connections:${stats.rejectedConnections}`,
        "sync_full:0",
        "sync_partial_ok:0",
        "sync_partial_err:0",
        `expired_keys:${stats.expiredKeys}`,
        `expired_stale_perc:${stats.expiredStalePercent.toFixed(2)}`,
        `evicted_keys:${stats.evictedKeys}`,
        `evicted_clients:${stats.evictedClients}`,
        `keyspace_hits:${stats.keyspaceHits}`,
        `keyspace_misses:${stats.keyspaceMisses}`,
        `pubsub_channels:${server.pubsub.channels.size}`,
        `pubsub_patterns:${server.pubsub.patternCount}`,
        `pubsubshard_channels:${server.pubsub.shardChannels.size}`,
        "latest_fork_usec:0",
        "total_forks:0",
        ...trackingStatsLines(server),
        `unexpected_error_replies:${stats.unexpectedErrorReplies}`,
        `total_error_replies:${stats.totalErrorReplies}`,
        `total_reads_processed:${stats.totalReadsProcessed}`,
        `total_writes_processed:${stats.totalWritesProcessed}`,
        `client_query_buffer_limit_disconnections:${stats.clientQueryBufferLimitDisconnections}`,
        `client_output_buffer_limit_disconnections:${stats.clientOutputBufferLimitDisconnections}`,
      ];
    case "replication":
      return [
        "role:master",
        "connected_slaves:0",
        "master_failover_state:no-failover",
        `master_replid:${server.runId}`,
        "master_replid2:0000000000000000000000000000000000000000",
        "master_repl_offset:0",
        "second_repl_offset:-1",
        "repl_backlog_active:0",
        "repl_backlog_size:1048576",
        "repl_backlog_first_byte_offset:0",
        "repl_backlog_histlen:0",
      ];
    case "cpu": {
      const usage = process.cpuUsage();
      return [
        `used_cpu_sys:${(usage.system / 1e6).toFixed(6)}`,
        `used_cpu_user:${(usage.user / 1e6).toFixed(6)}`,
        "used_cpu_sys_children:0.000000",
        "used_cpu_user_children:0.000000",
        `used_cpu_sys_main_thread:${(usage.system / 1e6).toFixed(6)}`,
        `used_cpu_user_main_thread:${(usage.user / 1e6).toFixed(6)}`,
      ];
    }
    case "modules":
      return [];
    case "cluster":
      return ["cluster_enabled:0"];
    case "commandstats":
      return [...stats.commands].map(([cmd, s]) =>
        `cmdstat_${cmd}:calls=${s.calls},usec=${s.usec},usec_per_call=${
          (s.calls ? s.usec / s.calls : 0).toFixed(2)
        },rejected_calls=${s.rejectedCalls},failed_calls=${s.failedCalls}`
      );
    case "errorstats":
      return [...stats.errors].map(([code, count]) => `errorstat_${code}:count=${count}`);
    case "keyspace":
      return server.keyspace.dbs.filter((db) => db.size > 0).map((db) =>
        `db${db.index}:keys=${db.size},expires=${db.expiresCount},avg_ttl=0`
      );
    default:
      return null;
  }
}

/** Title line of a section (`# Server`, `# Commandstats`...). */
function title(name: string): string {
  if (name === "cpu") return "CPU";
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Renders INFO for the requested sections (none = default). Section names
 * are case-insensitive; `all`, `default` and `everything` select groups.
 */
export function renderInfo(server: Server, requested: string[]): string {
  let names: string[];
  const wanted = requested.map((s) => s.toLowerCase());
  if (wanted.length === 0 || wanted.includes("default")) {
    names = [...DEFAULT_SECTIONS];
  } else {
    names = [];
  }
  for (const w of wanted) {
    if (w === "all" || w === "everything") {
      names.push(...DEFAULT_SECTIONS, ...EXTRA_SECTIONS);
    } else if (w !== "default") {
      names.push(w);
    }
  }
  names = [...new Set(names)];
  const order = [
    ...DEFAULT_SECTIONS.slice(0, 8),
    "commandstats",
    "errorstats",
    "latencystats",
    ...DEFAULT_SECTIONS.slice(9),
  ];
  names.sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  const parts: string[] = [];
  for (const name of names) {
    const lines = section(server, name);
    if (lines === null) continue;
    parts.push(`# ${title(name)}\r\n`);
    for (const line of lines) parts.push(line, "\r\n");
    parts.push("\r\n");
  }
  // One join for the whole text; sections are separated by a blank line, with none after the last.
  parts.pop();
  return parts.join("");
}

/** The client-side caching figures of INFO stats. */
function trackingStatsLines(server: Server): string[] {
  const counts = trackingCounts(server);
  return [
    `tracking_total_keys:${counts.keys}`,
    `tracking_total_items:${counts.items}`,
    `tracking_total_prefixes:${counts.prefixes}`,
  ];
}
