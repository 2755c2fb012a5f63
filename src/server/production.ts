/**
 * The production features of a server, wired into the core through its
 * hooks: the slow log, the latency monitor and MONITOR (command observer),
 * memory accounting and `maxmemory` eviction (store observer, admission
 * check, cron), client eviction (`maxmemory-clients`), protected mode
 * (connection check), the protected `dir` directive, and the INFO memory
 * section.
 *
 * {@link production} returns a server's state for the commands that expose
 * it (SLOWLOG, LATENCY, MONITOR, MEMORY, DEBUG).
 *
 * @module
 */

import type { CommandSpec } from "../commands/spec.ts";
import type { OutputBufferLimit } from "../config/directives.ts";
import { keyPositions } from "../commands/table.ts";
import type { Client } from "./client.ts";
import { Evictor } from "./eviction.ts";
import { bytesToHuman } from "./info.ts";
import { LatencyMonitor } from "./latency.ts";
import { LatencyHistograms } from "./latency_histogram.ts";
import { MemoryAccountant } from "./memory.ts";
import { MonitorFeed, monitorLine, nowMicros } from "./monitor.ts";
import { redactedPositions } from "./redaction.ts";
import type { Server } from "./server.ts";
import { SlowLog, truncatedArgs } from "./slowlog.ts";
import { isKeyword } from "../util/bytes.ts";
import { parseInteger } from "../util/numbers.ts";

/** Redis's OOM error for denyoom commands over `maxmemory`. */
export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

/** Redis 7.0's protected-mode refusal, sent to non-loopback clients before closing them. */
export const PROTECTED_MODE_ERROR =
  "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.";

/** The error a MONITOR client gets for commands that touch the keyspace. */
const MONITOR_KEYSPACE_ERROR = "ERR Replica can't interact with the keyspace";

/** Commands a client in MULTI may still send when memory is over the limit. */
const ALLOWED_IN_MULTI_ON_OOM = new Set(["exec", "discard", "quit", "reset"]);

/** Production state of one server. */
export interface Production {
  readonly slowlog: SlowLog;
  readonly latency: LatencyMonitor;
  readonly histograms: LatencyHistograms;
  readonly monitors: MonitorFeed;
  readonly memory: MemoryAccountant;
  readonly evictor: Evictor;
}

const STATE = new WeakMap<Server, Production>();

/** The production state of a server (installed on first use if the startup module did not run). */
export function production(server: Server): Production {
  return STATE.get(server) ?? install(server);
}

/** The startup module: installs the production features on a server. */
export function installProduction(server: Server): void {
  install(server);
}

/** True for loopback peers as Redis 7.0 counts them (exactly 127.0.0.1 or ::1). */
export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1";
}

/** True when a client connected from a loopback address. */
export function isLocalClient(c: Client): boolean {
  return c.addr.startsWith("127.0.0.1:") || c.addr.startsWith("[::1]:");
}

/** Memory a client holds: query buffer, reply buffer, queued MULTI commands. */
export function clientMemory(c: Client): number {
  let multi = 0;
  if (c.multi !== null) { for (const q of c.multi) for (const a of q.argv) multi += a.length; }
  return c.parser.capacity + c.out.buf.length + multi;
}

function install(server: Server): Production {
  const existing = STATE.get(server);
  if (existing) return existing;
  const config = server.config;
  const keyspace = server.keyspace;
  const slowlog = new SlowLog();
  const latency = new LatencyMonitor();
  const histograms = new LatencyHistograms();
  const monitors = new MonitorFeed();
  const memory = new MemoryAccountant(keyspace);
  const evictor = new Evictor(server, memory, latency);
  const state: Production = { slowlog, latency, histograms, monitors, memory, evictor };
  STATE.set(server, state);

  keyspace.storeObserver = memory;
  server.turnDrivenWork.push(() => evictor.evictingInBackground);
  // The store's LFU switch follows the policy too (commands/keys.ts trackEvictionPolicy).
  config.onChange("maxmemory-policy", () => evictor.policyChanged());
  config.onChange("maxmemory", (value) => {
    const limit = value as number;
    const used = memory.used();
    if (limit > 0 && limit < used) {
      server.log.warning(
        `WARNING: the new maxmemory value set via CONFIG SET (${limit}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
      );
      evictor.performEvictions();
    }
  });
  config.onChange("slowlog-max-len", (value) => slowlog.trim(value as number));
  config.onChange("dir", (value) => {
    if (config.str("enable-protected-configs") === "no") {
      throw new Error("can't set protected config");
    }
    let isDirectory = false;
    try {
      isDirectory = Deno.statSync(String(value)).isDirectory;
    } catch {
      throw new Error("No such file or directory");
    }
    if (!isDirectory) throw new Error("Not a directory");
  });

  // Thresholds read on every command are cached here and kept current by listeners.
  let slowerThan = config.int("slowlog-log-slower-than");
  let latencyThreshold = config.int("latency-monitor-threshold");
  let maxmemory = config.int("maxmemory");
  let tracking = config.bool("latency-tracking");
  config.onChange("latency-tracking", (v) => tracking = v as boolean);
  config.onChange("slowlog-log-slower-than", (v) => slowerThan = v as number);
  config.onChange("latency-monitor-threshold", (v) => latencyThreshold = v as number);
  config.onChange("maxmemory", (v) => maxmemory = v as number);
  let lastDirty = server.dirty;
  let lastOutsideWrites = keyspace.outsideWrites;

  server.commandObservers.push((c, argv, name, micros, spec) => {
    // RESET leaves monitor mode before its own line is fed, as in Redis.
    if (name === "reset") monitors.remove(c);
    if (name === "config|resetstat") histograms.reset();
    if (tracking) histograms.record(name, micros);
    if (slowerThan >= 0 && micros >= slowerThan) {
      if (!spec.flags.includes("skip_slowlog")) {
        slowlog.push({
          time: Math.floor(Date.now() / 1000),
          micros,
          args: truncatedArgs(argv, redactedPositions(name, argv, config)),
          addr: c.addr,
          name: c.name,
        }, config.int("slowlog-max-len"));
      }
    }
    if (latencyThreshold > 0 && micros >= latencyThreshold * 1000) {
      const fast = spec.flags.includes("fast");
      latency.add(fast ? "fast-command" : "command", Math.floor(micros / 1000), nowSeconds());
    }
    if (monitors.size > 0) {
      if (!spec.flags.includes("admin") && !spec.flags.includes("skip_monitor")) {
        const limits = config.get("client-output-buffer-limit") as Record<
          string,
          OutputBufferLimit
        >;
        monitors.send(
          monitorLine(nowMicros(), c.db.index, c.addr, argv, redactedPositions(name, argv, config)),
          limits.slave,
          server.keyspace.now,
        );
      }
    }
    if (server.dirty !== lastDirty) {
      lastDirty = server.dirty;
      // Without a memory limit only strings outside the slab are measured
      // (StoreEnv.outsideWrites), and a command that stored, grew or moved
      // none has nothing to measure: no list push, set add or MSET of small
      // values looks its keys up again.
      const outsideWritten = keyspace.outsideWrites !== lastOutsideWrites;
      if (maxmemory > 0 || outsideWritten) {
        remeasureWrittenKeys(server, memory, c, argv, spec, maxmemory > 0);
      }
    }
    lastOutsideWrites = keyspace.outsideWrites;
  });

  server.admissionChecks.push((c, spec) => {
    if (maxmemory > 0 && memory.used() > maxmemory && evictor.performEvictions() === "fail") {
      let refuse = spec.flags.includes("denyoom") ||
        (spec.name === "exec" && (c.multi ?? []).some((q) => q.spec.flags.includes("denyoom")));
      if (c.multi !== null && !ALLOWED_IN_MULTI_ON_OOM.has(spec.name)) refuse = true;
      if (refuse) return OOM_ERROR;
    }
    if (
      monitors.size > 0 && monitors.has(c) &&
      (spec.flags.includes("write") || spec.flags.includes("readonly") ||
        spec.flags.includes("may_replicate"))
    ) {
      return MONITOR_KEYSPACE_ERROR;
    }
    return null;
  });

  server.connectionChecks.push((conn) => {
    if (!config.bool("protected-mode") || server.authRequired()) return null;
    const peer = conn.remoteAddr as Deno.NetAddr;
    return isLoopback(peer.hostname) ? null : PROTECTED_MODE_ERROR;
  });

  // The active expiry cycle runs inside the core's cron; time it for the
  // `expire-cycle` latency event by wrapping this keyspace's method.
  const expireCycle = keyspace.activeExpireCycle.bind(keyspace);
  keyspace.activeExpireCycle = (budgetMs, effort) => {
    if (latencyThreshold === 0) return expireCycle(budgetMs, effort);
    const start = performance.now();
    const result = expireCycle(budgetMs, effort);
    const ms = Math.floor(performance.now() - start);
    if (ms >= latencyThreshold) latency.add("expire-cycle", ms, nowSeconds());
    return result;
  };

  let measured = false;
  server.cronHooks.push(() => {
    // Data loaded by startup modules after this one (persistence) was never measured.
    if (!measured) memory.recount();
    measured = true;
    memory.auditStep();
    memory.notePeak();
    evictClientsIfNeeded(server, maxmemory);
  });
  server.shutdownHooks.push(() => {
    evictor.stop();
    return Promise.resolve();
  });
  server.infoSections.set("memory", () => memoryInfo(server, state));
  server.infoSections.set("latencystats", () => {
    if (!config.bool("latency-tracking")) return [];
    const percentiles = config.get("latency-tracking-info-percentiles") as number[];
    return histograms.names().map((command) => {
      const histogram = histograms.get(command)!;
      const values = percentiles.map((p) => `p${p}=${histogram.percentileMicros(p).toFixed(3)}`);
      return `latency_percentiles_usec_${command}:${values.join(",")}`;
    });
  });
  return state;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * After a write command, re-measures the values it named (and, for MOVE
 * and COPY ... DB, the copy in the other database). Collections are
 * measured here only under a memory limit; otherwise the audit catches up.
 */
function remeasureWrittenKeys(
  server: Server,
  memory: MemoryAccountant,
  c: Client,
  argv: Uint8Array[],
  spec: CommandSpec,
  withCollections: boolean,
): void {
  const db = c.db;
  if (!spec.movableKeys) {
    // Fixed key positions: walk them without building an array (the common case).
    if (spec.firstKey > 0) {
      const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
      const step = Math.max(1, spec.step);
      for (let i = spec.firstKey; i <= last && i < argv.length; i += step) {
        memory.remeasureKey(db, argv[i], withCollections);
      }
    }
  } else {
    for (const pos of keyPositions(spec, argv)) memory.remeasureKey(db, argv[pos], withCollections);
  }
  if (spec.name === "move" && argv.length === 3) {
    const target = parseInteger(argv[2]);
    if (target >= 0 && target < server.keyspace.dbs.length) {
      memory.remeasureKey(server.db(target), argv[1], withCollections);
    }
  } else if (spec.name === "copy") {
    for (let i = 3; i + 1 < argv.length; i++) {
      if (!isKeyword(argv[i], "db")) continue;
      const target = parseInteger(argv[i + 1]);
      if (target >= 0 && target < server.keyspace.dbs.length) {
        memory.remeasureKey(server.db(target), argv[2], withCollections);
      }
    }
  }
}

/** The client memory limit in bytes from `maxmemory-clients` (a percentage is of maxmemory). */
export function clientMemoryLimit(server: Server, maxmemory: number): number {
  const setting = server.config.int("maxmemory-clients");
  if (setting >= 0) return setting;
  return Math.floor((maxmemory * -setting) / 100);
}

/**
 * `maxmemory-clients`: while the clients together hold more than the
 * limit, disconnects the one holding the most, sparing `CLIENT NO-EVICT`
 * clients, as Redis 7's client eviction does.
 */
function evictClientsIfNeeded(server: Server, maxmemory: number): void {
  const limit = clientMemoryLimit(server, maxmemory);
  if (limit <= 0) return;
  const candidates: { c: Client; bytes: number }[] = [];
  let total = 0;
  for (const c of server.clients.values()) {
    const bytes = clientMemory(c);
    total += bytes;
    if (!c.noEvict && !c.closed) candidates.push({ c, bytes });
  }
  if (total <= limit) return;
  candidates.sort((a, b) => b.bytes - a.bytes);
  for (const { c, bytes } of candidates) {
    if (total <= limit) break;
    server.log.verbose(`Evicting client: id=${c.id} addr=${c.addr} name=${c.name}`);
    server.stats.evictedClients++;
    c.kill();
    total -= bytes;
  }
}

let systemMemoryTotal = -1;

/**
 * The machine's memory, read once, as Redis reads it at startup: reading it
 * parses /proc/meminfo (~8 µs, half of an `INFO memory`). 0 without the
 * sys permission, as Redis reports when it cannot tell.
 */
function totalSystemMemory(): number {
  if (systemMemoryTotal < 0) {
    try {
      systemMemoryTotal = Deno.systemMemoryInfo().total;
    } catch {
      systemMemoryTotal = 0;
    }
  }
  return systemMemoryTotal;
}

/** The `INFO memory` section, with Redis's field names and Rift's accounting. */
function memoryInfo(server: Server, state: Production): string[] {
  const { memory } = state;
  const config = server.config;
  const used = memory.notePeak();
  const { heapUsed, external, rss } = memory.sample();
  let overhead = memory.startup;
  for (const db of server.keyspace.dbs) overhead += memory.overheadOf(db);
  const dataset = Math.max(0, used - overhead);
  let clients = 0;
  for (const c of server.clients.values()) clients += clientMemory(c);
  const systemMemory = totalSystemMemory();
  const maxmemory = config.int("maxmemory");
  const slab = server.keyspace.slab;
  const percent = (part: number, whole: number) =>
    `${(whole > 0 ? (part / whole) * 100 : 0).toFixed(2)}%`;
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_rss:${rss}`,
    `used_memory_rss_human:${bytesToHuman(rss)}`,
    `used_memory_peak:${memory.peak}`,
    `used_memory_peak_human:${bytesToHuman(memory.peak)}`,
    `used_memory_peak_perc:${percent(used, memory.peak)}`,
    `used_memory_overhead:${overhead}`,
    `used_memory_startup:${memory.startup}`,
    `used_memory_dataset:${dataset}`,
    `used_memory_dataset_perc:${percent(dataset, used - memory.startup)}`,
    `used_memory_vm_heap:${heapUsed}`,
    `used_memory_vm_heap_human:${bytesToHuman(heapUsed)}`,
    `used_memory_vm_external:${external}`,
    `total_system_memory:${systemMemory}`,
    `total_system_memory_human:${bytesToHuman(systemMemory)}`,
    "used_memory_lua:0",
    "used_memory_scripts:0",
    "number_of_cached_scripts:0",
    `maxmemory:${maxmemory}`,
    `maxmemory_human:${bytesToHuman(maxmemory)}`,
    `maxmemory_policy:${config.str("maxmemory-policy")}`,
    `allocator_allocated:${slab.allocatedBytes + memory.externalBytes}`,
    `allocator_active:${slab.allocatedBytes + memory.externalBytes}`,
    `allocator_resident:${rss}`,
    `mem_fragmentation_ratio:${(rss / Math.max(1, used)).toFixed(2)}`,
    `mem_fragmentation_bytes:${rss - used}`,
    "mem_not_counted_for_evict:0",
    "mem_replication_backlog:0",
    "mem_total_replication_buffers:0",
    "mem_clients_slaves:0",
    `mem_clients_normal:${clients}`,
    "mem_cluster_links:0",
    "mem_aof_buffer:0",
    "mem_allocator:v8+slab",
    `slab_allocated:${slab.allocatedBytes}`,
    `slab_used:${slab.usedBytes}`,
    "active_defrag_running:0",
    "lazyfree_pending_objects:0",
    "lazyfreed_objects:0",
  ];
}
