/**
 * Redis's HyperLogLog string format (P = 14, 6-bit registers), so an HLL
 * built here is byte-identical to one built by Redis 7.0 with the same
 * commands, and values move freely between the two servers.
 *
 * Layout: a 16-byte header (`HYLL`, encoding byte 0 = dense / 1 = sparse,
 * three zero bytes, the cached cardinality as 8 little-endian bytes whose
 * top bit marks it invalid) and the registers:
 * - dense: 16384 registers of 6 bits packed LSB-first (12288 bytes);
 * - sparse: run-length opcodes, ZERO `00xxxxxx` (1-64 zero registers),
 *   XZERO `01xxxxxx yyyyyyyy` (1-16384 zero registers), VAL `1vvvvvxx`
 *   (value 1-32 repeated 1-4 times).
 *
 * A sparse update edits the run holding the register in place and merges a
 * few neighbouring VAL opcodes afterwards, exactly as Redis does: the result
 * is not always the shortest encoding, and the bytes must match Redis's.
 *
 * @module
 */

/** Bits of the hash that select a register. */
export const HLL_P = 14;
/** Number of registers. */
export const HLL_REGISTERS = 1 << HLL_P;
/** Bits of the hash left to count trailing zeros in (the count is at most Q + 1). */
const HLL_Q = 64 - HLL_P;
/** Header size. */
export const HLL_HDR_SIZE = 16;
/** Size of a dense HLL. */
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + (HLL_REGISTERS * 6) / 8;
/** Encoding byte values. */
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;

const ZERO_MAX_LEN = 64;
const XZERO_MAX_LEN = 16384;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
/** Offset of the cache-invalid byte (its top bit set: the cached cardinality is stale). */
const CARD_HIGH_BYTE = 15;

// ------------------------------------------------------------------ hashing

// MurmurHash64A on 32-bit halves: JS numbers cannot hold 64-bit products,
// and BigInt is far too slow for a per-element hash.
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const SEED = 0xadc83b19;

/** Result of the last {@link mulM}/{@link hash64} (high and low 32 bits). */
let rHi = 0;
let rLo = 0;

/** (hi:lo) × M mod 2^64 into rHi:rLo. */
function mulM(hi: number, lo: number): void {
  // Full 64-bit product of the low words from 16-bit limbs, then the cross terms.
  const a0 = lo & 0xffff, a1 = lo >>> 16;
  const b0 = M_LO & 0xffff, b1 = M_LO >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rHi = (carry + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
}

/** MurmurHash64A (Redis's variant, seed 0xadc83b19) of `data` into rHi:rLo. */
function hash64(data: Uint8Array): void {
  const len = data.length;
  // h = seed ^ (len * m): len < 2^53, split into 32-bit halves.
  mulM(Math.floor(len / 0x100000000) >>> 0, len >>> 0);
  let hHi = rHi >>> 0;
  let hLo = (rLo ^ SEED) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const kLo = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) >>> 0;
    const kHi = (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24)) >>>
      0;
    mulM(kHi, kLo);
    // k ^= k >> 47: only the high word's top 17 bits reach the low word.
    const xLo = (rLo ^ (rHi >>> 15)) >>> 0;
    mulM(rHi, xLo);
    hHi ^= rHi;
    hLo ^= rLo;
    mulM(hHi, hLo);
    hHi = rHi;
    hLo = rLo;
  }
  const tail = len & 7;
  if (tail > 0) {
    for (let j = tail - 1; j >= 0; j--) {
      const b = data[blocks + j];
      if (j >= 4) hHi ^= b << ((j - 4) * 8);
      else hLo ^= b << (j * 8);
    }
    mulM(hHi >>> 0, hLo >>> 0);
    hHi = rHi;
    hLo = rLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mulM(hHi >>> 0, hLo);
  rLo = (rLo ^ (rHi >>> 15)) >>> 0;
}

/** The register index of the last {@link patternLength} call. */
export let lastRegister = 0;

/**
 * Hashes an element: sets {@link lastRegister} to its register (the low 14
 * bits) and returns its count (trailing zeros of the remaining 50 bits,
 * with bit 50 forced on, plus one: 1..51).
 */
export function patternLength(element: Uint8Array): number {
  hash64(element);
  lastRegister = rLo & (HLL_REGISTERS - 1);
  // The remaining bits: 18 from the low word, 32 from the high one, then the forced 1.
  const low = rLo >>> HLL_P;
  if (low !== 0) return 31 - Math.clz32(low & -low) + 1;
  if (rHi !== 0) return 18 + 31 - Math.clz32(rHi & -rHi) + 1;
  return HLL_Q + 1;
}

/** The 64-bit hash of the last {@link patternLength} call, for tests. */
export function lastHash(): bigint {
  return (BigInt(rHi >>> 0) << 32n) | BigInt(rLo >>> 0);
}

// ------------------------------------------------------------ dense access

/** Reads dense register `index` from the payload starting at `base`. */
export function denseGet(bytes: Uint8Array, base: number, index: number): number {
  const bit = index * 6;
  const byte = base + (bit >> 3);
  const shift = bit & 7;
  // Past the end reads as zero, as Redis reads its string terminator.
  const next = byte + 1 < bytes.length ? bytes[byte + 1] : 0;
  return ((bytes[byte] >> shift) | (next << (8 - shift))) & 63;
}

/** Writes dense register `index` of the payload starting at `base`. */
export function denseSet(bytes: Uint8Array, base: number, index: number, value: number): void {
  const bit = index * 6;
  const byte = base + (bit >> 3);
  const shift = bit & 7;
  bytes[byte] = (bytes[byte] & ~(63 << shift)) | (value << shift);
  if (shift > 2) {
    bytes[byte + 1] = (bytes[byte + 1] & ~(63 >> (8 - shift))) | (value >> (8 - shift));
  }
}

/** Scratch registers for {@link unpackDense} (one command at a time uses them). */
const unpacked = new Uint8Array(HLL_REGISTERS);

/**
 * The registers of a dense HLL, one per byte, in a shared scratch array
 * (valid until the next call): four registers per three bytes at a time.
 */
export function unpackDense(value: Uint8Array): Uint8Array {
  for (let i = 0, p = HLL_HDR_SIZE; i < HLL_REGISTERS; i += 4, p += 3) {
    const b0 = value[p], b1 = value[p + 1], b2 = value[p + 2];
    unpacked[i] = b0 & 63;
    unpacked[i + 1] = ((b0 >> 6) | (b1 << 2)) & 63;
    unpacked[i + 2] = ((b1 >> 4) | (b2 << 4)) & 63;
    unpacked[i + 3] = b2 >> 2;
  }
  return unpacked;
}

/** Writes registers (one per byte, each below 64) into a dense HLL's payload. */
function packDense(registers: Uint8Array, value: Uint8Array): void {
  for (let i = 0, p = HLL_HDR_SIZE; i < HLL_REGISTERS; i += 4, p += 3) {
    const r0 = registers[i], r1 = registers[i + 1], r2 = registers[i + 2], r3 = registers[i + 3];
    value[p] = r0 | (r1 << 6);
    value[p + 1] = (r1 >> 2) | (r2 << 4);
    value[p + 2] = (r2 >> 4) | (r3 << 2);
  }
}

// ------------------------------------------------------------- the header

/**
 * True when `value` passes Redis's `isHLLObjectOrReply` checks: magic,
 * known encoding, and a dense value of the exact size. (Sparse opcodes are
 * checked when they are walked.)
 */
export function isHll(value: Uint8Array): boolean {
  if (value.length < HLL_HDR_SIZE) return false;
  if (value[0] !== 72 || value[1] !== 89 || value[2] !== 76 || value[3] !== 76) return false;
  const encoding = value[4];
  if (encoding > HLL_SPARSE) return false;
  return encoding !== HLL_DENSE || value.length === HLL_DENSE_SIZE;
}

/** True when the cached cardinality is valid. */
export function cacheValid(value: Uint8Array): boolean {
  return (value[CARD_HIGH_BYTE] & 0x80) === 0;
}

/** Marks the cached cardinality stale. */
export function invalidateCache(value: Uint8Array): void {
  value[CARD_HIGH_BYTE] |= 0x80;
}

/** The cached cardinality (only meaningful when {@link cacheValid}). */
export function cachedCardinality(value: Uint8Array): number {
  let card = 0;
  for (let i = 15; i >= 8; i--) card = card * 256 + value[i];
  return card;
}

/**
 * Stores a cardinality in the cache. {@link CARD_OVERFLOW} sets the top bit,
 * so that cache reads as invalid, as in Redis.
 */
export function setCachedCardinality(value: Uint8Array, card: number): void {
  let rest = card;
  for (let i = 8; i < 16; i++) {
    value[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
}

/** A new, empty HLL: sparse, one XZERO run over every register, cache valid at 0. */
export function newHll(): Uint8Array {
  const value = new Uint8Array(HLL_HDR_SIZE + 2);
  value.set([72, 89, 76, 76, HLL_SPARSE]);
  value[HLL_HDR_SIZE] = 0x40 | ((XZERO_MAX_LEN - 1) >> 8);
  value[HLL_HDR_SIZE + 1] = (XZERO_MAX_LEN - 1) & 0xff;
  return value;
}

// ------------------------------------------------------------ sparse walk

/** Opcode kinds of a sparse payload. */
const OP_ZERO = 0;
const OP_XZERO = 1;
const OP_VAL = 2;

function opKind(byte: number): number {
  return byte & 0x80 ? OP_VAL : byte & 0x40 ? OP_XZERO : OP_ZERO;
}

/** Registers covered by the opcode at `p` (an XZERO's second byte past the end reads as 0). */
function opSpan(bytes: Uint8Array, p: number, end: number): number {
  const b = bytes[p];
  if (b & 0x80) return (b & 3) + 1;
  if (b & 0x40) return (((b & 0x3f) << 8) | (p + 1 < end ? bytes[p + 1] : 0)) + 1;
  return (b & 0x3f) + 1;
}

function valValue(byte: number): number {
  return ((byte >> 2) & 0x1f) + 1;
}

function valOp(value: number, len: number): number {
  return 0x80 | ((value - 1) << 2) | (len - 1);
}

/**
 * Visits the runs of a sparse payload `bytes[HDR, end)`: `visit(first,
 * length, value)` per run. Returns the number of registers covered (16384
 * when valid); a VAL run passing the last register stops the walk and
 * returns -1, as Redis 7.0.15 with its out-of-bounds fix (Debian's) does.
 */
function walkSparse(
  bytes: Uint8Array,
  end: number,
  visit: (first: number, length: number, value: number) => void,
): number {
  let index = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const b = bytes[p];
    const span = opSpan(bytes, p, end);
    if (b & 0x80) {
      if (index + span > HLL_REGISTERS) return -1;
      visit(index, span, valValue(b));
      p++;
    } else {
      visit(index, span, 0);
      p += b & 0x40 ? 2 : 1;
    }
    index += span;
  }
  return index;
}

// ------------------------------------------------------------ a live HLL

/** Result of an update: register unchanged, changed, or the HLL is corrupt. */
export const HLL_UNCHANGED = 0;
export const HLL_CHANGED = 1;
export const HLL_CORRUPT = -1;

/**
 * An HLL being modified: its bytes (with spare room for sparse edits) and
 * their length. Dense updates happen in place; sparse ones may grow the
 * buffer or turn it dense, so read {@link bytes} again after updating.
 */
export class HllWriter {
  /** Backing buffer; the value is `bytes[0, length)`. */
  bytes: Uint8Array;
  /** Length of the value. */
  length: number;
  /** `hll-sparse-max-bytes`: a sparse value growing past it turns dense. */
  private readonly sparseMaxBytes: number;

  constructor(value: Uint8Array, sparseMaxBytes: number, inPlace = false) {
    this.length = value.length;
    if (inPlace) {
      this.bytes = value;
    } else {
      this.bytes = new Uint8Array(value.length + 64);
      this.bytes.set(value);
    }
    this.sparseMaxBytes = sparseMaxBytes;
  }

  /** The value (a view of the buffer). */
  value(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** The encoding byte. */
  get encoding(): number {
    return this.bytes[4];
  }

  /** Adds an element (PFADD). */
  add(element: Uint8Array): number {
    const count = patternLength(element);
    return this.set(lastRegister, count);
  }

  /** Raises register `index` to `count` if it is lower. */
  set(index: number, count: number): number {
    const encoding = this.bytes[4];
    if (encoding === HLL_DENSE) {
      if (denseGet(this.bytes, HLL_HDR_SIZE, index) >= count) return HLL_UNCHANGED;
      denseSet(this.bytes, HLL_HDR_SIZE, index, count);
      return HLL_CHANGED;
    }
    if (encoding === HLL_SPARSE) return this.sparseSet(index, count);
    return HLL_CORRUPT;
  }

  /** Turns a sparse HLL dense (header and cache kept). False when the sparse payload is corrupt. */
  toDense(): boolean {
    if (this.bytes[4] === HLL_DENSE) return true;
    const dense = new Uint8Array(HLL_DENSE_SIZE);
    dense.set(this.bytes.subarray(0, HLL_HDR_SIZE));
    dense[4] = HLL_DENSE;
    const covered = walkSparse(this.bytes, this.length, (first, length, value) => {
      if (value === 0) return;
      for (let i = first; i < first + length; i++) denseSet(dense, HLL_HDR_SIZE, i, value);
    });
    if (covered !== HLL_REGISTERS) return false;
    this.bytes = dense;
    this.length = HLL_DENSE_SIZE;
    return true;
  }

  /**
   * Raises every register to `max[i]` (PFMERGE), where `max` is at least
   * every current register: a dense HLL takes them whole, a sparse one
   * register by register in index order (its bytes depend on that order).
   */
  raiseAll(max: Uint8Array): void {
    if (this.bytes[4] === HLL_DENSE) {
      packDense(max, this.bytes);
      return;
    }
    for (let i = 0; i < HLL_REGISTERS; i++) if (max[i] !== 0) this.set(i, max[i]);
  }

  /** Makes room for `extra` more bytes. */
  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.length + extra, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  private promote(index: number, count: number): number {
    if (!this.toDense()) return HLL_CORRUPT;
    denseSet(this.bytes, HLL_HDR_SIZE, index, count);
    return HLL_CHANGED;
  }

  /** Redis's `hllSparseSet`: split the run holding the register, then merge neighbours. */
  private sparseSet(index: number, count: number): number {
    if (count > VAL_MAX_VALUE) return this.promote(index, count);
    this.reserve(3);
    const bytes = this.bytes;
    const end = this.length;
    // Find the opcode covering the register.
    let p = HLL_HDR_SIZE;
    let prev = -1;
    let first = 0;
    let span = 0;
    while (p < end) {
      span = opSpan(bytes, p, end);
      if (index <= first + span - 1) break;
      prev = p;
      p += opKind(bytes[p]) === OP_XZERO ? 2 : 1;
      first += span;
    }
    if (span === 0 || p >= end) return HLL_CORRUPT;
    const kind = opKind(bytes[p]);
    const hasNext = p + (kind === OP_XZERO ? 2 : 1) < end;
    if (kind === OP_VAL) {
      const old = valValue(bytes[p]);
      if (old >= count) return HLL_UNCHANGED;
      if (span === 1) {
        bytes[p] = valOp(count, 1);
        return this.mergeAround(prev);
      }
    } else if (kind === OP_ZERO && span === 1) {
      bytes[p] = valOp(count, 1);
      return this.mergeAround(prev);
    }
    // General case: up to three opcodes replace the one at p.
    const seq: number[] = [];
    const last = first + span - 1;
    if (kind === OP_VAL) {
      const current = valValue(bytes[p]);
      if (index !== first) seq.push(valOp(current, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(current, last - index));
    } else {
      if (index !== first) pushZeros(seq, index - first);
      seq.push(valOp(count, 1));
      if (index !== last) pushZeros(seq, last - index);
    }
    const oldLen = kind === OP_XZERO ? 2 : 1;
    const delta = seq.length - oldLen;
    if (delta > 0 && end + delta > this.sparseMaxBytes) return this.promote(index, count);
    if (delta !== 0 && hasNext) bytes.copyWithin(p + oldLen + delta, p + oldLen, end);
    for (let i = 0; i < seq.length; i++) bytes[p + i] = seq[i];
    this.length = end + delta;
    return this.mergeAround(prev);
  }

  /**
   * Merges adjacent VAL opcodes of equal value whose runs fit one opcode,
   * scanning five opcodes from the one before the change (Redis's step 4).
   */
  private mergeAround(prev: number): number {
    const bytes = this.bytes;
    let end = this.length;
    let p = prev >= 0 ? prev : HLL_HDR_SIZE;
    let scan = 5;
    while (p < end && scan-- > 0) {
      const b = bytes[p];
      if (!(b & 0x80)) {
        p += b & 0x40 ? 2 : 1;
        continue;
      }
      if (p + 1 < end && bytes[p + 1] & 0x80) {
        const value = valValue(b);
        if (value === valValue(bytes[p + 1])) {
          const len = (b & 3) + (bytes[p + 1] & 3) + 2;
          if (len <= VAL_MAX_LEN) {
            bytes[p + 1] = valOp(value, len);
            bytes.copyWithin(p, p + 1, end);
            end--;
            continue;
          }
        }
      }
      p++;
    }
    this.length = end;
    invalidateCache(bytes);
    return HLL_CHANGED;
  }
}

/** Appends a zero run of `len` registers (ZERO up to 64, XZERO above). */
function pushZeros(seq: number[], len: number): void {
  if (len > ZERO_MAX_LEN) seq.push(0x40 | ((len - 1) >> 8), (len - 1) & 0xff);
  else seq.push(len - 1);
}

// ---------------------------------------------------------------- reading

/**
 * Raises `max[i]` to each register of the HLL `value` (Redis's `hllMerge`).
 * False when a sparse payload is corrupt.
 */
export function mergeInto(max: Uint8Array, value: Uint8Array): boolean {
  if (value[4] === HLL_DENSE) {
    const registers = unpackDense(value);
    for (let i = 0; i < HLL_REGISTERS; i++) if (registers[i] > max[i]) max[i] = registers[i];
    return true;
  }
  const covered = walkSparse(value, value.length, (first, length, v) => {
    for (let i = first; i < first + length; i++) if (v > max[i]) max[i] = v;
  });
  return covered === HLL_REGISTERS;
}

/**
 * The register histogram of an HLL (`histogram[v]` = registers holding v).
 * False when a sparse payload does not cover exactly every register.
 */
function histogramOf(value: Uint8Array, histogram: Float64Array): boolean {
  if (value[4] === HLL_DENSE) {
    const registers = unpackDense(value);
    for (let i = 0; i < HLL_REGISTERS; i++) histogram[registers[i]]++;
    return true;
  }
  // Unlike the merge, the histogram counts VAL runs past the end (then reports corruption).
  let index = 0;
  const end = value.length;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const b = value[p];
    const span = opSpan(value, p, end);
    histogram[b & 0x80 ? valValue(b) : 0] += span;
    p += (b & 0xc0) === 0x40 ? 2 : 1;
    index += span;
  }
  return index === HLL_REGISTERS;
}

/** Ertl's tau function. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (previous !== z);
  return z / 3;
}

/** Ertl's sigma function. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

/** alpha_inf = 1 / (2 ln 2). */
const ALPHA_INF = 0.721347520444481703680;

/** Ertl's improved estimator over a register histogram (64 slots). */
export function estimate(histogram: Float64Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histogram[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  // llroundl: halves away from zero (the estimate is never negative). Registers
  // all at their maximum make z zero and the estimate infinite, which llroundl
  // turns into LLONG_MIN: 2^63 as Redis's unsigned count.
  const card = Math.round((ALPHA_INF * m * m) / z);
  return card >= CARD_OVERFLOW ? CARD_OVERFLOW : card;
}

/** The count Redis ends up with when the estimate overflows (see {@link estimate}). */
export const CARD_OVERFLOW = 2 ** 63;

/** The estimated cardinality of an HLL value, or -1 when it is corrupt. */
export function countHll(value: Uint8Array): number {
  const histogram = new Float64Array(64);
  if (!histogramOf(value, histogram)) return -1;
  return estimate(histogram);
}

/** The estimated cardinality of a set of 8-bit registers (a merge result). */
export function countRegisters(registers: Uint8Array): number {
  const histogram = new Float64Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) histogram[registers[i]]++;
  return estimate(histogram);
}

/** `PFDEBUG DECODE`'s text for a sparse payload: `Z:n`, `z:n`, `v:value,len`, space-separated. */
export function decodeSparse(value: Uint8Array): string {
  const parts: string[] = [];
  const end = value.length;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const b = value[p];
    const span = opSpan(value, p, end);
    if (b & 0x80) {
      parts.push(`v:${valValue(b)},${span}`);
      p++;
    } else if (b & 0x40) {
      parts.push(`Z:${span}`);
      p += 2;
    } else {
      parts.push(`z:${span}`);
      p++;
    }
  }
  return parts.join(" ");
}

// --------------------------------------------------------------- self-test

/** A small deterministic PRNG (xorshift32) for the self-test. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0);
  };
}

/**
 * PFSELFTEST: checks the dense register packing (every register written and
 * read back among neighbours), and that a sparse and a dense HLL fed the
 * same elements agree register by register and on the estimate, with the
 * estimate within 5% of the true count. Returns null on success, or what
 * failed.
 */
export function selfTest(): string | null {
  const random = xorshift(0x5eed);
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    expected[i] = random() & 63;
    denseSet(dense, HLL_HDR_SIZE, i, expected[i]);
  }
  for (let i = 0; i < HLL_REGISTERS; i++) {
    if (denseGet(dense, HLL_HDR_SIZE, i) !== expected[i]) {
      return `Register ${i} should be ${expected[i]} but is ${denseGet(dense, HLL_HDR_SIZE, i)}`;
    }
  }
  const sparse = new HllWriter(newHll(), HLL_DENSE_SIZE);
  const denseWriter = new HllWriter(newHll(), 0);
  denseWriter.toDense();
  const element = new Uint8Array(4);
  const total = 2000;
  for (let n = 0; n < total; n++) {
    const v = random();
    element[0] = v;
    element[1] = v >>> 8;
    element[2] = v >>> 16;
    element[3] = v >>> 24;
    sparse.add(element);
    denseWriter.add(element);
  }
  const a = new Uint8Array(HLL_REGISTERS);
  const b = new Uint8Array(HLL_REGISTERS);
  if (!mergeInto(a, sparse.value()) || !mergeInto(b, denseWriter.value())) {
    return "Corrupted HLL during self-test";
  }
  for (let i = 0; i < HLL_REGISTERS; i++) {
    if (a[i] !== b[i]) return `Sparse and dense register ${i} differ: ${a[i]} vs ${b[i]}`;
  }
  const countSparse = countHll(sparse.value());
  const countDense = countHll(denseWriter.value());
  if (countSparse !== countDense) {
    return `Sparse and dense estimates differ: ${countSparse} vs ${countDense}`;
  }
  if (Math.abs(countDense - total) > total * 0.05) {
    return `Estimate ${countDense} too far from ${total}`;
  }
  return null;
}
