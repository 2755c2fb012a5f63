/**
 * The parts of Redis's incremental rehashing that the keyspace's and the
 * sorted sets' hash tables share (src/store/database.ts,
 * src/store/zset_indexed.ts): while a table resizes, its old bucket array
 * drains into the new one a few buckets at a time, and SCAN covers both.
 * Each table keeps its own chain layout; these functions only see bucket
 * heads.
 *
 * @module
 */

import { nextCursor } from "./scan_cursor.ts";

/**
 * One step of a resize: from bucket `index` of the old table, hands each
 * non-empty bucket's head to `moveChain` (which relinks that chain into the
 * new table) and empties it, until `count` buckets moved or ten times as
 * many empty ones were passed, as Redis does. Returns the bucket to go on
 * from: `old.length` once the old table is drained.
 */
export function rehashBuckets(
  old: Int32Array,
  index: number,
  count: number,
  emptyHead: number,
  moveChain: (head: number) => void,
): number {
  let empties = count * 10;
  let b = index;
  while (b < old.length && count > 0) {
    const head = old[b];
    if (head === emptyHead) {
      b++;
      if (--empties <= 0) break;
      continue;
    }
    moveChain(head);
    old[b++] = emptyHead;
    count--;
  }
  return b;
}

/**
 * One SCAN step at cursor `v` over a table (`buckets`, `mask`) that may be
 * resizing from `old` (`oldMask`): hands `visitHead` the head of the bucket
 * the cursor names, or mid-resize the smaller table's bucket and every
 * bucket of the larger one it splits into (their indexes share its low
 * bits), so the cursor keeps Redis's guarantee. Returns the next cursor.
 */
export function scanBuckets(
  v: number,
  buckets: Int32Array,
  mask: number,
  old: Int32Array | null,
  oldMask: number,
  visitHead: (head: number) => void,
): number {
  if (old === null) {
    visitHead(buckets[v & mask]);
    return nextCursor(v, mask);
  }
  const oldSmaller = old.length < buckets.length;
  const small = oldSmaller ? old : buckets;
  const smallMask = oldSmaller ? oldMask : mask;
  const large = oldSmaller ? buckets : old;
  const largeMask = oldSmaller ? mask : oldMask;
  visitHead(small[v & smallMask]);
  do {
    visitHead(large[v & largeMask]);
    v = nextCursor(v, largeMask);
  } while ((v & (smallMask ^ largeMask)) !== 0);
  return v;
}
