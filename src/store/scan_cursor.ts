/**
 * Redis's reverse-binary SCAN cursor over power-of-two hash tables.
 *
 * The cursor walks bucket indexes in bit-reversed order: it increments the
 * *high* bits first. When a table doubles, every bucket already visited
 * maps to buckets whose reversed index is below the cursor, and when it
 * halves they fold onto buckets also below it. So an element that stays in
 * the table for the whole iteration is returned at least once, whatever
 * resizes happen between calls (it may be returned twice after a shrink).
 *
 * @module
 */

function reverseBits32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}

/**
 * Returns the cursor that follows `cursor` for a table whose bucket mask is
 * `mask` (size - 1). Returns 0 when the iteration is complete.
 */
export function nextCursor(cursor: number, mask: number): number {
  let v = (cursor | ~mask) >>> 0;
  v = reverseBits32(v);
  v = (v + 1) >>> 0;
  return reverseBits32(v);
}
