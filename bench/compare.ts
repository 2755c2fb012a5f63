/**
 * Side-by-side benchmark: starts Rift and Debian's redis-server (persistence
 * off for both), runs the same redis-benchmark tests against each, and
 * reports Rift ÷ Redis ratios measured in the same run on the same machine.
 *
 * Made for a small, shared, noisy machine:
 * - every test runs several times, alternating which server goes first, in
 *   rounds of all the tests, so a test's runs are spread over the whole run
 *   and a spell of the machine running slow reaches one of them rather than
 *   all; a ratio is the median over the rounds of Rift ÷ Redis in the same
 *   round (two runs back to back), and the first round starts with an
 *   unmeasured warm-up run of each test against each server;
 * - besides throughput and latency, it records each server's CPU time per
 *   request (from /proc), which other processes disturb much less than
 *   wall-clock throughput;
 * - the machine, the commit and the load average before and after are
 *   recorded with the numbers;
 * - it refuses to start while another process uses more than 10% of a core
 *   (`--allow-busy` runs anyway and records which), and names the tests
 *   during which another process did, and what used the CPU at the end.
 *
 * PING_MBULK also runs against the Deno floor (bench/deno_floor.ts), a Deno
 * server that only frames requests and answers +PONG through the socket ops
 * Rift uses: the report gives it as what the runtime alone allows, so a gap
 * to Redis splits into the runtime's share and Rift's own.
 *
 * The memory part loads the same data into both (1,000,000 small string keys,
 * then 100 collections of 100,000 elements) and compares resident memory
 * after `MEMORY PURGE` (a full GC in Rift).
 *
 * Usage: deno task bench:compare [--quick] [--reps 3] [--no-memory] [--no-throughput]
 *          [--tests set,get] [--pipelines 1,16] [--requests 200000] [--allow-busy] [--no-floor]
 *          [--rift-args="--io-backend deno"]
 *        deno task bench:compare --render bench/results/<run>.json   (make it latest.*)
 * Writes bench/results/<date>-<commit>.json and .md, and bench/results/latest.md
 * and latest.svg (the README shows the latter two).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { renderChart } from "./chart.ts";
import { infoField } from "./soak.ts";
import { RespClient } from "../tests/helpers/client.ts";
import {
  busyBetween,
  type BusyProcess,
  busyProcesses,
  command,
  cpuMicrosOf,
  type CpuSnapshot,
  cpuSnapshot,
  describeCommit,
  describeMachine,
  loadAverage,
  median,
  pipeCommands,
  rssOf,
  type ServerProcess,
  startFloorProcess,
  startRedisProcess,
  startRiftProcess,
} from "./servers.ts";

const RESULTS = new URL("./results/", import.meta.url).pathname;

/** The tests of the comparison, in redis-benchmark's names. */
export const DEFAULT_TESTS = [
  "ping_mbulk",
  "set",
  "get",
  "incr",
  "lpush",
  "rpush",
  "lpop",
  "rpop",
  "sadd",
  "hset",
  "spop",
  "zadd",
  "zpopmin",
  "lrange_100",
  "lrange_600",
  "mset",
];

/** Share of the request count used by tests that are much heavier per request. */
const REQUEST_SHARE: Record<string, number> = {
  lrange_100: 0.5,
  lrange_600: 0.2,
  mset: 0.5,
};

/** Clients, as in redis-benchmark's default. */
const CLIENTS = 50;
/** Key space of random keys (`-r`). */
const KEYSPACE = 100_000;

/** The targets of the performance issue. */
export const TARGETS = {
  /** Minimum throughput ratio without pipelining. */
  ratioNoPipeline: 0.95,
  /** Minimum throughput ratio with `-P 16`. */
  ratioPipelined: 0.6,
  /** Maximum Rift p99 ÷ Redis p99 without pipelining. */
  p99Ratio: 1.5,
  /** Maximum Rift RSS ÷ Redis RSS with 1M small keys. */
  keysMemoryRatio: 1.5,
};

/** One redis-benchmark run against one server. */
export interface Run {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time (user + system) per request, in µs. */
  cpuPerRequest: number;
  /** 1-minute load average when the run started. */
  load: number;
}

/** A server's result for one test: medians of its runs, and the runs. */
export interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
  runs: Run[];
}

/** One row of the comparison. */
export interface Row {
  test: string;
  pipeline: number;
  requests: number;
  rift: Measurement;
  redis: Measurement;
  /**
   * Rift throughput ÷ Redis throughput: the median over the rounds of the
   * two servers' runs in the same round (in older results, without
   * `p99Ratio`, the ratio of the two medians).
   */
  ratio: number;
  /** Rift p99 ÷ Redis p99, the median over the rounds likewise (absent in older results). */
  p99Ratio?: number;
  /** Set when the test could not run (e.g. a command Rift lacks). */
  error?: string;
  /** The Deno floor in the same rounds (PING_MBULK only; absent in older results). */
  floor?: Measurement;
  /** Other processes that used the CPU while the test ran (absent when none, and in older results). */
  busy?: BusyProcess[];
}

/** Resident memory comparison. */
export interface MemoryResult {
  keys: number;
  collections: number;
  elements: number;
  rift: { baseline: number; withKeys: number; withCollections: number };
  redis: { baseline: number; withKeys: number; withCollections: number };
  keysRatio: number;
  bytesPerKeyRift: number;
  bytesPerKeyRedis: number;
  collectionsRatio: number;
  /** Kinds of the collections, in turn (those Rift has commands for). */
  kinds: string[];
  /**
   * Many small collections on top (two elements each, the kinds in turn):
   * the shape of per-object hashes and sets. Absent in older results.
   */
  small?: {
    count: number;
    rift: number;
    redis: number;
    ratio: number;
    bytesPerCollectionRift: number;
    bytesPerCollectionRedis: number;
  };
}

/** Everything one invocation measured. */
/** Extra flags for Rift (`--rift-args="--io-backend deno"`), recorded in the result. */
let riftArgs: string[] = [];
/** The socket backend Rift served with (INFO's multiplexing_api), recorded in the result. */
let riftIoBackend = "";

export interface Result {
  date: string;
  commit: string;
  machine: string;
  loadBefore: number[];
  loadAfter: number[];
  /** Other processes using CPU before the run and after it (absent in older results). */
  busyBefore?: BusyProcess[];
  busyAfter?: BusyProcess[];
  reps: number;
  /**
   * True when each test's runs were spread over rounds of all the tests;
   * absent in older results, whose runs of a test followed each other.
   */
  spreadRounds?: boolean;
  rows: Row[];
  memory: MemoryResult | null;
  /** Extra flags Rift ran with (`--rift-args`; absent in older results and when none). */
  riftArgs?: string[];
  /** Rift's socket backend, INFO's multiplexing_api: epoll or tokio (absent in older results). */
  ioBackend?: string;
}

/** How the report names a socket backend (INFO's multiplexing_api). */
const BACKEND_NAMES: Record<string, string> = {
  epoll: "its own epoll loop (io-backend epoll)",
  tokio: "Deno's socket ops (io-backend deno)",
};

/** Runs redis-benchmark once and reads its CSV line and the server's CPU time. */
async function runBenchmark(
  server: ServerProcess,
  test: string,
  requests: number,
  pipeline: number,
): Promise<Run> {
  const load = loadAverage()[0];
  const cpuBefore = cpuMicrosOf(server.pid);
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(server.port),
      "-t",
      test,
      "-n",
      String(requests),
      "-c",
      String(CLIENTS),
      "-r",
      String(KEYSPACE),
      "-P",
      String(pipeline),
      "--csv",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const cpu = cpuMicrosOf(server.pid) - cpuBefore;
  const text = new TextDecoder().decode(out.stdout);
  const lines = text.trim().split("\n").filter((l) => l.startsWith('"') && !l.startsWith('"test"'));
  // LRANGE tests are preceded by the LPUSH that fills the list: keep the last line.
  const last = lines[lines.length - 1];
  if (!last || /ERR|WRONGTYPE/.test(text)) {
    // redis-benchmark's complaint that it cannot read the server's CONFIG is not the reason.
    const said = `${text}\n${new TextDecoder().decode(out.stderr)}`.split("\n")
      .find((l) => l.trim() !== "" && !l.startsWith('"') && !l.includes("Could not fetch"));
    throw new Error(`redis-benchmark ${test} against ${server.name}: ${said ?? "no result"}`);
  }
  const cells = last.split(",").map((c) => c.replaceAll('"', ""));
  // Requests of the LRANGE tests' LPUSH prelude count in the CPU time too.
  const executed = test.startsWith("lrange") ? requests * 2 : requests;
  return {
    rps: Number(cells[1]),
    p50: Number(cells[4]),
    p99: Number(cells[6]),
    cpuPerRequest: cpu / executed,
    load,
  };
}

function summarize(runs: Run[]): Measurement {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuPerRequest: median(runs.map((r) => r.cpuPerRequest)),
    runs,
  };
}

const EMPTY: Measurement = { rps: NaN, p50: NaN, p99: NaN, cpuPerRequest: NaN, runs: [] };

/** Share of a test's requests in its unmeasured warm-up run against each server. */
const WARMUP_SHARE = 0.25;

/** Rift p99 ÷ Redis p99 of a row (older results have only the two medians). */
export function p99RatioOf(row: Row): number {
  return row.p99Ratio ?? row.rift.p99 / row.redis.p99;
}

/** One test of the comparison while its rounds run. */
interface Case {
  test: string;
  pipeline: number;
  requests: number;
  /** Whether the Deno floor runs this test too. */
  withFloor: boolean;
  riftRuns: Run[];
  redisRuns: Run[];
  floorRuns: Run[];
  /** CPU snapshots around each of its rounds, to tell what else used the CPU meanwhile. */
  intervals: [CpuSnapshot, CpuSnapshot][];
  error?: string;
}

/**
 * Runs one round of one test: each server once (and the floor, when the
 * test has it), alternating from round to round and from test to test
 * which server goes first, so neither always gets the warmer (or quieter)
 * turn. `position` is the test's place in the round. In the first round
 * each server first runs the test unmeasured with a quarter of the
 * requests: Rift's first requests of a kind run before V8 has compiled
 * their code, a start-up cost a long-running server pays once.
 */
async function runRound(
  rift: ServerProcess,
  redis: ServerProcess,
  floor: ServerProcess | null,
  kase: Case,
  position: number,
  round: number,
): Promise<void> {
  const order = (position + round) % 2 === 0 ? [rift, redis] : [redis, rift];
  if (kase.withFloor && floor !== null) order.splice(round % 3, 0, floor);
  let before = cpuSnapshot();
  try {
    if (round === 0) {
      const warmup = Math.max(1000, Math.round(kase.requests * WARMUP_SHARE));
      for (const server of order) await runBenchmark(server, kase.test, warmup, kase.pipeline);
      before = cpuSnapshot();
    }
    for (const server of order) {
      const run = await runBenchmark(server, kase.test, kase.requests, kase.pipeline);
      (server === rift ? kase.riftRuns : server === redis ? kase.redisRuns : kase.floorRuns)
        .push(run);
    }
  } catch (e) {
    kase.error = (e as Error).message;
  }
  kase.intervals.push([before, cpuSnapshot()]);
}

/**
 * What other processes used over several intervals (a test's rounds,
 * spread over the run), as if the intervals were one: each process's CPU
 * time in them over their total length.
 */
export function busyDuring(
  intervals: readonly [CpuSnapshot, CpuSnapshot][],
  exclude: readonly number[],
): BusyProcess[] {
  const total: CpuSnapshot = { at: 0, ticks: new Map() };
  for (const [before, after] of intervals) {
    total.at += after.at - before.at;
    for (const [pid, { name, ticks }] of after.ticks) {
      const used = ticks - (before.ticks.get(pid)?.ticks ?? 0);
      const sum = total.ticks.get(pid);
      if (sum === undefined) total.ticks.set(pid, { name, ticks: used });
      else sum.ticks += used;
    }
  }
  return busyBetween({ at: 0, ticks: new Map() }, total, exclude);
}

/**
 * Rift ÷ Redis throughput and p99, each the median over the rounds of the
 * two servers' runs in the same round (`rift[i]` and `redis[i]`). Runs of a
 * round were back to back, so their ratio is free of the machine's slower
 * and faster spells, which the medians of each server's runs taken apart
 * are not: those can come from different rounds.
 */
export function roundRatios(
  rift: readonly Run[],
  redis: readonly Run[],
): { ratio: number; p99Ratio: number } {
  return {
    ratio: median(rift.map((run, i) => run.rps / redis[i].rps)),
    p99Ratio: median(rift.map((run, i) => run.p99 / redis[i].p99)),
  };
}

/** The row of a test whose rounds are done: the medians of each server's runs. */
function rowOf(kase: Case, measured: readonly number[]): Row {
  const { test, pipeline, requests } = kase;
  if (kase.error !== undefined) {
    return { test, pipeline, requests, rift: EMPTY, redis: EMPTY, ratio: NaN, error: kase.error };
  }
  const row: Row = {
    test,
    pipeline,
    requests,
    rift: summarize(kase.riftRuns),
    redis: summarize(kase.redisRuns),
    ...roundRatios(kase.riftRuns, kase.redisRuns),
  };
  if (kase.floorRuns.length > 0) row.floor = summarize(kase.floorRuns);
  const busy = busyDuring(kase.intervals, measured);
  if (busy.length > 0) {
    row.busy = busy;
    console.error(
      `While ${test} -P ${pipeline} ran, other processes used the CPU: ${describeBusy(busy)}`,
    );
  }
  return row;
}

function fmtRate(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–";
}

function fmtMs(n: number): string {
  return Number.isFinite(n) ? n.toFixed(3) : "–";
}

function fmtRatio(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : "–";
}

/** Markdown table of the comparison. */
export function renderTable(rows: Row[]): string {
  const lines = [
    "| Test | -P | Rift req/s | Redis req/s | Ratio | Rift p50 / p99 ms | Redis p50 / p99 ms | p99 ratio | CPU µs/req Rift / Redis |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    if (r.error) {
      lines.push(`| ${r.test.toUpperCase()} | ${r.pipeline} | not run: ${r.error} ||||||||`);
      continue;
    }
    lines.push(
      `| ${r.test.toUpperCase()} | ${r.pipeline} | ${fmtRate(r.rift.rps)} | ${
        fmtRate(r.redis.rps)
      } | ${fmtRatio(r.ratio)} | ${fmtMs(r.rift.p50)} / ${fmtMs(r.rift.p99)} | ${
        fmtMs(r.redis.p50)
      } / ${fmtMs(r.redis.p99)} | ${fmtRatio(p99RatioOf(r))} | ${
        r.rift.cpuPerRequest.toFixed(2)
      } / ${r.redis.cpuPerRequest.toFixed(2)} |`,
    );
  }
  return lines.join("\n");
}

/**
 * What the Deno floor reached in the rows that measured it, beside Redis
 * and Rift, or nothing for results without it.
 */
export function renderFloor(rows: Row[]): string[] {
  const measured = rows.filter((r) => r.floor !== undefined && !r.error);
  if (measured.length === 0) return [];
  const lines = [
    "The Deno floor (bench/deno_floor.ts: frames requests and answers +PONG through Deno's socket ops, nothing else), in the same PING_MBULK rounds:",
    "",
    "| -P | Floor req/s | ÷ Redis | Floor p50 / p99 ms | p99 ÷ Redis | CPU µs/req floor / Redis | Rift ÷ floor req/s |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of measured) {
    const f = r.floor!;
    lines.push(
      `| ${r.pipeline} | ${fmtRate(f.rps)} | ${fmtRatio(f.rps / r.redis.rps)} | ${fmtMs(f.p50)} / ${
        fmtMs(f.p99)
      } | ${fmtRatio(f.p99 / r.redis.p99)} | ${f.cpuPerRequest.toFixed(2)} / ${
        r.redis.cpuPerRequest.toFixed(2)
      } | ${fmtRatio(r.rift.rps / f.rps)} |`,
    );
  }
  lines.push("");
  return lines;
}

/** Which targets the result meets, one line each. */
export function renderTargets(result: Result): string {
  const lines: string[] = [];
  const check = (ok: boolean, text: string) => lines.push(`- ${ok ? "✅" : "❌"} ${text}`);
  const measured = result.rows.filter((r) => !r.error);
  const single = measured.filter((r) => r.pipeline === 1);
  const piped = measured.filter((r) => r.pipeline > 1);
  if (single.length > 0) {
    const worst = single.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    check(
      worst.ratio >= TARGETS.ratioNoPipeline,
      `Throughput without pipelining ≥ ${TARGETS.ratioNoPipeline} × Redis: lowest ${
        fmtRatio(worst.ratio)
      } (${worst.test.toUpperCase()})`,
    );
    const worstP99 = single.reduce((a, b) => p99RatioOf(b) > p99RatioOf(a) ? b : a);
    check(
      p99RatioOf(worstP99) <= TARGETS.p99Ratio,
      `p99 latency without pipelining ≤ ${TARGETS.p99Ratio} × Redis: highest ${
        fmtRatio(p99RatioOf(worstP99))
      } (${worstP99.test.toUpperCase()})`,
    );
  }
  if (piped.length > 0) {
    const worst = piped.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    check(
      worst.ratio >= TARGETS.ratioPipelined,
      `Throughput with -P ${worst.pipeline} ≥ ${TARGETS.ratioPipelined} × Redis: lowest ${
        fmtRatio(worst.ratio)
      } (${worst.test.toUpperCase()})`,
    );
  }
  const m = result.memory;
  if (m) {
    check(
      m.keysRatio <= TARGETS.keysMemoryRatio,
      `RSS with ${
        m.keys.toLocaleString("en-US")
      } small keys ≤ ${TARGETS.keysMemoryRatio} × Redis: ${fmtRatio(m.keysRatio)}`,
    );
  }
  return lines.join("\n");
}

/** "name (pid 12) 100%, ..." */
function describeBusy(busy: BusyProcess[]): string {
  return busy.map((p) => `${p.name} (pid ${p.pid}) ${(p.share * 100).toFixed(0)}%`).join(", ");
}

/** A paragraph naming the tests during which other processes used the CPU, if any. */
function busyRows(rows: Row[]): string[] {
  const noted = rows.filter((row) => row.busy !== undefined && row.busy.length > 0);
  if (noted.length === 0) return [];
  const tests = noted.map((row) =>
    `${row.test.toUpperCase()} -P ${row.pipeline} (${describeBusy(row.busy!)})`
  );
  return [`Other processes used the CPU during: ${tests.join("; ")}.`, ""];
}

/** What else used the CPU around the run, for results that recorded it. */
function busyLine(result: Result): string {
  if (result.busyBefore === undefined) return "";
  const part = (busy: BusyProcess[]) => busy.length === 0 ? "none" : describeBusy(busy);
  const after = result.busyAfter === undefined ? "" : `, after: ${part(result.busyAfter)}`;
  return ` Other processes over 10% of a core before: ${part(result.busyBefore)}${after}.`;
}

/** The Markdown report of a result. */
export function renderReport(result: Result): string {
  const m = result.memory;
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
  return [
    `Measured ${result.date} at commit ${result.commit} on ${result.machine}.`,
    `Load average before ${load(result.loadBefore)}, after ${load(result.loadAfter)}.` +
    busyLine(result),
    `redis-benchmark -c ${CLIENTS} -r ${KEYSPACE}; ${
      result.spreadRounds
        ? `${result.reps} rounds of all the tests, each running every test once against each server, back to back, alternating which goes first (after an unmeasured warm-up run of a quarter of the requests); req/s and latencies are each server's medians; ratios are the medians over the rounds of Rift ÷ Redis in the same round.`
        : `median of ${result.reps} alternating runs per server; ratio = Rift ÷ Redis.`
    }` +
    (result.riftArgs?.length ? ` Rift ran with \`${result.riftArgs.join(" ")}\`.` : "") +
    (result.ioBackend
      ? ` Rift's sockets: ${BACKEND_NAMES[result.ioBackend] ?? result.ioBackend}.`
      : ""),
    "",
    renderTable(result.rows),
    "",
    ...busyRows(result.rows),
    ...renderFloor(result.rows),
    m
      ? [
        "| Memory (RSS after MEMORY PURGE) | Rift | Redis | Ratio |",
        "|---|---|---|---|",
        `| Empty | ${mb(m.rift.baseline)} | ${mb(m.redis.baseline)} | ${
          fmtRatio(m.rift.baseline / m.redis.baseline)
        } |`,
        `| ${m.keys.toLocaleString("en-US")} small string keys | ${mb(m.rift.withKeys)} | ${
          mb(m.redis.withKeys)
        } | ${fmtRatio(m.keysRatio)} |`,
        `| … plus ${m.collections} collections (${m.kinds.join(", ")}) of ${
          m.elements.toLocaleString("en-US")
        } elements | ${mb(m.rift.withCollections)} | ${mb(m.redis.withCollections)} | ${
          fmtRatio(m.collectionsRatio)
        } |`,
        ...(m.small
          ? [
            `| … plus ${m.small.count.toLocaleString("en-US")} small collections (${
              m.kinds.join(", ")
            }) of 2 elements | ${mb(m.small.rift)} | ${mb(m.small.redis)} | ${
              fmtRatio(m.small.ratio)
            } |`,
          ]
          : []),
        "",
        `Bytes per small key (RSS growth ÷ keys): Rift ${m.bytesPerKeyRift.toFixed(0)}, Redis ${
          m.bytesPerKeyRedis.toFixed(0)
        }.`,
        ...(m.small
          ? [
            `Bytes per small collection: Rift ${m.small.bytesPerCollectionRift.toFixed(0)}, Redis ${
              m.small.bytesPerCollectionRedis.toFixed(0)
            }.`,
          ]
          : []),
        "",
      ].join("\n")
      : "",
    "Targets:",
    "",
    renderTargets(result),
    "",
  ].join("\n");
}

/** `SET key:NNNNNNN value:NNNNNNNNN` for `count` keys, in batches of 1000. */
function* smallKeys(count: number): Generator<string[][]> {
  for (let i = 0; i < count; i += 1000) {
    const batch: string[][] = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) {
      batch.push([
        "SET",
        `key:${String(j).padStart(7, "0")}`,
        `value:${String(j).padStart(9, "0")}`,
      ]);
    }
    yield batch;
  }
}

/** Small collections loaded after the large ones. */
const SMALL_COLLECTIONS = 400_000;

/** The collection kinds, and the command that fills each. */
const COLLECTION_KINDS = { list: "RPUSH", hash: "HSET", set: "SADD", zset: "ZADD" } as const;
type CollectionKind = keyof typeof COLLECTION_KINDS;

/** The kinds whose commands Rift has (a family still being built is left out of both servers). */
async function kindsRiftHas(rift: ServerProcess): Promise<CollectionKind[]> {
  const c = await RespClient.connect(rift.port);
  try {
    const kinds: CollectionKind[] = [];
    for (const [kind, cmd] of Object.entries(COLLECTION_KINDS)) {
      const reply = await c.call("COMMAND", "INFO", cmd);
      if (reply.type === "array" && reply.items[0]?.type === "array") {
        kinds.push(kind as CollectionKind);
      }
    }
    return kinds;
  } finally {
    await c.close();
  }
}

/** `count` collections of the given kinds in turn, `elements` each, 1000 per command. */
function* collections(
  kinds: CollectionKind[],
  count: number,
  elements: number,
): Generator<string[][]> {
  for (let k = 0; k < count; k++) {
    const kind = kinds[k % kinds.length];
    const key = `${kind}:${k}`;
    for (let i = 0; i < elements; i += 1000) {
      const cmd: string[] = [COLLECTION_KINDS[kind], key];
      for (let j = i; j < Math.min(elements, i + 1000); j++) {
        if (kind === "hash") cmd.push(`field:${j}`, `value:${j}`);
        else if (kind === "zset") cmd.push(String(j), `member:${j}`);
        else cmd.push(`member:${j}`);
      }
      yield [cmd];
    }
  }
}

/** `count` collections of two elements each, the kinds in turn, 1000 commands per batch. */
function* smallCollections(kinds: CollectionKind[], count: number): Generator<string[][]> {
  for (let i = 0; i < count; i += 1000) {
    const batch: string[][] = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) {
      const kind = kinds[j % kinds.length];
      const cmd: string[] = [COLLECTION_KINDS[kind], `small:${kind}:${j}`];
      if (kind === "hash") cmd.push("name", `user:${j}`, "visits", String(j % 1000));
      else if (kind === "zset") cmd.push("1", `a:${j}`, "2", `b:${j}`);
      else cmd.push(`a:${j}`, `b:${j}`);
      batch.push(cmd);
    }
    yield batch;
  }
}

/** RSS after asking the server to give memory back (a full GC in Rift) and a pause. */
async function settledRss(server: ServerProcess): Promise<number> {
  await command(server.port, "MEMORY", "PURGE");
  await new Promise((r) => setTimeout(r, 1500));
  return rssOf(server.pid);
}

async function compareMemory(
  rift: ServerProcess,
  redis: ServerProcess,
  keys: number,
  count: number,
  elements: number,
): Promise<MemoryResult> {
  const servers = [rift, redis];
  for (const s of servers) await command(s.port, "FLUSHALL");
  const baseline = await Promise.all(servers.map(settledRss));
  for (const s of servers) await pipeCommands(s.port, smallKeys(keys));
  const withKeys = await Promise.all(servers.map(settledRss));
  const kinds = await kindsRiftHas(rift);
  for (const s of servers) await pipeCommands(s.port, collections(kinds, count, elements));
  const withCollections = await Promise.all(servers.map(settledRss));
  for (const s of servers) await pipeCommands(s.port, smallCollections(kinds, SMALL_COLLECTIONS));
  const withSmall = await Promise.all(servers.map(settledRss));
  return {
    keys,
    collections: count,
    elements,
    rift: { baseline: baseline[0], withKeys: withKeys[0], withCollections: withCollections[0] },
    redis: { baseline: baseline[1], withKeys: withKeys[1], withCollections: withCollections[1] },
    keysRatio: withKeys[0] / withKeys[1],
    bytesPerKeyRift: (withKeys[0] - baseline[0]) / keys,
    bytesPerKeyRedis: (withKeys[1] - baseline[1]) / keys,
    collectionsRatio: withCollections[0] / withCollections[1],
    kinds,
    small: {
      count: SMALL_COLLECTIONS,
      rift: withSmall[0],
      redis: withSmall[1],
      ratio: withSmall[0] / withSmall[1],
      bytesPerCollectionRift: (withSmall[0] - withCollections[0]) / SMALL_COLLECTIONS,
      bytesPerCollectionRedis: (withSmall[1] - withCollections[1]) / SMALL_COLLECTIONS,
    },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      "no-memory": { type: "boolean", default: false },
      "no-throughput": { type: "boolean", default: false },
      tests: { type: "string" },
      pipelines: { type: "string", default: "1,16" },
      requests: { type: "string" },
      reps: { type: "string" },
      render: { type: "string" },
      "allow-busy": { type: "boolean", default: false },
      "no-floor": { type: "boolean", default: false },
      "rift-args": { type: "string", default: "" },
    },
  });
  if (values.render) {
    // Show a stored result as the latest one (latest.md and latest.svg) without measuring.
    const stored = JSON.parse(await Deno.readTextFile(values.render)) as Result;
    await Deno.writeTextFile(`${RESULTS}latest.md`, renderReport(stored));
    await Deno.writeTextFile(`${RESULTS}latest.svg`, renderChart(stored.rows));
    Deno.exit(0);
  }
  const quick = values.quick;
  riftArgs = values["rift-args"].split(/\s+/).filter((a) => a.length > 0);
  const tests = values.tests ? values.tests.split(",") : DEFAULT_TESTS;
  const pipelines = values.pipelines.split(",").map(Number);
  const requests = Number(values.requests ?? (quick ? 50_000 : 200_000));
  const reps = Number(values.reps ?? (quick ? 1 : 3));
  const loadBefore = loadAverage();
  const busyBefore = await busyProcesses();
  if (busyBefore.length > 0) {
    console.error(`Other processes are using the CPU: ${describeBusy(busyBefore)}.`);
    if (!values["allow-busy"]) {
      console.error("Their load would be measured too; stop them, or pass --allow-busy.");
      Deno.exit(1);
    }
  }
  const rows: Row[] = [];
  let memory: MemoryResult | null = null;
  let stem = "";
  if (!values["no-throughput"]) {
    const rift = await startRiftProcess(riftArgs);
    riftIoBackend = await infoField(rift.port, "server", "multiplexing_api");
    const redis = await startRedisProcess();
    let floor: ServerProcess | null = null;
    try {
      if (!values["no-floor"] && tests.includes("ping_mbulk")) floor = await startFloorProcess();
      // Round after round of every test, so each test's runs are spread over
      // the whole run: a spell of this machine running slow (they last
      // seconds to minutes) reaches one of a test's runs, not all of them,
      // and the median leaves it out.
      const cases: Case[] = [];
      for (const pipeline of pipelines) {
        for (const test of tests) {
          cases.push({
            test,
            pipeline,
            // Pipelined runs are faster per request: give them more requests.
            requests: Math.round(requests * (pipeline > 1 ? 4 : 1) * (REQUEST_SHARE[test] ?? 1)),
            withFloor: test === "ping_mbulk",
            riftRuns: [],
            redisRuns: [],
            floorRuns: [],
            intervals: [],
          });
        }
      }
      const measured = [rift.pid, redis.pid, ...(floor !== null ? [floor.pid] : [])];
      for (let round = 0; round < reps; round++) {
        const last = round === reps - 1;
        if (last) console.log(renderTable([]));
        for (const [position, kase] of cases.entries()) {
          if (kase.error === undefined) {
            await runRound(rift, redis, floor, kase, position, round);
          }
          if (last) {
            const row = rowOf(kase, measured);
            rows.push(row);
            console.log(renderTable([row]).split("\n")[2]);
          } else {
            console.log(
              `round ${round + 1} of ${reps}: ${kase.test.toUpperCase()} -P ${kase.pipeline}: ` +
                (kase.error ??
                  `Rift ${fmtRate(kase.riftRuns[round].rps)}, Redis ${
                    fmtRate(kase.redisRuns[round].rps)
                  } req/s`),
            );
          }
        }
      }
    } finally {
      await rift.stop();
      await redis.stop();
      await floor?.stop();
    }
    stem = (await writeResult(loadBefore, busyBefore, null, reps, rows, null)).stem;
  }
  if (!values["no-memory"]) {
    // Fresh servers: the baseline must not include what the throughput tests left.
    const rift = await startRiftProcess(riftArgs);
    const redis = await startRedisProcess();
    try {
      memory = await compareMemory(
        rift,
        redis,
        quick ? 100_000 : 1_000_000,
        quick ? 8 : 100,
        quick ? 10_000 : 100_000,
      );
    } finally {
      await rift.stop();
      await redis.stop();
    }
  }
  const busyAfter = await busyProcesses();
  const result = await writeResult(loadBefore, busyBefore, busyAfter, reps, rows, memory, stem);
  console.log(`\n${renderReport(result)}`);
}

/**
 * Writes a result: `<date>-<commit>.json` and `.md`, and latest.md and
 * latest.svg. Called after the throughput part too, so a failure while
 * loading the memory dataset loses nothing measured before.
 */
async function writeResult(
  loadBefore: number[],
  busyBefore: BusyProcess[],
  busyAfter: BusyProcess[] | null,
  reps: number,
  rows: Row[],
  memory: MemoryResult | null,
  stem = "",
): Promise<Result & { stem: string }> {
  const date = new Date().toISOString();
  const commit = describeCommit();
  const result = {
    date,
    commit,
    machine: describeMachine(),
    loadBefore,
    loadAfter: loadAverage(),
    busyBefore,
    ...(busyAfter === null ? {} : { busyAfter }),
    reps,
    spreadRounds: true,
    rows,
    memory,
    ...(riftArgs.length > 0 ? { riftArgs } : {}),
    ...(riftIoBackend ? { ioBackend: riftIoBackend } : {}),
    stem: stem || `${date.replace(/[:.]/g, "-")}-${commit}`,
  };
  const { stem: _, ...stored } = result;
  const report = renderReport(stored);
  await Deno.mkdir(RESULTS, { recursive: true });
  await Deno.writeTextFile(`${RESULTS}${result.stem}.json`, JSON.stringify(stored, null, 2) + "\n");
  await Deno.writeTextFile(`${RESULTS}${result.stem}.md`, report);
  await Deno.writeTextFile(`${RESULTS}latest.md`, report);
  if (rows.length > 0) await Deno.writeTextFile(`${RESULTS}latest.svg`, renderChart(rows));
  return result;
}
