/**
 * CRC-64 with the Jones polynomial (reflected, init 0, no final xor): the
 * checksum Redis writes at the end of RDB files and DUMP payloads.
 * Check value: crc64("123456789") = 0xe9c6d914c4b8d9ca.
 *
 * The 64-bit state is kept as two 32-bit halves so the inner loop stays in
 * small integers.
 *
 * @module
 */

const TABLE_LO = new Uint32Array(256);
const TABLE_HI = new Uint32Array(256);

(() => {
  const reflectedPoly = 0x95ac9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let j = 0; j < 8; j++) crc = crc & 1n ? (crc >> 1n) ^ reflectedPoly : crc >> 1n;
    TABLE_LO[i] = Number(crc & 0xffffffffn);
    TABLE_HI[i] = Number(crc >> 32n);
  }
})();

/** An incremental CRC-64 (feed chunks with {@link Crc64.update}). */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  /** Adds bytes to the checksum. */
  update(bytes: Uint8Array): this {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < bytes.length; i++) {
      const idx = (lo ^ bytes[i]) & 0xff;
      const nlo = ((lo >>> 8) | (hi << 24)) >>> 0;
      hi = (hi >>> 8) ^ TABLE_HI[idx];
      lo = (nlo ^ TABLE_LO[idx]) >>> 0;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this;
  }

  /** The checksum as a bigint. */
  value(): bigint {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
  }

  /** The checksum as 8 little-endian bytes (as Redis stores it). */
  bytesLE(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.lo >>> 0, true);
    view.setUint32(4, this.hi >>> 0, true);
    return out;
  }
}

/** CRC-64 of one buffer. */
export function crc64(bytes: Uint8Array): bigint {
  return new Crc64().update(bytes).value();
}
