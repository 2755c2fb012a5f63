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

/** An embedded server, a way to run commands on it in-process (replies dropped), and its accountant. */
async function accountedServer(config: Record<string, string | number>, clock?: ManualClock) {
  const rift = await startServer({ clock, captureLogs: true, config });
  const server = rift.server;
  const c = server.createClient(null);
  const run = (...args: string[]) => {
    server.execute(c, args.map((a) => utf8(a)));
    c.out.truncate(0);
  };
  return { rift, server, run, memory: production(server).memory };
}

Deno.test("memory accounting: tracked sizes equal a full measurement after every operation", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const { rift, server, run, memory } = await accountedServer(
    { "enable-debug-command": "yes", databases: 4 },
    clock,
  );
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

/** Only values kept outside the slab as bytes: what is tracked without a memory limit. */
function measuredStrings(server: Server): number {
  let total = 0;
  for (const db of server.keyspace.dbs) {
    db.forEach((id) => {
      if (db.object<unknown>(id) instanceof Uint8Array) total += externalBytes(db, id);
    });
  }
  return total;
}

Deno.test("memory accounting: a big string overwritten by a collection stops counting", async () => {
  const overwrites: string[][] = [
    ["SINTERSTORE", "big", "s"],
    ["SUNIONSTORE", "big", "s"],
    ["SDIFFSTORE", "big", "s"],
    ["ZUNIONSTORE", "big", "1", "z"],
    ["ZINTERSTORE", "big", "1", "z"],
    ["ZRANGESTORE", "big", "z", "0", "-1"],
    ["GEOSEARCHSTORE", "big", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "100", "km"],
    ["SORT", "s", "ALPHA", "STORE", "big"],
    ["COPY", "s", "big", "REPLACE"],
    ["RENAME", "h", "big"],
  ];
  let checked = 0;
  for (const maxmemory of ["0", "1gb"]) {
    const rift = await startServer({ captureLogs: true, config: { maxmemory } });
    const server = rift.server;
    const c = server.createClient(null);
    const run = (...args: string[]) => {
      server.execute(c, args.map((a) => utf8(a)));
      const chunk = c.out.take();
      const reply = new TextDecoder().decode(chunk);
      c.out.release(chunk);
      assertTrue(!reply.startsWith("-"), `${args.join(" ")}: ${reply}`);
    };
    const { memory } = production(server);
    const measured = maxmemory === "0" ? measuredStrings : measuredExternal;
    try {
      run("SADD", "s", "a", "b");
      run("ZADD", "z", "1", "a");
      run("GEOADD", "g", "0.1", "0.1", "a");
      for (const command of overwrites) {
        run("HSET", "h", "f", "v");
        run("SET", "big", "x".repeat(70_000));
        assertTrue(memory.externalBytes >= 70_000, `${command[0]}: the string counts`);
        run(...command);
        assertEquals(memory.externalBytes, measured(server), `${maxmemory}: after ${command[0]}`);
        assertTrue(memory.externalBytes < 70_000, `${maxmemory}: ${command[0]} dropped the string`);
        checked++;
      }
    } finally {
      await rift.close();
    }
  }
  assertEquals(checked, 20);
});

Deno.test("memory accounting: without a memory limit, every way of writing a long string counts", async () => {
  const rift = await startServer({ captureLogs: true, config: { databases: 4 } });
  const server = rift.server;
  const c = server.createClient(null);
  const run = (...args: (string | Uint8Array)[]): Uint8Array => {
    server.execute(c, args.map((a) => typeof a === "string" ? utf8(a) : a));
    const chunk = c.out.take();
    const reply = chunk.slice();
    c.out.release(chunk);
    assertTrue(reply[0] !== 45, /* - */ `${args.join(" ")}: ${new TextDecoder().decode(reply)}`);
    return reply;
  };
  const { memory } = production(server);
  const long = "x".repeat(5000);
  let checked = 0;
  try {
    const steps: (() => unknown)[] = [
      () => run("SET", "a", long),
      () => run("APPEND", "a", long),
      () => run("SETRANGE", "a", "20000", "y"),
      () => run("SETBIT", "a", "300000", "1"),
      () => run("BITFIELD", "a", "SET", "u8", "4000000", "255"),
      () => run("SET", "small", "abc"),
      () => run("APPEND", "small", long),
      () => run("SETRANGE", "tiny", "0", "z"),
      () => run("SETRANGE", "tiny", "9000", "z"),
      () => run("RENAME", "a", "b"),
      () => run("MOVE", "b", "1"),
      () => run("COPY", "small", "c"),
      () => run("COPY", "small", "d", "DB", "2"),
      () => run("SET", "e", long, "GET"),
      () => run("GETSET", "e", long + long),
      () => run("SETEX", "f", "100", long),
      () => run("MSET", "g", long, "h", "short"),
      () => run("MSETNX", "i", long, "j", long),
      () => run("BITOP", "OR", "k", "small", "c"),
      () => {
        const dump = run("DUMP", "small");
        // $<length>\r\n<payload>\r\n
        const header = dump.indexOf(13);
        const payload = dump.subarray(header + 2, dump.length - 2);
        return run("RESTORE", "l", "0", payload);
      },
      () => run("SET", "a", "short again"),
      () => run("GETDEL", "c"),
      () => run("SWAPDB", "0", "1"),
      () => run("FLUSHDB"),
    ];
    for (const [i, step] of steps.entries()) {
      step();
      assertEquals(memory.externalBytes, measuredStrings(server), `after step ${i}`);
      checked++;
    }
    assertTrue(memory.externalBytes > 10_000, "long strings remain in other databases");
  } finally {
    await rift.close();
  }
  assertEquals(checked, 24);
});

Deno.test("memory accounting: one audit step finds a collection among many small strings", async () => {
  const { rift, server, run, memory } = await accountedServer({ "enable-debug-command": "yes" });
  try {
    run("DEBUG", "POPULATE", "5000");
    // Without a memory limit a collection is not measured on writes: the audit catches up.
    for (let i = 0; i < 100; i++) run("RPUSH", "list", "x".repeat(100));
    run("SET", "big", "y".repeat(70_000));
    assertEquals(server.keyspace.dbs[0].size, 5002);
    const before = memory.externalBytes;
    memory.auditStep(100);
    assertTrue(memory.externalBytes > before, "the list is measured");
    assertEquals(memory.externalBytes, measuredExternal(server));
  } finally {
    await rift.close();
  }
});
