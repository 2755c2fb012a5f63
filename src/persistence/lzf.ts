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

const HASH_LOG = 14;
const HASH_SIZE = 1 << HASH_LOG;
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

/**
 * Hash table of the compressor, shared by every call: a slot holds a
 * position plus the {@link tableBase} of the call that stored it, so entries
 * left by earlier calls read as negative (absent) without clearing 64 KiB
 * per call, which dominated the cost of compressing small strings.
 */
const table = new Int32Array(HASH_SIZE).fill(-1);
let tableBase = 0;
/** Output scratch, grown on demand; results are copied out of it. */
let scratch = new Uint8Array(1024);

/**
 * Compresses `input`. Returns null when the result would not be smaller than
 * `maxLength` (Redis then stores the string uncompressed).
 */
export function lzfCompress(input: Uint8Array, maxLength = input.length - 1): Uint8Array | null {
  const n = input.length;
  if (n < 4 || maxLength <= 0) return null;
  if (tableBase + n + 1 > 0x7fffffff) {
    table.fill(-1);
    tableBase = 0;
  }
  const base = tableBase;
  tableBase += n + 1;
  const outCapacity = n + Math.ceil(n / MAX_LITERAL) + 1;
  if (scratch.length < outCapacity) scratch = new Uint8Array(outCapacity * 2);
  const out = scratch;
  let op = 0;
  let literalStart = 0;
  let ip = 0;

  const flushLiterals = (end: number): boolean => {
    let start = literalStart;
    while (start < end) {
      const run = Math.min(MAX_LITERAL, end - start);
      if (op + run + 1 > maxLength) return false;
      out[op++] = run - 1;
      if (run < 16) {
        for (let i = 0; i < run; i++) out[op + i] = input[start + i];
      } else {
        out.set(input.subarray(start, start + run), op);
      }
      op += run;
      start += run;
    }
    return true;
  };

  while (ip + 2 < n) {
    const h = (((input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2]) * 2654435761) >>>
      (32 - HASH_LOG);
    const ref = table[h] - base;
    table[h] = ip + base;
    const offset = ip - ref - 1;
    if (
      ref >= 0 && offset < MAX_OFFSET && input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]
    ) {
      let len = 3;
      const maxLen = Math.min(MAX_REF, n - ip);
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      if (!flushLiterals(ip)) return null;
      const l = len - 2;
      if (op + 3 > maxLength) return null;
      if (l < 7) {
        out[op++] = (l << 5) | (offset >> 8);
      } else {
        out[op++] = (7 << 5) | (offset >> 8);
        out[op++] = l - 7;
      }
      out[op++] = offset & 0xff;
      ip += len;
      literalStart = ip;
    } else {
      ip++;
    }
  }
  if (!flushLiterals(n)) return null;
  return op < maxLength ? out.slice(0, op) : null;
}
