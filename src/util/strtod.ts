/**
 * C's `strtod` as glibc implements it, for commands that hand user bytes
 * straight to it and judge the result by where parsing stopped and by
 * `errno` (SORT's weights): leading white space is skipped, the text ends
 * at the first NUL byte, an empty text is 0, hex floats, `inf`/`infinity`
 * and `nan` are accepted, and `ERANGE` is raised on overflow and on an
 * inexact result that is tiny (below 2^-1022 after rounding to 53 bits, as
 * IEEE 754 detects tininess).
 *
 * Values are exact: decimal text is converted by the JS engine, which
 * rounds correctly like glibc; hex text is rounded here bit by bit.
 *
 * @module
 */

/** 2^-1022, the smallest normal double. */
const MIN_NORMAL = 2 ** -1022;
/** 2^-1074, the smallest subnormal double (the spacing of subnormals). */
const MIN_SUBNORMAL = 2 ** -1074;

/**
 * Parses `text` (bytes as a latin1 string) as `strtod` would and returns
 * the value, or NaN when a caller checking `*endptr == '\0'`, `ERANGE` and
 * `isnan` rejects it: trailing characters before the first NUL, no number
 * at all in a non-empty text, NaN, overflow, or an inexact tiny result.
 */
export function strtodWhole(text: string): number {
  let end = text.indexOf("\0");
  if (end < 0) end = text.length;
  if (end === 0) return 0; // nothing to convert: endptr stays at the terminator
  let i = 0;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  let negative = false;
  const sign = text.charCodeAt(i);
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    negative = sign === 45;
    i++;
  }
  const first = text.charCodeAt(i) | 0x20;
  if (first === 0x69 /* i */) return parseInfinity(text, i, end, negative);
  if (first === 0x6e /* n */) return NaN; // "nan" parses as NaN, which callers reject
  if (
    text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) | 0x20) === 0x78 /* x */ &&
    startsHexMantissa(text, i + 2, end)
  ) {
    return parseHex(text, i + 2, end, negative);
  }
  return parseDecimal(text, i, end, negative);
}

/** isspace() in the C locale. */
function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

function isDigit(ch: number): boolean {
  return ch >= 48 && ch <= 57;
}

function hexValue(ch: number): number {
  if (ch >= 48 && ch <= 57) return ch - 48;
  const lower = ch | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** `inf` or `infinity`, any case; anything left over is trailing garbage. */
function parseInfinity(text: string, i: number, end: number, negative: boolean): number {
  if (text.slice(i, i + 3).toLowerCase() !== "inf") return NaN;
  i += 3;
  if (text.slice(i, i + 5).toLowerCase() === "inity") i += 5;
  if (i !== end) return NaN;
  return negative ? -Infinity : Infinity;
}

/** True when a hex mantissa (a digit, or a point and a digit) starts at `i`. */
function startsHexMantissa(text: string, i: number, end: number): boolean {
  if (i >= end) return false;
  if (hexValue(text.charCodeAt(i)) >= 0) return true;
  return text.charCodeAt(i) === 46 && i + 1 < end && hexValue(text.charCodeAt(i + 1)) >= 0;
}

/**
 * Index after an exponent (`e`/`p` already matched at `i`): an optional
 * sign and at least one digit, else `i` itself (the letter is not consumed).
 */
function exponentEnd(text: string, i: number, end: number): number {
  let j = i + 1;
  const sign = text.charCodeAt(j);
  if (sign === 43 || sign === 45) j++;
  if (j >= end || !isDigit(text.charCodeAt(j))) return i;
  while (j < end && isDigit(text.charCodeAt(j))) j++;
  return j;
}

/**
 * Reads an exponent's digits as a number, saturating far beyond any
 * meaningful exponent so that huge ones stay finite.
 */
function exponentValue(text: string, from: number, to: number): number {
  let j = from;
  let negative = false;
  const sign = text.charCodeAt(j);
  if (sign === 43 || sign === 45) {
    negative = sign === 45;
    j++;
  }
  let v = 0;
  for (; j < to; j++) v = Math.min(v * 10 + text.charCodeAt(j) - 48, 1e9);
  return negative ? -v : v;
}

function parseDecimal(text: string, start: number, end: number, negative: boolean): number {
  let i = start;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  let digitCount = i - start;
  let fractionDigits = 0;
  if (i < end && text.charCodeAt(i) === 46 /* . */) {
    const point = ++i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    fractionDigits = i - point;
    digitCount += fractionDigits;
  }
  if (digitCount === 0) return NaN; // no conversion: endptr is the start of a non-empty text
  const mantissaEnd = i;
  let exponent = 0;
  if (i < end && (text.charCodeAt(i) | 0x20) === 0x65 /* e */) {
    const after = exponentEnd(text, i, end);
    if (after !== i) exponent = exponentValue(text, i + 1, after);
    i = after;
  }
  if (i !== end) return NaN;
  const magnitude = Number(text.slice(start, end));
  if (magnitude === Infinity) return NaN;
  if (magnitude < MIN_NORMAL * 2) {
    const digits = text.slice(start, mantissaEnd).replace(".", "");
    if (decimalUnderflows(digits, exponent - fractionDigits, magnitude)) return NaN;
  }
  return negative ? -magnitude : magnitude;
}

/**
 * Whether glibc raises ERANGE for a decimal `digits × 10^exponent` that
 * rounded to `rounded` (below 2^-1021): the exact value must be tiny and
 * not representable.
 */
function decimalUnderflows(digits: string, exponent: number, rounded: number): boolean {
  const mantissa = BigInt(digits);
  if (mantissa === 0n) return false;
  if (rounded === 0) return true;
  if (rounded > MIN_NORMAL) return false;
  // Below 2^-1021 the exponent is far below zero: compare exact rationals
  // digits / 10^k against multiples of 2^-1076, the finest step needed.
  const k = BigInt(-exponent);
  const scaled = mantissa * (1n << 1076n); // value × 2^1076 × 10^k
  const tenK = 10n ** k;
  if (rounded === MIN_NORMAL) {
    // Tiny only when rounding to 53 bits with an unbounded exponent stays
    // below 2^-1022, i.e. the value is below 2^-1022 − 2^-1076.
    return scaled < ((1n << 54n) - 1n) * tenK;
  }
  // A subnormal result is always tiny; ERANGE unless it is exact.
  const units = BigInt(rounded / MIN_SUBNORMAL); // rounded = units × 2^-1074
  return scaled !== units * 4n * tenK;
}

function parseHex(text: string, start: number, end: number, negative: boolean): number {
  let i = start;
  let mantissa = 0n;
  let fractionDigits = 0;
  let v: number;
  while (i < end && (v = hexValue(text.charCodeAt(i))) >= 0) {
    mantissa = mantissa * 16n + BigInt(v);
    i++;
  }
  if (i < end && text.charCodeAt(i) === 46) {
    i++;
    while (i < end && (v = hexValue(text.charCodeAt(i))) >= 0) {
      mantissa = mantissa * 16n + BigInt(v);
      fractionDigits++;
      i++;
    }
  }
  let exponent = 0;
  if (i < end && (text.charCodeAt(i) | 0x20) === 0x70 /* p */) {
    const after = exponentEnd(text, i, end);
    if (after !== i) exponent = exponentValue(text, i + 1, after);
    i = after;
  }
  if (i !== end) return NaN;
  const magnitude = roundBinary(mantissa, exponent - 4 * fractionDigits);
  return negative ? -magnitude : magnitude;
}

/**
 * The double nearest to `mantissa × 2^exponent` (ties to even), or NaN
 * where glibc raises ERANGE: overflow, or a tiny inexact result.
 */
function roundBinary(mantissa: bigint, exponent: number): number {
  if (mantissa === 0n) return 0;
  const bits = mantissa.toString(2).length;
  const top = bits - 1 + exponent; // exponent of the leading bit
  if (top > 1100) return NaN;
  if (top < -1200) return NaN; // rounds to zero: tiny and inexact
  // Significant bits available at this magnitude: 53, fewer for subnormals.
  const precision = top >= -1022 ? 53 : top + 1075;
  const [rounded, inexact] = roundToBits(mantissa, bits, precision);
  const scale = exponent + bits - precision; // rounded × 2^scale is the result
  if (inexact && top < -1022) {
    // Tininess after rounding: with 53 bits and no exponent limit, does the
    // value still reach 2^-1022?
    const [wide] = roundToBits(mantissa, bits, 53);
    const wideTop = wide.toString(2).length - 1 + exponent + bits - 53;
    if (wideTop < -1022) return NaN;
  }
  const value = Number(rounded) * 2 ** Math.trunc(scale / 2) * 2 ** (scale - Math.trunc(scale / 2));
  return value === Infinity ? NaN : value;
}

/**
 * `mantissa` (of `bits` bits) rounded to `precision` significant bits, ties
 * to even, as an integer to be scaled by 2^(bits − precision); and whether
 * bits were lost.
 */
function roundToBits(mantissa: bigint, bits: number, precision: number): [bigint, boolean] {
  const drop = bits - precision;
  if (drop <= 0) return [mantissa << BigInt(-drop), false];
  const shift = BigInt(drop);
  let kept = mantissa >> shift;
  const rest = mantissa - (kept << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (kept & 1n) === 1n)) kept++;
  return [kept, rest !== 0n];
}
