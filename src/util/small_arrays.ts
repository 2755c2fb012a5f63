/**
 * Small typed arrays carved out of shared chunks.
 *
 * In Deno every new typed array gets its own backing store from malloc
 * (V8 keeps none on its heap there), with bookkeeping around it: measured
 * here, `new Int32Array(4)` costs about 0.7 µs and ~300 bytes, against
 * ~30 ns and ~80 bytes for a view of an existing buffer. A collection
 * starts with a few tiny arrays (a hash table's buckets and records, an
 * arena and its slot table), so creating a small hash, set or list key
 * paid a few microseconds for them.
 *
 * Arrays up to {@link SMALL_MAX_BYTES} are therefore views into a shared
 * {@link CHUNK_BYTES} chunk, bump-allocated and never reused: the garbage
 * collector frees a chunk once no view into it is left. The price is that
 * a long-lived small array keeps its whole chunk alive (at most 1 KiB per
 * survivor when its neighbours are gone), and a view that a table outgrows
 * stays dead in its chunk until then. Larger arrays are allocated as usual.
 * The views start zeroed, like a new typed array.
 *
 * @module
 */

/** Bytes per shared chunk. */
export const CHUNK_BYTES = 1024;
/** Largest array (in bytes) carved from a chunk. */
export const SMALL_MAX_BYTES = 128;

let chunk = new ArrayBuffer(CHUNK_BYTES);
let used = 0;

/** Reserves `bytes` (8-byte aligned) in the current chunk; returns their offset. */
function carve(bytes: number): number {
  const size = (bytes + 7) & ~7;
  if (used + size > CHUNK_BYTES) {
    chunk = new ArrayBuffer(CHUNK_BYTES);
    used = 0;
  }
  const at = used;
  used += size;
  return at;
}

/** A zeroed `Int32Array` of `length` elements, shared-chunk backed when small. */
export function int32Array(length: number): Int32Array {
  const bytes = length * 4;
  if (bytes === 0 || bytes > SMALL_MAX_BYTES) return new Int32Array(length);
  const at = carve(bytes); // first: it may start a new chunk
  return new Int32Array(chunk, at, length);
}

/** A zeroed `Uint8Array` of `length` bytes, shared-chunk backed when small. */
export function uint8Array(length: number): Uint8Array {
  if (length === 0 || length > SMALL_MAX_BYTES) return new Uint8Array(length);
  const at = carve(length); // first: it may start a new chunk
  return new Uint8Array(chunk, at, length);
}
