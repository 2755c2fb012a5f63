/**
 * Persistence checks for the mixed-workload fuzzer: at random points of a
 * run, SAVE, BGSAVE (the workload goes on while it runs), BGREWRITEAOF and
 * DEBUG RELOAD (on both servers, so encodings stay comparable). Every RDB
 * file Rift writes is loaded into a fresh Rift and into a fresh redis-server
 * and must hold exactly the dataset Rift had when the save began; at the
 * end Rift restarts from its RDB or AOF and must hold Redis's dataset.
 *
 * @module
 */

import { assertEquals } from "./assert.ts";
import type { RespClient } from "./client.ts";
import { type CanonicalDataset, redisDataset, waitFor } from "./persistence.ts";
import { startRedis, startRift } from "./server.ts";

/** Which files a persistence run writes and restarts from. */
export type PersistenceMode = "rdb" | "aof";

/** Counters of a persistence run. */
export interface PersistenceStats {
  saves: number;
  bgsaves: number;
  rewrites: number;
  reloads: number;
  /** RDB files loaded into a fresh Rift and a fresh redis-server and compared. */
  snapshotsVerified: number;
  restarts: number;
}

/** Directives that make a Rift (and Redis) of a persistence run. */
export function persistenceDirectives(mode: PersistenceMode, dir: string): Record<string, string> {
  return {
    dir,
    dbfilename: "dump.rdb",
    appendonly: mode === "aof" ? "yes" : "no",
    appendfsync: "always",
  };
}

/** INFO persistence fields (one call: a RespClient reads one reply at a time). */
async function fields(c: RespClient, ...names: string[]): Promise<string[]> {
  const info = String(await c.value("INFO", "persistence"));
  return names.map((name) => new RegExp(`^${name}:(.*)\\r$`, "m").exec(info)?.[1] ?? "");
}

/** True when the server runs no BGSAVE or AOF rewrite. */
export async function backgroundDone(c: RespClient): Promise<boolean> {
  const values = await fields(
    c,
    "rdb_bgsave_in_progress",
    "aof_rewrite_in_progress",
    "aof_rewrite_scheduled",
  );
  return values.every((x) => x === "0");
}

/** Waits until loading ends (a restarted server answers while it loads). */
async function loaded(c: RespClient): Promise<void> {
  await waitFor(async () => (await fields(c, "loading"))[0] === "0", "loading");
}

/**
 * A dataset with sorted-set scores of -0 written as 0: a listpack keeps
 * the sign of a zero score only until it is saved and loaded again, in
 * Redis as in Rift, so a file cannot be expected to restore it.
 */
export function signlessZeros(data: CanonicalDataset): CanonicalDataset {
  const out: CanonicalDataset = {};
  for (const [key, entry] of Object.entries(data)) {
    out[key] = entry.type !== "zset" ? entry : {
      ...entry,
      value: (entry.value as [string, string][]).map(([m, s]): [string, string] => [
        m,
        s === "-0" ? "0" : s,
      ]),
    };
  }
  return out;
}

/**
 * Loads a copy of `file` into a fresh Rift and a fresh redis-server: both
 * must load the same data, which is `expected` (up to the sign of zero
 * scores, see {@link signlessZeros}).
 */
export async function verifySnapshot(
  file: string,
  expected: CanonicalDataset,
  databases: number,
  what: string,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "rift-mixed-snapshot-" });
  try {
    await Deno.copyFile(file, `${dir}/dump.rdb`);
    let byRift: CanonicalDataset;
    const rift = await startRift({ config: { dir, dbfilename: "dump.rdb" } });
    try {
      const c = await rift.client();
      await loaded(c);
      byRift = await redisDataset(c, databases);
    } finally {
      await rift.stop();
    }
    const redis = await startRedis(["--dbfilename", "dump.rdb"], dir);
    try {
      const c = await redis.client();
      await loaded(c);
      assertEquals(
        byRift,
        await redisDataset(c, databases),
        `${what}: Rift and Redis load it alike`,
      );
    } finally {
      await redis.stop();
    }
    assertEquals(
      signlessZeros(byRift),
      signlessZeros(expected),
      `${what}: the file holds the data`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
