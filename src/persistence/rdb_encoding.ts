/**
 * Low-level RDB encodings shared by RDB files and DUMP payloads: length
 * prefixes, strings (plain, integer-encoded, LZF-compressed), binary
 * doubles, timestamps. Formats follow Redis's documented RDB format.
 *
 * @module
 */

import { lzfCompress, lzfDecompress } from "./lzf.ts";
import { latin1 } from "../util/bytes.ts";

/** 6-bit length in the first byte. */
const LEN_6BIT = 0;
/** 14-bit length in two bytes. */
const LEN_14BIT = 1;
/** 32-bit big-endian length follows. */
const LEN_32BIT = 0x80;
/** 64-bit big-endian length follows. */
const LEN_64BIT = 0x81;
/** The first two bits say "special encoding" (integers, LZF). */
const ENCVAL = 3;
const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

/** An RDB file or payload is malformed. */
export class RdbFormatError extends Error {
  override name = "RdbFormatError";
}

/**
 * The data ended in the middle of an item. A streaming loader catches it to
 * read more of the file and parse the item again; at the true end of the
 * input it means the file is truncated.
 */
export class RdbTruncatedError extends RdbFormatError {
  override name = "RdbTruncatedError";
}

/** Appends RDB encodings into a growable buffer. */
export class RdbWriter {
  buf: Uint8Array;
  length = 0;

  constructor(capacity = 64 * 1024) {
    this.buf = new Uint8Array(capacity);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  /** The bytes written so far (a view). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** Forgets the content, keeping the buffer. */
  reset(): void {
    this.length = 0;
  }

  /** One raw byte. */
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  /** Raw bytes. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** A length with the RDB variable-size encoding. */
  len(n: number): void {
    this.ensure(9);
    const b = this.buf;
    if (n < 64) {
      b[this.length++] = (LEN_6BIT << 6) | n;
    } else if (n < 16384) {
      b[this.length++] = (LEN_14BIT << 6) | (n >> 8);
      b[this.length++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.length++] = LEN_32BIT;
      new DataView(b.buffer, b.byteOffset).setUint32(this.length, n, false);
      this.length += 4;
    } else {
      b[this.length++] = LEN_64BIT;
      new DataView(b.buffer, b.byteOffset).setBigUint64(this.length, BigInt(n), false);
      this.length += 8;
    }
  }

  /**
   * A string: small canonical integers as integer encodings (as Redis does
   * for strings up to 11 chars), long compressible strings as LZF when
   * `compress`, everything else as length + bytes.
   */
  string(bytes: Uint8Array, compress = true): void {
    if (bytes.length <= 11 && this.tryInteger(bytes)) return;
    if (compress && bytes.length > 20) {
      const packed = lzfCompress(bytes, bytes.length - 4);
      if (packed !== null) {
        this.byte((ENCVAL << 6) | ENC_LZF);
        this.len(packed.length);
        this.len(bytes.length);
        this.raw(packed);
        return;
      }
    }
    this.len(bytes.length);
    this.raw(bytes);
  }

  /** A latin1 string (collection members). */
  stringLatin1(text: string, compress = true): void {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    this.string(bytes, compress);
  }

  private tryInteger(bytes: Uint8Array): boolean {
    const n = bytes.length;
    if (n === 0) return false;
    let i = 0;
    if (bytes[0] === 45) {
      if (n === 1) return false;
      i = 1;
    }
    if (bytes[i] === 48 && n - i > 1) return false;
    let v = 0;
    for (let j = i; j < n; j++) {
      const d = bytes[j] - 48;
      if (d < 0 || d > 9) return false;
      v = v * 10 + d;
    }
    if (i === 1) {
      if (v === 0) return false; // "-0" is not canonical
      v = -v;
    }
    this.ensure(5);
    const b = this.buf;
    if (v >= -128 && v <= 127) {
      b[this.length++] = (ENCVAL << 6) | ENC_INT8;
      b[this.length++] = v & 0xff;
    } else if (v >= -32768 && v <= 32767) {
      b[this.length++] = (ENCVAL << 6) | ENC_INT16;
      b[this.length++] = v & 0xff;
      b[this.length++] = (v >> 8) & 0xff;
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[this.length++] = (ENCVAL << 6) | ENC_INT32;
      new DataView(b.buffer, b.byteOffset).setInt32(this.length, v, true);
      this.length += 4;
    } else {
      return false;
    }
    return true;
  }

  /** A binary little-endian double (ZSET_2 scores). */
  doubleBinary(d: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.length, d, true);
    this.length += 8;
  }

  /** An unsigned 64-bit little-endian integer (expiry times, checksums). */
  uint64LE(n: number | bigint): void {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setBigUint64(this.length, BigInt(n), true);
    this.length += 8;
  }

  /** A 32-bit little-endian integer. */
  uint32LE(n: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset).setUint32(this.length, n, true);
    this.length += 4;
  }
}

/** Reads RDB encodings from a buffer. */
export class RdbReader {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array, pos = 0) {
    this.pos = pos;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Bytes left. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new RdbTruncatedError(`Unexpected end of data at offset ${this.pos}`);
    }
  }

  /** One byte. */
  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  /** `n` raw bytes (a view). */
  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * A length. Returns `{ value, encoded }`; `encoded` is true for the
   * special string encodings (then `value` is the encoding type).
   */
  lenOrEncoding(): { value: number; encoded: boolean } {
    const first = this.byte();
    const type = first >> 6;
    if (type === LEN_6BIT) return { value: first & 0x3f, encoded: false };
    if (type === LEN_14BIT) return { value: ((first & 0x3f) << 8) | this.byte(), encoded: false };
    if (type === ENCVAL) return { value: first & 0x3f, encoded: true };
    if (first === LEN_32BIT) {
      this.need(4);
      const v = this.view.getUint32(this.pos, false);
      this.pos += 4;
      return { value: v, encoded: false };
    }
    if (first === LEN_64BIT) {
      this.need(8);
      const v = this.view.getBigUint64(this.pos, false);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbFormatError("Length too large");
      return { value: Number(v), encoded: false };
    }
    throw new RdbFormatError(`Unknown length encoding ${first} at offset ${this.pos - 1}`);
  }

  /** A plain length (not a string encoding). */
  len(): number {
    const { value, encoded } = this.lenOrEncoding();
    if (encoded) throw new RdbFormatError(`Unexpected string encoding at offset ${this.pos - 1}`);
    return value;
  }

  /** A string in any of its encodings. */
  string(): Uint8Array {
    const { value, encoded } = this.lenOrEncoding();
    if (!encoded) return this.raw(value).slice();
    switch (value) {
      case ENC_INT8:
        return ascii(String((this.byte() << 24) >> 24));
      case ENC_INT16: {
        this.need(2);
        const v = this.view.getInt16(this.pos, true);
        this.pos += 2;
        return ascii(String(v));
      }
      case ENC_INT32: {
        this.need(4);
        const v = this.view.getInt32(this.pos, true);
        this.pos += 4;
        return ascii(String(v));
      }
      case ENC_LZF: {
        const clen = this.len();
        const len = this.len();
        const out = lzfDecompress(this.raw(clen), len);
        if (out === null) throw new RdbFormatError(`Invalid LZF data at offset ${this.pos}`);
        return out;
      }
      default:
        throw new RdbFormatError(`Unknown string encoding ${value} at offset ${this.pos - 1}`);
    }
  }

  /** A string as latin1 text. */
  stringLatin1(): string {
    return latin1(this.string());
  }

  /** A binary little-endian double. */
  doubleBinary(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** An old-style string-encoded double (ZSET type 3): length byte, 253 nan, 254 inf, 255 -inf. */
  doubleString(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const text = String.fromCharCode(...this.raw(n));
    return Number(text);
  }

  /** An unsigned 64-bit little-endian integer, exactly. */
  uint64LEBig(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** An unsigned 64-bit little-endian integer (ms timestamps). */
  uint64LE(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return Number(v);
  }

  /** An unsigned 32-bit little-endian integer (second timestamps). */
  uint32LE(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
}

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
