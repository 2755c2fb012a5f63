/**
 * Number parsing and formatting with Redis's exact rules: strict 64-bit
 * integers (no `+`, no leading zeros, no spaces), `strtod`-style doubles
 * (hex floats, `inf`, overflow rejected) and `%.17g` output.
 *
 * @module
 */

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/** Largest magnitude a JS number holds exactly. */
const SAFE_DIGITS = 15;

/**
 * Parses a signed 64-bit integer exactly as Redis's `string2ll` does and
 * returns it as a JS number (exact up to 2^53, rounded beyond, which is fine
 * for counts, indexes and offsets). Returns NaN when the bytes are not a
 * canonical integer or fall outside the signed 64-bit range. `start`/`end`
 * parse a range in place (a value in the keyspace's slab) without a view.
 */
export function parseInteger(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const n = end - start;
  if (n <= 0 || n > 20) return NaN;
  let i = start;
  let negative = false;
  if (bytes[i] === 45 /* - */) {
    if (n === 1) return NaN;
    negative = true;
    i++;
  }
  const first = bytes[i];
  if (first === 48 /* 0 */) return n === 1 ? 0 : NaN;
  if (first < 49 || first > 57) return NaN;
  if (end - i <= SAFE_DIGITS) {
    let v = 0;
    for (; i < end; i++) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) return NaN;
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }
  const big = parseBigInteger(
    start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end),
  );
  return big === null ? NaN : Number(big);
}

/**
 * Parses a signed 64-bit integer exactly (for `INCR` and friends, whose
 * results must not lose precision beyond 2^53). Returns null when invalid.
 */
export function parseBigInteger(bytes: Uint8Array): bigint | null {
  const n = bytes.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (bytes[0] === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const first = bytes[i];
  if (first === 48) return n === 1 ? 0n : null;
  if (first < 49 || first > 57) return null;
  let text = "";
  for (let j = 0; j < n; j++) {
    const b = bytes[j];
    if (j >= i && (b < 48 || b > 57)) return null;
    text += String.fromCharCode(b);
  }
  const v = BigInt(text);
  if (v > LLONG_MAX || v < LLONG_MIN) return null;
  return v;
}

/** True when a bigint fits Redis's signed 64-bit integers. */
export function fitsInt64(v: bigint): boolean {
  return v <= LLONG_MAX && v >= LLONG_MIN;
}

/** Signed 64-bit bounds as bigints, for overflow checks. */
export const INT64_MAX: bigint = LLONG_MAX;
/** Signed 64-bit lower bound as a bigint. */
export const INT64_MIN: bigint = LLONG_MIN;

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

/**
 * Parses a double the way Redis does with `strtod`: decimal and hex forms,
 * `inf`/`infinity` (any case), no leading or trailing space, no NaN, and a
 * finite literal that overflows or underflows to zero is rejected (ERANGE).
 * Returns NaN when the input is rejected.
 */
export function parseDouble(bytes: Uint8Array): number {
  const n = bytes.length;
  if (n === 0 || n > 5000) return NaN;
  // Plain integers of up to 15 digits (the usual score) are exact doubles:
  // no string and no regular expression for them.
  let start = 0;
  if (bytes[0] === 45 /* - */ || bytes[0] === 43 /* + */) start = 1;
  if (n > start && n - start <= 15) {
    let v = 0;
    let i = start;
    for (; i < n; i++) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === n) return bytes[0] === 45 ? -v : v;
  }
  let text = "";
  for (let i = 0; i < n; i++) text += String.fromCharCode(bytes[i]);
  return parseDoubleText(text);
}

/** {@link parseDouble} over a JS string. */
export function parseDoubleText(text: string): number {
  if (DECIMAL_FLOAT.test(text)) {
    const v = Number(text);
    if (!Number.isFinite(v)) return NaN; // overflow: ERANGE
    if (v === 0 && /[1-9]/.test(text.replace(/[eE].*$/, ""))) return NaN; // underflow to zero
    return v;
  }
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  const hex = HEX_FLOAT.exec(text);
  if (hex && (hex[2].length > 0 || (hex[3] ?? "").length > 0)) {
    const digits = hex[2] + (hex[3] ?? "");
    const exp = Number(hex[4] ?? "0") - 4 * (hex[3] ?? "").length;
    let v = Number("0x" + (digits.replace(/^0+/, "") || "0"));
    if (digits.length > 13) {
      // Exact for long mantissas: rebuild through BigInt to keep rounding right.
      v = Number(BigInt("0x" + digits));
    }
    v = v * Math.pow(2, exp);
    if (!Number.isFinite(v)) return NaN;
    if (v === 0 && /[1-9a-fA-F]/.test(digits)) return NaN;
    return hex[1] === "-" ? -v : v;
  }
  return NaN;
}

/**
 * Formats a double like C's `printf("%.17g")`, which is what Redis 7.0 uses
 * for double replies (`ZSCORE`, `WITHSCORES`, `ZINCRBY`, RESP3 doubles).
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  const magnitude = d < 0 ? -d : d;
  if (magnitude >= 1e-4 && magnitude < 9007199254740992) {
    // Where both print without an exponent, `%.17g` of a double whose exact
    // decimal value has at most 17 digits is that value. Below 2^53 the
    // shortest round-trip text String gives writes the integer part whole,
    // so it is the exact value whenever the double has no more binary
    // fraction digits than the text has decimal ones (no shorter text can
    // equal the value, and an equal one is the closest): then scaling by
    // 2^(its fraction digits) leaves an integer. This covers integer scores
    // and ones like 1.5 or 1234567.25.
    const shortest = String(d);
    const dot = shortest.indexOf(".");
    const fractionDigits = dot < 0 ? 0 : shortest.length - dot - 1;
    if (Number.isInteger(d * 2 ** fractionDigits)) return shortest;
  }
  return formatG(d, 17);
}

/**
 * Redis's `d2string`: integers in ±2^52 print without a fraction, other
 * values with `%.17g`. Used where Redis converts doubles for storage or text.
 */
export function doubleToString(d: number): string {
  if (Number.isInteger(d) && d > -4503599627370495 && d < 4503599627370496) {
    return Object.is(d, -0) ? "-0" : String(d);
  }
  return formatDouble(d);
}

/**
 * `%.<precision>g` for finite non-zero doubles, with C's rounding.
 *
 * JS's `toExponential` picks the same digits as C except on an exact tie
 * (the double's exact decimal value ends in a 5 right after the last kept
 * digit): JS rounds such ties up, C rounds them to even. A tie can only
 * have produced an odd last digit, so only then is the one-digit-longer
 * expansion checked for being exact.
 */
export function formatG(d: number, precision: number): string {
  const negative = d < 0;
  const magnitude = negative ? -d : d;
  // `toExponential(p - 1)` writes "D.DDD…e±X" with exactly p digits.
  const exponential = magnitude.toExponential(precision - 1);
  let ePos = precision === 1 ? 1 : precision + 1;
  let digits = precision === 1 ? exponential[0] : exponential[0] + exponential.slice(2, ePos);
  let exp = exponentOf(exponential, ePos);
  if ((digits.charCodeAt(precision - 1) - 48) % 2 === 1) {
    const longer = magnitude.toExponential(precision);
    ePos = longer.indexOf("e");
    const more = longer.slice(0, ePos).replace(".", "");
    const longerExp = exponentOf(longer, ePos);
    if (more.endsWith("5") && isExactly(magnitude, more, longerExp)) {
      digits = more.slice(0, precision); // the even neighbour: round the tie down
      exp = longerExp;
    }
  }
  // Significant digits without trailing zeros (the first digit is never 0).
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  let out: string;
  if (exp < -4 || exp >= precision) {
    const mantissa = end > 1 ? digits[0] + "." + digits.slice(1, end) : digits[0];
    const absExp = exp < 0 ? -exp : exp;
    out = mantissa + (exp < 0 ? "e-" : "e+") + (absExp < 10 ? "0" : "") + absExp;
  } else if (exp >= 0) {
    out = end > exp + 1
      ? digits.slice(0, exp + 1) + "." + digits.slice(exp + 1, end)
      : digits.slice(0, exp + 1);
  } else {
    out = "0." + "0".repeat(-exp - 1) + digits.slice(0, end);
  }
  return negative ? "-" + out : out;
}

/** The exponent after the "e" at `ePos` of a `toExponential` result. */
function exponentOf(text: string, ePos: number): number {
  let value = 0;
  for (let i = ePos + 2; i < text.length; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return text.charCodeAt(ePos + 1) === 45 /* - */ ? -value : value;
}

/** Scratch for reading a double's bits (a new buffer per call is a malloc in Deno). */
const DOUBLE_BITS = new DataView(new ArrayBuffer(8));

/** True when the positive double `d` equals `digits` (d.ddd…) × 10^`exp` exactly. */
function isExactly(d: number, digits: string, exp: number): boolean {
  const view = DOUBLE_BITS;
  view.setFloat64(0, d);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let binaryExp: number;
  if (biased === 0) {
    binaryExp = -1074;
  } else {
    mantissa |= 1n << 52n;
    binaryExp = biased - 1075;
  }
  const decimal = BigInt(digits);
  const decimalExp = exp - (digits.length - 1);
  // mantissa × 2^binaryExp == decimal × 10^decimalExp, with all powers moved to non-negative sides.
  let left = mantissa;
  let right = decimal;
  if (binaryExp >= 0) left <<= BigInt(binaryExp);
  else right <<= BigInt(-binaryExp);
  if (decimalExp >= 0) right *= 10n ** BigInt(decimalExp);
  else left *= 10n ** BigInt(-decimalExp);
  return left === right;
}

/** Scratch space of {@link decimalBytes}: 20 digits and a sign fit any 64-bit integer. */
const DECIMAL_SCRATCH = new Uint8Array(24);
/** Views of {@link DECIMAL_SCRATCH} from each start to its end, made once. */
const DECIMAL_VIEWS: Uint8Array[] = Array.from(
  { length: DECIMAL_SCRATCH.length },
  (_, start) => DECIMAL_SCRATCH.subarray(start),
);

/**
 * The decimal text of an integer as bytes, without building a string: a
 * view of a shared scratch buffer, valid until the next call (store a copy,
 * as `Database.setString` does). For counters (INCR), which store their
 * result as text on every call; safe integers allocate nothing.
 */
export function decimalBytes(n: number | bigint): Uint8Array {
  if (typeof n === "bigint" || !Number.isSafeInteger(n)) {
    const text = n.toString();
    for (let i = 0; i < text.length; i++) DECIMAL_SCRATCH[i] = text.charCodeAt(i);
    return new Uint8Array(DECIMAL_SCRATCH.buffer, 0, text.length);
  }
  let end = DECIMAL_SCRATCH.length;
  let t = Math.abs(n);
  do {
    const q = Math.floor(t / 10);
    DECIMAL_SCRATCH[--end] = 48 + (t - q * 10);
    t = q;
  } while (t > 0);
  if (n < 0) DECIMAL_SCRATCH[--end] = 45;
  return DECIMAL_VIEWS[end];
}
