/**
 * Blocking-command timeouts in seconds (BLPOP, BLMOVE, BZPOPMIN...), read
 * exactly as Redis 7.0 does: the argument is parsed as a C `long double`
 * (`strtold`: decimal or hex, `inf`, no spaces, no NaN), multiplied by 1000
 * and rounded up to whole milliseconds. Zero means "wait forever"; a result
 * below zero, and any value that does not fit a signed 64-bit integer of
 * milliseconds (including `inf`), is reported as negative, as Redis's
 * integer conversion makes it so.
 *
 * The arithmetic is exact (BigInt) rather than in doubles so that the edges
 * Redis users can see agree: `0.0001` times out after 1 ms, `-0.0005` and
 * `-0.001` wait forever, `-0.0011` is negative, `9223372036854775.807` is a
 * valid (endless) wait and `9223372036854775.808` is negative.
 *
 * @module
 */

/** The argument is not a number (`ERR timeout is not a float or out of range`). */
export const TIMEOUT_NOT_FLOAT = -1;
/** The timeout is negative (`ERR timeout is negative`). */
export const TIMEOUT_NEGATIVE = -2;

/** Redis copies the argument into a buffer of this size before `strtold`. */
const MAX_CHARS = 5 * 1024;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;

/** log10 of the largest `long double` (x86 80-bit): larger literals overflow (ERANGE). */
const LOG10_LDBL_MAX = 4932.0754489586679;
/** log10 of half the smallest subnormal `long double`: smaller literals become zero (ERANGE). */
const LOG10_LDBL_ZERO = -4950.7390;
const LOG2_LDBL_MAX = 16384;
const LOG2_LDBL_ZERO = -16446;
const TWO_POW_63 = 2n ** 63n;

/**
 * Parses a timeout in seconds. Returns the wait in milliseconds (0 =
 * forever), or {@link TIMEOUT_NOT_FLOAT} / {@link TIMEOUT_NEGATIVE}.
 */
export function parseTimeoutSeconds(bytes: Uint8Array): number {
  if (bytes.length === 0 || bytes.length >= MAX_CHARS) return TIMEOUT_NOT_FLOAT;
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  const decimal = DECIMAL.exec(text);
  if (decimal) return decimalTimeout(decimal);
  const hex = HEX.exec(text);
  if (hex) return hexTimeout(hex);
  if (INFINITY.test(text)) return TIMEOUT_NEGATIVE;
  return TIMEOUT_NOT_FLOAT;
}

function decimalTimeout(m: RegExpExecArray): number {
  const negative = m[1] === "-";
  const intDigits = m[2];
  const fracDigits = m[3] ?? "";
  if (intDigits.length + fracDigits.length === 0) return TIMEOUT_NOT_FLOAT;
  const digits = (intDigits + fracDigits).replace(/^0+/, "");
  if (digits.length === 0) return 0;
  const exp10 = Number(m[4] ?? "0") - fracDigits.length;
  const log10 = digits.length - 1 + exp10 + Math.log10(Number("0." + digits.slice(0, 17)) * 10);
  if (log10 > LOG10_LDBL_MAX || log10 < LOG10_LDBL_ZERO) return TIMEOUT_NOT_FLOAT;
  if (log10 >= 19) return TIMEOUT_NEGATIVE; // ≥ 1e22 ms: beyond 64 bits
  if (log10 < -30) return negative ? 0 : 1;
  const mantissa = BigInt(digits);
  const scale = exp10 + 3; // seconds → milliseconds
  if (scale >= 0) return wholeMs(negative, mantissa * 10n ** BigInt(scale), false, true);
  const divisor = 10n ** BigInt(-scale);
  return wholeMs(negative, mantissa / divisor, mantissa % divisor !== 0n, true);
}

function hexTimeout(m: RegExpExecArray): number {
  const negative = m[1] === "-";
  const fracDigits = m[3] ?? "";
  const digits = m[2] + fracDigits;
  if (digits.length === 0) return TIMEOUT_NOT_FLOAT;
  const mantissa = BigInt("0x" + digits);
  if (mantissa === 0n) return 0;
  const exp2 = Number(m[4] ?? "0") - 4 * fracDigits.length;
  const log2 = mantissa.toString(2).length - 1 + exp2;
  if (log2 >= LOG2_LDBL_MAX || log2 < LOG2_LDBL_ZERO) return TIMEOUT_NOT_FLOAT;
  if (log2 >= 63) return TIMEOUT_NEGATIVE;
  if (log2 < -100) return negative ? 0 : 1;
  const scaled = mantissa * 1000n;
  if (exp2 >= 0) return wholeMs(negative, scaled << BigInt(exp2), false, false);
  const shift = BigInt(-exp2);
  return wholeMs(negative, scaled >> shift, (scaled & ((1n << shift) - 1n)) !== 0n, false);
}

/**
 * Rounds `±(whole + fraction)` milliseconds up, as `ceill` does, and maps
 * the result to a wait. `exactThousandthIsForever`: a decimal -0.001 s is
 * stored as a long double just above -0.001, so it rounds up to 0 (forever).
 */
function wholeMs(
  negative: boolean,
  whole: bigint,
  hasFraction: boolean,
  exactThousandthIsForever: boolean,
): number {
  if (negative) {
    if (whole === 0n) return 0;
    if (whole === 1n && !hasFraction && exactThousandthIsForever) return 0;
    return TIMEOUT_NEGATIVE;
  }
  const ms = hasFraction ? whole + 1n : whole;
  if (ms >= TWO_POW_63) return TIMEOUT_NEGATIVE;
  return Number(ms);
}
