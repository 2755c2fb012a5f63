/**
 * SORT costs without the network: numeric and ALPHA sorts of a 100-element
 * list, BY/GET lookups with a partial sort, STORE, and a large list.
 *
 *   deno bench --allow-all bench/sort_bench.ts
 *
 * @module
 */

import { encodeCommand } from "../tests/helpers/client.ts";
import { Config } from "../src/config/config.ts";
import { Server } from "../src/server/server.ts";
import { Logger } from "../src/server/log.ts";

const server = new Server(new Config(), { logger: new Logger("warning", "", { capture: true }) });
const client = server.createClient(null);

function run(args: string[]): void {
  client.out.truncate(0);
  client.parser.feed(encodeCommand(args));
  client.processInput();
}

const hundred = Array.from({ length: 100 }, (_, i) => String((i * 37) % 100));
run(["RPUSH", "l", ...hundred]);
for (const v of hundred) run(["SET", `w_${v}`, String((Number(v) * 7919) % 1000)]);
const large = Array.from({ length: 100_000 }, (_, i) => String((i * 7919) % 100_003));
for (let i = 0; i < large.length; i += 10_000) run(["RPUSH", "big", ...large.slice(i, i + 10_000)]);

const BATCH = 100;
const cases: [string, string[]][] = [
  ["SORT l", ["SORT", "l"]],
  ["SORT l ALPHA", ["SORT", "l", "ALPHA"]],
  ["SORT l BY w_* GET # LIMIT 0 10", ["SORT", "l", "BY", "w_*", "GET", "#", "LIMIT", "0", "10"]],
  ["SORT l BY nosort GET w_*", ["SORT", "l", "BY", "nosort", "GET", "w_*"]],
  ["SORT l ALPHA STORE d", ["SORT", "l", "ALPHA", "STORE", "d"]],
];
for (const [name, args] of cases) {
  Deno.bench(`${name} x${BATCH} (100 elements)`, { group: "small" }, () => {
    for (let i = 0; i < BATCH; i++) run(args);
  });
}
Deno.bench("SORT big (100,000 elements)", { group: "large" }, () => run(["SORT", "big"]));
Deno.bench("SORT big ALPHA LIMIT 0 10", { group: "large" }, () => {
  run(["SORT", "big", "ALPHA", "LIMIT", "0", "10"]);
});
