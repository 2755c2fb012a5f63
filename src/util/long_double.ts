/**
 * Exact emulation of the x87 80-bit extended-precision `long double` that
 * Redis uses for INCRBYFLOAT and HINCRBYFLOAT on x86-64 Linux, so that Rift
 * produces the same digits. A JS double has a 53-bit significand; the x87
 * format has 64 bits and a 15-bit exponent, so computing in doubles gives
 * visibly different results (`10.5 + 0.1` is `10.6` in Redis but
 * `10.59999999999999964` when done in doubles and printed with `%.17f`).
 *
 * Values are kept as `mantissa × 2^exponent` with a BigInt mantissa below
 * 2^64, and every step is exact followed by one correct rounding (to
 * nearest, ties to even), which is what glibc's `strtold`, the x87 `fadd`
 * and glibc's `printf("%.17Lf")` each do:
 *
 * - {@link parseLongDouble} follows Redis's `string2ld`: `strtold` syntax
 *   (decimal, hex floats, `inf`/`infinity`), no leading space, every byte
 *   consumed (so no trailing space or NUL), no NaN, and a finite literal
 *   that overflows to infinity or underflows to zero is rejected.
 * - {@link addLongDouble} is IEEE addition in the extended format
 *   (denormals included, overflow to infinity).
 * - {@link formatLongDoubleHuman} is Redis's `ld2string(..., LD_STR_HUMAN)`:
 *   `%.17Lf` with trailing zeros (and a trailing point) removed, and `-0`
 *   written as `0`.
 *
 * INCRBYFLOAT (commands/strings.ts) parses the stored value, then the
 * increment (both "ERR value is not a valid float"), adds, and rejects a
 * non-finite sum ("ERR increment would produce NaN or Infinity"). Redis
 * 7.0's HINCRBYFLOAT differs in order and texts (measured): the increment
 * first ("ERR value is not a valid float"), an infinite increment is
 * refused up front ("ERR value is NaN or Infinity"), then the field
 * ("ERR hash value is not a float"), then the same check of the sum. Both
 * propagate the formatted result (SET ... KEEPTTL, HSET) so replicas never
 * redo the arithmetic.
 *
 * @example
 * ```ts
 * addLongDoubleStrings("10.5", "0.1"); // "10.6"
 * addLongDoubleStrings("1", "abc");    // null (not a float)
 * ```
 *
 * @module
 */

/** Bits in the significand (the x87 format stores the integer bit explicitly). */
const MANTISSA_BITS = 64;
/** Exponent of the lowest mantissa bit of the smallest denormal: 2^-16445. */
const MIN_EXPONENT = -16445;
/** Exponent of the lowest mantissa bit of the largest finite value, (2^64-1)·2^16320. */
const MAX_EXPONENT = 16320;
/** Redis's `MAX_LONG_DOUBLE_CHARS`: longer inputs are rejected. */
const MAX_INPUT_CHARS = 5 * 1024;
/** Digits after the point in `%.17Lf`. */
const FRACTION_DIGITS = 17;

const TWO_POW_64 = 1n << 64n;
const TWO_POW_63 = 1n << 63n;
const TEN_POW_FRACTION = 10n ** BigInt(FRACTION_DIGITS);

/** A `long double` value: finite, infinite or NaN. */
export type LongDouble =
  | {
    readonly kind: "finite";
    readonly negative: boolean;
    /** Significand, 0 ≤ mantissa < 2^64 (0 for zeros). */
    readonly mantissa: bigint;
    /** Power of two of the lowest mantissa bit. */
    readonly exponent: number;
  }
  | { readonly kind: "infinite"; readonly negative: boolean }
  | { readonly kind: "nan" };

const NAN: LongDouble = { kind: "nan" };

function zero(negative: boolean): LongDouble {
  return { kind: "finite", negative, mantissa: 0n, exponent: 0 };
}

function infinite(negative: boolean): LongDouble {
  return { kind: "infinite", negative };
}

const TWO_POW_53 = 1n << 53n;

/** Number of significant bits of a non-negative bigint. */
function bitLength(n: bigint): number {
  if (n < TWO_POW_53) {
    // Exact in a double: count bits of the high and low 32-bit halves.
    const x = Number(n);
    const high = Math.floor(x / 4294967296);
    return high > 0 ? 64 - Math.clz32(high) : 32 - Math.clz32(x >>> 0);
  }
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + 32 - Math.clz32(parseInt(hex[0], 16));
}

/** Powers of ten for the common short decimals, computed once. */
const SMALL_POWERS_OF_TEN: bigint[] = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));

function powerOfTen(exponent: number): bigint {
  return exponent < SMALL_POWERS_OF_TEN.length
    ? SMALL_POWERS_OF_TEN[exponent]
    : 10n ** BigInt(exponent);
}

/**
 * Rounds the exact value `num / den × 2^scale` (num ≥ 0, den > 0) to the
 * nearest long double, ties to even, with gradual underflow and overflow
 * to infinity.
 */
function roundExact(negative: boolean, num: bigint, den: bigint, scale: number): LongDouble {
  if (num === 0n) return zero(negative);
  // floor(log2(num / den)), from bit lengths and one comparison.
  let log2 = bitLength(num) - bitLength(den);
  const below = log2 >= 0 ? num < den << BigInt(log2) : num << BigInt(-log2) < den;
  if (below) log2--;
  let exponent = Math.max(log2 + scale - (MANTISSA_BITS - 1), MIN_EXPONENT);
  if (exponent > MAX_EXPONENT + 1) return infinite(negative);
  // mantissa = round(num / den × 2^(scale - exponent))
  const shift = scale - exponent;
  let n = num;
  let d = den;
  if (shift >= 0) n <<= BigInt(shift);
  else d <<= BigInt(-shift);
  let mantissa = n / d;
  const twiceRemainder = (n - mantissa * d) * 2n;
  if (twiceRemainder > d || (twiceRemainder === d && (mantissa & 1n) === 1n)) mantissa++;
  if (mantissa === TWO_POW_64) {
    mantissa = TWO_POW_63;
    exponent++;
  }
  if (exponent > MAX_EXPONENT) return infinite(negative);
  return { kind: "finite", negative, mantissa, exponent };
}

const INFINITY_TEXT = /^([+-]?)inf(?:inity)?$/i;
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_TEXT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/** Parses an exponent, clamped far beyond any value that can matter. */
function exponentValue(text: string | undefined): number {
  if (text === undefined) return 0;
  const v = Number(text);
  return Math.max(-1e9, Math.min(1e9, v));
}

/**
 * Decimal order of magnitude limits: a value of 10^4933 or more overflows,
 * a value below 10^-4951 is less than half the smallest denormal
 * (3.6·10^-4951) and rounds to zero.
 */
const DECIMAL_OVERFLOW_ORDER = 4933;
const DECIMAL_UNDERFLOW_ORDER = -4951;

function parseDecimal(match: RegExpExecArray): LongDouble | null {
  const negative = match[1] === "-";
  const intDigits = match[2];
  const fracDigits = match[3] ?? "";
  if (intDigits.length === 0 && fracDigits.length === 0) return null;
  const digits = (intDigits + fracDigits).replace(/^0+/, "");
  if (digits.length === 0) return zero(negative);
  const exp10 = exponentValue(match[4]) - fracDigits.length;
  // The value lies in [10^(order-1), 10^order).
  const order = exp10 + digits.length;
  if (order - 1 >= DECIMAL_OVERFLOW_ORDER) return null; // ERANGE overflow
  if (order <= DECIMAL_UNDERFLOW_ORDER) return null; // ERANGE underflow to zero
  const significand = BigInt(digits);
  const result = exp10 >= 0
    ? roundExact(negative, significand * powerOfTen(exp10), 1n, 0)
    : roundExact(negative, significand, powerOfTen(-exp10), 0);
  return acceptRange(result);
}

function parseHex(match: RegExpExecArray): LongDouble | null {
  const negative = match[1] === "-";
  const intDigits = match[2];
  const fracDigits = match[3] ?? "";
  if (intDigits.length === 0 && fracDigits.length === 0) return null;
  const digits = (intDigits + fracDigits).replace(/^0+/, "");
  if (digits.length === 0) return zero(negative);
  const significand = BigInt("0x" + digits);
  const scale = exponentValue(match[4]) - 4 * fracDigits.length;
  const top = bitLength(significand) + scale; // value < 2^top
  if (top > MAX_EXPONENT + MANTISSA_BITS + 1) return null;
  if (top < MIN_EXPONENT - 1) return null;
  return acceptRange(roundExact(negative, significand, 1n, scale));
}

/** `string2ld` rejects results that overflowed to infinity or underflowed to zero. */
function acceptRange(v: LongDouble): LongDouble | null {
  if (v.kind === "infinite") return null;
  if (v.kind === "finite" && v.mantissa === 0n) return null;
  return v;
}

/** Zero, the starting value of a missing counter. */
export const LONG_DOUBLE_ZERO: LongDouble = {
  kind: "finite",
  negative: false,
  mantissa: 0n,
  exponent: 0,
};

/**
 * Parses bytes as Redis's `string2ld` does (see the module comment).
 * Returns null when Redis would reply "value is not a valid float". An
 * `inf` literal is accepted and returned as an infinite value.
 */
export function parseLongDouble(bytes: Uint8Array): LongDouble | null {
  const length = bytes.length;
  if (length === 0 || length >= MAX_INPUT_CHARS) return null;
  let text = "";
  for (let i = 0; i < length; i++) text += String.fromCharCode(bytes[i]);
  return parseLongDoubleText(text);
}

/** {@link parseLongDouble} over a latin1 string (one char per byte). */
export function parseLongDoubleText(text: string): LongDouble | null {
  // The patterns admit no space and no NUL: strtold must consume every byte.
  if (text.length === 0 || text.length >= MAX_INPUT_CHARS) return null;
  const decimal = DECIMAL_TEXT.exec(text);
  if (decimal) return parseDecimal(decimal);
  const hex = HEX_TEXT.exec(text);
  if (hex) return parseHex(hex);
  const inf = INFINITY_TEXT.exec(text);
  if (inf) return infinite(inf[1] === "-");
  // Anything else, NaN literals included (Redis rejects NaN), is not a float.
  return null;
}

/**
 * Exponent gap beyond which the smaller of two normalised values cannot
 * change the rounded sum: it is below 2^-66 of the larger.
 */
const NEGLIGIBLE_GAP = MANTISSA_BITS + 66;

/** IEEE addition in the x87 extended format, rounding to nearest (ties to even). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === "nan" || b.kind === "nan") return NAN;
  if (a.kind === "infinite") {
    return b.kind === "infinite" && b.negative !== a.negative ? NAN : a;
  }
  if (b.kind === "infinite") return b;
  if (a.mantissa === 0n && b.mantissa === 0n) return zero(a.negative && b.negative);
  if (a.mantissa === 0n) return b;
  if (b.mantissa === 0n) return a;
  // A much smaller addend (below a quarter of the larger's last place) rounds away:
  // skip the huge exact sum that 1e4000 + 1e-4000 would need.
  if (a.exponent - b.exponent > NEGLIGIBLE_GAP) return a;
  if (b.exponent - a.exponent > NEGLIGIBLE_GAP) return b;
  const exponent = Math.min(a.exponent, b.exponent);
  const x = a.mantissa << BigInt(a.exponent - exponent);
  const y = b.mantissa << BigInt(b.exponent - exponent);
  const sum = (a.negative ? -x : x) + (b.negative ? -y : y);
  if (sum === 0n) return zero(false);
  return roundExact(sum < 0n, sum < 0n ? -sum : sum, 1n, exponent);
}

const F64 = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64.buffer);

/**
 * A finite double widened to a long double, exactly (C's implicit
 * conversion: the value is unchanged, only the format is wider).
 */
export function longDoubleFromDouble(d: number): LongDouble & { kind: "finite" } {
  F64[0] = d;
  const lo = F64_WORDS[0];
  const hi = F64_WORDS[1];
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return { kind: "finite", negative: hi >>> 31 === 1, mantissa, exponent };
}

/** True for values that are neither infinite nor NaN. */
export function isFiniteLongDouble(v: LongDouble): boolean {
  return v.kind === "finite";
}

/**
 * Formats like Redis's `ld2string` in human mode: `%.17Lf` (exact value,
 * rounded to 17 decimals, ties to even), trailing zeros and point removed,
 * `-0` as `0`; infinities as `inf`/`-inf` and NaN as `nan`.
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.kind === "nan") return "nan";
  if (v.kind === "infinite") return v.negative ? "-inf" : "inf";
  let scaled: bigint; // round(|v| × 10^17)
  if (v.exponent >= 0) {
    scaled = (v.mantissa * TEN_POW_FRACTION) << BigInt(v.exponent);
  } else {
    const num = v.mantissa * TEN_POW_FRACTION;
    const shift = BigInt(-v.exponent);
    scaled = num >> shift;
    const remainder = num - (scaled << shift);
    const half = 1n << (shift - 1n);
    if (remainder > half || (remainder === half && (scaled & 1n) === 1n)) scaled++;
  }
  const digits = scaled.toString().padStart(FRACTION_DIGITS + 1, "0");
  const integer = digits.slice(0, digits.length - FRACTION_DIGITS);
  const fraction = digits.slice(digits.length - FRACTION_DIGITS).replace(/0+$/, "");
  const text = fraction.length > 0 ? `${integer}.${fraction}` : integer;
  if (text === "0") return "0";
  return v.negative ? "-" + text : text;
}

/**
 * Adds two numbers given as text (latin1, one char per byte) with Redis's
 * INCRBYFLOAT semantics and returns the formatted sum, or null when either
 * is not a valid float or the sum is infinite or NaN. Callers that must
 * tell those errors apart use {@link parseLongDouble} and
 * {@link addLongDouble} directly.
 */
export function addLongDoubleStrings(a: string, b: string): string | null {
  const x = parseLongDoubleText(a);
  const y = parseLongDoubleText(b);
  if (x === null || y === null) return null;
  const sum = addLongDouble(x, y);
  return sum.kind === "finite" ? formatLongDoubleHuman(sum) : null;
}
