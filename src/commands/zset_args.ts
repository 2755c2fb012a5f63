/**
 * Argument parsing for sorted-set commands, with the exact (and sometimes
 * surprising) acceptance rules of the C functions Redis 7.0 uses:
 *
 * - score range bounds go through bare `strtod` on a C string: leading
 *   whitespace, `inf`, hex floats, overflow to `inf`, an empty string (0)
 *   and anything after a NUL byte are all accepted; only NaN and trailing
 *   garbage are refused;
 * - blocking timeouts go through `strtold` (long double) and a cast of the
 *   milliseconds to `long long`, so values beyond that range come out
 *   negative;
 * - SCAN cursors go through `strtoul`, which accepts a sign and wraps
 *   negative numbers around 2^64.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { derived } from "../config/config.ts";
import type { LexBound, LexRange, ScoreRange } from "../store/zset_range.ts";
import { type ZSetLimits, zsetLimitsFrom } from "../store/zset.ts";
import { latin1 } from "../util/bytes.ts";

/** Error for an unparsable score range bound. */
export const SCORE_RANGE_ERROR = "ERR min or max is not a float";
/** Error for an unparsable lexicographic range bound. */
export const LEX_RANGE_ERROR = "ERR min or max not valid string range item";

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const C_SPACE = /^[\t\n\v\f\r ]/;

/** The bytes up to the first NUL, as C code sees an argument. */
function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return latin1(nul < 0 ? bytes : bytes.subarray(0, nul));
}

/**
 * `strtod(text, &end)` followed by Redis's "`*end` must be the terminator"
 * check: returns the double, or NaN when the text is refused (or is NaN).
 * An empty text is 0 (nothing converted, but `*end` is the terminator).
 */
function strtodWhole(text: string): number {
  if (text === "") return 0;
  // strtod skips leading whitespace; when nothing follows it, no conversion happens.
  const body = text.replace(/^[\t\n\v\f\r ]+/, "");
  if (DECIMAL.test(body)) return Number(body);
  const inf = INFINITY.exec(body);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  const hex = HEX.exec(body);
  if (hex) {
    const intDigits = hex[2];
    const fracDigits = hex[3] ?? "";
    if (intDigits.length + fracDigits.length === 0) return NaN;
    const mantissa = Number(BigInt("0x" + (intDigits + fracDigits || "0")));
    const exponent = Number(hex[4] ?? "0") - 4 * fracDigits.length;
    const value = mantissa === 0 ? 0 : mantissa * Math.pow(2, exponent);
    return hex[1] === "-" ? -value : value;
  }
  return NaN;
}

/** Parses one score bound (`1.5`, `(1.5`, `-inf`); null when invalid. */
function scoreBound(arg: Uint8Array): { value: number; exclusive: boolean } | null {
  const text = cString(arg);
  const exclusive = text.charCodeAt(0) === 40; /* ( */
  const value = strtodWhole(exclusive ? text.slice(1) : text);
  return Number.isNaN(value) ? null : { value, exclusive };
}

/**
 * Parses `min max` of ZRANGEBYSCORE and friends. Writes Redis's error and
 * returns null when either bound is invalid.
 */
export function parseScoreRange(
  c: Client,
  minArg: Uint8Array,
  maxArg: Uint8Array,
): ScoreRange | null {
  const min = scoreBound(minArg);
  const max = scoreBound(maxArg);
  if (min === null || max === null) {
    c.out.error(SCORE_RANGE_ERROR);
    return null;
  }
  return {
    min: min.value,
    max: max.value,
    minExclusive: min.exclusive,
    maxExclusive: max.exclusive,
  };
}

/** Parses one lexicographic bound (`[a`, `(a`, `-`, `+`); null when invalid. */
function lexBound(arg: Uint8Array): LexBound | null {
  switch (arg[0]) {
    case 43: /* + */
      // Redis checks the byte after the sign as a C string: "+\0..." is "+".
      return arg.length === 1 || arg[1] === 0 ? { infinite: 1, value: "", exclusive: true } : null;
    case 45: /* - */
      return arg.length === 1 || arg[1] === 0 ? { infinite: -1, value: "", exclusive: true } : null;
    case 40: /* ( */
      return { infinite: 0, value: latin1(arg.subarray(1)), exclusive: true };
    case 91: /* [ */
      return { infinite: 0, value: latin1(arg.subarray(1)), exclusive: false };
    default:
      return null;
  }
}

/**
 * Parses `min max` of ZRANGEBYLEX and friends. Writes Redis's error and
 * returns null when either bound is invalid.
 */
export function parseLexRange(c: Client, minArg: Uint8Array, maxArg: Uint8Array): LexRange | null {
  const min = lexBound(minArg);
  const max = lexBound(maxArg);
  if (min === null || max === null) {
    c.out.error(LEX_RANGE_ERROR);
    return null;
  }
  return { min, max };
}

/** Longest text `string2ld` accepts (MAX_LONG_DOUBLE_CHARS). */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;
/** Decimal exponents beyond which an x87 long double overflows / underflows to zero. */
const LONG_DOUBLE_MAX_EXP10 = 4932;
const LONG_DOUBLE_MIN_EXP10 = -4950;
const LLONG_LIMIT = 9223372036854775808;

/**
 * Decimal exponent of the first significant digit of a decimal literal
 * (`123.4` → 2, `0.05` → -2), or null for zero and non-decimal text.
 */
function decimalExponent(text: string): number | null {
  const m = /^[+-]?(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return null;
  const digits = m[1] + m[2];
  const first = digits.search(/[1-9]/);
  if (first < 0) return null;
  return m[1].length - 1 - first + Number(m[3] ?? "0");
}

/**
 * Parses a blocking timeout in seconds like Redis's
 * `getTimeoutFromObjectOrReply(..., UNIT_SECONDS)`: a long double, times
 * 1000, cast to a 64-bit integer. Returns milliseconds (0 = forever), or
 * writes the error and returns null.
 */
export function parseTimeout(c: Client, arg: Uint8Array): number | null {
  const notFloat = "ERR timeout is not a float or out of range";
  if (arg.length === 0 || arg.length >= MAX_LONG_DOUBLE_CHARS) {
    c.out.error(notFloat);
    return null;
  }
  const text = cString(arg);
  if (C_SPACE.test(text)) {
    c.out.error(notFloat);
    return null;
  }
  let seconds = strtodWhole(text);
  if (Number.isNaN(seconds)) {
    c.out.error(notFloat);
    return null;
  }
  if (seconds === 0 || !Number.isFinite(seconds)) {
    // A double over/underflowed: a long double may still hold the value.
    const exp = decimalExponent(text.replace(/^[+-]/, ""));
    if (exp !== null) {
      if (exp > LONG_DOUBLE_MAX_EXP10 || exp < LONG_DOUBLE_MIN_EXP10) {
        c.out.error(notFloat);
        return null;
      }
      if (seconds === 0) seconds = 0; // tiny but representable: 0 ms
    }
  }
  const ms = seconds * 1000;
  // Out of long long range (including ±inf): the x86 cast yields LLONG_MIN.
  const truncated = Number.isFinite(ms) && Math.abs(ms) < LLONG_LIMIT ? Math.trunc(ms) : -Infinity;
  if (truncated < 0) {
    c.out.error("ERR timeout is negative");
    return null;
  }
  return truncated === 0 ? 0 : truncated;
}

const ULONG_MAX = (1n << 64n) - 1n;

/**
 * Parses a SCAN cursor like Redis's `parseScanCursorOrReply` (`strtoul`,
 * base 10, no leading space, nothing after the digits). Returns the low
 * 32 bits, which are all a cursor over tables of up to 2^32 buckets uses,
 * or writes `ERR invalid cursor` and returns null.
 */
export function parseScanCursor(c: Client, arg: Uint8Array): number | null {
  const text = cString(arg);
  if (text === "") return 0;
  const m = /^([+-]?)(\d+)$/.exec(text);
  if (!m || BigInt(m[2]) > ULONG_MAX) {
    c.out.error("ERR invalid cursor");
    return null;
  }
  let value = BigInt(m[2]);
  if (m[1] === "-") value = (ULONG_MAX + 1n - value) & ULONG_MAX;
  return Number(value & 0xffffffffn);
}

const currentZsetLimits = derived(zsetLimitsFrom);

/** The listpack limits currently configured. */
export function zsetLimits(c: Client): ZSetLimits {
  return currentZsetLimits(c.server.config);
}
