/**
 * Random commands over every implemented type at once, for the mixed
 * differential fuzzer: a small pool of keys shared by all types (so
 * WRONGTYPE paths and type changes through RENAME/COPY/RESTORE are common),
 * awkward members and values (empty, NUL, CR/LF, 0x80-0xFF, long, huge),
 * and only deterministic forms: expiry times are absolute (far future or
 * past) so two servers agree without a shared clock, and commands whose
 * result Redis picks at random are only asked where the answer is forced
 * (counts covering the whole collection).
 *
 * Each command carries how its reply is compared: byte for byte, or with
 * the order of its elements ignored where Redis leaves it unspecified.
 *
 * @module
 */

import type { Arg } from "./client.ts";
import { Rng } from "./hashsets.ts";

/** How a reply is compared. */
export type Compare =
  /** Byte for byte. */
  | "exact"
  /** An array (or set) whose element order is unspecified. */
  | "sorted"
  /**
   * A `SORT ... ALPHA` reply: Redis compares with C's strcoll, which stops at
   * a NUL byte, so elements equal up to one ("" and "\0") tie and keep the
   * order Redis read them in (its hash table's, seeded per process). Exact
   * when the replies hold no NUL byte, otherwise as `sorted`.
   */
  | "collated"
  /** Field/value pairs (flat array or map, or array of pairs) in unspecified order. */
  | "pairs"
  /** A positive integer matches any positive integer (TTL of an absolute time: clock-dependent). */
  | "ttl"
  /**
   * Any integer matches any integer: `OBJECT REFCOUNT`, which inside MULTI
   * counts references held by the queued commands' arguments in Redis.
   */
  | "integer";

/** A generated command. */
export interface Cmd {
  args: Arg[];
  compare: Compare;
}

/** Bytes of a latin1 string. */
export function b(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** Keys shared by every type; a few binary ones. */
export const MIXED_KEYS: readonly string[] = [
  "k1",
  "k2",
  "k3",
  "k4",
  "k5",
  "",
  "\x00z",
  "a\r\nb",
  "\xff\x80",
  "{t}6",
];

/** Keys used only with lexicographic ranges (see {@link MixedCommands.lexKey}). */
export const LEX_KEYS: readonly string[] = ["lex1", "lex2"];

const MEMBERS = [
  "a",
  "b",
  "c",
  "d",
  "1",
  "2",
  "-3",
  "10",
  "255",
  "70000",
  "4294967296",
  "-9223372036854775808",
  "1.5",
  "",
  "\x00",
  "\r\n",
  "\xff\xfe",
  "m".repeat(70),
];

const INTEGERS = [
  "0",
  "1",
  "-1",
  "7",
  "100",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775808",
  "12a",
  "",
  " 1",
  "0x10",
  "3.0",
];

const FLOATS = [
  ...["1.5", "-0.25", "0", "1e3", "3", "inf", "-inf", "nan", "abc", "1e400", "0.1", ""],
  ...[".5", "5.", "1e-7", "-1.5e+300", "0x1p4", "0x10", " 1", "1 ", "+1", "1e", "-0.0"],
  // No subnormal numbers: parsing one leaves errno at ERANGE in Redis 7.0,
  // and a later numeric SORT then fails there at random.
  ...["1.7976931348623157e308", "2.2250738585072014e-308", "123456789.123456789"],
];

const SCORES = [
  "0",
  "1",
  "2",
  "-1",
  "2.5",
  "1e10",
  "-0",
  "+inf",
  "-inf",
  "3.14159",
  "0.1",
  "nan",
  "x",
  ...["1e-7", ".5", "-1.5e+300", "0x10", "123456789.123456789", " 1"],
];

const RANGE_SCORES = [
  "-inf",
  "+inf",
  "0",
  "1",
  "(1",
  "2.5",
  "(2.5",
  "-1",
  "10",
  "(0",
  "x",
  "(",
  "5",
  ...["(inf", "(-inf", "1e-7", "0x10", "nan", "(+inf"],
];
const LEX = ["-", "+", "[a", "(a", "[c", "(d", "[", "[1", "(\xff", "a", "[\x00"];

/** A seeded source of random commands over all types. */
export class MixedCommands {
  readonly rng: Rng;
  /** Absolute times (ms) in the far future, so no key ever expires by time during a run. */
  readonly future: number;

  constructor(seed: number, now = Date.now()) {
    this.rng = new Rng(seed);
    this.future = Math.floor(now / 1000) * 1000 + 10 * 365 * 86_400_000;
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  int(n: number): number {
    return this.rng.int(n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.rng.int(items.length)];
  }

  key(): Uint8Array {
    return b(this.pick(MIXED_KEYS));
  }

  /**
   * Keys for lexicographic ranges: only ever written with score 0 here,
   * since Redis leaves lex ranges over mixed scores unspecified (the
   * skiplist answer even depends on its random levels).
   */
  lexKey(): Uint8Array {
    return b(this.pick(LEX_KEYS));
  }

  keys(min: number, max: number): Uint8Array[] {
    const n = min + this.int(max - min + 1);
    return Array.from({ length: n }, () => this.key());
  }

  member(): Uint8Array {
    if (this.chance(0.15)) return b(String(this.int(40) - 5));
    if (this.chance(0.02)) return b("M".repeat(100 + this.int(400)));
    return b(this.pick(MEMBERS));
  }

  value(): Uint8Array {
    const r = this.rng.next();
    if (r < 0.2) return b(String(this.int(2000) - 100));
    if (r < 0.27) return b(this.pick(INTEGERS));
    if (r < 0.33) return b(this.pick(FLOATS));
    if (r < 0.4) return b("");
    if (r < 0.5) return b("\x00\r\n\xff\x80" + this.int(100));
    if (r < 0.85) return b("v".repeat(1 + this.int(40)));
    if (r < 0.995) return b("w".repeat(41 + this.int(3000)));
    return new Uint8Array(66_000 + this.int(5000)).fill(0x61 + this.int(26));
  }

  /** A small integer count, sometimes zero, negative or not a number. */
  count(): string {
    const r = this.rng.next();
    if (r < 0.75) return String(1 + this.int(6));
    if (r < 0.85) return "0";
    if (r < 0.93) return String(-1 - this.int(4));
    return this.pick(["x", "1.5", "9223372036854775807", ""]);
  }

  index(): string {
    if (this.chance(0.05)) return this.pick(["x", "1.5", "9223372036854775808", ""]);
    return String(this.int(14) - 7);
  }

  score(): string {
    return this.pick(SCORES);
  }

  /** An absolute time in ms: far future (distinct grid values) or in the past. */
  absoluteMs(): number {
    if (this.chance(0.25)) return this.pick([1, 1000, Math.floor(this.future / 2000)]);
    return this.future + this.int(50) * 1_000_000;
  }

  /** One random command. */
  next(): Cmd {
    const r = this.rng.next();
    if (r < 0.2) return this.stringCommand();
    if (r < 0.27) return this.bitmapCommand();
    if (r < 0.42) return this.listCommand();
    if (r < 0.54) return this.hashCommand();
    if (r < 0.66) return this.setCommand();
    if (r < 0.8) return this.zsetCommand();
    if (r < 0.95) return this.keyCommand();
    if (r < 0.975) return this.sortCommand();
    return this.connectionCommand();
  }

  private exact(...args: Arg[]): Cmd {
    return { args, compare: "exact" };
  }

  private sorted(...args: Arg[]): Cmd {
    return { args, compare: "sorted" };
  }

  private pairs(...args: Arg[]): Cmd {
    return { args, compare: "pairs" };
  }

  // ------------------------------------------------------------- strings
  private stringCommand(): Cmd {
    const k = this.key();
    switch (this.int(24)) {
      case 0:
      case 1:
      case 2: {
        const args: Arg[] = ["SET", k, this.value()];
        if (this.chance(0.3)) args.push(this.pick(["NX", "XX"]));
        if (this.chance(0.3)) args.push("GET");
        const t = this.int(8);
        if (t === 0) args.push("EXAT", String(Math.floor(this.absoluteMs() / 1000)));
        else if (t === 1) args.push("PXAT", String(this.absoluteMs()));
        else if (t === 2) args.push("KEEPTTL");
        else if (t === 3 && this.chance(0.3)) args.push("EX", this.pick(["0", "-1", "x"]));
        return this.exact(...args);
      }
      case 3:
        return this.exact("GET", k);
      case 4:
        return this.exact("GETSET", k, this.value());
      case 5:
        return this.exact("GETDEL", k);
      case 6: {
        const opts = [
          [],
          ["PERSIST"],
          ["EXAT", String(Math.floor(this.absoluteMs() / 1000))],
          ["PXAT", String(this.absoluteMs())],
          ["PX", "0"],
        ];
        return this.exact("GETEX", k, ...this.pick(opts));
      }
      case 7:
        return this.exact("MGET", ...this.keys(1, 4));
      case 8:
      case 9: {
        const args: Arg[] = [this.pick(["MSET", "MSETNX"])];
        for (let i = 1 + this.int(3); i > 0; i--) args.push(this.key(), this.value());
        return this.exact(...args);
      }
      case 10:
        return this.exact("APPEND", k, this.value());
      case 11:
        return this.exact("STRLEN", k);
      case 12:
        return this.exact(this.pick(["GETRANGE", "SUBSTR"]), k, this.index(), this.index());
      case 13: {
        const offset = this.chance(0.05) ? "536870912" : String(this.int(60));
        return this.exact("SETRANGE", k, offset, this.value());
      }
      case 14:
      case 15:
        return this.exact(this.pick(["INCR", "DECR"]), k);
      case 16:
        return this.exact(this.pick(["INCRBY", "DECRBY"]), k, this.pick(INTEGERS));
      case 17:
        return this.exact("INCRBYFLOAT", k, this.pick(FLOATS));
      case 18:
        return this.exact("SETNX", k, this.value());
      case 19: {
        const args: Arg[] = ["LCS", k, this.key()];
        if (this.chance(0.3)) args.push("LEN");
        else if (this.chance(0.4)) {
          args.push("IDX");
          if (this.chance(0.5)) args.push("MINMATCHLEN", String(this.int(4)));
          if (this.chance(0.5)) args.push("WITHMATCHLEN");
        }
        return this.exact(...args);
      }
      case 20:
        return this.exact("SETEX", k, this.pick(["0", "-5", "x"]), this.value());
      case 21:
        return this.exact("PSETEX", k, this.pick(["0", "-5", "x"]), this.value());
      default:
        return this.exact("SET", k, this.value());
    }
  }

  // ------------------------------------------------------------- bitmaps
  private bitmapCommand(): Cmd {
    const k = this.key();
    switch (this.int(8)) {
      case 0:
      case 1:
        return this.exact("SETBIT", k, String(this.int(300)), this.pick(["0", "1", "1", "2"]));
      case 2:
        return this.exact("GETBIT", k, String(this.int(300)));
      case 3: {
        const args: Arg[] = ["BITCOUNT", k];
        if (this.chance(0.6)) args.push(this.index(), this.index());
        if (args.length > 2 && this.chance(0.4)) args.push(this.pick(["BYTE", "BIT"]));
        return this.exact(...args);
      }
      case 4: {
        const args: Arg[] = ["BITPOS", k, this.pick(["0", "1"])];
        if (this.chance(0.5)) args.push(this.index());
        if (args.length > 3 && this.chance(0.5)) args.push(this.index());
        if (args.length > 4 && this.chance(0.4)) args.push(this.pick(["BYTE", "BIT"]));
        return this.exact(...args);
      }
      case 5: {
        const op = this.pick(["AND", "OR", "XOR", "NOT"]);
        const sources = op === "NOT" ? [this.key()] : this.keys(1, 3);
        return this.exact("BITOP", op, this.key(), ...sources);
      }
      default: {
        const args: Arg[] = ["BITFIELD", k];
        for (let i = 1 + this.int(3); i > 0; i--) {
          const type = this.pick(["u8", "i8", "i16", "u1", "i64", "u63", "i5"]);
          const offset = this.pick(["0", "3", "#1", "100"]);
          const op = this.int(4);
          if (op === 0) args.push("GET", type, offset);
          else if (op === 1) args.push("SET", type, offset, String(this.int(600) - 300));
          else if (op === 2) args.push("INCRBY", type, offset, String(this.int(400) - 200));
          else args.push("OVERFLOW", this.pick(["WRAP", "SAT", "FAIL"]));
        }
        return this.exact(...args);
      }
    }
  }

  // --------------------------------------------------------------- lists
  private listCommand(): Cmd {
    const k = this.key();
    const end = () => this.pick(["LEFT", "RIGHT"]);
    switch (this.int(22)) {
      case 0:
      case 1:
      case 2:
      case 3: {
        const cmd = this.pick(["LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"]);
        return this.exact(cmd, k, ...Array.from({ length: 1 + this.int(4) }, () => this.member()));
      }
      case 4:
      case 5: {
        const args: Arg[] = [this.pick(["LPOP", "RPOP"]), k];
        if (this.chance(0.4)) args.push(this.count());
        return this.exact(...args);
      }
      case 6:
        return this.exact("LRANGE", k, this.index(), this.index());
      case 7:
        return this.exact("LLEN", k);
      case 8:
        return this.exact("LINDEX", k, this.index());
      case 9:
        return this.exact("LSET", k, this.index(), this.member());
      case 10:
        return this.exact(
          "LINSERT",
          k,
          this.pick(["BEFORE", "AFTER"]),
          this.member(),
          this.member(),
        );
      case 11:
        return this.exact("LREM", k, this.index(), this.member());
      case 12:
        return this.exact("LTRIM", k, this.index(), this.index());
      case 13: {
        const args: Arg[] = ["LPOS", k, this.member()];
        if (this.chance(0.4)) args.push("RANK", this.pick(["1", "-1", "2", "0", "-2"]));
        if (this.chance(0.4)) args.push("COUNT", this.pick(["0", "1", "3", "-1"]));
        if (this.chance(0.3)) args.push("MAXLEN", this.pick(["0", "2", "10"]));
        return this.exact(...args);
      }
      case 14:
        return this.exact("LMOVE", k, this.key(), end(), end());
      case 15:
        return this.exact("RPOPLPUSH", k, this.key());
      case 16: {
        const keys = this.keys(1, 3);
        const args: Arg[] = ["LMPOP", String(keys.length), ...keys, end()];
        if (this.chance(0.5)) args.push("COUNT", this.count());
        return this.exact(...args);
      }
      case 17:
        // Timeouts are never reached: either a key has data or the command
        // is inside MULTI, where blocking commands do not block.
        return this.exact(this.pick(["BLPOP", "BRPOP"]), ...this.keys(1, 3), "0.01");
      case 18:
        return this.exact("BLMOVE", k, this.key(), end(), end(), "0.01");
      case 19: {
        const keys = this.keys(1, 2);
        return this.exact("BLMPOP", "0.01", String(keys.length), ...keys, end(), "COUNT", "2");
      }
      default:
        return this.exact(
          "RPUSH",
          k,
          ...Array.from({ length: 1 + this.int(8) }, () => this.member()),
        );
    }
  }

  // -------------------------------------------------------------- hashes
  private hashCommand(): Cmd {
    const k = this.key();
    switch (this.int(18)) {
      case 0:
      case 1:
      case 2: {
        const args: Arg[] = [this.pick(["HSET", "HSET", "HMSET"]), k];
        for (let i = 1 + this.int(4); i > 0; i--) args.push(this.member(), this.value());
        return this.exact(...args);
      }
      case 3:
        return this.exact("HSETNX", k, this.member(), this.value());
      case 4:
        return this.exact("HGET", k, this.member());
      case 5:
        return this.exact("HMGET", k, this.member(), this.member());
      case 6:
        return this.exact(
          "HDEL",
          k,
          ...Array.from({ length: 1 + this.int(3) }, () => this.member()),
        );
      case 7:
        return this.exact("HLEN", k);
      case 8:
        return this.exact("HSTRLEN", k, this.member());
      case 9:
        return this.exact("HEXISTS", k, this.member());
      case 10:
        return this.pairs("HGETALL", k);
      case 11:
        return this.sorted(this.pick(["HKEYS", "HVALS"]), k);
      case 12:
        return this.exact("HINCRBY", k, this.member(), this.pick(INTEGERS));
      case 13:
        return this.exact("HINCRBYFLOAT", k, this.member(), this.pick(FLOATS));
      case 14:
        // Counts that cover the whole hash: the answer is forced.
        if (this.chance(0.5)) return this.pairs("HRANDFIELD", k, "1000", "WITHVALUES");
        return this.sorted("HRANDFIELD", k, "1000");
      default:
        return this.exact("HSET", k, this.member(), this.value());
    }
  }

  // ---------------------------------------------------------------- sets
  private setCommand(): Cmd {
    const k = this.key();
    const members = (n: number) => Array.from({ length: 1 + this.int(n) }, () => this.member());
    switch (this.int(20)) {
      case 0:
      case 1:
      case 2:
        return this.exact("SADD", k, ...members(5));
      case 3:
        return this.exact("SREM", k, ...members(3));
      case 4:
        return this.exact("SMOVE", k, this.key(), this.member());
      case 5:
        return this.exact("SISMEMBER", k, this.member());
      case 6:
        return this.exact("SMISMEMBER", k, ...members(3));
      case 7:
        return this.exact("SCARD", k);
      case 8:
        return this.sorted("SMEMBERS", k);
      case 9:
        return this.sorted("SPOP", k, "1000");
      case 10:
        return this.sorted("SRANDMEMBER", k, "1000");
      case 11:
      case 12:
        return this.sorted(this.pick(["SINTER", "SUNION", "SDIFF"]), ...this.keys(1, 3));
      case 13:
      case 14:
        return this.exact(
          this.pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]),
          this.key(),
          ...this.keys(1, 3),
        );
      case 15: {
        const keys = this.keys(1, 3);
        const args: Arg[] = ["SINTERCARD", String(keys.length), ...keys];
        if (this.chance(0.4)) args.push("LIMIT", this.pick(["0", "1", "2", "-1"]));
        return this.exact(...args);
      }
      default:
        return this.exact("SADD", k, b(String(this.int(30))), b(String(this.int(100_000))));
    }
  }

  // --------------------------------------------------------- sorted sets
  private zsetCommand(): Cmd {
    const k = this.key();
    const withScores = () => (this.chance(0.5) ? ["WITHSCORES"] : []);
    const limit = () => (this.chance(0.3) ? ["LIMIT", this.index(), this.count()] : []);
    switch (this.int(30)) {
      case 0:
      case 1:
      case 2:
      case 3: {
        const args: Arg[] = ["ZADD", k];
        if (this.chance(0.3)) args.push(this.pick(["NX", "XX", "GT", "LT"]));
        if (this.chance(0.2)) args.push("CH");
        const incr = this.chance(0.1);
        if (incr) args.push("INCR");
        for (let i = incr ? 1 : 1 + this.int(4); i > 0; i--) args.push(this.score(), this.member());
        return this.exact(...args);
      }
      case 4:
        return this.exact("ZINCRBY", k, this.score(), this.member());
      case 5:
        return this.exact("ZREM", k, this.member(), this.member());
      case 6:
        return this.exact("ZCARD", k);
      case 7:
        return this.exact("ZSCORE", k, this.member());
      case 8:
        return this.exact("ZMSCORE", k, this.member(), this.member());
      case 9: {
        const args: Arg[] = [this.pick(["ZRANK", "ZREVRANK"]), k, this.member()];
        return this.exact(...args);
      }
      case 10:
        return this.exact("ZCOUNT", k, this.pick(RANGE_SCORES), this.pick(RANGE_SCORES));
      case 11:
        return this.exact("ZLEXCOUNT", this.lexKey(), b(this.pick(LEX)), b(this.pick(LEX)));
      case 12:
      case 13: {
        const mode = this.int(3);
        const args: Arg[] = ["ZRANGE", mode === 2 ? this.lexKey() : k];
        if (mode === 0) args.push(this.index(), this.index());
        else if (mode === 1) args.push(this.pick(RANGE_SCORES), this.pick(RANGE_SCORES), "BYSCORE");
        else args.push(b(this.pick(LEX)), b(this.pick(LEX)), "BYLEX");
        if (this.chance(0.3)) args.push("REV");
        if (mode !== 0 || this.chance(0.2)) args.push(...limit());
        if (mode !== 2 || this.chance(0.2)) args.push(...withScores());
        return this.exact(...args);
      }
      case 14: {
        const args: Arg[] = ["ZRANGESTORE", this.key(), k];
        if (this.chance(0.5)) args.push(this.index(), this.index());
        else args.push(this.pick(RANGE_SCORES), this.pick(RANGE_SCORES), "BYSCORE", ...limit());
        return this.exact(...args);
      }
      case 15:
        return this.exact(
          this.pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]),
          k,
          this.pick(RANGE_SCORES),
          this.pick(RANGE_SCORES),
          ...withScores(),
          ...limit(),
        );
      case 16:
        return this.exact(
          this.pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX"]),
          this.lexKey(),
          b(this.pick(LEX)),
          b(this.pick(LEX)),
          ...limit(),
        );
      case 17:
        return this.exact("ZREVRANGE", k, this.index(), this.index(), ...withScores());
      case 18: {
        const which = this.int(3);
        if (which === 0) return this.exact("ZREMRANGEBYRANK", k, this.index(), this.index());
        if (which === 1) {
          return this.exact(
            "ZREMRANGEBYSCORE",
            k,
            this.pick(RANGE_SCORES),
            this.pick(RANGE_SCORES),
          );
        }
        return this.exact("ZREMRANGEBYLEX", this.lexKey(), b(this.pick(LEX)), b(this.pick(LEX)));
      }
      case 19: {
        const args: Arg[] = [this.pick(["ZPOPMIN", "ZPOPMAX"]), k];
        if (this.chance(0.5)) args.push(this.count());
        return this.exact(...args);
      }
      case 20: {
        const keys = this.keys(1, 3);
        const args: Arg[] = ["ZMPOP", String(keys.length), ...keys, this.pick(["MIN", "MAX"])];
        if (this.chance(0.5)) args.push("COUNT", this.count());
        return this.exact(...args);
      }
      case 21:
        return this.exact(this.pick(["BZPOPMIN", "BZPOPMAX"]), ...this.keys(1, 2), "0.01");
      case 22:
        if (this.chance(0.5)) return this.pairs("ZRANDMEMBER", k, "1000", "WITHSCORES");
        return this.sorted("ZRANDMEMBER", k, "1000");
      case 23:
      case 24: {
        const keys = this.keys(1, 3);
        const op = this.pick(["ZUNION", "ZINTER", "ZDIFF"]);
        const args: Arg[] = [String(keys.length), ...keys];
        if (op !== "ZDIFF" && this.chance(0.3)) {
          args.push("WEIGHTS", ...keys.map(() => this.pick(["1", "2", "-1", "0.5", "inf"])));
        }
        if (op !== "ZDIFF" && this.chance(0.3)) {
          args.push("AGGREGATE", this.pick(["SUM", "MIN", "MAX"]));
        }
        if (this.chance(0.5)) return this.exact(`${op}STORE`, this.key(), ...args);
        return this.exact(op, ...args, ...withScores());
      }
      case 25: {
        const keys = this.keys(1, 3);
        const args: Arg[] = ["ZINTERCARD", String(keys.length), ...keys];
        if (this.chance(0.4)) args.push("LIMIT", this.pick(["0", "1", "-1"]));
        return this.exact(...args);
      }
      case 26:
      case 27: {
        const args: Arg[] = ["ZADD", this.lexKey()];
        for (let i = 1 + this.int(4); i > 0; i--) args.push("0", this.member());
        return this.exact(...args);
      }
      case 28:
        return this.exact("ZREM", this.lexKey(), this.member(), this.member());
      default: {
        const args: Arg[] = ["ZADD", k];
        for (let i = 1 + this.int(6); i > 0; i--) args.push(String(this.int(20)), this.member());
        return this.exact(...args);
      }
    }
  }

  // ---------------------------------------------------------------- keys
  private keyCommand(): Cmd {
    const k = this.key();
    switch (this.int(26)) {
      case 0:
      case 1:
        return this.exact(this.pick(["DEL", "UNLINK"]), ...this.keys(1, 3));
      case 2:
        return this.exact(this.pick(["EXISTS", "TOUCH"]), ...this.keys(1, 4));
      case 3:
      case 4:
        return this.exact("TYPE", k);
      case 5:
      case 6:
        return this.exact(this.pick(["RENAME", "RENAMENX"]), k, this.key());
      case 7: {
        const args: Arg[] = ["COPY", k, this.key()];
        if (this.chance(0.4)) args.push("DB", String(this.pick([0, 1, 2, 3, 16])));
        if (this.chance(0.4)) args.push("REPLACE");
        return this.exact(...args);
      }
      case 8:
        return this.exact("MOVE", k, String(this.pick([0, 1, 2, 3, 16])));
      case 9:
        return this.sorted("KEYS", b(this.pick(["*", "k?", "*\x00*", "[a-k]*", "{t}*", "\\*"])));
      case 10: {
        const exp = this.pick(["EXPIREAT", "PEXPIREAT"]);
        const at = this.absoluteMs();
        const args: Arg[] = [exp, k, String(exp === "EXPIREAT" ? Math.floor(at / 1000) : at)];
        if (this.chance(0.3)) args.push(this.pick(["NX", "XX", "GT", "LT"]));
        return this.exact(...args);
      }
      case 11:
        // Relative expiry only in forms that do not depend on the clock.
        return this.exact(this.pick(["EXPIRE", "PEXPIRE"]), k, this.pick(["0", "-1", "x"]));
      case 12:
        return { args: [this.pick(["TTL", "PTTL"]), k], compare: "ttl" };
      case 13:
      case 14:
        return this.exact(this.pick(["EXPIRETIME", "PEXPIRETIME"]), k);
      case 15:
        return this.exact("PERSIST", k);
      case 16:
      case 17:
        return this.exact("OBJECT", "ENCODING", k);
      case 18:
        return this.exact("DBSIZE");
      case 19:
        return this.exact("SELECT", String(this.pick([0, 0, 1, 2, 3])));
      case 20:
        return this.exact("SWAPDB", String(this.int(4)), String(this.int(4)));
      case 21:
        return this.exact("FLUSHDB");
      case 22:
        if (this.chance(0.5)) return this.exact("OBJECT", "FREQ", k);
        return { args: ["OBJECT", "REFCOUNT", k], compare: "integer" };
      default:
        return this.exact("EXISTS", k);
    }
  }

  // ---------------------------------------------------------------- sort
  /**
   * SORT and SORT_RO over lists, sets and sorted sets; `k*` patterns name
   * pool keys (`k1`...) for members 1 to 5, `*->field` reads hashes. BY
   * nosort returns a set in its own order: compared as unordered.
   */
  private sortCommand(): Cmd {
    const args: Arg[] = [this.chance(0.8) ? "SORT" : "SORT_RO", this.key()];
    const by = this.chance(0.4)
      ? this.pick(["nosort", "k*", "{t}*", "k*->a", "nokey*", "k1"])
      : null;
    const alpha = this.chance(0.4);
    // Orders Redis leaves to the input (a set's) or to its unstable quicksort:
    // no sorting (nosort, or a BY pattern naming one key), and ALPHA by weights,
    // where equal or missing weights tie without a tie-break.
    const unordered = by !== null && (by === "nosort" || !by.includes("*") || alpha);
    const store = args[0] === "SORT" && !unordered && this.chance(0.3);
    if (by !== null) args.push("BY", by);
    if (this.chance(0.3)) args.push("LIMIT", this.index(), this.count());
    for (let n = this.chance(0.4) ? 1 + this.int(2) : 0; n > 0; n--) {
      args.push("GET", this.pick(["#", "k*", "k*->a", "{t}*", "nokey*"]));
    }
    if (this.chance(0.3)) args.push(this.pick(["ASC", "DESC"]));
    if (alpha) args.push("ALPHA");
    if (store) args.push("STORE", this.key());
    // With LIMIT, an unordered sort picks an unspecified subset: compare only
    // the sorted form of what came back when no LIMIT cuts it.
    if (unordered && args.includes("LIMIT")) args.splice(args.indexOf("LIMIT"), 3);
    const collated = alpha && by === null && !store;
    return { args, compare: unordered ? "sorted" : collated ? "collated" : "exact" };
  }

  // ---------------------------------------------------------- connection
  private connectionCommand(): Cmd {
    switch (this.int(10)) {
      case 6:
        // Out of place: EXEC or DISCARD without MULTI, MULTI inside MULTI.
        return this.exact(this.pick(["EXEC", "DISCARD", "MULTI"]));
      case 7:
        return this.exact("SELECT", this.pick(["16", "-1", "x", "1.0", ""]));
      case 8:
        return this.exact("SWAPDB", this.pick(["0", "x"]), this.pick(["16", "-1", "1"]));
      case 9:
        return this.exact("PING", "a", "b");
      case 0:
        return this.exact("PING", ...(this.chance(0.5) ? [this.value()] : []));
      case 1:
        return this.exact("ECHO", this.value());
      case 2:
        return this.exact("PUBLISH", "chan", this.value());
      case 3:
        return this.exact("NOSUCHCOMMAND", this.key());
      case 4:
        return this.exact("GET");
      default:
        return this.exact("TYPE", this.key(), "extra");
    }
  }
}
