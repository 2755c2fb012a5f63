/**
 * Copies of small arrays one element longer or shorter, sized exactly.
 *
 * A small collection kept in a plain array (a set's or a list's few
 * members) is rebuilt on each change instead of grown with `push`, which
 * reserves room for about 16 more elements: over a million small keys
 * that spare room would outweigh the members themselves.
 *
 * @module
 */

/** A copy of `items` with `item` inserted at `at` (0 ≤ at ≤ length). */
export function withInserted<T>(items: readonly T[], at: number, item: T): T[] {
  const n = items.length;
  const out = new Array<T>(n + 1);
  for (let i = 0; i < at; i++) out[i] = items[i];
  out[at] = item;
  for (let i = at; i < n; i++) out[i + 1] = items[i];
  return out;
}

/** A copy of `items` without the elements in `[from, to)`. */
export function withoutRange<T>(items: readonly T[], from: number, to: number): T[] {
  const n = items.length;
  const out = new Array<T>(n - (to - from));
  let j = 0;
  for (let i = 0; i < from; i++) out[j++] = items[i];
  for (let i = to; i < n; i++) out[j++] = items[i];
  return out;
}
