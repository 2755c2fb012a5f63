/**
 * One command's in-process cost (parse, execute, reply) with warm caches
 * and with the CPU caches overwritten before each command, which stands in
 * for the kernel's and the runtime's work between two requests on the wire
 * (this VM's `perf` has no hardware counters to count misses directly).
 *
 *     deno run --allow-all bench/cold_cache.ts \
 *       --command "ZADD myzset __rand_int__ element:__rand_int__" --range 1000
 *
 * `__rand_int__` becomes a 12-digit random number below `--range`, as in
 * redis-benchmark; `--overwrite-kb` (default 1536, above this machine's L2)
 * sets how much memory is written before each cold command. Prints the median
 * of seven rounds for each state, in ns per command, timer calls included.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { encodeCommand } from "../tests/helpers/client.ts";
import { Config } from "../src/config/config.ts";
import { Server } from "../src/server/server.ts";
import { Logger } from "../src/server/log.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    command: { type: "string", default: "SET key:__rand_int__ xxx" },
    range: { type: "string", default: "100000" },
    "overwrite-kb": { type: "string", default: "1536" },
  },
});
const range = Number(values.range);
const overwrite = new Uint8Array(Number(values["overwrite-kb"]) * 1024);

const server = new Server(new Config(), { logger: new Logger("warning", "", { capture: true }) });
const client = server.createClient(null);

let seed = 7;
function randomInt(): string {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return String(seed % range).padStart(12, "0");
}
const template = values.command.split(" ");
const commands = Array.from(
  { length: 1 << 17 },
  () => encodeCommand(template.map((a) => a.replaceAll("__rand_int__", randomInt()))),
);

/** Writes one byte per cache line of the overwrite buffer. */
function evictCaches(round: number): void {
  for (let i = 0; i < overwrite.length; i += 64) overwrite[i] = round;
}

/** Runs `count` commands from `from` on; returns ns per command. */
function run(from: number, count: number, cold: boolean): number {
  let total = 0;
  for (let i = from; i < from + count; i++) {
    if (cold) evictCaches(i);
    const start = performance.now();
    client.out.truncate(0);
    client.parser.feed(commands[i & (commands.length - 1)]);
    client.processInput();
    total += performance.now() - start;
  }
  return total * 1e6 / count;
}

run(0, 300_000, false); // fills the keyspace and compiles the hot path
const ROUND = 20_000;
const warm: number[] = [];
const cold: number[] = [];
for (let round = 0; round < 7; round++) {
  const from = 300_000 + round * 2 * ROUND;
  warm.push(run(from, ROUND, false));
  cold.push(run(from + ROUND, ROUND, true));
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1].toFixed(0);
console.log(`${values.command} (range ${range}): warm ${median(warm)} ns, cold ${median(cold)} ns`);
