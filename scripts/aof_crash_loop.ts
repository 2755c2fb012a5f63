/**
 * The long version of the AOF crash test: many rounds of a write load from
 * several clients, each ended by `kill -9` at a random moment, each
 * followed by a restart that must hold every acknowledged write (and only
 * values that were sent, in order).
 *
 *   deno run -A scripts/aof_crash_loop.ts [--rounds 50] [--fsync always|everysec|no] [--clients 4]
 *
 * With `always` this checks that nothing acknowledged is ever lost; with
 * `everysec` and `no` it checks the same for a process crash (writes reach
 * the kernel before their replies leave, as in Redis).
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { RespClient } from "../tests/helpers/client.ts";
import { type RiftProcess, spawnRift } from "../tests/helpers/process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "50" },
    fsync: { type: "string", default: "always" },
    clients: { type: "string", default: "4" },
  },
});
const ROUNDS = Number(values.rounds);
const CLIENTS = Number(values.clients);

async function loaded(rift: RiftProcess): Promise<RespClient> {
  const c = await rift.client();
  for (;;) {
    const info = await c.value("INFO", "persistence") as string;
    if (/^loading:0\r$/m.test(info)) return c;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Pushes 0, 1, 2... until the connection dies; returns the last acknowledged value. */
async function pushUntilKilled(c: RespClient, list: string): Promise<number> {
  let acked = -1;
  try {
    for (let next = 0;; next += 16) {
      for (let i = 0; i < 16; i++) await c.send("RPUSH", list, next + i);
      for (let i = 0; i < 16; i++) {
        const { reply } = await c.read(3000);
        if (reply.type !== "integer") return acked;
        acked = next + i;
      }
    }
  } catch {
    return acked;
  }
}

async function main(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "rift-crash-" });
  const args = ["--dir", dir, "--appendonly", "yes", "--appendfsync", values.fsync!, "--save", ""];
  const acknowledged = new Map<string, number>();
  let writes = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const rift = await spawnRift(args, dir);
      const check = await loaded(rift);
      for (const [list, acked] of acknowledged) {
        const items = await check.value("LRANGE", list, 0, -1) as string[];
        if (items.length < acked + 1) {
          throw new Error(
            `round ${round}: ${list} has ${items.length} items, ${acked + 1} acknowledged`,
          );
        }
        items.forEach((v, i) => {
          if (v !== String(i)) throw new Error(`round ${round}: ${list}[${i}] is ${v}`);
        });
      }
      const clients = await Promise.all(Array.from({ length: CLIENTS }, () => rift.client()));
      const lists = clients.map((_, n) => `round${round}:list${n}`);
      const pushing = clients.map((c, n) => pushUntilKilled(c, lists[n]));
      // Occasionally kill during a rewrite too.
      if (round % 5 === 4) await check.call("BGREWRITEAOF");
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 400));
      rift.child.kill("SIGKILL");
      const acked = await Promise.all(pushing);
      await rift.stop();
      lists.forEach((list, n) => acknowledged.set(list, acked[n]));
      writes += acked.reduce((sum, a) => sum + a + 1, 0);
      console.log(
        `round ${round + 1}/${ROUNDS}: ${acked.map((a) => a + 1).join(" ")} acknowledged`,
      );
    }
    console.log(`OK: ${writes} acknowledged writes over ${ROUNDS} kill -9 rounds, none lost`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
