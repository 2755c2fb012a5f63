/**
 * Decoders (and the listpack and intset encoders) for Redis's compact serialized
 * containers found inside RDB files: listpack (Redis 7), ziplist (Redis
 * ≤ 6.2), intset and zipmap (Redis ≤ 2.4). Elements come out as latin1
 * strings; integers as their decimal text, as Redis converts them.
 *
 * @module
 */

import { RdbFormatError } from "./rdb_encoding.ts";
import { latin1 } from "../util/bytes.ts";

function latin1Of(bytes: Uint8Array, start: number, end: number): string {
  return latin1(bytes.subarray(start, end));
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new RdbFormatError(`Corrupt ${what}`);
}

/** Decodes a listpack into its elements. */
export function decodeListpack(lp: Uint8Array): string[] {
  check(lp.length >= 7, "listpack header");
  const view = new DataView(lp.buffer, lp.byteOffset, lp.byteLength);
  const total = view.getUint32(0, true);
  check(total === lp.length, "listpack size");
  const out: string[] = [];
  let p = 6;
  for (;;) {
    check(p < lp.length, "listpack entry");
    const b = lp[p];
    if (b === 0xff) break;
    let size: number;
    if ((b & 0x80) === 0) {
      out.push(String(b & 0x7f));
      size = 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      check(p + 1 + len <= lp.length, "listpack string");
      out.push(latin1Of(lp, p + 1, p + 1 + len));
      size = 1 + len;
    } else if ((b & 0xe0) === 0xc0) {
      let v = ((b & 0x1f) << 8) | lp[p + 1];
      if (v >= 1 << 12) v -= 1 << 13;
      out.push(String(v));
      size = 2;
    } else if ((b & 0xf0) === 0xe0) {
      const len = ((b & 0x0f) << 8) | lp[p + 1];
      check(p + 2 + len <= lp.length, "listpack string");
      out.push(latin1Of(lp, p + 2, p + 2 + len));
      size = 2 + len;
    } else if (b === 0xf0) {
      const len = view.getUint32(p + 1, true);
      check(p + 5 + len <= lp.length, "listpack string");
      out.push(latin1Of(lp, p + 5, p + 5 + len));
      size = 5 + len;
    } else if (b === 0xf1) {
      out.push(String(view.getInt16(p + 1, true)));
      size = 3;
    } else if (b === 0xf2) {
      let v = lp[p + 1] | (lp[p + 2] << 8) | (lp[p + 3] << 16);
      if (v & 0x800000) v -= 1 << 24;
      out.push(String(v));
      size = 4;
    } else if (b === 0xf3) {
      out.push(String(view.getInt32(p + 1, true)));
      size = 5;
    } else if (b === 0xf4) {
      out.push(String(view.getBigInt64(p + 1, true)));
      size = 9;
    } else {
      throw new RdbFormatError(`Corrupt listpack encoding byte ${b}`);
    }
    p += size + backlenSize(size);
  }
  return out;
}

/** Bytes of an entry's back-length, with listpack's exact thresholds. */
function backlenSize(entrySize: number): number {
  if (entrySize <= 127) return 1;
  if (entrySize < 16383) return 2;
  if (entrySize < 2097151) return 3;
  if (entrySize < 268435455) return 4;
  return 5;
}

/**
 * Writes an entry's back-length at `off`: 7-bit groups, most significant
 * first; every byte but the first carries the 0x80 "more" flag, as read
 * right to left. Returns the offset after it.
 */
function writeBacklen(out: Uint8Array, off: number, size: number): number {
  const n = backlenSize(size);
  for (let i = n - 1; i >= 0; i--) {
    const group = Math.floor(size / 2 ** (7 * i)) & 0x7f;
    out[off++] = i === n - 1 ? group : group | 0x80;
  }
  return off;
}

/** Bytes of an entry's encoding and data, for an integer value or (null) a string of `length`. */
function entryDataSize(asInt: number | null, length: number): number {
  if (asInt === null) return length + (length < 64 ? 1 : length < 4096 ? 2 : 5);
  if (asInt >= 0 && asInt <= 127) return 1;
  if (asInt >= -4096 && asInt <= 4095) return 2;
  if (asInt >= -32768 && asInt <= 32767) return 3;
  if (asInt >= -8388608 && asInt <= 8388607) return 4;
  if (asInt >= -2147483648 && asInt <= 2147483647) return 5;
  return 9;
}

/** Bytes an element takes in a listpack (encoding, data and back-length), as encoded below. */
export function listpackEntrySize(el: string): number {
  const size = entryDataSize(canonicalInt(el), el.length);
  return size + backlenSize(size);
}

/** Bytes of a listpack's header (total size, element count) and end marker. */
export const LISTPACK_OVERHEAD = 7;

/**
 * Encodes elements as a listpack. Integers in canonical form are stored as
 * integers like Redis does; other elements as strings.
 */
export function encodeListpack(elements: string[]): Uint8Array {
  const ints: (number | null)[] = new Array(elements.length);
  let total = LISTPACK_OVERHEAD;
  for (let i = 0; i < elements.length; i++) {
    ints[i] = canonicalInt(elements[i]);
    const size = entryDataSize(ints[i], elements[i].length);
    total += size + backlenSize(size);
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total, true);
  view.setUint16(4, elements.length < 65535 ? elements.length : 65535, true);
  let off = 6;
  for (let i = 0; i < elements.length; i++) {
    const el = elements[i];
    const asInt = ints[i];
    const start = off;
    if (asInt === null) {
      const n = el.length;
      if (n < 64) {
        out[off++] = 0x80 | n;
      } else if (n < 4096) {
        out[off++] = 0xe0 | (n >> 8);
        out[off++] = n & 0xff;
      } else {
        out[off++] = 0xf0;
        view.setUint32(off, n, true);
        off += 4;
      }
      for (let j = 0; j < n; j++) out[off++] = el.charCodeAt(j);
    } else if (asInt >= 0 && asInt <= 127) {
      out[off++] = asInt;
    } else if (asInt >= -4096 && asInt <= 4095) {
      const v = asInt < 0 ? asInt + (1 << 13) : asInt;
      out[off++] = 0xc0 | (v >> 8);
      out[off++] = v & 0xff;
    } else if (asInt >= -32768 && asInt <= 32767) {
      out[off++] = 0xf1;
      view.setInt16(off, asInt, true);
      off += 2;
    } else if (asInt >= -8388608 && asInt <= 8388607) {
      out[off++] = 0xf2;
      out[off++] = asInt & 0xff;
      out[off++] = (asInt >> 8) & 0xff;
      out[off++] = (asInt >> 16) & 0xff;
    } else if (asInt >= -2147483648 && asInt <= 2147483647) {
      out[off++] = 0xf3;
      view.setInt32(off, asInt, true);
      off += 4;
    } else {
      out[off++] = 0xf4;
      view.setBigInt64(off, BigInt(el), true);
      off += 8;
    }
    off = writeBacklen(out, off, off - start);
  }
  out[off] = 0xff;
  return out;
}

/**
 * The value of a canonical decimal integer that fits 64 bits, else null
 * (values beyond 2^53 are only compared by range, so precision is moot).
 */
function canonicalInt(text: string): number | null {
  const n = text.length;
  if (n === 0 || n > 20) return null;
  let i = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i === n) return null;
  const first = text.charCodeAt(i);
  if (first === 48 /* 0 */) return n === 1 ? 0 : null;
  for (; i < n; i++) {
    const d = text.charCodeAt(i);
    if (d < 48 || d > 57) return null;
  }
  if (n < 16) return Number(text);
  const big = BigInt(text);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  return Number(big);
}

/** Decodes a ziplist into its elements. */
export function decodeZiplist(zl: Uint8Array): string[] {
  check(zl.length >= 11, "ziplist header");
  const view = new DataView(zl.buffer, zl.byteOffset, zl.byteLength);
  check(view.getUint32(0, true) === zl.length, "ziplist size");
  const out: string[] = [];
  let p = 10;
  for (;;) {
    check(p < zl.length, "ziplist entry");
    if (zl[p] === 0xff) break;
    p += zl[p] < 254 ? 1 : 5; // previous entry length
    const b = zl[p];
    const kind = b >> 6;
    if (kind === 0) {
      const len = b & 0x3f;
      out.push(latin1Of(zl, p + 1, p + 1 + len));
      p += 1 + len;
    } else if (kind === 1) {
      const len = ((b & 0x3f) << 8) | zl[p + 1];
      out.push(latin1Of(zl, p + 2, p + 2 + len));
      p += 2 + len;
    } else if (b === 0x80) {
      const len = view.getUint32(p + 1, false);
      out.push(latin1Of(zl, p + 5, p + 5 + len));
      p += 5 + len;
    } else if (b === 0xc0) {
      out.push(String(view.getInt16(p + 1, true)));
      p += 3;
    } else if (b === 0xd0) {
      out.push(String(view.getInt32(p + 1, true)));
      p += 5;
    } else if (b === 0xe0) {
      out.push(String(view.getBigInt64(p + 1, true)));
      p += 9;
    } else if (b === 0xf0) {
      let v = zl[p + 1] | (zl[p + 2] << 8) | (zl[p + 3] << 16);
      if (v & 0x800000) v -= 1 << 24;
      out.push(String(v));
      p += 4;
    } else if (b === 0xfe) {
      out.push(String((zl[p + 1] << 24) >> 24));
      p += 2;
    } else if (b >= 0xf1 && b <= 0xfd) {
      out.push(String((b & 0x0f) - 1));
      p += 1;
    } else {
      throw new RdbFormatError(`Corrupt ziplist encoding byte ${b}`);
    }
    check(p <= zl.length, "ziplist entry");
  }
  return out;
}

/** Decodes an intset into its members (ascending). */
export function decodeIntset(is: Uint8Array): string[] {
  check(is.length >= 8, "intset header");
  const view = new DataView(is.buffer, is.byteOffset, is.byteLength);
  const width = view.getUint32(0, true);
  const count = view.getUint32(4, true);
  check(width === 2 || width === 4 || width === 8, "intset encoding");
  check(8 + width * count === is.length, "intset size");
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const off = 8 + i * width;
    if (width === 2) out.push(String(view.getInt16(off, true)));
    else if (width === 4) out.push(String(view.getInt32(off, true)));
    else out.push(String(view.getBigInt64(off, true)));
  }
  return out;
}

/**
 * Encodes integers (canonical decimal text, sorted ascending, no duplicates)
 * as an intset: the narrowest of 16, 32 or 64-bit little-endian entries that
 * holds them all, as Redis keeps it.
 */
export function encodeIntset(sortedMembers: readonly string[]): Uint8Array {
  let width = 2;
  for (const m of sortedMembers) {
    const v = Number(m);
    if (v < -2147483648 || v > 2147483647) {
      width = 8;
      break;
    }
    if (v < -32768 || v > 32767) width = 4;
  }
  const out = new Uint8Array(8 + width * sortedMembers.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, width, true);
  view.setUint32(4, sortedMembers.length, true);
  for (let i = 0; i < sortedMembers.length; i++) {
    const off = 8 + i * width;
    if (width === 2) view.setInt16(off, Number(sortedMembers[i]), true);
    else if (width === 4) view.setInt32(off, Number(sortedMembers[i]), true);
    else view.setBigInt64(off, BigInt(sortedMembers[i]), true);
  }
  return out;
}

/** Decodes a zipmap (old hash encoding) into `[field, value]` pairs. */
export function decodeZipmap(zm: Uint8Array): [string, string][] {
  const view = new DataView(zm.buffer, zm.byteOffset, zm.byteLength);
  const out: [string, string][] = [];
  let p = 1;
  const readLen = (): number => {
    const b = zm[p];
    if (b < 254) {
      p += 1;
      return b;
    }
    check(b === 254, "zipmap length");
    const v = view.getUint32(p + 1, true);
    p += 5;
    return v;
  };
  for (;;) {
    check(p < zm.length, "zipmap entry");
    if (zm[p] === 0xff) break;
    const klen = readLen();
    const field = latin1Of(zm, p, p + klen);
    p += klen;
    const vlen = readLen();
    const free = zm[p++];
    const value = latin1Of(zm, p, p + vlen);
    p += vlen + free;
    check(p <= zm.length, "zipmap entry");
    out.push([field, value]);
  }
  return out;
}
