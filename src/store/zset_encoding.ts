/**
 * What both sorted-set encodings provide to {@link ZSetValue}. Ranks are
 * 0-based positions in (score, member bytes) order.
 *
 * @module
 */

/** One encoding of a sorted set (compact "listpack" or indexed "skiplist"). */
export interface ZSetEncoding {
  /** Number of members. */
  readonly size: number;
  /** Score of `member`, or undefined when absent. */
  score(member: string): number | undefined;
  /** Rank of `member`, or -1 when absent. */
  rank(member: string): number;
  /** Adds a member that is not present. */
  insert(member: string, score: number): void;
  /** Changes the score of a present member. */
  update(member: string, score: number): void;
  /** Removes `member`; false when it was absent. */
  remove(member: string): boolean;
  /** Removes the members at ranks `first..last` (inclusive, in bounds). */
  removeRanks(first: number, last: number): void;
  /** Member at `rank` (in bounds). */
  memberAt(rank: number): string;
  /** Score at `rank` (in bounds). */
  scoreAt(rank: number): number;
  /**
   * Visits members from `rank` towards higher ranks (or lower ones when
   * `reverse`) until `visit` returns false or the end is reached.
   */
  walk(rank: number, reverse: boolean, visit: (member: string, score: number) => boolean): void;
  /** Number of members whose score is below `score` (or equal, when `orEqual`). */
  countScoreBelow(score: number, orEqual: boolean): number;
  /** Visits every member in order. */
  forEach(visit: (member: string, score: number) => void): void;
  /** A deep copy in the same encoding. */
  clone(): ZSetEncoding;
  /** Approximate bytes used. */
  memoryUsage(): number;
}

/** Approximate heap bytes of a V8 one-byte string of `length` characters. */
export function stringBytes(length: number): number {
  return 16 + ((length + 7) & ~7);
}
