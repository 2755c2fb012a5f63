/**
 * The compact encoding of small sorted sets, reported as `listpack` like
 * Redis's: two parallel arrays (members, scores) kept in (score, member)
 * order. Lookups by member scan the array, as Redis scans its listpack;
 * the size is bounded by `zset-max-listpack-entries`, so that cost is a
 * small constant. A few hundred bytes per set instead of a hash table and
 * a tree.
 *
 * Like a listpack, which stores integral scores as integers, a `-0` score
 * reads back as `0` in this encoding.
 *
 * @module
 */

import { stringBytes, type ZSetEncoding } from "./zset_encoding.ts";

/** A small sorted set in two ordered arrays. */
export class CompactZSet implements ZSetEncoding {
  private members: string[] = [];
  private scores: number[] = [];
  private bytes = 0;

  /**
   * Builds from members and scores already in (score, member) order.
   * The arrays are adopted, not copied.
   */
  static fromSorted(members: string[], scores: number[]): CompactZSet {
    const set = new CompactZSet();
    for (let i = 0; i < scores.length; i++) {
      if (scores[i] === 0) scores[i] = 0; // -0 → 0, as a listpack stores it
      set.bytes += members[i].length;
    }
    set.members = members;
    set.scores = scores;
    return set;
  }

  get size(): number {
    return this.members.length;
  }

  get memberBytes(): number {
    return this.bytes;
  }

  score(member: string): number | undefined {
    const i = this.members.indexOf(member);
    return i < 0 ? undefined : this.scores[i];
  }

  rank(member: string): number {
    return this.members.indexOf(member);
  }

  /** Position where (score, member) belongs. */
  private position(score: number, member: string): number {
    const scores = this.scores;
    const members = this.members;
    let lo = 0;
    let hi = scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = scores[mid];
      if (s < score || (s === score && members[mid] < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(member: string, score: number): void {
    if (score === 0) score = 0;
    const at = this.position(score, member);
    this.members.splice(at, 0, member);
    this.scores.splice(at, 0, score);
    this.bytes += member.length;
  }

  update(member: string, score: number): void {
    const i = this.members.indexOf(member);
    this.members.splice(i, 1);
    this.scores.splice(i, 1);
    this.bytes -= member.length;
    this.insert(member, score);
  }

  remove(member: string): boolean {
    const i = this.members.indexOf(member);
    if (i < 0) return false;
    this.members.splice(i, 1);
    this.scores.splice(i, 1);
    this.bytes -= member.length;
    return true;
  }

  removeRanks(first: number, last: number): void {
    const removed = this.members.splice(first, last - first + 1);
    this.scores.splice(first, last - first + 1);
    for (const m of removed) this.bytes -= m.length;
  }

  memberAt(rank: number): string {
    return this.members[rank];
  }

  scoreAt(rank: number): number {
    return this.scores[rank];
  }

  walk(rank: number, reverse: boolean, visit: (member: string, score: number) => boolean): void {
    const members = this.members;
    const scores = this.scores;
    if (reverse) {
      for (let i = rank; i >= 0; i--) if (!visit(members[i], scores[i])) return;
    } else {
      for (let i = rank; i < members.length; i++) if (!visit(members[i], scores[i])) return;
    }
  }

  countScoreBelow(score: number, orEqual: boolean): number {
    const scores = this.scores;
    let lo = 0;
    let hi = scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = scores[mid];
      if (s < score || (orEqual && s === score)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  forEach(visit: (member: string, score: number) => void): void {
    for (let i = 0; i < this.members.length; i++) visit(this.members[i], this.scores[i]);
  }

  clone(): CompactZSet {
    const copy = new CompactZSet();
    copy.members = this.members.slice();
    copy.scores = this.scores.slice();
    copy.bytes = this.bytes;
    return copy;
  }

  memoryUsage(): number {
    let bytes = 64 + 2 * (32 + 16) + this.members.length * 16;
    for (const m of this.members) bytes += stringBytes(m.length);
    return bytes;
  }
}
