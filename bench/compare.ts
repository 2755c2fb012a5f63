/**
 * Side-by-side benchmark: starts Rift and Debian's redis-server (persistence
 * off for both), runs the same redis-benchmark tests against each in turn,
 * and reports throughput and latency as ratios Rift ÷ Redis measured in the
 * same run on the same machine. Also compares resident memory for the same
 * dataset.
 *
 * Usage: deno task bench:compare [--quick] [--no-memory] [--tests set,get]
 * Writes bench/results/<date>.json, bench/results/latest.md and latest.svg.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { freePort, waitForPort } from "../tests/helpers/server.ts";
import { encodeCommand, RespClient } from "../tests/helpers/client.ts";
import { renderChart } from "./chart.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const RESULTS = `${ROOT}bench/results`;

/** The tests of the issue, in redis-benchmark's names. */
const DEFAULT_TESTS = [
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

/** One redis-benchmark measurement. */
export interface Measurement {
  test: string;
  rps: number;
  p50: number;
  p99: number;
}

/** One row of the comparison. */
export interface Row {
  test: string;
  pipeline: number;
  rift: Measurement;
  redis: Measurement;
  ratio: number;
}

interface Server {
  name: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

async function startRiftProcess(): Promise<Server> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--v8-flags=--expose-gc",
      `${ROOT}main.ts`,
      "--port",
      String(port),
      "--save",
      "",
      "--loglevel",
      "warning",
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  await waitForPort(port, 30_000);
  return {
    name: "rift",
    port,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

async function startRedisProcess(): Promise<Server> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "bench-redis-" });
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
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

/** Runs redis-benchmark for one test and parses its CSV line. */
async function runBenchmark(
  port: number,
  test: string,
  requests: number,
  pipeline: number,
): Promise<Measurement> {
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(port),
      "-t",
      test,
      "-n",
      String(requests),
      "-c",
      "50",
      "-r",
      "100000",
      "-P",
      String(pipeline),
      "--csv",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const lines = text.trim().split("\n").filter((l) => l.startsWith('"') && !l.startsWith('"test"'));
  // LRANGE tests are preceded by the LPUSH that fills the list: keep the last line.
  const last = lines[lines.length - 1];
  if (!last) {
    throw new Error(
      `redis-benchmark ${test} gave no result: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  const cells = last.split(",").map((c) => c.replaceAll('"', ""));
  return { test, rps: Number(cells[1]), p50: Number(cells[4]), p99: Number(cells[6]) };
}

/** Resident memory of a process in bytes, from /proc. */
export async function rssOf(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Loads 1M small string keys and 100 collections of 100k elements, pipelined. */
async function loadDataset(
  port: number,
  keys: number,
  collections: number,
  elements: number,
): Promise<void> {
  const c = await RespClient.connect(port);
  const batch = 1000;
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  const send = async (commands: string[][]) => {
    const parts = commands.map((cmd) => encodeCommand(cmd));
    let n = 0;
    for (const p of parts) n += p.length;
    const buf = new Uint8Array(n);
    let off = 0;
    for (const p of parts) {
      buf.set(p, off);
      off += p.length;
    }
    await c.writeRaw(buf);
    for (let i = 0; i < commands.length; i++) {
      const { reply } = await c.read(60_000);
      if (reply.type === "error") throw new Error(reply.text);
    }
  };
  for (let i = 0; i < keys; i += batch) {
    const cmds: string[][] = [];
    for (let j = i; j < Math.min(keys, i + batch); j++) {
      cmds.push(["SET", `key:${pad(j, 7)}`, `value:${pad(j, 9)}`]);
    }
    await send(cmds);
  }
  const kinds = ["list", "hash", "set", "zset"];
  for (let k = 0; k < collections; k++) {
    const kind = kinds[k % kinds.length];
    const key = `${kind}:${k}`;
    for (let i = 0; i < elements; i += batch) {
      const args: string[] = [];
      for (let j = i; j < Math.min(elements, i + batch); j++) {
        if (kind === "hash") args.push(`field:${j}`, `value:${j}`);
        else if (kind === "zset") args.push(String(j), `member:${j}`);
        else args.push(`member:${j}`);
      }
      const cmd = kind === "list"
        ? "RPUSH"
        : kind === "hash"
        ? "HSET"
        : kind === "set"
        ? "SADD"
        : "ZADD";
      await send([[cmd, key, ...args]]);
    }
  }
  await c.close();
}

async function settledRss(server: Server): Promise<number> {
  if (server.name === "rift") {
    // Let V8 finish collecting before measuring (MEMORY PURGE runs a full GC when exposed).
    const c = await RespClient.connect(server.port);
    await c.call("MEMORY", "PURGE");
    await c.close();
  }
  await new Promise((r) => setTimeout(r, 2000));
  return await rssOf(server.pid);
}

function machine(): string {
  const cpus = navigator.hardwareConcurrency;
  let model = "";
  try {
    model = /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? "";
  } catch {
    // Not Linux.
  }
  const mem = Deno.systemMemoryInfo().total;
  return `${cpus} cores (${model}), ${
    (mem / 2 ** 30).toFixed(0)
  } GiB, ${Deno.build.os} ${Deno.build.arch}, Deno ${Deno.version.deno}`;
}

function fmt(n: number): string {
  return n >= 1000 ? Math.round(n).toLocaleString("en-US") : n.toFixed(3);
}

/** Markdown table of the comparison. */
export function renderTable(rows: Row[]): string {
  const lines = [
    "| Test | Pipeline | Rift req/s | Redis req/s | Ratio | Rift p50/p99 ms | Redis p50/p99 ms |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.test.toUpperCase()} | ${r.pipeline} | ${fmt(r.rift.rps)} | ${fmt(r.redis.rps)} | ${
        r.ratio.toFixed(2)
      } | ${r.rift.p50.toFixed(3)} / ${r.rift.p99.toFixed(3)} | ${r.redis.p50.toFixed(3)} / ${
        r.redis.p99.toFixed(3)
      } |`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      "no-memory": { type: "boolean", default: false },
      tests: { type: "string" },
      requests: { type: "string" },
    },
  });
  const tests = values.tests ? values.tests.split(",") : DEFAULT_TESTS;
  const requests = Number(values.requests ?? (values.quick ? 100_000 : 500_000));
  const rift = await startRiftProcess();
  const redis = await startRedisProcess();
  const rows: Row[] = [];
  try {
    for (const pipeline of [1, 16]) {
      for (const test of tests) {
        const n = pipeline === 1 ? requests : requests * 4;
        // Alternate the order so neither server always runs on a warmer machine.
        const riftFirst = rows.length % 2 === 0;
        const a = await runBenchmark(riftFirst ? rift.port : redis.port, test, n, pipeline);
        const b = await runBenchmark(riftFirst ? redis.port : rift.port, test, n, pipeline);
        const [r, s] = riftFirst ? [a, b] : [b, a];
        rows.push({ test, pipeline, rift: r, redis: s, ratio: r.rps / s.rps });
        console.log(renderTable([rows[rows.length - 1]]).split("\n")[2]);
      }
    }
    let memory = null;
    if (!values["no-memory"]) {
      for (const s of [rift, redis]) {
        const c = await RespClient.connect(s.port);
        await c.call("FLUSHALL");
        await c.close();
      }
      const keys = values.quick ? 100_000 : 1_000_000;
      const baseRift = await settledRss(rift);
      const baseRedis = await settledRss(redis);
      await loadDataset(rift.port, keys, 0, 0);
      await loadDataset(redis.port, keys, 0, 0);
      const keysRift = await settledRss(rift);
      const keysRedis = await settledRss(redis);
      const collections = values.quick ? 8 : 100;
      const elements = values.quick ? 10_000 : 100_000;
      await loadDataset(rift.port, 0, collections, elements);
      await loadDataset(redis.port, 0, collections, elements);
      const allRift = await settledRss(rift);
      const allRedis = await settledRss(redis);
      memory = {
        keys,
        collections,
        elements,
        rift: { baseline: baseRift, withKeys: keysRift, withCollections: allRift },
        redis: { baseline: baseRedis, withKeys: keysRedis, withCollections: allRedis },
        keysRatio: keysRift / keysRedis,
        bytesPerKeyRift: (keysRift - baseRift) / keys,
        bytesPerKeyRedis: (keysRedis - baseRedis) / keys,
        collectionsRatio: allRift / allRedis,
      };
      console.log(JSON.stringify(memory, null, 2));
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    await Deno.mkdir(RESULTS, { recursive: true });
    const result = { date: new Date().toISOString(), machine: machine(), requests, rows, memory };
    await Deno.writeTextFile(`${RESULTS}/${stamp}.json`, JSON.stringify(result, null, 2) + "\n");
    const md = [
      `Measured ${result.date} on ${result.machine}.`,
      `redis-benchmark -c 50 -r 100000, ${requests} requests (×4 with -P 16). Ratio = Rift ÷ Redis.`,
      "",
      renderTable(rows),
      "",
      memory
        ? `Memory (RSS) with ${memory.keys} small keys: Rift ${
          (memory.rift.withKeys / 2 ** 20).toFixed(0)
        } MB, Redis ${(memory.redis.withKeys / 2 ** 20).toFixed(0)} MB, ratio ${
          memory.keysRatio.toFixed(2)
        }; ${memory.bytesPerKeyRift.toFixed(0)} bytes per key in Rift (${
          memory.bytesPerKeyRedis.toFixed(0)
        } in Redis). With ${memory.collections} collections of ${memory.elements} elements as well: ratio ${
          memory.collectionsRatio.toFixed(2)
        }.`
        : "",
    ].join("\n");
    await Deno.writeTextFile(`${RESULTS}/latest.md`, md + "\n");
    await Deno.writeTextFile(`${RESULTS}/latest.svg`, renderChart(rows));
    console.log(md);
  } finally {
    await rift.stop();
    await redis.stop();
  }
}
