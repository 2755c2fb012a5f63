/**
 * What the benchmarks need around the servers they measure: starting Rift
 * and redis-server as child processes, reading a process's CPU time and
 * resident memory from /proc, bulk-loading data with `redis-cli --pipe`,
 * and describing the machine and its load.
 *
 * @module
 */

import { freePort, waitForPort } from "../tests/helpers/server.ts";
import { encodeCommand, RespClient } from "../tests/helpers/client.ts";
import { V8_FLAGS } from "../src/v8_flags.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** A server child process. */
export interface ServerProcess {
  name: "rift" | "redis" | "floor";
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs a Deno script as a server on a free port: `args(port)` are the
 * arguments after `deno run`. Resolves once the port accepts connections.
 */
async function startDenoServer(
  name: ServerProcess["name"],
  args: (port: number) => string[],
): Promise<ServerProcess> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...args(port)],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  await waitForPort(port, 60_000);
  return {
    name,
    port,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Starts Rift from source, in memory (no saving), quiet. */
export function startRiftProcess(extraArgs: string[] = []): Promise<ServerProcess> {
  return startDenoServer("rift", (port) => [
    "--allow-all",
    `--v8-flags=${V8_FLAGS.join(",")}`,
    `${ROOT}main.ts`,
    "--port",
    String(port),
    "--save",
    "",
    "--loglevel",
    "warning",
    ...extraArgs,
  ]);
}

/** Starts the Deno floor (bench/deno_floor.ts: answers +PONG, nothing else). */
export function startFloorProcess(): Promise<ServerProcess> {
  return startDenoServer("floor", (port) => [
    "--allow-net",
    `--v8-flags=${V8_FLAGS.join(",")}`,
    `${ROOT}bench/deno_floor.ts`,
    String(port),
  ]);
}

/** Starts Debian's redis-server with persistence off. */
export async function startRedisProcess(extraArgs: string[] = []): Promise<ServerProcess> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "bench-redis-" });
  const child = new Deno.Command("redis-server", {
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      ...extraArgs,
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  await waitForPort(port, 30_000);
  return {
    name: "redis",
    port,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in microseconds. */
export function cpuMicrosOf(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name (which may contain spaces) start after ") ".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1e6) / CLOCK_TICKS_PER_SECOND;
}

/** A process that used CPU while the machine should have been idle. */
export interface BusyProcess {
  pid: number;
  name: string;
  /** Share of one core over the sampled interval (1 = a whole core). */
  share: number;
}

/** CPU ticks (user + system) of every process at one moment, by pid, with names. */
export interface CpuSnapshot {
  at: number;
  ticks: Map<number, { name: string; ticks: number }>;
}

/** Reads every process's CPU time from /proc. */
export function cpuSnapshot(): CpuSnapshot {
  const ticks = new Map<number, { name: string; ticks: number }>();
  for (const entry of Deno.readDirSync("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks.set(pid, { name, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we looked.
    }
  }
  return { at: performance.now(), ticks };
}

/**
 * Processes, other than this one and `exclude`, that used more than
 * `threshold` of a core between two snapshots. Only processes alive at the
 * second snapshot are seen (a redis-benchmark run that has ended is not).
 */
export function busyBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
  exclude: readonly number[] = [],
  threshold = 0.1,
): BusyProcess[] {
  const seconds = (after.at - before.at) / 1000;
  const busy: BusyProcess[] = [];
  for (const [pid, { name, ticks }] of after.ticks) {
    if (pid === Deno.pid || exclude.includes(pid)) continue;
    const share = (ticks - (before.ticks.get(pid)?.ticks ?? 0)) / CLOCK_TICKS_PER_SECOND / seconds;
    if (share > threshold) busy.push({ pid, name, share });
  }
  return busy.sort((a, b) => b.share - a.share);
}

/**
 * Processes other than this one that used more than `threshold` of a core
 * during `ms` milliseconds. A benchmark that shares two cores with a busy
 * process measures that process: a stray client left spinning at 100% once
 * cut both servers' throughput by 30-60% for 40 minutes of runs.
 */
export async function busyProcesses(ms = 1000, threshold = 0.1): Promise<BusyProcess[]> {
  const before = cpuSnapshot();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return busyBetween(before, cpuSnapshot(), [], threshold);
}

/** Resident memory of a process in bytes. */
export function rssOf(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Number of open file descriptors of a process. */
export function openFilesOf(pid: number): number {
  let n = 0;
  for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) n++;
  return n;
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = Deno.readTextFileSync("/proc/loadavg").split(" ").map(Number);
  return [a, b, c];
}

/** The machine the numbers come from, in one line. */
export function describeMachine(): string {
  let model = "unknown CPU";
  try {
    model = /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? model;
  } catch {
    // Not Linux.
  }
  const mem = Deno.systemMemoryInfo().total;
  const redis = new TextDecoder().decode(
    new Deno.Command("redis-server", { args: ["--version"], stdout: "piped" }).outputSync()
      .stdout,
  );
  const redisVersion = /v=(\S+)/.exec(redis)?.[1] ?? "?";
  return `${navigator.hardwareConcurrency} cores (${model}), ${
    (mem / 2 ** 30).toFixed(0)
  } GiB, ${Deno.build.os} ${Deno.osRelease()}, Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), redis-server ${redisVersion}`;
}

/** The commit of the working tree, marked `+dirty` when it has changes. */
export function describeCommit(): string {
  const run = (args: string[]) =>
    new TextDecoder().decode(
      new Deno.Command("git", { args, cwd: ROOT, stdout: "piped", stderr: "null" }).outputSync()
        .stdout,
    ).trim();
  const head = run(["rev-parse", "--short", "HEAD"]) || "unknown";
  // The results this harness writes do not make the tree dirty.
  const dirty =
    run(["status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results"]) !== "";
  return dirty ? `${head}+dirty` : head;
}

/**
 * Sends commands to a server through `redis-cli --pipe` (the fastest way to
 * load data, and the same for both servers). `batches` yields lists of
 * commands; throws when any reply was an error.
 */
export async function pipeCommands(
  port: number,
  batches: Iterable<(string | Uint8Array)[][]>,
): Promise<void> {
  const child = new Deno.Command("redis-cli", {
    args: ["-p", String(port), "--pipe"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Read the replies summary while writing: redis-cli prints every error
  // reply, and would block on a full stdout pipe (and stop reading) otherwise.
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  const writer = child.stdin.getWriter();
  for (const batch of batches) {
    const parts = batch.map((cmd) => encodeCommand(cmd));
    let size = 0;
    for (const p of parts) size += p.length;
    const buf = new Uint8Array(size);
    let off = 0;
    for (const p of parts) {
      buf.set(p, off);
      off += p.length;
    }
    await writer.write(buf);
  }
  await writer.close();
  const text = (await stdout) + (await stderr);
  await child.status;
  if (!/errors: 0,/.test(text)) {
    throw new Error(`redis-cli --pipe reported errors: ${text.slice(0, 2000)}`);
  }
}

/** Sends one command on a fresh connection; throws on an error reply. */
export async function command(port: number, ...args: string[]): Promise<void> {
  const c = await RespClient.connect(port);
  try {
    const reply = await c.call(...args);
    if (reply.type === "error") throw new Error(`${args.join(" ")}: ${reply.text}`);
  } finally {
    await c.close();
  }
}

/** Median of numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
