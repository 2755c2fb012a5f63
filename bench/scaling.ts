/**
 * Per-operation cost of collection commands from 1k to 1M elements, Rift
 * and redis-server side by side: each collection is filled with members
 * `m:<12 digits>`, then redis-benchmark sends one command over and over
 * with random members that exist (`__rand_int__` below the size), pipelined
 * so that the server's own work dominates, and the server's CPU time per
 * command is read from /proc. "Growth" is the cost at 1M ÷ the cost at 1k:
 * the part of it that Redis shows too is memory latency (a bigger table no
 * longer fits in the CPU caches), not the algorithm.
 *
 *   deno run -A bench/scaling.ts [--sizes 1000,1000000] [--requests 400000] [--reps 3]
 *
 * The table also goes to `bench/results/scaling-<date>-<commit>.md`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  cpuMicrosOf,
  describeCommit,
  describeMachine,
  median,
  pipeCommands,
  type ServerProcess,
  startRedisProcess,
  startRiftProcess,
} from "./servers.ts";

/** One measured command: how to fill the collection and what to send. */
interface Case {
  name: string;
  key: string;
  /** Commands adding members `from..to-1`. */
  fill: (from: number, to: number) => string[];
  /** The benchmarked command (redis-benchmark arguments). */
  command: string[];
}

const member = (i: number) => `m:${String(i).padStart(12, "0")}`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

const CASES: Case[] = [
  {
    name: "ZSCORE",
    key: "z",
    fill: (a, b) => ["ZADD", "z", ...range(a, b).flatMap((i) => [String(i), member(i)])],
    command: ["ZSCORE", "z", "m:__rand_int__"],
  },
  {
    name: "ZADD (score update)",
    key: "z",
    fill: (a, b) => ["ZADD", "z", ...range(a, b).flatMap((i) => [String(i), member(i)])],
    command: ["ZADD", "z", "__rand_int__", "m:__rand_int__"],
  },
  {
    name: "ZRANK",
    key: "z",
    fill: (a, b) => ["ZADD", "z", ...range(a, b).flatMap((i) => [String(i), member(i)])],
    command: ["ZRANK", "z", "m:__rand_int__"],
  },
  {
    name: "HGET",
    key: "h",
    fill: (a, b) => ["HSET", "h", ...range(a, b).flatMap((i) => [member(i), "v"])],
    command: ["HGET", "h", "m:__rand_int__"],
  },
  {
    name: "HSET (existing field)",
    key: "h",
    fill: (a, b) => ["HSET", "h", ...range(a, b).flatMap((i) => [member(i), "v"])],
    command: ["HSET", "h", "m:__rand_int__", "w"],
  },
  {
    name: "SISMEMBER",
    key: "s",
    fill: (a, b) => ["SADD", "s", ...range(a, b).map(member)],
    command: ["SISMEMBER", "s", "m:__rand_int__"],
  },
  {
    name: "LINDEX (middle)",
    key: "l",
    fill: (a, b) => ["RPUSH", "l", ...range(a, b).map(member)],
    command: ["LINDEX", "l", "__middle__"],
  },
];

const CLIENTS = 50;
const PIPELINE = 32;

async function fill(server: ServerProcess, c: Case, size: number): Promise<void> {
  const batches: string[][][] = [];
  for (let from = 0; from < size; from += 1000) {
    batches.push([c.fill(from, Math.min(size, from + 1000))]);
  }
  await pipeCommands(server.port, [[["DEL", c.key]], ...batches]);
}

/** Server CPU microseconds per command for one redis-benchmark run. */
async function measure(server: ServerProcess, c: Case, size: number, n: number): Promise<number> {
  const args = c.command.map((a) => a === "__middle__" ? String(size >> 1) : a);
  const before = cpuMicrosOf(server.pid);
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(server.port),
      "-n",
      String(n),
      "-c",
      String(CLIENTS),
      "-P",
      String(PIPELINE),
      "-r",
      String(size),
      "--csv",
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const cpu = cpuMicrosOf(server.pid) - before;
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success || /ERR|WRONGTYPE/.test(text)) {
    throw new Error(`redis-benchmark ${args.join(" ")} against ${server.name}: ${text}`);
  }
  return cpu / n;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      sizes: { type: "string", default: "1000,10000,100000,1000000" },
      requests: { type: "string", default: "400000" },
      reps: { type: "string", default: "3" },
    },
  });
  const sizes = values.sizes.split(",").map(Number);
  const requests = Number(values.requests);
  const reps = Number(values.reps);
  const rift = await startRiftProcess();
  const redis = await startRedisProcess();
  const lines = [
    `| Command | ${
      sizes.map((s) => `${s.toLocaleString("en-US")} Rift / Redis µs`).join(" | ")
    } |` +
    " Growth Rift | Growth Redis |",
    `|---|${sizes.map(() => "---").join("|")}|---|---|`,
  ];
  console.log(lines.join("\n"));
  try {
    for (const c of CASES) {
      const cells: string[] = [];
      const costs: Record<string, number[]> = { rift: [], redis: [] };
      for (const size of sizes) {
        for (const server of [rift, redis]) await fill(server, c, size);
        // Warm up (JIT, caches) before measuring.
        for (const server of [rift, redis]) await measure(server, c, size, requests >> 2);
        const runs: Record<string, number[]> = { rift: [], redis: [] };
        // Alternate which server goes first, as the side-by-side harness does.
        for (let r = 0; r < reps; r++) {
          const order = r % 2 === 0 ? [rift, redis] : [redis, rift];
          for (const server of order) {
            runs[server.name].push(await measure(server, c, size, requests));
          }
        }
        const riftCost = median(runs.rift);
        const redisCost = median(runs.redis);
        costs.rift.push(riftCost);
        costs.redis.push(redisCost);
        cells.push(`${riftCost.toFixed(2)} / ${redisCost.toFixed(2)}`);
      }
      const growth = (xs: number[]) => (xs[xs.length - 1] / xs[0]).toFixed(2);
      const line = `| ${c.name} | ${cells.join(" | ")} | ${growth(costs.rift)} | ${
        growth(costs.redis)
      } |`;
      lines.push(line);
      console.log(line);
    }
  } finally {
    await rift.stop();
    await redis.stop();
  }
  const date = new Date().toISOString();
  const commit = describeCommit();
  const header = `Measured ${date} at commit ${commit} on ${describeMachine()}.\n` +
    `Server CPU µs per command, redis-benchmark -c ${CLIENTS} -P ${PIPELINE} -n ${requests}, ` +
    `median of ${reps} alternating runs after a warm-up; growth = cost at ` +
    `${sizes[sizes.length - 1].toLocaleString("en-US")} ÷ cost at ${
      sizes[0].toLocaleString("en-US")
    }.\n\n`;
  const file = new URL(
    `./results/scaling-${date.replaceAll(":", "-").replace(".", "-")}-${commit}.md`,
    import.meta.url,
  );
  await Deno.writeTextFile(file, header + lines.join("\n") + "\n");
  console.log(`Written to ${file.pathname}`);
}
