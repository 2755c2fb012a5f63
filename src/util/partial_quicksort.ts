/**
 * The partial quicksort Redis uses for `SORT ... BY pattern LIMIT`: the
 * Bentley–McIlroy three-way quicksort ("Engineering a Sort Function",
 * 1993: median-of-three pivots, a ninther above 40 elements, equal keys
 * gathered at both ends and swapped to the middle, insertion sort below 7
 * elements), which only recurses into partitions that overlap the wanted
 * positions. This is Redis 7.0's version: later ones also fall back to an
 * insertion sort when a partitioning pass exchanged nothing, which changes
 * the order of equal elements.
 *
 * It is not stable, so elements that compare equal come out in an order
 * that depends on every step of the algorithm; SORT replies show that
 * order, which is why this follows the same steps rather than using any
 * sort that leaves the wanted range right.
 *
 * @module
 */

/** Three-way comparison: negative, zero or positive. */
export type Compare<T> = (a: T, b: T) => number;

/**
 * Reorders `items` so that positions `first..last` hold what a full sort
 * would put there (positions outside may stay partly unsorted).
 */
export function partialQuicksort<T>(
  items: T[],
  compare: Compare<T>,
  first: number,
  last: number,
): void {
  sortSpan(items, 0, items.length, compare, first, last);
}

function swap<T>(items: T[], i: number, j: number): void {
  const t = items[i];
  items[i] = items[j];
  items[j] = t;
}

/** Swaps the `n` elements from `i` with the `n` elements from `j`, pairwise. */
function swapRuns<T>(items: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(items, i + k, j + k);
}

/** Position of the median of the elements at `i`, `j` and `k`. */
function median<T>(items: T[], i: number, j: number, k: number, compare: Compare<T>): number {
  const a = items[i];
  const b = items[j];
  const c = items[k];
  if (compare(a, b) < 0) {
    if (compare(b, c) < 0) return j;
    return compare(a, c) < 0 ? k : i;
  }
  if (compare(b, c) > 0) return j;
  return compare(a, c) < 0 ? i : k;
}

function insertionSort<T>(items: T[], lo: number, n: number, compare: Compare<T>): void {
  for (let i = lo + 1; i < lo + n; i++) {
    for (let j = i; j > lo && compare(items[j - 1], items[j]) > 0; j--) swap(items, j, j - 1);
  }
}

/** True unless `first..last` lies wholly before or wholly after `lo..hi`. */
function overlaps(lo: number, hi: number, first: number, last: number): boolean {
  return !((first < lo && last < lo) || (first > hi && last > hi));
}

/** Sorts the `n` elements from `lo`, as far as `first..last` needs. */
function sortSpan<T>(
  items: T[],
  lo: number,
  n: number,
  compare: Compare<T>,
  first: number,
  last: number,
): void {
  for (;;) {
    if (n < 7) {
      insertionSort(items, lo, n, compare);
      return;
    }
    let mid = lo + Math.floor(n / 2);
    if (n > 7) {
      let left = lo;
      let right = lo + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        left = median(items, left, left + d, left + 2 * d, compare);
        mid = median(items, mid - d, mid, mid + d, compare);
        right = median(items, right - 2 * d, right - d, right, compare);
      }
      mid = median(items, left, mid, right, compare);
    }
    swap(items, lo, mid);
    // Invariant: [lo+1, pa) == pivot, [pa, pb) < pivot, (pc, pd] > pivot, (pd, end) == pivot.
    let pa = lo + 1;
    let pb = pa;
    let pc = lo + n - 1;
    let pd = pc;
    for (;;) {
      let c = 0;
      while (pb <= pc && (c = compare(items[pb], items[lo])) <= 0) {
        if (c === 0) swap(items, pa++, pb);
        pb++;
      }
      while (pb <= pc && (c = compare(items[pc], items[lo])) >= 0) {
        if (c === 0) swap(items, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(items, pb++, pc--);
    }
    const end = lo + n;
    let r = Math.min(pa - lo, pb - pa);
    swapRuns(items, lo, pb - r, r);
    r = Math.min(pd - pc, end - pd - 1);
    swapRuns(items, pb, end - r, r);
    const smaller = pb - pa;
    if (smaller > 1 && overlaps(lo, lo + smaller - 1, first, last)) {
      sortSpan(items, lo, smaller, compare, first, last);
    }
    const larger = pd - pc;
    if (larger <= 1) return;
    lo = end - larger;
    n = larger;
    if (!overlaps(lo, lo + n - 1, first, last)) return;
  }
}
