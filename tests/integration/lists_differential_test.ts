/**
 * Differential tests: long seeded random sequences of list commands sent
 * to Rift and to a real redis-server, whose replies must be identical byte
 * for byte (RESP2 and RESP3), followed by a comparison of the whole
 * dataset and of the keyspace hit/miss counters.
 */

import { assertEquals } from "../helpers/assert.ts";
import type { Arg } from "../helpers/client.ts";
import { type Pair, withPair } from "../helpers/differential.ts";

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

const KEYS = ["a", "b", "c", "d"];
/** Few distinct members so LREM, LPOS and LINSERT find matches; binary ones included. */
const MEMBERS = [
  "x",
  "y",
  "z",
  "",
  "\x00",
  "\r\n",
  "\xff\xfe\x80",
  "10",
  "-1",
  "w".repeat(300),
].map(bytes);
const ODD_NUMBERS = [
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775808",
  "abc",
  "1.5",
  "",
  "+1",
  "01",
  " 1",
  "-0",
];

/** Generates commands from a seed. */
class Generator {
  private readonly rnd: () => number;

  constructor(seed: number) {
    this.rnd = prng(seed);
  }

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  key(): string {
    return this.pick(KEYS);
  }

  member(): Uint8Array {
    return this.pick(MEMBERS);
  }

  members(max: number): Uint8Array[] {
    const n = this.chance(0.03) ? 700 : 1 + this.int(max);
    return Array.from({ length: n }, () => this.member());
  }

  /** An index or count: mostly small, sometimes extreme or malformed. */
  number(): Arg {
    if (this.chance(0.06)) return this.pick(ODD_NUMBERS);
    if (this.chance(0.1)) return this.int(2000) - 1000;
    return this.int(13) - 6;
  }

  count(): Arg {
    if (this.chance(0.06)) return this.pick(ODD_NUMBERS);
    return this.int(8) - (this.chance(0.1) ? 2 : 0);
  }

  side(): string {
    if (this.chance(0.03)) return "middle";
    return this.pick(["LEFT", "RIGHT", "left", "Right"]);
  }

  lposOptions(): Arg[] {
    const out: Arg[] = [];
    const n = this.int(4);
    for (let i = 0; i < n; i++) {
      const option = this.pick(["RANK", "COUNT", "MAXLEN", "rank", "count", "maxlen"]);
      if (this.chance(0.03)) {
        out.push(option); // missing value: syntax error
        break;
      }
      out.push(
        option,
        option.toLowerCase() === "rank" ? this.pick([1, 2, -1, -2, 0, 3, -9]) : this.count(),
      );
    }
    if (this.chance(0.02)) out.push("BOGUS");
    return out;
  }

  multiPop(): Arg[] {
    const numkeys = this.chance(0.05) ? this.pick<Arg>([0, -1, "x", 9]) : 1 + this.int(3);
    const keys = Array.from(
      { length: typeof numkeys === "number" && numkeys > 0 ? numkeys : 1 },
      () => this.key(),
    );
    const out: Arg[] = [numkeys, ...keys, this.side()];
    if (this.chance(0.5)) out.push("COUNT", this.chance(0.9) ? 1 + this.int(5) : this.count());
    return out;
  }

  /** A non-blocking command. */
  command(): Arg[] {
    const k = this.key();
    switch (this.int(22)) {
      case 0:
      case 1:
        return ["LPUSH", k, ...this.members(3)];
      case 2:
      case 3:
        return ["RPUSH", k, ...this.members(3)];
      case 4:
        return [this.pick(["LPUSHX", "RPUSHX"]), k, ...this.members(2)];
      case 5:
        return this.chance(0.5) ? ["LPOP", k] : ["LPOP", k, this.count()];
      case 6:
        return this.chance(0.5) ? ["RPOP", k] : ["RPOP", k, this.count()];
      case 7:
        return ["LRANGE", k, this.number(), this.number()];
      case 8:
        return ["LLEN", k];
      case 9:
        return ["LINDEX", k, this.number()];
      case 10:
        return ["LSET", k, this.number(), this.member()];
      case 11: {
        const where = this.chance(0.03) ? "AROUND" : this.pick(["BEFORE", "AFTER", "before"]);
        return ["LINSERT", k, where, this.member(), this.member()];
      }
      case 12:
        return ["LREM", k, this.count(), this.member()];
      case 13:
        return ["LTRIM", k, this.number(), this.chance(0.5) ? -1 : this.number()];
      case 14:
      case 15:
        return ["LPOS", k, this.member(), ...this.lposOptions()];
      case 16:
        return ["LMOVE", k, this.key(), this.side(), this.side()];
      case 17:
        return ["RPOPLPUSH", k, this.key()];
      case 18:
        return ["LMPOP", ...this.multiPop()];
      case 19:
        return this.chance(0.12) ? ["SET", k, "string"] : ["DEL", k];
      case 20:
        return ["TYPE", k];
      default:
        return ["LRANGE", k, 0, -1];
    }
  }

  /**
   * A blocking command, the keys it waits on, and whether its timeout is
   * valid (an invalid one is an error reply, so it never blocks).
   */
  blocking(): { command: Arg[]; keys: string[]; validTimeout: boolean } {
    const k = this.key();
    const validTimeout = !this.chance(0.1);
    const timeout = validTimeout ? 0 : this.pick(["-1", "x", "inf", "-0.0011", "1e5000"]);
    switch (this.int(5)) {
      case 0:
      case 1: {
        const keys = [k, ...(this.chance(0.5) ? [this.key()] : [])];
        return { command: [this.pick(["BLPOP", "BRPOP"]), ...keys, timeout], keys, validTimeout };
      }
      case 2:
        return {
          command: ["BLMOVE", k, this.key(), this.side(), this.side(), timeout],
          keys: [k],
          validTimeout,
        };
      case 3:
        return { command: ["BRPOPLPUSH", k, this.key(), timeout], keys: [k], validTimeout };
      default: {
        const args = this.multiPop();
        const numkeys = Number(args[0]);
        const keys = numkeys > 0 ? (args.slice(1, 1 + numkeys) as string[]) : [];
        return { command: ["BLMPOP", timeout, ...args], keys, validTimeout };
      }
    }
  }
}

/** Runs `ops` random commands on the pair; returns how many were compared. */
async function randomSequence(p: Pair, seed: number, ops: number): Promise<number> {
  const gen = new Generator(seed);
  let compared = 0;
  for (let i = 0; i < ops; i++) {
    if (gen.chance(0.12)) {
      const { command, keys, validTimeout } = gen.blocking();
      // Send it only when it cannot block: a key it waits on exists, or the timeout is bad.
      if (validTimeout) {
        if (keys.length === 0) continue;
        compared++;
        if (await p.same("EXISTS", ...keys) === ":0\r\n") continue;
      }
      await p.same(...command);
    } else {
      await p.same(...gen.command());
    }
    compared++;
  }
  return compared;
}

/** Compares the datasets and the keyspace hit/miss counters. */
async function compareState(p: Pair): Promise<void> {
  for (const key of KEYS) {
    const type = await p.same("TYPE", key);
    if (type === "+list\r\n") await p.same("LRANGE", key, 0, -1);
  }
  await p.same("DBSIZE");
  const [rift, redis] = await p.both("INFO", "stats");
  const counters = (info: string) =>
    info.split("\r\n").filter((l) => /^keyspace_(hits|misses):/.test(l));
  assertEquals(counters(rift), counters(redis), "keyspace hits and misses");
}

Deno.test("lists differential: random sequences, RESP2", async () => {
  const SEEDS = [1, 2, 3, 4];
  const OPS = 1500;
  let compared = 0;
  const ran = await withPair(async (p) => {
    for (const seed of SEEDS) {
      await p.same("FLUSHALL");
      compared += await randomSequence(p, seed, OPS);
      await compareState(p);
    }
  });
  if (ran) assertEquals(compared >= SEEDS.length * OPS, true, `compared ${compared}`);
});

Deno.test("lists differential: random sequence, RESP3", async () => {
  const OPS = 1200;
  let compared = 0;
  const ran = await withPair(async (p) => {
    await p.both("HELLO", 3); // server name, version and id differ by design
    compared += await randomSequence(p, 99, OPS);
    await compareState(p);
  });
  if (ran) assertEquals(compared >= OPS, true, `compared ${compared}`);
});

Deno.test("lists differential: edge cases", async () => {
  const cases: Arg[][] = [
    ["RPUSH", "l", "a", "b", "c", "a", "b", "c"],
    ["SET", "s", "v"],
    ["LPOS", "l", "a", "RANK", "-9223372036854775808"],
    ["LPOS", "l", "a", "RANK", "-9223372036854775807"],
    ["LPOS", "l", "c", "RANK", "9223372036854775807", "COUNT", 0],
    ["LPOS", "l", "c", "RANK", 1, "RANK", -1],
    ["LPOS", "l", "c", "COUNT", 1, "COUNT", 0],
    ["LPOS", "l", "c", "MAXLEN", "9223372036854775808"],
    ["LPOS", "l", "c", "RANK", "1e3"],
    ["LPOS", "s", "a", "RANK", 0],
    ["LPOS", "s", "a", "COUNT", 0],
    ["LRANGE", "l", "-0", "+1"],
    ["LRANGE", "l", "0x1", 1],
    ["LINDEX", "l", "-9223372036854775809"],
    ["LSET", "l", "9223372036854775807", "x"],
    ["LSET", "l", "-9223372036854775808", "x"],
    ["LREM", "l", "-9223372036854775808", "a"],
    ["LREM", "l", "9223372036854775807", "b"],
    ["LTRIM", "l", "9223372036854775807", "-9223372036854775808"],
    ["LINSERT", "l", "BeFoRe", "c", "q"],
    ["LMPOP", "1", "l", "LEFT", "COUNT", "9223372036854775807"],
    ["LMPOP", "1", "l", "LEFT", "COUNT", "9223372036854775808"],
    ["LMPOP", "2", "s", "l", "LEFT"],
    ["LMPOP", "1", "l", "LEFT", "count"],
    ["LMOVE", "l", "l", "LEFT", "left"],
    ["RPUSH", "l", "1", "2", "3", "4", "5", "6"],
    ["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "2", "COUNT", "2"],
    ["BLPOP", "l", "s", "0"],
    ["BLPOP", "s", "l", "0"],
    ["BLPOP", "l", "0x10"],
    ["BLPOP", "l", "1."],
    ["BLPOP", "l", "+0"],
    ["BLPOP", "l", "\x001"],
    ["BLPOP", "l", "1e-5000"],
    ["BLPOP", "l", "1.2e4932"],
    ["BLPOP", "l", "1.1e4932"],
    ["BLPOP", "l", "-0x1.1p-10"],
    ["BLPOP", "l", "9223372036854776"],
    ["BLPOP", "l", "infinity"],
    ["BLPOP", "l", "-nan"],
    ["BLMOVE", "l", "s", "LEFT", "LEFT", "0"],
    ["BRPOPLPUSH", "s", "l", "0"],
    ["LPUSH", "s", "x"],
    ["LPOP", "l", "0"],
    ["LPOP", "l", "-0"],
    ["RPOP", "l", "00"],
    ["LRANGE", "l", 0, -1],
  ];
  let compared = 0;
  const ran = await withPair(async (p) => {
    for (const args of cases) {
      await p.same(...args);
      compared++;
    }
  });
  if (ran) assertEquals(compared, cases.length);
});
