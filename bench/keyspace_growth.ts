/**
 * Pauses while a keyspace grows to millions of keys, side by side with
 * redis-server: redis-benchmark sends SETs of (nearly all) new keys to each
 * server and reports the worst latency a request saw. A server that stops
 * to grow a table in one go shows it as a max latency far above the p99
 * (Rift's entry table did until it grew in reserved memory:
 * src/store/reserved_memory.ts).
 *
 *   deno run -A bench/keyspace_growth.ts [--requests 8000000] [--pipeline 16]
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
  },
});
const REQUESTS = Number(values.requests);
/** Random keys from a range this much larger than the requests: nearly every SET adds a key. */
const KEY_RANGE = REQUESTS * 100;

interface GrowthRun {
  server: string;
  keys: number;
  rps: number;
  p99: number;
  max: number;
  seconds: number;
}

async function dbsize(port: number): Promise<number> {
  const out = await new Deno.Command("redis-cli", {
    args: ["-p", String(port), "dbsize"],
    stdout: "piped",
  }).output();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

async function measure(server: ServerProcess): Promise<GrowthRun> {
  await command(server.port, "FLUSHALL");
  const started = performance.now();
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(server.port),
      "-t",
      "set",
      "-n",
      String(REQUESTS),
      "-r",
      String(KEY_RANGE),
      "-c",
      "50",
      "-P",
      values.pipeline,
      "--csv",
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop()!;
  const fields = line.split(",").map((f) => Number(f.replaceAll('"', "")));
  return {
    server: server.name,
    keys: await dbsize(server.port),
    rps: fields[1],
    p99: fields[6],
    max: fields[7],
    seconds,
  };
}

const runs: GrowthRun[] = [];
for (const start of [startRiftProcess, startRedisProcess]) {
  const server = await start();
  try {
    runs.push(await measure(server));
  } finally {
    await server.stop();
  }
}
console.log(
  `SET of ${REQUESTS.toLocaleString("en-US")} random keys (range ${
    KEY_RANGE.toLocaleString("en-US")
  }), -c 50 -P ${values.pipeline}`,
);
console.log("| Server | Keys after | req/s | p99 ms | max ms | seconds |");
console.log("|---|---|---|---|---|---|");
for (const r of runs) {
  console.log(
    `| ${r.server} | ${r.keys.toLocaleString("en-US")} | ${
      Math.round(r.rps).toLocaleString("en-US")
    } | ${r.p99} | ${r.max} | ${r.seconds.toFixed(1)} |`,
  );
}
