/**
 * The accounted memory figure against a from-scratch measurement, over a
 * long seeded random sequence of writes, deletes, expiry (lazy and
 * active), FLUSHDB, FLUSHALL and SWAPDB: the per-entry sizes kept through
 * command observers and store hooks must always add up to what a full
 * walk of the keyspace finds.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { ManualClock, startServer } from "../../src/mod.ts";
import { externalBytes } from "../../src/server/memory.ts";
import { production } from "../../src/server/production.ts";
import type { Server } from "../../src/server/server.ts";
import { utf8 } from "../../src/util/bytes.ts";

function measuredExternal(server: Server): number {
  let total = 0;
  for (const db of server.keyspace.dbs) db.forEach((id) => total += externalBytes(db, id));
  return total;
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("memory accounting: tracked sizes equal a full measurement after every operation", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const rift = await startServer({
    clock,
    captureLogs: true,
    config: { "enable-debug-command": "yes", databases: 4 },
  });
  const server = rift.server;
  const c = server.createClient(null);
  const run = (...args: string[]) => {
    server.execute(c, args.map((a) => utf8(a)));
    c.out.truncate(0);
  };
  const { memory } = production(server);
  const random = prng(20260101);
  const sizes = [0, 10, 4096, 4097, 20_000, 70_000];
  let cases = 0;
  try {
    for (let step = 0; step < 3000; step++) {
      const key = `k${Math.floor(random() * 40)}`;
      const roll = random();
      const size = sizes[Math.floor(random() * sizes.length)];
      if (roll < 0.45) run("SET", key, "x".repeat(size));
      else if (roll < 0.55) {
        run("SET", key, "y".repeat(size), "PX", String(1 + Math.floor(random() * 50)));
      } else if (roll < 0.68) run("DEL", key, `k${Math.floor(random() * 40)}`);
      else if (roll < 0.76) run("GET", key);
      else if (roll < 0.82) run("SELECT", String(Math.floor(random() * 4)));
      else if (roll < 0.86) {
        run("SWAPDB", String(Math.floor(random() * 4)), String(Math.floor(random() * 4)));
      } else if (roll < 0.9) {
        clock.advance(Math.floor(random() * 60));
        server.cron();
      } else if (roll < 0.93) {
        run("DEBUG", "POPULATE", String(Math.floor(random() * 5)), `p${step % 3}`, String(size));
      } else if (roll < 0.96) run("FLUSHDB");
      else if (roll < 0.97) run("FLUSHALL");
      else run("EXISTS", key);
      assertEquals(memory.externalBytes, measuredExternal(server), `after step ${step}`);
      cases++;
    }
    assertEquals(cases, 3000);
    run("FLUSHALL");
    assertEquals(memory.externalBytes, 0);
    assertTrue(memory.used() >= memory.startup, "empty again: back to the startup figure or above");
  } finally {
    await rift.close();
  }
});
