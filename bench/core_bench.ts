/**
 * Micro-benchmarks of the hot path: request parsing, reply writing,
 * command lookup and a full dispatch (parse, execute, reply) of the
 * commands of the side-by-side comparison, without the network and
 * without the production modules (bench/memory_accounting_bench.ts measures
 * those). The data structures have their own: list_bench.ts,
 * hashset_bench.ts, keyspace_bench.ts.
 *
 * @module
 */

import { encodeCommand } from "../tests/helpers/client.ts";
import { RequestParser } from "../src/resp/parser.ts";
import { ReplyWriter } from "../src/resp/writer.ts";
import { Config } from "../src/config/config.ts";
import { Server } from "../src/server/server.ts";
import { Logger } from "../src/server/log.ts";

const LIMITS = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  queryBufferLimit: 1 << 30,
  authRequired: false,
};

function pipeline(count: number, make: (i: number) => string[]): Uint8Array {
  const parts = Array.from({ length: count }, (_, i) => encodeCommand(make(i)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const setPipeline = pipeline(
  1000,
  (i) => ["SET", `key:${String(i).padStart(7, "0")}`, `value:${i}`],
);

Deno.bench("parser: 1000 pipelined SET commands", { group: "parser" }, () => {
  const p = new RequestParser(LIMITS);
  p.feed(setPipeline);
  let n = 0;
  while (p.next() !== null) n++;
  if (n !== 1000) throw new Error("bad parse");
});

const writer = new ReplyWriter();
const value = new TextEncoder().encode("value:123456789");
Deno.bench("writer: 1000 bulk replies", { group: "writer" }, () => {
  writer.truncate(0);
  for (let i = 0; i < 1000; i++) writer.bulk(value);
});
Deno.bench("writer: 1000 integer replies", { group: "writer" }, () => {
  writer.truncate(0);
  for (let i = 0; i < 1000; i++) writer.integer(i * 7919);
});

const server = new Server(new Config(), { logger: new Logger("warning", "", { capture: true }) });
const client = server.createClient(null);
const getPipeline = pipeline(1000, (i) => ["GET", `key:${String(i).padStart(7, "0")}`]);

function run(bytes: Uint8Array): void {
  client.out.truncate(0);
  client.parser.feed(bytes);
  client.processInput();
}

run(setPipeline);
Deno.bench(
  "dispatch: 1000 SET (parse + execute + reply)",
  { group: "dispatch" },
  () => run(setPipeline),
);
Deno.bench(
  "dispatch: 1000 GET (parse + execute + reply)",
  { group: "dispatch" },
  () => run(getPipeline),
);
/** The other commands of the side-by-side comparison, 1000 each, through the whole path. */
const COMMANDS: [string, (i: number) => string[]][] = [
  ["PING", () => ["PING"]],
  ["INCR", (i) => ["INCR", `counter:${i % 100}`]],
  ["LPUSH", (i) => ["LPUSH", "list", `v${i}`]],
  ["RPOP", () => ["RPOP", "list"]],
  ["SADD", (i) => ["SADD", "set", `member:${i}`]],
  ["HSET", (i) => ["HSET", "hash", `field:${i}`, "value"]],
  ["SPOP", () => ["SPOP", "set"]],
  ["MSET", (i) => ["MSET", `a:${i}`, "1", `b:${i}`, "2", `c:${i}`, "3"]],
];
for (const [name, make] of COMMANDS) {
  const bytes = pipeline(1000, make);
  Deno.bench(`dispatch: 1000 ${name}`, { group: "commands" }, () => run(bytes));
}

Deno.bench("lookup: command table, 1000 names", { group: "dispatch" }, () => {
  const names = [new TextEncoder().encode("get"), new TextEncoder().encode("SET")];
  for (let i = 0; i < 1000; i++) server.commands.lookup(names[i & 1]);
});
