/**
 * Sorted sets against a real redis-server 7.0: the same commands go to
 * both servers and the replies must be byte-identical. A fixed table of
 * edge cases runs in RESP2 and RESP3; long seeded random sequences mix
 * every command and option over listpack and skiplist sets, and also
 * compare encodings (OBJECT ENCODING against Rift's value), keyspace
 * events, and the commands propagated to the AOF.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { type Arg, RespClient, toValue } from "../helpers/client.ts";
import { describe } from "../helpers/differential.ts";
import { HAS_REDIS, type RedisProcess, startRedis, startRift } from "../helpers/server.ts";
import { ReplyParser } from "../../src/resp/reply_parser.ts";
import type { ZSetValue } from "../../src/store/zset.ts";
import { latin1Bytes } from "../../src/util/bytes.ts";
import { NOTIFY_KEY_MISS } from "../../src/server/notify_flags.ts";

type TestRift = Awaited<ReturnType<typeof startRift>>;

interface Diff {
  rift: TestRift;
  redis: RedisProcess;
  a: RespClient;
  b: RespClient;
  /** Working directory of redis-server (its AOF lands there). */
  dir: string;
  same(...args: Arg[]): Promise<string>;
  both(...args: Arg[]): Promise<[string, string]>;
}

/** Like `withPair`, with access to Rift's internals and Redis's directory. */
async function withDiff(
  fn: (d: Diff) => Promise<void>,
  redisArgs: string[] = [],
): Promise<boolean> {
  if (!HAS_REDIS) {
    if (Deno.env.get("RIFT_REQUIRE_REDIS")) throw new Error("redis-server is required but missing");
    return false;
  }
  const dir = await Deno.makeTempDir({ prefix: "rift-zset-diff-" });
  const rift = await startRift();
  let redis: RedisProcess | undefined;
  try {
    redis = await startRedis(redisArgs, dir);
    const a = await rift.client();
    const b = await redis.client();
    const d: Diff = {
      rift,
      redis,
      a,
      b,
      dir,
      async same(...args) {
        const [x, y] = await d.both(...args);
        assertEquals(x, y, `reply differs for: ${describe(args)}`);
        return x;
      },
      both: (...args) => Promise.all([a.raw(...args), b.raw(...args)]),
    };
    await fn(d);
  } finally {
    await redis?.stop();
    await rift.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return true;
}

/** Converts JS strings with \xNN escapes into argument bytes (latin1). */
const bin = (s: string) => latin1Bytes(s);

/** mulberry32. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------- fixed table

const EDGE_CASES: string[][] = [
  ["ZADD", "z", "1"],
  ["ZADD", "z", "NX", "XX", "1", "a"],
  ["ZADD", "z", "GT", "LT", "1", "a"],
  ["ZADD", "z", "NX", "GT", "1", "a"],
  ["ZADD", "z", "INCR", "1", "a", "2", "b"],
  ["ZADD", "z", "abc", "a"],
  ["ZADD", "z", "nan", "a"],
  ["ZADD", "z", "1", "a", "x", "b"],
  ["ZADD", "z", "INCR", "inf", "a"],
  ["ZADD", "z", "INCR", "-inf", "a"],
  ["ZINCRBY", "z", "-inf", "a"],
  ["ZADD", "z", "XX", "INCR", "1", "nope"],
  ["ZADD", "z", "NX", "INCR", "1", "a"],
  ["ZADD", "z", " 1", "b"],
  ["ZADD", "z", "1e400", "b"],
  ["ZADD", "z", "1e-400", "b"],
  ["ZADD", "z", "0x10", "b"],
  ["ZADD", "z", "0", "zero", "1", "one", "-0", "negz"],
  ["ZADD", "n", "INCR", "-0", "m"],
  ["ZRANGEBYSCORE", "z", "", "", "WITHSCORES"],
  ["ZRANGEBYSCORE", "z", "(", "1", "WITHSCORES"],
  ["ZRANGEBYSCORE", "z", "0\x00abc", "1\x00", "WITHSCORES"],
  ["ZRANGEBYSCORE", "z", "\t0", "1"],
  ["ZRANGEBYSCORE", "z", "0x1p0", "1"],
  ["ZRANGEBYSCORE", "z", "-0", "+0", "WITHSCORES"],
  ["ZRANGEBYSCORE", "z", "1 ", "2"],
  ["ZRANGEBYSCORE", "z", "nan", "2"],
  ["ZRANGEBYSCORE", "z", "-1e400", "+1e400", "WITHSCORES"],
  ["ZRANGEBYSCORE", "z", "-inf", "inf", "LIMIT", "-1", "2"],
  ["ZRANGEBYSCORE", "z", "-inf", "inf", "LIMIT", "0", "-5"],
  ["ZRANGEBYSCORE", "z", "-inf", "inf", "LIMIT", "1"],
  ["ZRANGEBYSCORE", "z", "-inf", "inf", "WITHSCORES", "WITHSCORES"],
  ["ZRANGEBYLEX", "z", "+\x00x", "-"],
  ["ZRANGEBYLEX", "z", "-", "+\x00x"],
  ["ZRANGEBYLEX", "z", "", "+"],
  ["ZRANGEBYLEX", "z", "-x", "+"],
  ["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
  ["ZRANGE", "z", "0", "-1", "LIMIT", "5", "-1", "WITHSCORES"],
  ["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"],
  ["ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"],
  ["ZRANGE", "z", "0", "1", "REV", "REV"],
  ["ZREVRANGE", "z", "0", "-1", "REV"],
  ["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "REV"],
  ["ZRANGEBYSCORE", "z", "-inf", "+inf", "BYSCORE"],
  ["ZRANDMEMBER", "z", "-9223372036854775808"],
  ["ZRANDMEMBER", "z", "9223372036854775807"],
  ["ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"],
  ["ZRANDMEMBER", "z", "4611686018427387903", "WITHSCORES"],
  ["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"],
  ["ZRANDMEMBER", "z", "x"],
  ["ZRANDMEMBER", "nokey", "x"],
  ["ZRANDMEMBER", "nokey"],
  ["ZPOPMIN", "z", "-1"],
  ["ZPOPMIN", "z", "1", "2"],
  ["ZPOPMIN", "z", "x"],
  ["ZPOPMIN", "nokey", "0"],
  ["ZPOPMIN", "z", "0"],
  ["ZMPOP", "0", "z", "MIN"],
  ["ZMPOP", "x", "z", "MIN"],
  ["ZMPOP", "2", "z", "MIN"],
  ["ZMPOP", "1", "z", "MID"],
  ["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
  ["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"],
  ["ZMPOP", "1", "z", "MIN", "COUNT"],
  ["ZMPOP", "9223372036854775807", "z", "MIN"],
  ["ZUNIONSTORE", "d", "0", "z"],
  ["ZUNIONSTORE", "d", "x", "z"],
  ["ZUNIONSTORE", "d", "3", "z"],
  ["ZUNION", "1", "z", "WEIGHTS", "x"],
  ["ZUNION", "1", "z", "WEIGHTS", "1", "2"],
  ["ZUNION", "1", "z", "AGGREGATE", "avg"],
  ["ZUNION", "1", "z", "WITHSCORES", "foo"],
  ["ZUNIONSTORE", "d", "1", "z", "WITHSCORES"],
  ["ZDIFF", "1", "z", "WEIGHTS", "1"],
  ["ZINTERCARD", "0", "z"],
  ["ZINTERCARD", "1", "z", "LIMIT", "-1"],
  ["ZINTERCARD", "1", "z", "LIMIT", "x"],
  ["ZINTERCARD", "1", "z", "WITHSCORES"],
  ["BZPOPMIN", "z", "x"],
  ["BZPOPMIN", "z", "-1"],
  ["BZPOPMIN", "z", "1e400"],
  ["BZPOPMIN", "z", "inf"],
  ["BZPOPMIN", "z", ""],
  ["BZPOPMIN", "z", "1e5000"],
  ["BZPOPMIN", "z", "0"],
  ["BZMPOP", "x", "1", "z", "MIN"],
  ["BZMPOP", "0", "0", "z", "MIN"],
  ["BZMPOP", "x", "1", "z", "BAD"],
  ["BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"],
  ["ZSCAN", "z", "x"],
  ["ZSCAN", "z", "-1"],
  ["ZSCAN", "z", ""],
  ["ZSCAN", "z", "+0"],
  ["ZSCAN", "z", "18446744073709551615"],
  ["ZSCAN", "z", "18446744073709551616"],
  ["ZSCAN", "z", "0", "COUNT", "0"],
  ["ZSCAN", "z", "0", "COUNT", "x"],
  ["ZSCAN", "z", "0", "MATCH"],
  ["ZSCAN", "z", "0", "MATCH", "*o*", "COUNT", "1"],
  ["ZSCAN", "z", "0", "foo", "x"],
  ["ZSCAN", "nokey", "x"],
  ["ZSCAN", "nokey", "0", "COUNT", "0"],
  ["ZADD", "big", "1e17", "a", "4611686018427387904", "b", "4611686018427387905", "c"],
  ["ZADD", "big", "-4611686018427387904", "d", "9007199254740993", "e", "1e300", "f", "0.1", "g"],
  ["ZSCAN", "big", "0"],
  ["ZRANGE", "big", "0", "-1", "WITHSCORES"],
  ["SET", "s", "v"],
  ["ZADD", "s", "1", "a"],
  ["ZSCAN", "s", "0"],
  ["ZSCAN", "s", "0", "COUNT", "0"],
  ["ZMSCORE", "s", "a"],
  ["ZMSCORE", "nokey", "a", "b"],
  ["ZUNION", "2", "z", "s"],
  ["ZUNION", "2", "z", "s", "WEIGHTS", "x"],
  ["ZRANGESTORE", "d", "s", "0", "-1"],
  ["ZRANGESTORE", "d", "z", "0", "-1", "WITHSCORES"],
  ["ZCOUNT", "z", "a", "b"],
  ["ZLEXCOUNT", "z", "a", "b"],
  ["ZREMRANGEBYRANK", "z", "a", "b"],
  ["ZREMRANGEBYLEX", "z", "a", "b"],
  ["ZREMRANGEBYSCORE", "z", "a", "b"],
  ["ZREMRANGEBYSCORE", "s", "a", "b"],
  ["ZADD", "mixed", "1", "d", "2", "a", "3", "c", "4", "b", "0", "e"],
  ["ZRANGEBYLEX", "mixed", "[b", "[d"],
  ["ZREVRANGEBYLEX", "mixed", "[d", "[b"],
  ["ZRANGEBYLEX", "mixed", "[a", "[c", "LIMIT", "1", "3"],
  ["ZREVRANGEBYLEX", "mixed", "+", "[c", "LIMIT", "2", "2"],
  ["ZLEXCOUNT", "mixed", "(b", "(d"],
  ["ZREMRANGEBYLEX", "mixed", "[b", "[d"],
  ["ZRANGE", "mixed", "0", "-1", "WITHSCORES"],
  ["ZADD", "inf", "inf", "a", "-inf", "b", "0", "c"],
  ["ZUNION", "2", "inf", "inf", "WEIGHTS", "1", "-1", "WITHSCORES"],
  ["ZUNION", "1", "inf", "WEIGHTS", "0", "WITHSCORES"],
  ["ZUNION", "1", "inf", "WEIGHTS", "-1", "WITHSCORES"],
  ["ZUNIONSTORE", "d", "1", "inf", "WEIGHTS", "-1"],
  ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
  ["ZINTER", "2", "inf", "inf", "WEIGHTS", "-1", "1", "AGGREGATE", "MIN", "WITHSCORES"],
  ["ZINTER", "2", "inf", "inf", "WEIGHTS", "-1", "1", "AGGREGATE", "MAX", "WITHSCORES"],
  ["ZINCRBY", "z", "1", "a", "b"],
  ["ZINCRBY", "z", "nx", "a"],
];

/** Too few arguments for every command, and every command against a string key. */
const ARITY_AND_TYPE: string[][] = [
  ["ZADD", "k", "1"],
  ["ZINCRBY", "k", "1"],
  ["ZREM", "k"],
  ["ZCARD"],
  ["ZSCORE", "k"],
  ["ZMSCORE", "k"],
  ["ZRANK", "k"],
  ["ZREVRANK", "k"],
  ["ZCOUNT", "k", "1"],
  ["ZLEXCOUNT", "k", "-"],
  ["ZRANGE", "k", "0"],
  ["ZRANGESTORE", "d", "k", "0"],
  ["ZRANGEBYSCORE", "k", "0"],
  ["ZREVRANGEBYSCORE", "k", "0"],
  ["ZRANGEBYLEX", "k", "-"],
  ["ZREVRANGEBYLEX", "k", "+"],
  ["ZREVRANGE", "k", "0"],
  ["ZPOPMIN"],
  ["ZPOPMAX"],
  ["ZMPOP", "1", "k"],
  ["BZPOPMIN", "k"],
  ["BZPOPMAX", "k"],
  ["BZMPOP", "0", "1", "k"],
  ["ZREMRANGEBYRANK", "k", "0"],
  ["ZREMRANGEBYSCORE", "k", "0"],
  ["ZREMRANGEBYLEX", "k", "-"],
  ["ZUNION", "1"],
  ["ZINTER", "1"],
  ["ZDIFF", "1"],
  ["ZUNIONSTORE", "d", "1"],
  ["ZINTERSTORE", "d", "1"],
  ["ZDIFFSTORE", "d", "1"],
  ["ZINTERCARD", "1"],
  ["ZRANDMEMBER"],
  ["ZSCAN", "k"],
  ["SET", "s", "v"],
  ["ZADD", "s", "1", "a"],
  ["ZINCRBY", "s", "1", "a"],
  ["ZREM", "s", "a"],
  ["ZCARD", "s"],
  ["ZSCORE", "s", "a"],
  ["ZMSCORE", "s", "a"],
  ["ZRANK", "s", "a"],
  ["ZREVRANK", "s", "a"],
  ["ZCOUNT", "s", "0", "1"],
  ["ZLEXCOUNT", "s", "-", "+"],
  ["ZRANGE", "s", "0", "-1"],
  ["ZRANGESTORE", "d", "s", "0", "-1"],
  ["ZRANGEBYSCORE", "s", "0", "1"],
  ["ZREVRANGEBYSCORE", "s", "1", "0"],
  ["ZRANGEBYLEX", "s", "-", "+"],
  ["ZREVRANGEBYLEX", "s", "+", "-"],
  ["ZREVRANGE", "s", "0", "-1"],
  ["ZPOPMIN", "s"],
  ["ZPOPMAX", "s", "2"],
  ["ZMPOP", "1", "s", "MIN"],
  ["BZPOPMIN", "s", "0"],
  ["BZPOPMAX", "s", "0"],
  ["BZMPOP", "0", "1", "s", "MAX"],
  ["ZREMRANGEBYRANK", "s", "0", "1"],
  ["ZREMRANGEBYSCORE", "s", "0", "1"],
  ["ZREMRANGEBYLEX", "s", "-", "+"],
  ["ZUNION", "1", "s"],
  ["ZINTER", "1", "s"],
  ["ZDIFF", "1", "s"],
  ["ZUNIONSTORE", "d", "1", "s"],
  ["ZINTERSTORE", "d", "1", "s"],
  ["ZDIFFSTORE", "d", "1", "s"],
  ["ZINTERCARD", "1", "s"],
  ["ZRANDMEMBER", "s"],
  ["ZRANDMEMBER", "s", "1"],
  ["ZSCAN", "s", "0"],
  // Empty, binary and large members round-trip.
  ["ZADD", "bin", "1", "", "2", "\x00\r\n\xff", "3", "\xc3\x28", "4", "x".repeat(100000)],
  ["ZRANGE", "bin", "0", "-1", "WITHSCORES"],
  ["ZSCORE", "bin", "\x00\r\n\xff"],
  ["ZRANK", "bin", "x".repeat(100000)],
  ["ZRANGEBYLEX", "bin", "[", "(\x01"],
  ["ZREM", "bin", "", "\xc3\x28"],
  ["ZRANGE", "bin", "0", "-1"],
];

Deno.test("differential: arity, WRONGTYPE and binary members for every command", async () => {
  let compared = 0;
  await withDiff(async (d) => {
    for (const args of ARITY_AND_TYPE) {
      await d.same(...args.map(bin));
      compared++;
    }
  });
  if (HAS_REDIS) assertEquals(compared, ARITY_AND_TYPE.length);
});

Deno.test("differential: edge cases byte for byte in RESP2 and RESP3", async () => {
  let compared = 0;
  await withDiff(async (d) => {
    for (const proto of ["2", "3"]) {
      await d.both("HELLO", proto);
      await d.same("FLUSHALL");
      for (const args of EDGE_CASES) {
        await d.same(...args.map(bin));
        compared++;
      }
    }
  });
  if (HAS_REDIS) assertEquals(compared, EDGE_CASES.length * 2);
});

// ------------------------------------------------------------ random runs

const KEYS = ["za", "zb", "zc", "big", "lz"];
/** Keys that receive score 0 only, so lexicographic ranges are well defined at any size. */
const SAME_SCORE_KEY = "lz";
const MEMBERS = [
  "a",
  "b",
  "c",
  "d",
  "e",
  "aa",
  "ab",
  "",
  "\x00",
  "\x00a",
  "\xff",
  "a\r\nb",
  "\xc3\xa9",
  "zzz",
  "m1",
  "m2",
  "m3",
  "10",
  "-1",
  "L".repeat(64),
];
const SCORES = [
  "0",
  "1",
  "2",
  "3",
  "-1",
  "1.5",
  "-2.5",
  "0.1",
  "0.2",
  "1e17",
  "-0",
  "+inf",
  "-inf",
  "inf",
  "3.0",
  "0x10",
  "1e-5",
  "100",
  "1e300",
  "123456789.123456789",
];
const SCORE_BOUNDS = [
  "-inf",
  "+inf",
  "(1",
  "1",
  "(0",
  "0",
  "2",
  "(2.5",
  "-1",
  "(-inf",
  "1e17",
  "(inf",
];
const LEX_BOUNDS = ["-", "+", "[a", "(a", "[b", "(c", "[", "(", "[aa", "(\xff", "[m3", "[\x00"];

class Generator {
  constructor(readonly rnd: () => number) {}
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)];
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  key(): string {
    const r = this.rnd();
    return r < 0.02 ? "s" : r < 0.05 ? "missing" : this.pick(KEYS);
  }
  score(key = ""): string {
    if (key === SAME_SCORE_KEY) return "0";
    return this.chance(0.01) ? this.pick(["abc", "nan", "", "1 "]) : this.pick(SCORES);
  }
  /** A destination for store commands (never the same-score key). */
  dst(): string {
    return this.pick(["dst", "za", "zb", "zc", "big"]);
  }
  member(): string {
    const r = this.rnd();
    // A member over the 64-byte listpack limit converts a set for good: keep it rare.
    return r < 0.003 ? "X".repeat(65) : r < 0.15 ? "r" + this.int(0, 400) : this.pick(MEMBERS);
  }
  scoreBound(): string {
    return this.chance(0.01) ? "x" : this.pick(SCORE_BOUNDS);
  }
  /** The key of a lexicographic query: often the same-score key, where any size is well defined. */
  lexKey(key: string): string {
    return this.chance(0.5) ? SAME_SCORE_KEY : key;
  }
  lexBound(): string {
    return this.chance(0.01) ? "x" : this.pick(LEX_BOUNDS);
  }
  limit(): string[] {
    return this.chance(0.4)
      ? ["LIMIT", String(this.int(-1, 4)), String(this.pick([-1, 0, 1, 2, 5, 100]))]
      : [];
  }
  rank(): string {
    return String(this.int(-8, 8));
  }
  keys(max: number): string[] {
    const n = this.int(1, max);
    return Array.from({ length: n }, () => this.chance(0.1) ? "missing" : this.pick(KEYS));
  }

  /** One random command; sorted-set commands weighted towards writes and ranges. */
  command(): string[] {
    const r = this.rnd() * 100;
    const key = this.key();
    if (r < 18) {
      const opts: string[] = [];
      for (const o of ["NX", "XX", "GT", "LT", "CH"]) if (this.chance(0.12)) opts.push(o);
      const incr = this.chance(0.1);
      if (incr) opts.push("INCR");
      const pairs = incr && !this.chance(0.05) ? 1 : this.int(1, 5);
      const args = ["ZADD", key, ...opts];
      for (let i = 0; i < pairs; i++) args.push(this.score(key), this.member());
      return args;
    }
    if (r < 19) {
      // Grow past the listpack limit: skiplist encoding.
      const target = this.pick(["big", SAME_SCORE_KEY]);
      const args = ["ZADD", target];
      for (let i = 0; i < 140; i++) {
        args.push(
          target === SAME_SCORE_KEY ? "0" : String(this.int(-50, 50)),
          "bulk" + this.int(0, 300),
        );
      }
      return args;
    }
    if (r < 24) return ["ZINCRBY", key, this.score(key), this.member()];
    if (r < 30) {
      return [
        "ZREM",
        key,
        ...Array.from({ length: this.int(1, 4) }, () => this.member()),
      ];
    }
    if (r < 33) return [this.pick(["ZSCORE", "ZRANK", "ZREVRANK"]), key, this.member()];
    if (r < 35) return ["ZMSCORE", key, this.member(), this.member(), this.member()];
    if (r < 36) return [this.pick(["ZCARD", "EXISTS", "TYPE"]), key];
    if (r < 39) return ["ZCOUNT", key, this.scoreBound(), this.scoreBound()];
    if (r < 42) return ["ZLEXCOUNT", this.lexKey(key), this.lexBound(), this.lexBound()];
    if (r < 56) {
      const kind = this.pick(["", "BYSCORE", "BYLEX"]);
      const [lo, hi] = kind === "BYSCORE"
        ? [this.scoreBound(), this.scoreBound()]
        : kind === "BYLEX"
        ? [this.lexBound(), this.lexBound()]
        : [this.rank(), this.rank()];
      const args = ["ZRANGE", kind === "BYLEX" ? this.lexKey(key) : key, lo, hi];
      if (kind) args.push(kind);
      if (this.chance(0.4)) args.push("REV");
      if (kind) args.push(...this.limit());
      if (kind !== "BYLEX" && this.chance(0.5)) args.push("WITHSCORES");
      if (this.chance(0.03)) args.push(this.pick(["LIMIT", "BYSCORE", "WITHSCORES", "FOO"]));
      return args;
    }
    if (r < 63) {
      const which = this.pick([
        "ZRANGEBYSCORE",
        "ZREVRANGEBYSCORE",
        "ZRANGEBYLEX",
        "ZREVRANGEBYLEX",
        "ZREVRANGE",
      ]);
      if (which === "ZREVRANGE") {
        return [
          "ZREVRANGE",
          key,
          this.rank(),
          this.rank(),
          ...(this.chance(0.5) ? ["WITHSCORES"] : []),
        ];
      }
      const lex = which.includes("LEX");
      const args = [
        which,
        lex ? this.lexKey(key) : key,
        ...(lex ? [this.lexBound(), this.lexBound()] : [this.scoreBound(), this.scoreBound()]),
      ];
      if (!lex && this.chance(0.5)) args.push("WITHSCORES");
      args.push(...this.limit());
      return args;
    }
    if (r < 66) {
      const kind = this.pick(["", "BYSCORE", "BYLEX"]);
      const [lo, hi] = kind === "BYSCORE"
        ? [this.scoreBound(), this.scoreBound()]
        : kind === "BYLEX"
        ? [this.lexBound(), this.lexBound()]
        : [this.rank(), this.rank()];
      const args = ["ZRANGESTORE", this.dst(), kind === "BYLEX" ? this.lexKey(key) : key, lo, hi];
      if (kind) args.push(kind, ...this.limit());
      if (this.chance(0.4)) args.push("REV");
      return args;
    }
    if (r < 70) {
      const kind = this.pick(["RANK", "SCORE", "LEX"]);
      const [lo, hi] = kind === "SCORE"
        ? [this.scoreBound(), this.scoreBound()]
        : kind === "LEX"
        ? [this.lexBound(), this.lexBound()]
        : [this.rank(), this.rank()];
      return ["ZREMRANGEBY" + kind, kind === "LEX" ? this.lexKey(key) : key, lo, hi];
    }
    if (r < 74) {
      const which = this.pick(["ZPOPMIN", "ZPOPMAX", "ZMPOP", "BZPOPMIN", "BZMPOP"]);
      if (which === "ZMPOP" || which === "BZMPOP") {
        const keys = this.keys(3);
        const args = which === "BZMPOP" ? ["BZMPOP", "0.001"] : ["ZMPOP"];
        args.push(String(keys.length), ...keys, this.pick(["MIN", "MAX"]));
        if (this.chance(0.5)) args.push("COUNT", String(this.int(1, 5)));
        return args;
      }
      if (which === "BZPOPMIN") return ["BZPOPMIN", ...this.keys(3), "0.001"];
      return this.chance(0.5) ? [which, key] : [which, key, String(this.int(0, 4))];
    }
    if (r < 84) {
      const op = this.pick([
        "ZUNION",
        "ZINTER",
        "ZDIFF",
        "ZUNIONSTORE",
        "ZINTERSTORE",
        "ZDIFFSTORE",
        "ZINTERCARD",
      ]);
      const keys = this.keys(4);
      const store = op.endsWith("STORE");
      const args = [
        op,
        ...(store ? [this.dst()] : []),
        String(keys.length),
        ...keys,
      ];
      if (!op.startsWith("ZDIFF") && op !== "ZINTERCARD") {
        if (this.chance(0.4)) {
          args.push(
            "WEIGHTS",
            ...keys.map(() => this.pick(["1", "2", "-1", "0.5", "0", "inf", "1.1"])),
          );
        }
        if (this.chance(0.4)) args.push("AGGREGATE", this.pick(["SUM", "MIN", "MAX"]));
      }
      if (op === "ZINTERCARD" && this.chance(0.5)) args.push("LIMIT", String(this.int(0, 3)));
      if (!store && op !== "ZINTERCARD" && this.chance(0.6)) args.push("WITHSCORES");
      return args;
    }
    if (r < 87) {
      // Only the deterministic forms of ZRANDMEMBER.
      return [
        "ZRANDMEMBER",
        key,
        this.pick(["0", "1000", "-0"]),
        ...(this.chance(0.5) ? ["WITHSCORES"] : []),
      ];
    }
    if (r < 92) {
      return [
        "ZSCAN",
        key,
        "0",
        ...(this.chance(0.3) ? ["MATCH", this.pick(["*a*", "m?", "[a-c]", "*"])] : []),
      ];
    }
    if (r < 93) return ["DEL", key];
    if (r < 94) return ["SET", "s", "v"];
    if (r < 95) {
      return [
        "CONFIG",
        "SET",
        this.pick(["zset-max-listpack-entries", "zset-max-ziplist-entries"]),
        this.pick(["0", "2", "5", "128", "128", "128", "128"]),
      ];
    }
    if (r < 96) {
      return [
        "CONFIG",
        "SET",
        this.pick(["zset-max-listpack-value", "zset-max-ziplist-value"]),
        this.pick(["0", "1", "64"]),
      ];
    }
    return ["ZADD", key, "XX", "CH", this.score(key), this.member()];
  }
}

/** The source key of a lexicographic command, or null for other commands. */
function lexSource(args: string[]): string | null {
  const name = args[0];
  if (name === "ZLEXCOUNT" || name === "ZRANGEBYLEX" || name === "ZREVRANGEBYLEX") return args[1];
  if (name === "ZREMRANGEBYLEX") return args[1];
  if (name === "ZRANGE" && args.includes("BYLEX")) return args[1];
  if (name === "ZRANGESTORE" && args.includes("BYLEX")) return args[2];
  return null;
}

/**
 * True when Redis's answer to a lexicographic query on `key` is
 * well defined: a listpack (scanned linearly, which Rift reproduces) or a
 * skiplist whose scores are all equal. With unequal scores a skiplist's
 * answer depends on its random node levels.
 */
async function lexDefined(redis: RespClient, key: string): Promise<boolean> {
  const encoding = await redis.raw("OBJECT", "ENCODING", bin(key));
  if (!encoding.includes("skiplist")) return true;
  // The last score of a one-member WITHSCORES reply (flat in RESP2, nested in RESP3).
  const scoreAt = async (rank: string) =>
    String([await redis.value("ZRANGE", bin(key), rank, rank, "WITHSCORES")].flat(3).at(-1));
  return await scoreAt("0") === await scoreAt("-1");
}

/** Full ZSCAN iteration of a key: its [member, score] pairs, sorted. */
async function fullScan(c: RespClient, key: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, items] = await c.value("ZSCAN", bin(key), cursor, "COUNT", "7") as [
      string,
      string[],
    ];
    for (let i = 0; i < items.length; i += 2) out.push(`${items[i]} ${items[i + 1]}`);
    cursor = next;
  } while (cursor !== "0");
  return out.sort();
}

/** Parses an AOF (RESP multibulk commands) into space-joined commands, without SELECT. */
function parseAof(bytes: Uint8Array): string[] {
  const parser = new ReplyParser();
  parser.feed(bytes);
  const out: string[] = [];
  for (let r = parser.next(); r !== undefined; r = parser.next()) {
    if (r.reply.type !== "array") continue;
    const parts = r.reply.items.map((item) =>
      item.type === "bulk" ? String.fromCharCode(...item.value) : ""
    );
    if (parts[0].toUpperCase() !== "SELECT") out.push(parts.join(" "));
  }
  return out;
}

Deno.test("differential: seeded random sequences, encodings, events and AOF", async () => {
  const seeds = [1, 2, 3];
  const perSeed = 2500;
  let compared = 0, scans = 0, encodingChecks = 0, events = 0, aofCommands = 0;
  let skippedLex = 0, comparedLex = 0;
  for (const seed of seeds) {
    await withDiff(async (d) => {
      const gen = new Generator(prng(seed));
      // Keyspace events: Rift's via its notify hook, Redis's via a subscriber.
      const riftEvents: string[] = [];
      const server = d.rift.server;
      const notify = server.notify.bind(server);
      server.notify = (cls, event, key, db) => {
        // Redis's KEA does not publish keymiss (that needs `m`).
        if (cls !== NOTIFY_KEY_MISS) riftEvents.push(`${event} ${String.fromCharCode(...key)}`);
        notify(cls, event, key, db);
      };
      const riftLog: string[] = [];
      server.propagationSinks.push((batch) => {
        for (const p of batch) riftLog.push(p.argv.map((x) => String.fromCharCode(...x)).join(" "));
      });
      await d.same("CONFIG", "SET", "notify-keyspace-events", "KEA");
      const subscriber = await d.redis.client();
      await subscriber.raw("PSUBSCRIBE", "__keyevent@*__:*");

      for (let i = 0; i < perSeed; i++) {
        if (i % 500 === 250) await d.both("HELLO", gen.pick(["2", "3"]));
        const args = gen.command();
        const lexKey = lexSource(args);
        if (lexKey !== null && !(await lexDefined(d.b, lexKey))) {
          skippedLex++;
          continue;
        }
        if (lexKey !== null) comparedLex++;
        if (args[0] === "ZSCAN") {
          const encoding = await d.b.raw("OBJECT", "ENCODING", bin(args[1]));
          if (encoding.includes("skiplist")) {
            // Hash order differs between implementations: compare what a full scan returns.
            assertEquals(
              await fullScan(d.a, args[1]),
              await fullScan(d.b, args[1]),
              `ZSCAN ${args[1]}`,
            );
            scans++;
            continue;
          }
        }
        await d.same(...args.map(bin));
        compared++;
        if (i % 25 === 0) {
          for (const key of KEYS) {
            const id = server.db(0).find(bin(key));
            const expected = await d.b.raw("OBJECT", "ENCODING", key);
            if (id < 0) {
              assertTrue(
                expected === "$-1\r\n" || expected === "_\r\n",
                `${key} exists only in Redis`,
              );
            } else if (server.db(0).typeOf(id) === 3) {
              const encoding = server.db(0).object<ZSetValue>(id).encoding();
              assertEquals(
                `$${encoding.length}\r\n${encoding}\r\n`,
                expected,
                `encoding of ${key}`,
              );
              encodingChecks++;
            }
          }
        }
      }
      // Events: end with a marker, then read Redis's messages up to it.
      await d.same("ZADD", "__end__", "1", "x");
      const redisEvents: string[] = [];
      for (;;) {
        const message = toValue((await subscriber.read()).reply) as string[];
        const event = message[2].slice(message[2].indexOf("__:") + 3);
        redisEvents.push(`${event} ${message[3]}`);
        if (message[3] === "__end__") break;
      }
      assertEquals(riftEvents, redisEvents, "keyspace events");
      events += riftEvents.length;
      // Propagation: what Rift hands to its AOF is what Redis wrote to its own.
      const aofDir = `${d.dir}/appendonlydir`;
      const redisLog: string[] = [];
      for (const entry of [...Deno.readDirSync(aofDir)].map((e) => e.name).sort()) {
        if (entry.endsWith(".incr.aof")) {
          redisLog.push(...parseAof(Deno.readFileSync(`${aofDir}/${entry}`)));
        }
      }
      assertEquals(riftLog, redisLog, "propagated commands");
      aofCommands += riftLog.length;
    }, ["--appendonly", "yes", "--appendfsync", "always"]);
  }
  if (HAS_REDIS) {
    assertEquals(compared + scans + skippedLex, seeds.length * perSeed);
    assertTrue(
      comparedLex > 3 * skippedLex,
      `lexicographic: ${comparedLex} compared, ${skippedLex} skipped`,
    );
    assertTrue(scans > 50, `${scans} skiplist scans`);
    assertTrue(encodingChecks > 500, `${encodingChecks} encoding checks`);
    assertTrue(events > 1000 && aofCommands > 1000);
  }
});

Deno.test("differential: blocking pops served by ZADD, timeouts, events", async () => {
  let compared = 0;
  await withDiff(async (d) => {
    const riftEvents: string[] = [];
    const server = d.rift.server;
    const notify = server.notify.bind(server);
    server.notify = (cls, event, key, db) => {
      // Redis's KEA does not publish keymiss (that needs `m`).
      if (cls !== NOTIFY_KEY_MISS) riftEvents.push(`${event} ${String.fromCharCode(...key)}`);
      notify(cls, event, key, db);
    };
    await d.same("CONFIG", "SET", "notify-keyspace-events", "KEA");
    const subscriber = await d.redis.client();
    await subscriber.raw("PSUBSCRIBE", "__keyevent@*__:*");
    const waiters = [await d.rift.client(), await d.redis.client()];
    /** Blocks a command on both servers, runs `wake` on both, compares what the waiters get. */
    const served = async (blocking: string[], wake: string[][]) => {
      await Promise.all(waiters.map((w) => w.send(...blocking)));
      // Let both servers register the waiter before waking it.
      for (let i = 0; i < 500 && server.blocking.count === 0 && !waiters[0].hasReply; i++) {
        await new Promise((r) => setTimeout(r, 2));
      }
      await new Promise((r) => setTimeout(r, 20));
      for (const args of wake) await d.same(...args);
      const [x, y] = await Promise.all(
        waiters.map(async (w) => String.fromCharCode(...(await w.read()).raw)),
      );
      assertEquals(x, y, `served reply of ${blocking.join(" ")}`);
      compared++;
    };
    for (const proto of ["2", "3"]) {
      await Promise.all(waiters.map((w) => w.raw("HELLO", proto)));
      await served(["BZPOPMIN", "k1", "k2", "0"], [["ZADD", "k2", "1", "a", "2", "b"]]);
      await served(["BZPOPMAX", "k2", "0"], [["ZINCRBY", "k1", "1.5", "x"]]);
      await served(["BZPOPMAX", "k1", "k2", "0"], [["ZADD", "k1", "2", "b"]]);
      await served(["BZMPOP", "0", "2", "k3", "k4", "MIN", "COUNT", "3"], [[
        "ZADD",
        "k4",
        "1",
        "a",
        "2",
        "b",
      ]]);
      await served(["BZMPOP", "0", "1", "k3", "MAX"], [["ZUNIONSTORE", "k3", "1", "k1"]]);
      await served(["BZPOPMIN", "k5", "0.05"], []);
      await served(["BZMPOP", "0.05", "1", "k5", "MIN"], []);
      await d.same("DEL", "k1", "k2", "k3", "k4");
    }
    await d.same("ZADD", "__end__", "1", "x");
    const redisEvents: string[] = [];
    for (;;) {
      const message = toValue((await subscriber.read()).reply) as string[];
      redisEvents.push(`${message[2].slice(message[2].indexOf("__:") + 3)} ${message[3]}`);
      if (message[3] === "__end__") break;
    }
    assertEquals(riftEvents, redisEvents, "keyspace events");
  });
  if (HAS_REDIS) assertEquals(compared, 14);
});
