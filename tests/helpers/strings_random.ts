/**
 * Seeded random inputs for the string and bitmap tests: a small PRNG,
 * float texts that exercise every corner of `long double` parsing,
 * rounding and printing, and random command lines for the differential
 * fuzz against redis-server.
 *
 * @module
 */

import type { Arg } from "./client.ts";

/** Mulberry32: a tiny, fast, seedable PRNG (same seed, same sequence). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A random element. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `n` random decimal digits. */
  digits(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** Inputs `string2ld` must accept or reject, around every limit of the format. */
const FLOAT_SPECIALS = [
  " 1",
  "1 ",
  "1e",
  "1e+",
  "abc",
  "nan",
  "NaN",
  "-nan",
  "",
  "0x",
  "0x.",
  "0x1p",
  "1e5000",
  "-1e5000",
  "1e-5000",
  "inf",
  "-inf",
  "Infinity",
  "-INFINITY",
  "infin",
  "+.5",
  "5.",
  ".",
  "+",
  "-",
  "-0",
  "0e99999",
  "1e-4950",
  "1e-4951",
  "3.6e-4951",
  "1.8e-4951",
  "1.9e-4951",
  "1.18973149535723176502e4932",
  "1.18973149535723176505e4932",
  "1.2e4932",
  "0x1p-16445",
  "0x1p-16446",
  "0x1.8p-16446",
  "0x1.fffffffffffffffep16383",
  "0x1p16383",
  "0x1p16384",
  "00012",
  "1_0",
  "1,5",
  "0x1P-2",
  "0X.8",
  "1E3",
  "18446744073709551617",
  "18446744073709551615",
  "9223372036854775807",
  "-9223372036854775808",
  "0.000003814697265625",
  "0.1",
  "10.5",
  "5.0e3",
  "1.0e400",
];

/**
 * A random float text: ordinary decimals, long mantissas, huge and tiny
 * exponents, hex floats, integers near powers of two (rounding ties),
 * dyadic fractions whose 17-decimal rounding is a tie, and invalid forms.
 */
export function randomFloatText(rng: Prng): string {
  const sign = rng.chance(0.3) ? "-" : rng.chance(0.05) ? "+" : "";
  switch (rng.int(13)) {
    case 0:
      return sign + rng.digits(rng.range(1, 4)) + "." + rng.digits(rng.int(6));
    case 1:
      return sign + rng.digits(rng.range(1, 20)) + "." + rng.digits(rng.int(25));
    case 2:
      return sign + rng.digits(rng.range(1, 3)) + "e" + (rng.chance(0.5) ? "-" : "") +
        String(rng.int(4960));
    case 3:
      return sign + "0x" + rng.int(1e9).toString(16) + "." + rng.int(1e6).toString(16) + "p" +
        (rng.chance(0.5) ? "-" : "") + rng.int(16500);
    case 4:
      return sign + rng.range(1, 9) + rng.digits(18);
    case 5:
      return sign + "0." + "0".repeat(rng.int(20)) + rng.digits(rng.range(1, 5));
    case 6:
      return rng.pick(FLOAT_SPECIALS);
    case 7:
      return sign + (rng.int(1e6) / 2 ** rng.int(70)).toString();
    case 8:
      return sign + rng.digits(rng.range(1, 3)) + "." + rng.digits(rng.int(4)) + "e" +
        (rng.chance(0.5) ? "-" : "") + rng.int(30);
    case 9:
      return sign + String(2n ** BigInt(rng.int(70)) + BigInt(rng.int(3) - 1));
    case 10:
      return sign + rng.range(1, 9) + rng.digits(rng.range(40, 400)) + "e-" + rng.int(450);
    case 11:
      // k / 2^n has an exact decimal expansion; n >= 18 makes %.17Lf round it.
      return sign + (rng.int(1 << 20) / 2 ** rng.range(18, 40)).toFixed(40).replace(/0+$/, "");
    default:
      return sign + rng.digits(rng.range(1, 8));
  }
}

/** Keys the fuzz works on: a few strings, a binary key, and `list` (made a list on both servers). */
export const FUZZ_KEYS: readonly Arg[] = [
  "s0",
  "s1",
  "s2",
  "s3",
  Uint8Array.of(98, 0, 13, 10, 255),
  "list",
];

const VALUE_POOL: readonly string[] = [
  "",
  "0",
  "1",
  "-1",
  "10",
  "007",
  "+5",
  " 5",
  "5 ",
  "-0",
  "abc",
  "foobar",
  "ohmytext",
  "mynewtext",
  "3.5",
  "-2.25",
  "1e3",
  "inf",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775806",
  "-9223372036854775807",
  "18446744073709551616",
  "9007199254740993",
  "\u0000\r\n\u00ff",
];

const INTEGER_POOL: readonly string[] = [
  "0",
  "1",
  "-1",
  "5",
  "-7",
  "100",
  "9007199254740991",
  "9007199254740993",
  "-9007199254740993",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775806",
  "-9223372036854775807",
  "9223372036854775808",
  "1.5",
  "",
  "abc",
  "01",
  "-0",
  "+1",
  " 1",
];

const INDEX_POOL: readonly string[] = [
  "9223372036854775807",
  "-9223372036854775808",
  "-9223372036854775807",
  "9007199254740993",
  "-9007199254740993",
  "-9007199254740994",
  "4294967296",
  "-4294967296",
  "x",
  "1.0",
];

/** A random-case version of a keyword (`ex`, `Ex`, `EX`). */
function keyword(rng: Prng, word: string): string {
  if (rng.chance(0.6)) return word;
  let s = "";
  for (const ch of word) s += rng.chance(0.5) ? ch.toLowerCase() : ch.toUpperCase();
  return s;
}

/** A random value: pooled edge cases, numbers, binary bytes, LCS-friendly text, floats. */
export function randomValue(rng: Prng): Arg {
  // Now and then a long value, to cross the store's inline limit (4 KiB).
  if (rng.chance(0.01)) return rng.bytes(rng.range(100, 5000));
  switch (rng.int(6)) {
    case 0:
      return rng.pick(VALUE_POOL);
    case 1:
      return String(rng.range(-1000, 1000));
    case 2:
      return rng.bytes(rng.int(20));
    case 3: {
      let s = "";
      const n = rng.int(30);
      for (let i = 0; i < n; i++) s += rng.pick(["a", "b", "c", "d"]);
      return s;
    }
    case 4:
      return randomFloatText(rng);
    default:
      return rng.pick(INTEGER_POOL);
  }
}

function randomInteger(rng: Prng): string {
  return rng.chance(0.6) ? String(rng.range(-50, 50)) : rng.pick(INTEGER_POOL);
}

function randomIndex(rng: Prng): string {
  const r = rng.next();
  if (r < 0.7) return String(rng.range(-25, 25));
  // Wide enough to land inside BIT ranges of longer bitmaps.
  if (r < 0.88) return String(rng.range(-400, 400));
  return rng.pick(INDEX_POOL);
}

/** Times used by the fuzz: `nowMs` is the test's wall clock, for EXAT/PXAT in the future. */
export interface FuzzClock {
  nowMs: number;
}

/** An expire option and its argument; relative times stay far from expiring during a test. */
function randomExpire(rng: Prng, clock: FuzzClock): string[] {
  const nowS = Math.floor(clock.nowMs / 1000);
  switch (rng.int(4)) {
    case 0:
      return [
        keyword(rng, "EX"),
        rng.pick([
          "100",
          "1000",
          "0",
          "-1",
          "abc",
          "1.5",
          "922337203685477",
          "9223372036854776",
          "9223372036854775807",
        ]),
      ];
    case 1:
      return [
        keyword(rng, "PX"),
        rng.pick(["100000", "99999999", "0", "-5", "x", "9223372036854775807"]),
      ];
    case 2:
      return [
        keyword(rng, "EXAT"),
        rng.pick([
          "1",
          "1000",
          String(nowS + 10000),
          "0",
          "-1",
          "9223372036854775",
          "9223372036854776",
        ]),
      ];
    default:
      return [
        keyword(rng, "PXAT"),
        rng.pick([
          "1",
          String(clock.nowMs - 5000),
          String(clock.nowMs + 10_000_000),
          "0",
          "9223372036854775807",
        ]),
      ];
  }
}

function setCommand(rng: Prng, clock: FuzzClock, key: Arg): Arg[] {
  const args: Arg[] = [keyword(rng, "SET"), key, randomValue(rng)];
  const n = rng.int(4);
  for (let i = 0; i < n; i++) {
    const r = rng.int(10);
    if (r < 2) args.push(keyword(rng, rng.pick(["NX", "XX"])));
    else if (r < 4) args.push(keyword(rng, "GET"));
    else if (r < 5) args.push(keyword(rng, "KEEPTTL"));
    else if (r < 9) args.push(...randomExpire(rng, clock));
    else args.push(rng.pick(["EX", "junk", "PXAT"]));
  }
  return args;
}

function getexCommand(rng: Prng, clock: FuzzClock, key: Arg): Arg[] {
  const args: Arg[] = [keyword(rng, "GETEX"), key];
  const n = rng.int(3);
  for (let i = 0; i < n; i++) {
    const r = rng.int(8);
    if (r < 2) args.push(keyword(rng, "PERSIST"));
    else if (r < 7) args.push(...randomExpire(rng, clock));
    else args.push(rng.pick(["EX", "KEEPTTL", "NX", "GET"]));
  }
  return args;
}

const FIELD_TYPES: readonly string[] = [
  "i1",
  "i8",
  "i16",
  "i32",
  "i63",
  "i64",
  "u1",
  "u8",
  "u16",
  "u31",
  "u32",
  "u63",
  "u64",
  "i0",
  "i65",
  "I8",
  "x",
  "",
  "u",
  "i08",
];

function fieldType(rng: Prng): string {
  if (rng.chance(0.4)) return (rng.chance(0.5) ? "i" : "u") + rng.range(1, 63);
  return rng.pick(FIELD_TYPES);
}

function fieldOffset(rng: Prng): string {
  const r = rng.int(10);
  if (r < 6) return String(rng.int(120));
  if (r < 9) return "#" + rng.int(6);
  return rng.pick(["-1", "abc", "#", "#-1", "4294967296", "#2305843009213693952", "#x"]);
}

function fieldValue(rng: Prng): string {
  const r = rng.int(4);
  if (r === 0) return String(rng.range(-300, 300));
  if (r === 1) return String(rng.range(-(2 ** 40), 2 ** 40));
  return rng.pick(INTEGER_POOL);
}

function bitfieldCommand(rng: Prng, key: Arg, readOnly: boolean): Arg[] {
  const args: Arg[] = [keyword(rng, readOnly ? "BITFIELD_RO" : "BITFIELD"), key];
  const n = rng.int(5);
  for (let i = 0; i < n; i++) {
    const r = rng.int(readOnly ? 12 : 10);
    if (r < 3 || r >= 10) args.push(keyword(rng, "GET"), fieldType(rng), fieldOffset(rng));
    else if (r < 5) {
      args.push(keyword(rng, "SET"), fieldType(rng), fieldOffset(rng), fieldValue(rng));
    } else if (r < 8) {
      args.push(keyword(rng, "INCRBY"), fieldType(rng), fieldOffset(rng), fieldValue(rng));
    } else if (r < 9) {
      args.push(keyword(rng, "OVERFLOW"), keyword(rng, rng.pick(["WRAP", "SAT", "FAIL", "NONE"])));
    } else args.push(rng.pick(["GET", "SET", "INCRBY", "OVERFLOW", "FOO"]));
  }
  return args;
}

function bitOffset(rng: Prng): string {
  if (rng.chance(0.9)) return String(rng.int(300));
  if (rng.chance(0.5)) return String(rng.int(50_000));
  return rng.pick(["-1", "abc", "4294967296", "9223372036854775807", "1.5"]);
}

function unit(rng: Prng): string {
  return keyword(rng, rng.pick(["BIT", "BYTE", "BIT", "BYTE", "BITS"]));
}

/** A random string or bitmap command (with a share of invalid forms). */
export function randomCommand(rng: Prng, clock: FuzzClock): Arg[] {
  const key = rng.pick(FUZZ_KEYS);
  const other = rng.pick(FUZZ_KEYS);
  switch (rng.int(38)) {
    case 0:
    case 1:
    case 2:
      return setCommand(rng, clock, key);
    case 3:
      return [keyword(rng, "GET"), key];
    case 4:
      return [keyword(rng, "GETSET"), key, randomValue(rng)];
    case 5:
      return [keyword(rng, "GETDEL"), key];
    case 6:
      return getexCommand(rng, clock, key);
    case 7:
      return [keyword(rng, "MGET"), key, other, rng.pick(FUZZ_KEYS)];
    case 8: {
      const args: Arg[] = [keyword(rng, rng.pick(["MSET", "MSETNX"]))];
      const pairs = rng.range(1, 3);
      for (let i = 0; i < pairs; i++) args.push(rng.pick(FUZZ_KEYS.slice(0, 5)), randomValue(rng));
      if (rng.chance(0.1)) args.pop();
      return args;
    }
    case 9:
      return [keyword(rng, "SETNX"), key, randomValue(rng)];
    case 10: {
      const seconds = rng.pick(["100", "0", "-1", "x", "9223372036854775807", "922337203685477"]);
      return [keyword(rng, "SETEX"), key, seconds, randomValue(rng)];
    }
    case 11: {
      const ms = rng.pick(["100000", "0", "-1", "x", "9223372036854775807"]);
      return [keyword(rng, "PSETEX"), key, ms, randomValue(rng)];
    }
    case 12:
    case 13:
      return [keyword(rng, "APPEND"), key, randomValue(rng)];
    case 14:
      return [keyword(rng, "STRLEN"), key];
    case 15:
    case 16:
      return [
        keyword(rng, rng.pick(["GETRANGE", "SUBSTR"])),
        key,
        randomIndex(rng),
        randomIndex(rng),
      ];
    case 17: {
      const offset = rng.chance(0.9)
        ? String(rng.int(60))
        : rng.pick(["-1", "x", "536870912", "9223372036854775807"]);
      return [keyword(rng, "SETRANGE"), key, offset, randomValue(rng)];
    }
    case 18:
    case 19:
      return [keyword(rng, rng.pick(["INCR", "DECR"])), key];
    case 20:
    case 21:
      return [keyword(rng, rng.pick(["INCRBY", "DECRBY"])), key, randomInteger(rng)];
    case 22:
    case 23:
      return [keyword(rng, "INCRBYFLOAT"), key, randomFloatText(rng)];
    case 24: {
      const args: Arg[] = [keyword(rng, "LCS"), key, other];
      const n = rng.int(4);
      for (let i = 0; i < n; i++) {
        const r = rng.int(9);
        if (r < 3) args.push(keyword(rng, "IDX"));
        else if (r < 4) args.push(keyword(rng, "LEN"));
        else if (r < 6) args.push(keyword(rng, "WITHMATCHLEN"));
        else if (r < 8) {
          args.push(keyword(rng, "MINMATCHLEN"), rng.pick(["0", "1", "2", "3", "-4", "x"]));
        } else args.push(rng.pick(["MINMATCHLEN", "junk"]));
      }
      return args;
    }
    case 25:
    case 26:
      return [
        keyword(rng, "SETBIT"),
        key,
        bitOffset(rng),
        rng.pick(["0", "1", "1", "0", "2", "-1", "x"]),
      ];
    case 27:
      return [keyword(rng, "GETBIT"), key, rng.chance(0.1) ? "4294967295" : bitOffset(rng)];
    case 28: {
      const args: Arg[] = [keyword(rng, "BITCOUNT"), key];
      const n = rng.pick([0, 0, 1, 2, 2, 3, 3, 4]);
      if (n >= 1) args.push(randomIndex(rng));
      if (n >= 2) args.push(randomIndex(rng));
      if (n >= 3) args.push(unit(rng));
      if (n >= 4) args.push("extra");
      return args;
    }
    case 29:
    case 30: {
      const args: Arg[] = [keyword(rng, "BITPOS"), key, rng.pick(["0", "1", "0", "1", "2", "x"])];
      const n = rng.pick([0, 1, 2, 2, 3, 3, 3, 4]);
      if (n >= 1) args.push(randomIndex(rng));
      if (n >= 2) args.push(randomIndex(rng));
      if (n >= 3) args.push(unit(rng));
      if (n >= 4) args.push("extra");
      return args;
    }
    case 31:
    case 32: {
      const op = keyword(rng, rng.pick(["AND", "OR", "XOR", "NOT", "NOT", "NAND"]));
      const args: Arg[] = [keyword(rng, "BITOP"), op, key];
      const n = rng.range(1, 3);
      for (let i = 0; i < n; i++) args.push(rng.pick(FUZZ_KEYS));
      return args;
    }
    case 33:
    case 34:
      return bitfieldCommand(rng, key, false);
    case 35:
      return bitfieldCommand(rng, key, true);
    case 36:
      return [keyword(rng, "DEL"), key];
    default:
      return [keyword(rng, rng.pick(["EXISTS", "TYPE"])), key];
  }
}
