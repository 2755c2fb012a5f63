/**
 * LZF compression, the format Redis uses for compressed strings in RDB
 * files and DUMP payloads.
 *
 * Format: a control byte `c`. If `c < 32`, `c + 1` literal bytes follow.
 * Otherwise it is a back reference: length `c >> 5` (7 means one more length
 * byte follows and is added), then one byte completing a 13-bit offset;
 * copy `length + 2` bytes from `offset + 1` bytes back.
 *
 * @module
 */

const MAX_LITERAL = 32;
const MAX_OFFSET = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * Decompresses `input` into exactly `outLength` bytes. Returns null when the
 * data is corrupt (a reference before the start, or output of the wrong size).
 */
export function lzfDecompress(input: Uint8Array, outLength: number): Uint8Array | null {
  const out = new Uint8Array(outLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outLength || ip + run > input.length) return null;
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= input.length) return null;
        len += input[ip++];
      }
      if (ip >= input.length) return null;
      const ref = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
      len += 2;
      if (ref < 0 || op + len > outLength) return null;
      // Byte by byte: the source may overlap the destination (runs).
      for (let i = 0; i < len; i++) out[op++] = out[ref + i];
    }
  }
  return op === outLength ? out : null;
}

/** log2 of the compressor's hash table size (liblzf's HLOG). */
const HASH_LOG = 16;
const HASH_SIZE = 1 << HASH_LOG;

/**
 * Hash table of the compressor, shared by every call: a slot holds a
 * position plus the {@link tableBase} of the call that stored it, so entries
 * left by earlier calls read as negative (absent) without clearing the
 * table for each call, which dominated the cost of compressing small strings.
 */
const table = new Int32Array(HASH_SIZE).fill(-1);
let tableBase = 0;
/** Output scratch, grown on demand; results are copied out of it. */
let scratch = new Uint8Array(1024);

/** liblzf's IDX in its default VERY_FAST mode, over the last four input bytes. */
function slotOf(h: number): number {
  return ((h >>> (24 - HASH_LOG)) - Math.imul(h, 5)) & (HASH_SIZE - 1);
}

/**
 * Compresses `input` into at most `maxLength` bytes, or returns null when
 * it does not fit (Redis then stores the string uncompressed; it asks for
 * `length - 4`). The algorithm is liblzf's (the one Redis links), step for
 * step, so that compressed strings in RDB files and DUMP payloads come out
 * byte-identical to Redis's.
 */
export function lzfCompress(input: Uint8Array, maxLength = input.length - 1): Uint8Array | null {
  const n = input.length;
  if (n === 0 || maxLength <= 0) return null;
  if (tableBase + n + 1 > 0x7fffffff) {
    table.fill(-1);
    tableBase = 0;
  }
  const base = tableBase;
  tableBase += n + 1;
  if (scratch.length < maxLength + MAX_LITERAL + 4) scratch = new Uint8Array((maxLength + 64) * 2);
  const out = scratch;
  const outEnd = maxLength;
  let op = 1; // room for the first literal run's control byte
  let lit = 0;
  let ip = 0;
  let hval = n >= 2 ? (input[0] << 8) | input[1] : 0;
  while (ip < n - 2) {
    hval = ((hval << 8) | input[ip + 2]) >>> 0;
    const slot = slotOf(hval);
    const ref = table[slot] - base;
    table[slot] = ip + base;
    const off = ip - ref - 1;
    if (
      ref > 0 && off < MAX_OFFSET && input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] && input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      const maxLen = Math.min(n - ip - len, MAX_REF);
      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return null;
      out[op - lit - 1] = lit - 1; // end the literal run
      if (lit === 0) op--; // (there was none)
      do len++; while (len < maxLen && input[ref + len] === input[ip + len]);
      len -= 2;
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start a literal run
      ip += len + 1;
      if (ip >= n - 2) break;
      // Hash the two positions just before, as liblzf's VERY_FAST mode does.
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      table[slotOf(hval)] = ip + base;
      ip++;
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      table[slotOf(hval)] = ip + base;
      ip++;
    } else {
      if (op >= outEnd) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LITERAL) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return null;
  while (ip < n) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LITERAL) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.slice(0, op);
}
