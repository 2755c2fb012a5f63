/**
 * Score and lexicographic ranges of sorted-set commands, with Redis's
 * inclusion rules (`(` exclusive bounds, `-`/`+` as the smallest and
 * largest possible strings).
 *
 * @module
 */

/** A score interval (`ZRANGEBYSCORE key (1 +inf`). */
export interface ScoreRange {
  min: number;
  max: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/** One end of a lexicographic range. */
export interface LexBound {
  /** -1 for `-` (below every string), 1 for `+` (above every string), 0 for a value. */
  infinite: -1 | 0 | 1;
  /** The bound's bytes as a latin1 string (empty for `-`/`+`). */
  value: string;
  /** True for `(value` (and for `-`/`+`, as Redis marks them). */
  exclusive: boolean;
}

/** A lexicographic interval (`ZRANGEBYLEX key [a (c`). */
export interface LexRange {
  min: LexBound;
  max: LexBound;
}

/** True when `score` is not below the range's minimum. */
export function scoreGteMin(score: number, r: ScoreRange): boolean {
  return r.minExclusive ? score > r.min : score >= r.min;
}

/** True when `score` is not above the range's maximum. */
export function scoreLteMax(score: number, r: ScoreRange): boolean {
  return r.maxExclusive ? score < r.max : score <= r.max;
}

/** True for ranges that can contain nothing (`5 3`, `(2 2`). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minExclusive || r.maxExclusive));
}

/**
 * Compares a member with a bound like Redis's `sdscmplex`: `-` is below and
 * `+` above everything; otherwise byte order (JS order of latin1 strings).
 */
function compareWithBound(member: string, bound: LexBound): number {
  if (bound.infinite !== 0) return -bound.infinite;
  return member < bound.value ? -1 : member > bound.value ? 1 : 0;
}

/** True when `member` is not below the range's minimum. */
export function lexGteMin(member: string, r: LexRange): boolean {
  const cmp = compareWithBound(member, r.min);
  return r.min.exclusive ? cmp > 0 : cmp >= 0;
}

/** True when `member` is not above the range's maximum. */
export function lexLteMax(member: string, r: LexRange): boolean {
  const cmp = compareWithBound(member, r.max);
  return r.max.exclusive ? cmp < 0 : cmp <= 0;
}

/** True for lexicographic ranges that can contain nothing (`[b [a`, `(a [a`, `+ -`). */
export function lexRangeEmpty(r: LexRange): boolean {
  const { min, max } = r;
  let cmp: number;
  if (min.infinite !== 0 || max.infinite !== 0) {
    // Equal sentinels compare equal; otherwise `-` < value < `+`.
    cmp = min.infinite === max.infinite && min.infinite !== 0
      ? 0
      : min.infinite !== 0
      ? min.infinite
      : -max.infinite;
  } else {
    cmp = min.value < max.value ? -1 : min.value > max.value ? 1 : 0;
  }
  return cmp > 0 || (cmp === 0 && (min.exclusive || max.exclusive));
}
