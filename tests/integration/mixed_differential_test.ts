/**
 * The mixed-workload differential fuzzer, short version: seeded random
 * sequences over every type and command at once, on three connections to
 * Rift and to redis-server (RESP2 and RESP3, MULTI/EXEC and WATCH across
 * connections, CLIENT REPLY modes, blocking pops woken by another client,
 * SELECT/SWAPDB/MOVE/COPY across databases, absolute expiries, DUMP/RESTORE
 * crossing between the servers, full SCAN iterations, SORT, CONFIG SET of
 * encoding limits), comparing replies byte for byte, keyspace notification
 * streams and the propagated commands (Redis's AOF) on every step, and the
 * whole dataset with encodings, INFO keyspace counts and client databases
 * periodically. The persistence runs add SAVE, BGSAVE,
 * BGREWRITEAOF and DEBUG RELOAD at random points (every RDB file loaded into
 * a fresh Rift and a fresh redis-server and compared) and a restart from the
 * RDB or the AOF. See `tests/helpers/mixed_runner.ts`; `scripts/mixed_soak.ts`
 * runs the long version.
 */

import { assertTrue } from "../helpers/assert.ts";
import { HAS_REDIS } from "../helpers/server.ts";
import { type MixedStats, runMixed } from "../helpers/mixed_runner.ts";

const SMALL_LIMITS: Record<string, string> = {
  "hash-max-listpack-entries": "4",
  "hash-max-listpack-value": "8",
  "set-max-intset-entries": "4",
  "zset-max-listpack-entries": "4",
  "zset-max-listpack-value": "8",
  "list-max-listpack-size": "4",
};

const STEPS = 2500;

function skipWithoutRedis(): boolean {
  if (HAS_REDIS) return false;
  if (Deno.env.get("RIFT_REQUIRE_REDIS")) throw new Error("redis-server is required but missing");
  return true;
}

function assertCoverage(seed: number, stats: MixedStats): void {
  assertTrue(stats.commands >= STEPS * 0.9, `only ${stats.commands} commands ran`);
  assertTrue(stats.perCommand.size >= 120, `only ${stats.perCommand.size} distinct commands`);
  // Every fourth seed subscribes to a random subset of event classes (notifyFlags).
  const minEvents = seed % 4 === 0 ? 50 : 300;
  assertTrue(stats.events > minEvents, `only ${stats.events} keyspace events compared`);
  assertTrue(stats.propagated > 100, `only ${stats.propagated} propagated commands compared`);
  assertTrue(stats.transactions > 10, `only ${stats.transactions} transactions`);
  assertTrue(stats.blockingScenarios > 0 && stats.scans > 10 && stats.restores > 5);
  assertTrue(stats.datasetChecks >= STEPS / 250, `only ${stats.datasetChecks} dataset checks`);
}

for (const seed of [101, 202, 303]) {
  Deno.test(`mixed workload, seed ${seed}: replies, events and datasets match Redis`, async () => {
    if (skipWithoutRedis()) return;
    assertCoverage(seed, await runMixed({ seed, steps: STEPS }));
  });
}

for (const seed of [404, 505]) {
  Deno.test(`mixed workload with tiny encoding limits, seed ${seed}`, async () => {
    if (skipWithoutRedis()) return;
    assertCoverage(seed, await runMixed({ seed, steps: STEPS, directives: SMALL_LIMITS }));
  });
}

for (const [seed, mode] of [[606, "rdb"], [707, "aof"]] as const) {
  Deno.test(`mixed workload with persistence (${mode}), seed ${seed}: files and restarts hold the data`, async () => {
    if (skipWithoutRedis()) return;
    const stats = await runMixed({ seed, steps: STEPS, persistence: mode });
    assertCoverage(seed, stats);
    const p = stats.persistence;
    assertTrue(p.reloads > 0 && p.snapshotsVerified > 0, JSON.stringify(p));
    assertTrue(mode === "rdb" || p.rewrites > 0, JSON.stringify(p));
    assertTrue(p.restarts === 1);
  });
}
