/**
 * Pauses while data grows to millions of elements, side by side with
 * redis-server: redis-benchmark sends commands that (nearly) all add
 * something new, and reports the worst latency a request saw. A server
 * that stops to grow a table in one go, or to collect garbage, shows it as
 * a max latency far above the p99. Four workloads, each on a fresh
 * (flushed and collected) server:
 *
 * - `set`: SETs of new keys (the keyspace's tables; Rift's entry table
 *   grows in reserved memory, src/store/reserved_memory.ts);
 * - `sadd`: SADDs of new members into one set (a collection's table,
 *   resized incrementally past 65,536 members, its columns in chunks,
 *   src/store/dict.ts);
 * - `hset`: HSETs of new keys, each a small hash (millions of small
 *   collections, which in Rift are objects on V8's heap);
 * - `zadd`: ZADDs of new members into one sorted set (its member table,
 *   columns and order tree).
 *
 *   deno run -A bench/growth_pauses.ts [--requests 8000000] [--pipeline 16] [--tests set,sadd,hset,zadd]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { command, type ServerProcess, startRedisProcess, startRiftProcess } from "./servers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "8000000" },
    pipeline: { type: "string", default: "16" },
    tests: { type: "string", default: "set,sadd,hset,zadd" },
  },
});
const REQUESTS = Number(values.requests);
/** Random numbers from a range this much larger than the requests: nearly every command adds. */
const RANGE = REQUESTS * 100;

/** redis-benchmark arguments of each workload (`__rand_int__` is replaced per request). */
const WORKLOADS: Record<string, string[]> = {
  set: ["SET", "key:__rand_int__", "xxx"],
  sadd: ["SADD", "bigset", "member:__rand_int__"],
  hset: ["HSET", "hash:__rand_int__", "field", "value"],
  zadd: ["ZADD", "bigzset", "__rand_int__", "member:__rand_int__"],
};

interface GrowthRun {
  test: string;
  server: string;
  rps: number;
  p99: number;
  max: number;
  seconds: number;
}

async function measure(server: ServerProcess, test: string): Promise<GrowthRun> {
  // Each workload starts from an empty, collected heap: Redis frees the
  // previous workload's data inside FLUSHALL; Rift's collector would
  // otherwise reclaim it during the next workload, and its pauses (work
  // left over from the flush, not from growth) would be counted there.
  await command(server.port, "FLUSHALL");
  await command(server.port, "MEMORY", "PURGE");
  const started = performance.now();
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(server.port),
      "-n",
      String(REQUESTS),
      "-r",
      String(RANGE),
      "-c",
      "50",
      "-P",
      values.pipeline,
      "--csv",
      ...WORKLOADS[test],
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop()!;
  const fields = line.split(",").map((f) => Number(f.replaceAll('"', "")));
  return { test, server: server.name, rps: fields[1], p99: fields[6], max: fields[7], seconds };
}

const tests = values.tests.split(",").filter((t) => t in WORKLOADS);
const runs: GrowthRun[] = [];
for (const start of [startRiftProcess, startRedisProcess]) {
  const server = await start();
  try {
    for (const test of tests) runs.push(await measure(server, test));
  } finally {
    await server.stop();
  }
}
console.log(
  `${REQUESTS.toLocaleString("en-US")} requests per test, random numbers in a range of ${
    RANGE.toLocaleString("en-US")
  }, -c 50 -P ${values.pipeline}`,
);
console.log("| Test | Server | req/s | p99 ms | max ms | seconds |");
console.log("|---|---|---|---|---|---|");
for (const test of tests) {
  for (const r of runs.filter((x) => x.test === test)) {
    console.log(
      `| ${WORKLOADS[test].join(" ")} | ${r.server} | ${
        Math.round(r.rps).toLocaleString("en-US")
      } | ${r.p99} | ${r.max} | ${r.seconds.toFixed(1)} |`,
    );
  }
}
