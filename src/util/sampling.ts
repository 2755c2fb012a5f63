/**
 * Random sampling without replacement, for the commands that return
 * distinct random elements (SRANDMEMBER, HRANDFIELD, SPOP with a count).
 *
 * @module
 */

/**
 * Picks `k` distinct positions out of `0..n-1` uniformly and returns them
 * in ascending order (selection sampling, Knuth's algorithm S): one pass,
 * no extra memory beyond the result. Used where Redis emits a random
 * subset in storage order (HRANDFIELD on a listpack). Requires `k <= n`.
 */
export function sampleOrderedPositions(n: number, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n && out.length < k; i++) {
    if (Math.random() * (n - i) < k - out.length) out.push(i);
  }
  return out;
}

/**
 * Moves a uniformly random subset of `k` items to the front of `items`
 * (partial Fisher–Yates shuffle) and returns them as a new array in random
 * order. Requires `k <= items.length`.
 */
export function sampleDistinct<T>(items: T[], k: number): T[] {
  const n = items.length;
  for (let i = 0; i < k; i++) {
    const j = i + ((Math.random() * (n - i)) | 0);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items.slice(0, k);
}

/**
 * Draws `k` distinct elements by repeated random picks, for a small `k`
 * against a large collection where copying it would cost more. Requires
 * `k` to be well below the number of distinct elements `pick` can return.
 */
export function drawDistinct(k: number, pick: () => string): string[] {
  const seen = new Set<string>();
  while (seen.size < k) seen.add(pick());
  return [...seen];
}
