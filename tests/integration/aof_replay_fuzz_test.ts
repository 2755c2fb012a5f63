/**
 * What the AOF logs replays to the same dataset: seeded random commands of
 * every family Rift has (strings and bitmaps from their fuzz generator,
 * hashes, sets, lists, transactions, database switches, FLUSHDB, SWAPDB,
 * expiring keys), with background rewrites started in the middle, then a
 * restart from the AOF must rebuild exactly the dataset that was in memory.
 * Commands whose effect is random or relative (SPOP, SRANDMEMBER,
 * INCRBYFLOAT, SET EX, expiry) are where a wrong propagation would show.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { Arg, RespClient } from "../helpers/client.ts";
import { startRift } from "../helpers/server.ts";
import { ALL_COMMANDS } from "../../src/commands/mod.ts";
import { Prng, randomCommand } from "../helpers/strings_random.ts";
import { removeDir, riftDataset, tempDir, waitIdle } from "../helpers/persistence.ts";

const KEYS = ["h0", "h1", "s0", "s1", "i0", "l0", "l1", "z0", "z1", "x"];
const MEMBERS = [
  "a",
  "b",
  "c",
  "1",
  "2",
  "300",
  "-7",
  "9223372036854775807",
  "\x00\r\n",
  "long".repeat(20),
];

function collectionCommand(rng: Prng): Arg[] {
  const key = rng.pick(KEYS);
  const other = rng.pick(KEYS);
  const m = () => rng.pick(MEMBERS);
  switch (rng.int(34)) {
    case 0:
    case 1:
      return ["HSET", key, m(), m(), m(), m()];
    case 2:
      return ["HDEL", key, m(), m()];
    case 3:
      return ["HINCRBY", key, m(), rng.range(-5, 5)];
    case 4:
      return ["HINCRBYFLOAT", key, m(), `${rng.range(-100, 100)}.${rng.digits(3)}`];
    case 5:
      return ["HSETNX", key, m(), m()];
    case 6:
    case 7:
      return ["SADD", key, m(), m(), m()];
    case 8:
      return ["SREM", key, m()];
    case 9:
      return rng.chance(0.5) ? ["SPOP", key] : ["SPOP", key, rng.range(0, 3)];
    case 10:
      return ["SMOVE", key, other, m()];
    case 11:
      return [rng.pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), key, other, rng.pick(KEYS)];
    case 12:
    case 13:
      return [rng.pick(["RPUSH", "LPUSH"]), key, m(), m()];
    case 14:
      return [rng.pick(["LPOP", "RPOP"]), key, ...(rng.chance(0.5) ? [rng.range(1, 3)] : [])];
    case 15:
      return ["LMOVE", key, other, rng.pick(["LEFT", "RIGHT"]), rng.pick(["LEFT", "RIGHT"])];
    case 16:
      return ["RPOPLPUSH", key, other];
    case 17:
      return ["LINSERT", key, rng.pick(["BEFORE", "AFTER"]), m(), m()];
    case 18:
      return ["LREM", key, rng.range(-2, 2), m()];
    case 19:
      return ["LSET", key, rng.range(-3, 3), m()];
    case 20:
      return ["LTRIM", key, rng.range(-5, 5), rng.range(-5, 5)];
    case 21:
      return ["DEL", key, other];
    case 22:
      return ["SELECT", rng.int(3)];
    case 23:
      return ["SET", key, m(), "PX", rng.pick([1, 5, 60_000])];
    case 24:
      return ["SWAPDB", rng.int(3), rng.int(3)];
    case 25:
      return rng.chance(0.1) ? ["FLUSHDB"] : ["HGETALL", key];
    case 26:
      return ["SRANDMEMBER", key, rng.range(-3, 3)];
    case 28:
    case 29:
      return [
        "ZADD",
        key,
        rng.pick(["1", "-2.5", "inf", "0.1", "3e20"]),
        m(),
        String(rng.range(-9, 9)),
        m(),
      ];
    case 30:
      return ["ZINCRBY", key, `${rng.range(-3, 3)}.5`, m()];
    case 31:
      return [rng.pick(["ZPOPMIN", "ZPOPMAX"]), key, rng.range(1, 2)];
    case 32:
      return [rng.pick(["ZUNIONSTORE", "ZINTERSTORE"]), key, 2, other, rng.pick(KEYS)];
    default:
      return ["HGET", key, m()];
  }
}

async function runSeed(seed: number, c: RespClient, commands: number): Promise<number> {
  const rng = new Prng(seed);
  const clock = { nowMs: Date.now() };
  let rewrites = 0;
  let sent = 0;
  for (let i = 0; i < commands; i++) {
    if (i === Math.floor(commands / 3) || i === Math.floor((2 * commands) / 3)) {
      await c.call("BGREWRITEAOF");
      rewrites++;
    }
    let command: Arg[];
    const kind = rng.int(10);
    if (kind < 4) command = randomCommand(rng, clock);
    else if (kind === 4) {
      // A transaction mixing families and databases.
      await c.call("MULTI");
      for (let j = rng.range(1, 4); j > 0; j--) await c.call(...collectionCommand(rng));
      command = ["EXEC"];
    } else command = collectionCommand(rng);
    await c.call(...command.map((a) => (typeof a === "string" ? latin1(a) : a)));
    sent++;
  }
  assertEquals(rewrites, 2);
  return sent;
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

Deno.test("aof replay: seeded random commands of every family replay to the same dataset", async () => {
  let total = 0;
  // A command base file expresses expiries with PEXPIREAT, which needs the key command family.
  const noPreamble = ALL_COMMANDS.some((spec) => spec.name === "pexpireat") ? "no" : "yes";
  for (const [seed, preamble] of [[11, "yes"], [12, noPreamble], [13, "yes"]] as const) {
    const dir = await tempDir();
    try {
      const config = {
        dir,
        appendonly: "yes",
        appendfsync: "no",
        "aof-use-rdb-preamble": preamble,
      };
      const rift = await startRift({ config });
      const c = await rift.client();
      total += await runSeed(seed, c, 1500);
      await waitIdle(c);
      // Keys set with PX 1 or 5 are gone by now (in memory and, after the restart, on load).
      await new Promise((r) => setTimeout(r, 20));
      const expected = riftDataset(rift.server);
      assertTrue(Object.keys(expected).length > 5, `seed ${seed}: too few keys left`);
      await rift.stop();
      const again = await startRift({ config });
      try {
        assertEquals(riftDataset(again.server), expected, `seed ${seed}`);
      } finally {
        await again.stop();
      }
    } finally {
      await removeDir(dir);
    }
  }
  assertEquals(total, 4500);
});
