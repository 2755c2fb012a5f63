/**
 * Packed intsets: the members of an `intset`-encoded set as one string of
 * fixed-width entries, four UTF-16 code units (64 bits) an integer, in
 * ascending numeric order, as Redis keeps them in one intset allocation.
 *
 * An entry is the integer plus 2^63 (its two's complement with the sign bit
 * flipped), big-endian, sixteen bits a code unit: the order of entries as
 * numbers is then the order of their code units, so a binary search
 * compares code units. A set of two integers is one string of 16 bytes of
 * characters where an array of decimal strings was an array, its backing
 * store and a string per member (~300 bytes of V8 heap for two members,
 * ~90 packed), with no pointers inside for the garbage collector to follow.
 * Members turn back into their canonical decimal text when they are read.
 *
 * The integer a function parsed is left in {@link keyTop} and
 * {@link keyBottom} (shared by all sets: callers read them before calling
 * out). Both are int32s, which V8 keeps unboxed: a module variable holding
 * a number beyond 31 bits is a heap number, allocated on every store
 * (measured: parsing a 9-digit member took 60 ns that way, 25 ns as it is).
 *
 * @module
 */

/** Code units an entry takes. */
export const INT_WIDTH = 4;

/** The top 32 bits of the integer parsed last, signed (as an int32). */
export let keyTop = 0;
/**
 * The bottom 32 bits of the integer parsed last with the top bit flipped
 * (as an int32): signed order of these is unsigned order of the bits.
 */
export let keyBottom = 0;

const TWO_32 = 4294967296;
const TWO_31 = 2147483648;
const TWO_16 = 65536;
/** Beyond this top word an integer no longer fits a double exactly (2^53 = 2^21 · 2^32). */
const EXACT_TOP = 2097152;

/**
 * Sets the key from a magnitude `high · 2^32 + low` (each half below
 * 2^32, the whole at most 2^63) and a sign; returns false when the
 * integer is outside the signed 64-bit range.
 */
function setKey(negative: boolean, high: number, low: number): boolean {
  if (!negative) {
    if (high >= TWO_31) return false;
    keyTop = high | 0;
    keyBottom = (low ^ TWO_31) | 0;
    return true;
  }
  if (high > TWO_31 || (high === TWO_31 && low !== 0)) return false;
  // Two's complement: −(high · 2^32 + low), borrowing when low is not zero.
  if (low === 0) {
    keyTop = -high | 0;
    keyBottom = TWO_31 | 0;
  } else {
    keyTop = (-high - 1) | 0;
    keyBottom = ((TWO_32 - low) ^ TWO_31) | 0;
  }
  return true;
}

/**
 * Sets the key from a magnitude given as `head · 10^9 + tail` (head below
 * 10^10, tail below 10^9, the text of an integer of 16 to 19 digits), in
 * 16-bit steps that keep every partial value exact in a double.
 */
function setLongKey(negative: boolean, head: number, tail: number): boolean {
  const headHigh = Math.floor(head / TWO_16); // < 2^18
  const y = headHigh * 1e9; // < 2^48
  const x = (head - headHigh * TWO_16) * 1e9 + tail; // < 2^47
  // magnitude = y · 2^16 + x
  const yHigh = Math.floor(y / TWO_16);
  const z = (y - yHigh * TWO_16) * TWO_16 + x; // < 2^48
  const zHigh = Math.floor(z / TWO_32);
  return setKey(negative, yHigh + zHigh, z - zHigh * TWO_32);
}

/**
 * When `s` is an integer Redis would keep in an intset (canonical decimal
 * within the signed 64-bit range, as `isInt64Text` accepts), parses it
 * into {@link keyTop}/{@link keyBottom} and returns true; else false.
 */
export function parseIntText(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let at = 0;
  const negative = s.charCodeAt(0) === 45; /* - */
  if (negative) {
    if (n === 1) return false;
    at = 1;
  }
  const first = s.charCodeAt(at) - 48;
  if (first === 0) {
    if (n !== 1) return false;
    keyTop = 0;
    keyBottom = TWO_31 | 0;
    return true;
  }
  if (first < 1 || first > 9) return false;
  const digits = n - at;
  // Up to 15 digits (below 2^53) a double holds every step exactly.
  const headEnd = digits <= 15 ? n : n - 9;
  let head = first;
  for (let i = at + 1; i < headEnd; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    head = head * 10 + d;
  }
  if (digits <= 15) {
    const high = Math.floor(head / TWO_32);
    return setKey(negative, high, head - high * TWO_32);
  }
  if (digits > 19) return false;
  let tail = 0;
  for (let i = headEnd; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    tail = tail * 10 + d;
  }
  return setLongKey(negative, head, tail);
}

/** {@link parseIntText} for a member given as bytes (no JS string made). */
export function parseIntBytes(b: Uint8Array): boolean {
  const n = b.length;
  if (n === 0 || n > 20) return false;
  let at = 0;
  const negative = b[0] === 45; /* - */
  if (negative) {
    if (n === 1) return false;
    at = 1;
  }
  const first = b[at] - 48;
  if (first === 0) {
    if (n !== 1) return false;
    keyTop = 0;
    keyBottom = TWO_31 | 0;
    return true;
  }
  if (first < 1 || first > 9) return false;
  const digits = n - at;
  const headEnd = digits <= 15 ? n : n - 9;
  let head = first;
  for (let i = at + 1; i < headEnd; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return false;
    head = head * 10 + d;
  }
  if (digits <= 15) {
    const high = Math.floor(head / TWO_32);
    return setKey(negative, high, head - high * TWO_32);
  }
  if (digits > 19) return false;
  let tail = 0;
  for (let i = headEnd; i < n; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return false;
    tail = tail * 10 + d;
  }
  return setLongKey(negative, head, tail);
}

/**
 * The entry of the key parsed last: the integer's bits with the sign bit
 * flipped, big-endian, 16 bits a code unit.
 */
export function keyEntry(): string {
  const high = keyTop ^ TWO_31;
  const low = keyBottom ^ TWO_31;
  return String.fromCharCode(high >>> 16, high & 0xffff, low >>> 16, low & 0xffff);
}

/**
 * Binary search of `packed` for the key parsed last: its index, or
 * `-(insertion point) - 1`.
 */
export function searchInts(packed: string): number {
  const top = keyTop;
  const bottom = keyBottom;
  let lo = 0;
  let hi = (packed.length >>> 2) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = mid << 2;
    // Flipping the sign bit back gives the signed top word.
    const t = ((packed.charCodeAt(at) << 16) | packed.charCodeAt(at + 1)) ^ TWO_31;
    if (t < top) lo = mid + 1;
    else if (t > top) hi = mid - 1;
    else {
      const b = ((packed.charCodeAt(at + 2) << 16) | packed.charCodeAt(at + 3)) ^ TWO_31;
      if (b < bottom) lo = mid + 1;
      else if (b > bottom) hi = mid - 1;
      else return mid;
    }
  }
  return -lo - 1;
}

/** The canonical decimal text of the entry at `index` of `packed`. */
export function intAt(packed: string, index: number): string {
  const at = index << 2;
  const top = ((packed.charCodeAt(at) << 16) | packed.charCodeAt(at + 1)) ^ TWO_31;
  const low = packed.charCodeAt(at + 2) * TWO_16 + packed.charCodeAt(at + 3); // unsigned
  // Within ±2^53 the integer is a double, printed exactly.
  if (top >= -EXACT_TOP && top < EXACT_TOP) return String(top * TWO_32 + low);
  return longIntText(top, low);
}

/**
 * Text of an integer beyond ±2^53 (`top`: its signed top word, `low`: its
 * unsigned bottom word): the magnitude, in four 16-bit digits, divided by
 * 10^9 by long division (every partial value stays below 2^46), gives the
 * quotient (below 2^35) and the last nine digits.
 */
function longIntText(top: number, low: number): string {
  const negative = top < 0;
  let high = top;
  if (negative) {
    // Two's complement back to the magnitude.
    if (low === 0) {
      high = -top;
    } else {
      high = -top - 1;
      low = TWO_32 - low;
    }
  }
  let quotient = 0;
  let rest = 0;
  for (let i = 0; i < 4; i++) {
    const digit = i === 0
      ? Math.floor(high / TWO_16)
      : i === 1
      ? high % TWO_16
      : i === 2
      ? Math.floor(low / TWO_16)
      : low % TWO_16;
    const part = rest * TWO_16 + digit;
    const q = Math.floor(part / 1e9);
    rest = part - q * 1e9;
    quotient = quotient * TWO_16 + q;
  }
  const text = String(quotient) + String(rest).padStart(9, "0");
  return negative ? "-" + text : text;
}
