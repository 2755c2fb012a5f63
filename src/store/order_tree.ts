/**
 * The ordered index of a large sorted set: an order-statistic B+-tree over
 * element *slots* (small integers), ordered by (score, member bytes).
 *
 * A leaf holds slot numbers (`Int32Array`) and copies of their scores
 * (`Float64Array`, so searches within a leaf stay in one cache-friendly
 * array); members are read from the {@link SlotKeys} of the table that owns
 * the elements, and only when scores tie. So an element costs twelve bytes
 * in the index and no JS object exists per element. Inner nodes keep, per
 * child, the number of elements below it (ranks in O(log n)) and a copy of
 * a lower-bound key (separator), which stays valid when elements are
 * removed, so removals never rewrite separators.
 *
 * Invariants: all leaves are at the same depth; every element in child `i`
 * of an inner node is `>= separator[i]` and `< separator[i + 1]`; leaves are
 * chained in order for range walks. Nodes may be under half full only on
 * the outer edges, where sequential inserts (growing timestamps, say) split
 * unevenly so that append-only workloads fill leaves completely.
 *
 * Complexity with n elements: insert, rank, select, range bounds
 * O(log n); removing m consecutive ranks O(log n + m); walking m elements
 * from a rank O(log n + m); building from sorted slots O(n).
 *
 * @module
 */

/** Where the tree reads element keys: the score and the member of each slot. */
export interface SlotKeys {
  /** Score of a slot. */
  scoreOf(slot: number): number;
  /** Sets a slot's score ({@link OrderTree.rescore} moves it). */
  setScore(slot: number, score: number): void;
  /** Member (latin1 string) of a slot; undefined for a free slot. */
  memberOf(slot: number): string | undefined;
}

/** Elements per leaf. */
export const LEAF_CAPACITY = 128;
const LEAF_MIN = LEAF_CAPACITY >> 1;
/** Children per inner node. */
export const INNER_CAPACITY = 64;
const INNER_MIN = INNER_CAPACITY >> 1;

class Leaf {
  /** One spare entry: a full leaf takes the insert, then splits. */
  readonly slots = new Int32Array(LEAF_CAPACITY + 1);
  /**
   * A copy of each slot's score, so binary searches inside a leaf read one
   * contiguous array instead of jumping around the table (cache misses
   * dominate at a million elements); members are read only on score ties.
   */
  readonly scores = new Float64Array(LEAF_CAPACITY + 1);
  n = 0;
  prev: Leaf | null = null;
  next: Leaf | null = null;
}

class Inner {
  readonly children: TreeNode[] = [];
  /** Elements below each child (one spare entry, as for leaves). */
  readonly counts = new Int32Array(INNER_CAPACITY + 1);
  /** Separator keys: entry `i >= 1` is a lower bound of child `i`; entry 0 is unused. */
  readonly sepScores = new Float64Array(INNER_CAPACITY + 1);
  readonly sepMembers: string[] = [""];
  /** Elements below this node. */
  size = 0;
}

type TreeNode = Leaf | Inner;

// One insert or removal moves half a leaf on average, ~64 entries. A
// `copyWithin` call enters a C++ builtin, so one loop moving both arrays
// is cheaper than two calls when the leaf is in cache (in-process ZADD
// 2.20 → 2.10 µs); without pipelining the difference is within noise.

/**
 * Number of a leaf's entries whose score is below `score` (or equal to it
 * when `orEqual`), found by score alone.
 */
function leafScoreBound(leaf: Leaf, score: number, orEqual: boolean): number {
  const scores = leaf.scores;
  let lo = 0;
  let hi = leaf.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = scores[mid];
    if (v < score || (orEqual && v === score)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Shifts entries `p..n-1` of a leaf one place right (room at `p`). */
function openGap(leaf: Leaf, p: number): void {
  const slots = leaf.slots;
  const scores = leaf.scores;
  for (let i = leaf.n; i > p; i--) {
    slots[i] = slots[i - 1];
    scores[i] = scores[i - 1];
  }
}

/** Shifts entries `p+1..n-1` of a leaf one place left (over entry `p`). */
function closeGap(leaf: Leaf, p: number): void {
  const slots = leaf.slots;
  const scores = leaf.scores;
  const n = leaf.n;
  for (let i = p + 1; i < n; i++) {
    slots[i - 1] = slots[i];
    scores[i - 1] = scores[i];
  }
}

/** The leaf holding the lowest elements below `node`, which is `level` levels above the leaves. */
function leftmostLeaf(node: TreeNode, level: number): Leaf {
  for (let l = level; l > 0; l--) node = (node as Inner).children[0];
  return node as Leaf;
}

function entries(node: TreeNode, level: number): number {
  return level === 0 ? (node as Leaf).n : (node as Inner).children.length;
}

/** An order-statistic B+-tree of slots. */
export class OrderTree {
  private root: TreeNode = new Leaf();
  /** Inner levels above the leaves (0: the root is a leaf). */
  private height = 0;
  private count = 0;
  /** Scratch for descents: per level, the inner node, the child taken, and edge flags. */
  private pathNodes: Inner[] = [];
  private pathIndex: number[] = [];
  private pathLeftEdge: boolean[] = [];
  private pathRightEdge: boolean[] = [];
  /** Result of {@link locate}. */
  private foundLeaf: Leaf = this.root as Leaf;
  private foundIndex = 0;

  constructor(private readonly keys: SlotKeys) {}

  /** Number of slots in the tree. */
  get size(): number {
    return this.count;
  }

  /** Removes every slot. */
  clear(): void {
    this.root = new Leaf();
    this.height = 0;
    this.count = 0;
  }

  // ------------------------------------------------------------ comparisons

  /** True when slot `slot` orders before the key (score `s`, member `m`). */
  private slotBefore(slot: number, s: number, m: string): boolean {
    const score = this.keys.scoreOf(slot);
    return score < s || (score === s && (this.keys.memberOf(slot) as string) < m);
  }

  /** True when slot `a`'s member orders before slot `b`'s (for equal scores). */
  private memberBefore(a: number, b: number): boolean {
    return (this.keys.memberOf(a) as string) < (this.keys.memberOf(b) as string);
  }

  /** Index of the child of `node` whose key range holds (s, m). */
  private childFor(node: Inner, s: number, m: string): number {
    const scores = node.sepScores;
    const members = node.sepMembers;
    let lo = 1;
    let hi = node.children.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ss = scores[mid];
      if (ss < s || (ss === s && members[mid] <= m)) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Position of the first slot of `leaf` that is not before (s, m). */
  private leafLowerBound(leaf: Leaf, s: number, m: string): number {
    let lo = 0;
    let hi = leaf.n;
    const scores = leaf.scores;
    const keys = this.keys;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const score = scores[mid];
      if (score < s || (score === s && (keys.memberOf(leaf.slots[mid]) as string) < m)) {
        lo = mid + 1;
      } else hi = mid;
    }
    return lo;
  }

  // ----------------------------------------------------------------- insert

  /** Inserts a slot; its key must not be in the tree yet. O(log n). */
  insert(slot: number): void {
    const s = this.keys.scoreOf(slot);
    const m = this.keys.memberOf(slot) as string;
    let node = this.root;
    let leftEdge = true;
    let rightEdge = true;
    for (let level = this.height; level > 0; level--) {
      const inner = node as Inner;
      const j = this.childFor(inner, s, m);
      inner.counts[j]++;
      inner.size++;
      this.pathNodes[level] = inner;
      this.pathIndex[level] = j;
      this.pathLeftEdge[level] = leftEdge;
      this.pathRightEdge[level] = rightEdge;
      leftEdge &&= j === 0;
      rightEdge &&= j === inner.children.length - 1;
      node = inner.children[j];
    }
    this.count++;
    const leaf = node as Leaf;
    const p = this.leafLowerBound(leaf, s, m);
    openGap(leaf, p);
    leaf.slots[p] = slot;
    leaf.scores[p] = s;
    leaf.n++;
    if (leaf.n <= LEAF_CAPACITY) return;
    // Overfull: split. Appends to the last leaf (and prepends to the first)
    // split unevenly, so sequential loads leave full leaves behind.
    let cut = leaf.n >> 1;
    if (p === LEAF_CAPACITY && rightEdge) cut = LEAF_CAPACITY;
    else if (p === 0 && leftEdge) cut = 1;
    const right = new Leaf();
    right.slots.set(leaf.slots.subarray(cut, leaf.n));
    right.scores.set(leaf.scores.subarray(cut, leaf.n));
    right.n = leaf.n - cut;
    leaf.n = cut;
    right.next = leaf.next;
    right.prev = leaf;
    if (leaf.next) leaf.next.prev = right;
    leaf.next = right;
    this.splitUp(1, leaf.n, right, right.n, right.scores[0], this.keys.memberOf(right.slots[0])!);
  }

  /**
   * The child taken at `level` split: records its new size, inserts the
   * new right sibling after it, and splits upwards while nodes overflow.
   */
  private splitUp(
    level: number,
    leftCount: number,
    right: TreeNode,
    rightCount: number,
    sepScore: number,
    sepMember: string,
  ): void {
    for (;;) {
      if (level > this.height) {
        // The root split: grow a level.
        const root = new Inner();
        root.children.push(this.root, right);
        root.counts[0] = leftCount;
        root.counts[1] = rightCount;
        root.sepScores[1] = sepScore;
        root.sepMembers[1] = sepMember;
        root.size = leftCount + rightCount;
        this.root = root;
        this.height++;
        return;
      }
      const parent = this.pathNodes[level];
      const j = this.pathIndex[level];
      parent.counts[j] = leftCount;
      insertEntry(parent, j + 1, right, rightCount, sepScore, sepMember);
      const n = parent.children.length;
      if (n <= INNER_CAPACITY) return;
      let cut = n >> 1;
      if (j + 1 === INNER_CAPACITY && this.pathRightEdge[level]) cut = INNER_CAPACITY;
      else if (j === 0 && this.pathLeftEdge[level]) cut = 1;
      const sibling = new Inner();
      for (let i = cut; i < n; i++) {
        const k = i - cut;
        sibling.children.push(parent.children[i]);
        sibling.counts[k] = parent.counts[i];
        sibling.size += parent.counts[i];
        if (k > 0) {
          sibling.sepScores[k] = parent.sepScores[i];
          sibling.sepMembers[k] = parent.sepMembers[i];
        }
      }
      sepScore = parent.sepScores[cut];
      sepMember = parent.sepMembers[cut];
      parent.children.length = cut;
      parent.sepMembers.length = cut;
      parent.size -= sibling.size;
      leftCount = parent.size;
      right = sibling;
      rightCount = sibling.size;
      level++;
    }
  }

  // ---------------------------------------------------------------- lookups

  /**
   * Descends to a slot by its key, recording the path (for {@link removeSlot}
   * and {@link pathRank}). Returns false when it is not in the tree; its leaf
   * and position are left in `foundLeaf`/`foundIndex`.
   */
  private seek(slot: number): boolean {
    const s = this.keys.scoreOf(slot);
    const m = this.keys.memberOf(slot) as string;
    let node = this.root;
    for (let level = this.height; level > 0; level--) {
      const inner = node as Inner;
      const j = this.childFor(inner, s, m);
      this.pathNodes[level] = inner;
      this.pathIndex[level] = j;
      node = inner.children[j];
    }
    // Within the leaf the slot itself is known: find the first entry with
    // its score, then the slot among the entries sharing that score. No
    // member is compared (each would be a string read from elsewhere).
    const leaf = node as Leaf;
    const scores = leaf.scores;
    const slots = leaf.slots;
    let p = leafScoreBound(leaf, s, false);
    while (p < leaf.n && scores[p] === s && slots[p] !== slot) p++;
    this.foundLeaf = leaf;
    this.foundIndex = p;
    return p < leaf.n && slots[p] === slot;
  }

  /**
   * Rank of the element {@link seek} found, from the counts of the children
   * left of its path. Computed only when needed: a re-score rarely needs
   * it, and each level's counts are cache lines a descent need not read.
   */
  private pathRank(): number {
    let rank = this.foundIndex;
    for (let level = this.height; level > 0; level--) {
      const counts = this.pathNodes[level].counts;
      const j = this.pathIndex[level];
      for (let i = 0; i < j; i++) rank += counts[i];
    }
    return rank;
  }

  /** Rank (0-based) of a slot in the tree, or -1 when it is not there. O(log n). */
  rankOf(slot: number): number {
    return this.seek(slot) ? this.pathRank() : -1;
  }

  /**
   * Removes one slot, found by its key. One descent when its leaf stays at
   * least half full (then no node is merged or rebalanced); otherwise its
   * rank, summed along that descent's path, goes to {@link removeRanks}.
   * False when absent.
   */
  removeSlot(slot: number): boolean {
    if (!this.seek(slot)) return false;
    this.removeFound();
    return true;
  }

  /**
   * Gives a slot in the tree a new score, and writes it to the slot table.
   * As Redis's `zslUpdateScore` does, an element whose neighbours still
   * bracket its new key keeps its place and only the score changes (a
   * leaderboard's small increments); otherwise it is removed, through the
   * descent that found it, and inserted again. Only neighbours inside the
   * same leaf are looked at: a leaf's first and last keys bound the
   * separators above it, so they must not move in place.
   */
  rescore(slot: number, score: number): void {
    if (!this.seek(slot)) throw new Error(`rescore: slot ${slot} is not in the tree`);
    const leaf = this.foundLeaf;
    const p = this.foundIndex;
    if (p > 0 && p < leaf.n - 1) {
      // The neighbours' scores are read from the leaf's copy (the slot
      // table's entries are cache misses); members only on a tie.
      const below = leaf.scores[p - 1];
      const above = leaf.scores[p + 1];
      // Members are unique, so the next key cannot equal the new one.
      if (
        (below < score || (below === score && this.memberBefore(leaf.slots[p - 1], slot))) &&
        (above > score || (above === score && this.memberBefore(slot, leaf.slots[p + 1])))
      ) {
        this.keys.setScore(slot, score);
        leaf.scores[p] = score;
        return;
      }
    }
    this.removeFound();
    this.keys.setScore(slot, score);
    this.insert(slot);
  }

  /** Removes the slot {@link seek} just found. */
  private removeFound(): void {
    if (this.removeFoundInPlace(undefined)) return;
    const rank = this.pathRank();
    this.removeRanks(rank, rank, undefined);
  }

  /**
   * Removes the entry {@link seek} or {@link locate} just found, reporting
   * its slot, when no node needs merging or rebalancing afterwards: its
   * leaf stays at least half full, or is an outer-edge leaf keeping an
   * entry (edges may be under half full, so popping the lowest or highest
   * element, ZPOPMIN's and ZPOPMAX's pattern, only shifts one leaf). False
   * when it left everything in place for {@link removeRanks}.
   */
  private removeFoundInPlace(onRemove: ((slot: number) => void) | undefined): boolean {
    const leaf = this.foundLeaf;
    const p = this.foundIndex;
    if (this.height > 0 && leaf.n <= LEAF_MIN && (leaf.n === 1 || !this.pathOnEdge())) {
      return false;
    }
    if (onRemove) onRemove(leaf.slots[p]);
    closeGap(leaf, p);
    leaf.n--;
    for (let level = this.height; level > 0; level--) {
      const inner = this.pathNodes[level];
      inner.counts[this.pathIndex[level]]--;
      inner.size--;
    }
    this.count--;
    return true;
  }

  /** True when the recorded path leads to the first or the last leaf. */
  private pathOnEdge(): boolean {
    let left = true;
    let right = true;
    for (let level = this.height; level > 0; level--) {
      const j = this.pathIndex[level];
      left &&= j === 0;
      right &&= j === this.pathNodes[level].children.length - 1;
    }
    return left || right;
  }

  /** Finds the leaf and index holding `rank` (0 <= rank < size), recording the path. */
  private locate(rank: number): void {
    let node = this.root;
    for (let level = this.height; level > 0; level--) {
      const inner = node as Inner;
      let i = 0;
      while (rank >= inner.counts[i]) rank -= inner.counts[i++];
      this.pathNodes[level] = inner;
      this.pathIndex[level] = i;
      node = inner.children[i];
    }
    this.foundLeaf = node as Leaf;
    this.foundIndex = rank;
  }

  /** The slot at `rank` (0 <= rank < size). O(log n). */
  slotAt(rank: number): number {
    this.locate(rank);
    return this.foundLeaf.slots[this.foundIndex];
  }

  /**
   * Number of leading elements whose score is below `score` (or equal to
   * it when `orEqual`): the rank where a score range starting there begins.
   * O(log n).
   */
  countScoreBelow(score: number, orEqual: boolean): number {
    let node = this.root;
    let rank = 0;
    for (let level = this.height; level > 0; level--) {
      const inner = node as Inner;
      const seps = inner.sepScores;
      let lo = 1;
      let hi = inner.children.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (seps[mid] < score || (orEqual && seps[mid] === score)) lo = mid + 1;
        else hi = mid;
      }
      const j = lo - 1;
      for (let i = 0; i < j; i++) rank += inner.counts[i];
      node = inner.children[j];
    }
    return rank + leafScoreBound(node as Leaf, score, orEqual);
  }

  /**
   * Number of leading elements whose member sorts below `member` (or equal
   * to it when `orEqual`). Meaningful when members are in order, i.e. when
   * all scores are equal (as for Redis's lexicographic commands). O(log n).
   */
  countMemberBelow(member: string, orEqual: boolean): number {
    const keys = this.keys;
    let node = this.root;
    let rank = 0;
    for (let level = this.height; level > 0; level--) {
      const inner = node as Inner;
      const seps = inner.sepMembers;
      let lo = 1;
      let hi = inner.children.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (seps[mid] < member || (orEqual && seps[mid] === member)) lo = mid + 1;
        else hi = mid;
      }
      const j = lo - 1;
      for (let i = 0; i < j; i++) rank += inner.counts[i];
      node = inner.children[j];
    }
    const leaf = node as Leaf;
    let lo = 0;
    let hi = leaf.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = keys.memberOf(leaf.slots[mid]) as string;
      if (v < member || (orEqual && v === member)) lo = mid + 1;
      else hi = mid;
    }
    return rank + lo;
  }

  /**
   * Visits slots and their scores (the leaf's copies: the walk reads no
   * score column) from `rank` on, towards higher ranks or (`reverse`) lower
   * ones, until `visit` returns false or the end is reached.
   * O(log n + visited).
   */
  walk(rank: number, reverse: boolean, visit: (slot: number, score: number) => boolean): void {
    if (rank < 0 || rank >= this.count) return;
    this.locate(rank);
    let leaf: Leaf | null = this.foundLeaf;
    let i = this.foundIndex;
    if (reverse) {
      while (leaf !== null) {
        const slots = leaf.slots;
        const scores = leaf.scores;
        for (; i >= 0; i--) if (!visit(slots[i], scores[i])) return;
        leaf = leaf.prev;
        if (leaf !== null) i = leaf.n - 1;
      }
    } else {
      while (leaf !== null) {
        const slots = leaf.slots;
        const scores = leaf.scores;
        const n = leaf.n;
        for (; i < n; i++) if (!visit(slots[i], scores[i])) return;
        leaf = leaf.next;
        i = 0;
      }
    }
  }

  /** Visits every slot in order. */
  forEach(visit: (slot: number) => void): void {
    for (
      let leaf: Leaf | null = leftmostLeaf(this.root, this.height);
      leaf !== null;
      leaf = leaf.next
    ) {
      for (let i = 0; i < leaf.n; i++) visit(leaf.slots[i]);
    }
  }

  // ----------------------------------------------------------------- remove

  /**
   * Removes the slots at ranks `first..last` (inclusive), calling `onRemove`
   * for each in order. O(log n + removed).
   */
  removeRange(first: number, last: number, onRemove?: (slot: number) => void): void {
    if (first < 0) first = 0;
    if (last >= this.count) last = this.count - 1;
    if (first > last) return;
    if (first === last) {
      this.locate(first);
      if (this.removeFoundInPlace(onRemove)) return;
    }
    this.removeRanks(first, last, onRemove);
  }

  /** {@link removeRange} of bounds already clamped, merging and rebalancing as needed. */
  private removeRanks(
    first: number,
    last: number,
    onRemove: ((slot: number) => void) | undefined,
  ): void {
    this.removeIn(this.root, this.height, first, last, onRemove);
    this.count -= last - first + 1;
    // Shrink the root while it has a single child.
    while (this.height > 0 && (this.root as Inner).children.length <= 1) {
      const inner = this.root as Inner;
      if (inner.children.length === 0) {
        this.root = new Leaf();
        this.height = 0;
      } else {
        this.root = inner.children[0];
        this.height--;
      }
    }
  }

  private removeIn(
    node: TreeNode,
    level: number,
    first: number,
    last: number,
    onRemove: ((slot: number) => void) | undefined,
  ): void {
    if (level === 0) {
      const leaf = node as Leaf;
      if (onRemove) { for (let i = first; i <= last; i++) onRemove(leaf.slots[i]); }
      leaf.slots.copyWithin(first, last + 1, leaf.n);
      leaf.scores.copyWithin(first, last + 1, leaf.n);
      leaf.n -= last - first + 1;
      return;
    }
    const inner = node as Inner;
    const counts = inner.counts;
    let i = 0;
    let start = 0;
    while (start + counts[i] <= first) start += counts[i++];
    const touched = i;
    let dropFrom = -1;
    let dropTo = -1;
    const n = inner.children.length;
    for (; i < n && start <= last; i++) {
      const c = counts[i];
      const a = first > start ? first - start : 0;
      const b = last - start < c - 1 ? last - start : c - 1;
      if (a === 0 && b === c - 1) {
        this.dropSubtree(inner.children[i], level - 1, c, onRemove);
        if (dropFrom < 0) dropFrom = i;
        dropTo = i;
      } else {
        this.removeIn(inner.children[i], level - 1, a, b, onRemove);
        counts[i] -= b - a + 1;
      }
      start += c;
    }
    inner.size -= last - first + 1;
    if (dropFrom >= 0) removeEntries(inner, dropFrom, dropTo - dropFrom + 1);
    // At most two partially emptied children sit around `touched`: repair them.
    const lo = touched > 0 ? touched - 1 : 0;
    for (let k = Math.min(touched + 1, inner.children.length - 1); k >= lo; k--) {
      if (k < inner.children.length) this.repair(inner, k, level - 1);
    }
  }

  /** Removes a whole subtree's elements from the leaf chain, reporting them. */
  private dropSubtree(
    node: TreeNode,
    level: number,
    size: number,
    onRemove: ((slot: number) => void) | undefined,
  ): void {
    let leaf: Leaf | null = leftmostLeaf(node, level);
    let left = size;
    while (leaf !== null && left > 0) {
      if (onRemove) { for (let i = 0; i < leaf.n; i++) onRemove(leaf.slots[i]); }
      left -= leaf.n;
      const next: Leaf | null = leaf.next;
      unlinkLeaf(leaf);
      leaf = next;
    }
  }

  /**
   * Restores the minimum fill of child `k` of `parent` by merging it with a
   * sibling or moving entries over from one. A lone child is left to the
   * level above.
   */
  private repair(parent: Inner, k: number, level: number): void {
    const child = parent.children[k];
    const min = level === 0 ? LEAF_MIN : INNER_MIN;
    const cap = level === 0 ? LEAF_CAPACITY : INNER_CAPACITY;
    if (entries(child, level) >= min || parent.children.length < 2) return;
    const left = k > 0 ? k - 1 : k;
    const a = parent.children[left];
    const b = parent.children[left + 1];
    const total = entries(a, level) + entries(b, level);
    if (total <= cap) {
      if (level === 0) mergeLeaves(a as Leaf, b as Leaf);
      else mergeInners(a as Inner, b as Inner, parent, left);
      parent.counts[left] += parent.counts[left + 1];
      removeEntries(parent, left + 1, 1);
    } else if (level === 0) {
      this.balanceLeaves(parent, left);
    } else {
      balanceInners(parent, left);
    }
  }

  /** Evens out two adjacent leaves (children `k` and `k + 1`). */
  private balanceLeaves(parent: Inner, k: number): void {
    const a = parent.children[k] as Leaf;
    const b = parent.children[k + 1] as Leaf;
    const total = a.n + b.n;
    const wantA = total >> 1;
    if (a.n < wantA) {
      const move = wantA - a.n;
      a.slots.set(b.slots.subarray(0, move), a.n);
      a.scores.set(b.scores.subarray(0, move), a.n);
      b.slots.copyWithin(0, move, b.n);
      b.scores.copyWithin(0, move, b.n);
      a.n += move;
      b.n -= move;
    } else if (a.n > wantA) {
      const move = a.n - wantA;
      b.slots.copyWithin(move, 0, b.n);
      b.slots.set(a.slots.subarray(a.n - move, a.n), 0);
      b.scores.copyWithin(move, 0, b.n);
      b.scores.set(a.scores.subarray(a.n - move, a.n), 0);
      a.n -= move;
      b.n += move;
    }
    parent.counts[k] = a.n;
    parent.counts[k + 1] = b.n;
    parent.sepScores[k + 1] = b.scores[0];
    parent.sepMembers[k + 1] = this.keys.memberOf(b.slots[0]) as string;
  }

  /**
   * Numbers the slots 0, 1, 2... in order, in place: `moved(from, to)` is
   * called for each, in order, so the owner can move its columns along. The
   * shape of the tree and its separators stay as they are. O(n).
   */
  renumber(moved: (from: number, to: number) => void): void {
    let to = 0;
    for (
      let leaf: Leaf | null = leftmostLeaf(this.root, this.height);
      leaf !== null;
      leaf = leaf.next
    ) {
      const slots = leaf.slots;
      for (let i = 0; i < leaf.n; i++, to++) {
        moved(slots[i], to);
        slots[i] = to;
      }
    }
  }

  // ------------------------------------------------------------------ build

  /**
   * Replaces the contents with `n` slots already in order (strictly
   * increasing keys). Leaves are filled completely, so a tree built from
   * a snapshot is as compact as an append-only one. O(n).
   */
  build(slots: ArrayLike<number>, n: number): void {
    this.clear();
    if (n === 0) return;
    const leaves = spread(n, LEAF_CAPACITY, LEAF_MIN);
    let level: TreeNode[] = [];
    let sizes: number[] = [];
    let prev: Leaf | null = null;
    let at = 0;
    for (const size of leaves) {
      const leaf = new Leaf();
      for (let i = 0; i < size; i++) {
        const slot = slots[at + i];
        leaf.slots[i] = slot;
        leaf.scores[i] = this.keys.scoreOf(slot);
      }
      at += size;
      leaf.n = size;
      leaf.prev = prev;
      if (prev) prev.next = leaf;
      prev = leaf;
      level.push(leaf);
      sizes.push(size);
    }
    let height = 0;
    while (level.length > 1) {
      const upper: TreeNode[] = [];
      const upperSizes: number[] = [];
      let c = 0;
      for (const fanout of spread(level.length, INNER_CAPACITY, INNER_MIN)) {
        const inner = new Inner();
        for (let k = 0; k < fanout; k++, c++) {
          inner.children.push(level[c]);
          inner.counts[k] = sizes[c];
          inner.size += sizes[c];
          if (k > 0) {
            const first = this.firstSlot(level[c], height);
            inner.sepScores[k] = this.keys.scoreOf(first);
            inner.sepMembers[k] = this.keys.memberOf(first) as string;
          }
        }
        upper.push(inner);
        upperSizes.push(inner.size);
      }
      level = upper;
      sizes = upperSizes;
      height++;
    }
    this.root = level[0];
    this.height = height;
    this.count = n;
  }

  private firstSlot(node: TreeNode, level: number): number {
    return leftmostLeaf(node, level).slots[0];
  }

  /**
   * Checks every invariant (for tests): counts, separators, order, minimum
   * fill away from the edges, uniform depth, leaf chain in both directions.
   * Throws on the first violation.
   */
  verify(): void {
    const seen: number[] = [];
    const check = (node: TreeNode, level: number, leftEdge: boolean, rightEdge: boolean) => {
      const edge = leftEdge || rightEdge;
      if (level === 0) {
        const leaf = node as Leaf;
        if (!edge && leaf.n < LEAF_MIN) throw new Error(`underfull leaf (${leaf.n})`);
        if (leaf.n > LEAF_CAPACITY) throw new Error(`overfull leaf (${leaf.n})`);
        for (let i = 0; i < leaf.n; i++) {
          if (!Object.is(leaf.scores[i], this.keys.scoreOf(leaf.slots[i]))) {
            throw new Error("leaf score copy out of date");
          }
          seen.push(leaf.slots[i]);
        }
        return leaf.n;
      }
      const inner = node as Inner;
      const n = inner.children.length;
      if (n === 0) throw new Error("empty inner node");
      if (n > INNER_CAPACITY) throw new Error(`overfull inner node (${n})`);
      if (!edge && n < INNER_MIN) throw new Error(`underfull inner node (${n})`);
      if (inner.sepMembers.length !== n) throw new Error("separator array out of step");
      let total = 0;
      for (let i = 0; i < n; i++) {
        const before = seen.length;
        const size = check(
          inner.children[i],
          level - 1,
          leftEdge && i === 0,
          rightEdge && i === n - 1,
        );
        if (size !== inner.counts[i]) throw new Error(`count ${inner.counts[i]} != ${size}`);
        if (size === 0) throw new Error("empty subtree");
        if (i > 0) {
          const s = inner.sepScores[i];
          const m = inner.sepMembers[i];
          if (this.slotBefore(seen[before], s, m)) throw new Error("element below its separator");
          if (!this.slotBefore(seen[before - 1], s, m)) {
            throw new Error("element of the previous child above the separator");
          }
        }
        total += size;
      }
      if (total !== inner.size) throw new Error(`size ${inner.size} != ${total}`);
      return total;
    };
    const total = check(this.root, this.height, true, true);
    if (total !== this.count) throw new Error(`tree count ${this.count} != ${total}`);
    for (let i = 1; i < seen.length; i++) {
      const slot = seen[i];
      if (!this.slotBefore(seen[i - 1], this.keys.scoreOf(slot), this.keys.memberOf(slot)!)) {
        throw new Error(`out of order at rank ${i}`);
      }
    }
    const chained: number[] = [];
    this.forEach((slot) => chained.push(slot));
    if (chained.length !== seen.length || chained.some((s, i) => s !== seen[i])) {
      throw new Error("leaf chain does not match the tree");
    }
    let node = this.root;
    for (let l = this.height; l > 0; l--) {
      const inner = node as Inner;
      node = inner.children[inner.children.length - 1];
    }
    if ((node as Leaf).next !== null) throw new Error("last leaf has a successor");
    let back = 0;
    for (let leaf: Leaf | null = node as Leaf; leaf !== null; leaf = leaf.prev) back += leaf.n;
    if (back !== this.count) throw new Error("backward leaf chain is broken");
  }

  /** Bytes used by the tree's nodes (approximate). */
  memoryUsage(): number {
    let bytes = 0;
    const visit = (node: TreeNode, level: number): void => {
      if (level === 0) {
        bytes += 160 + (LEAF_CAPACITY + 1) * 12;
        return;
      }
      const inner = node as Inner;
      bytes += 256 + INNER_CAPACITY * (4 + 8 + 8 + 8);
      for (const child of inner.children) visit(child, level - 1);
    };
    visit(this.root, this.height);
    return bytes;
  }
}

/**
 * Inserts `child` at index `at >= 1` of `node` with its element count and
 * separator (children are only ever added to the right of a split one).
 */
function insertEntry(
  node: Inner,
  at: number,
  child: TreeNode,
  count: number,
  sepScore: number,
  sepMember: string,
): void {
  const n = node.children.length;
  node.children.splice(at, 0, child);
  node.counts.copyWithin(at + 1, at, n);
  node.counts[at] = count;
  node.sepScores.copyWithin(at + 1, at, n);
  node.sepScores[at] = sepScore;
  node.sepMembers.splice(at, 0, sepMember);
}

/** Removes `k` children starting at `at` (their counts are already subtracted from size). */
function removeEntries(node: Inner, at: number, k: number): void {
  const n = node.children.length;
  node.children.splice(at, k);
  node.counts.copyWithin(at, at + k, n);
  node.sepScores.copyWithin(at, at + k, n);
  node.sepMembers.splice(at, k);
  if (at === 0 && node.children.length > 0) node.sepMembers[0] = "";
}

/**
 * Splits `n` items into groups of at most `capacity`, as full as possible,
 * with the last two evened out when the last would fall below `min`.
 */
function spread(n: number, capacity: number, min: number): number[] {
  const groups: number[] = [];
  for (let left = n; left > 0; left -= capacity) groups.push(Math.min(capacity, left));
  const k = groups.length;
  if (k > 1 && groups[k - 1] < min) {
    const total = groups[k - 2] + groups[k - 1];
    groups[k - 2] = total - (total >> 1);
    groups[k - 1] = total >> 1;
  }
  return groups;
}

function unlinkLeaf(leaf: Leaf): void {
  if (leaf.prev) leaf.prev.next = leaf.next;
  if (leaf.next) leaf.next.prev = leaf.prev;
  leaf.prev = null;
  leaf.next = null;
}

function mergeLeaves(a: Leaf, b: Leaf): void {
  a.slots.set(b.slots.subarray(0, b.n), a.n);
  a.scores.set(b.scores.subarray(0, b.n), a.n);
  a.n += b.n;
  b.n = 0;
  unlinkLeaf(b);
}

/** Appends inner `b` (child `k + 1` of parent) to inner `a` (child `k`). */
function mergeInners(a: Inner, b: Inner, parent: Inner, k: number): void {
  const base = a.children.length;
  for (let i = 0; i < b.children.length; i++) {
    a.children.push(b.children[i]);
    a.counts[base + i] = b.counts[i];
    if (i === 0) {
      a.sepScores[base] = parent.sepScores[k + 1];
      a.sepMembers[base] = parent.sepMembers[k + 1];
    } else {
      a.sepScores[base + i] = b.sepScores[i];
      a.sepMembers[base + i] = b.sepMembers[i];
    }
  }
  a.size += b.size;
}

/** Evens out two adjacent inner nodes (children `k` and `k + 1` of parent). */
function balanceInners(parent: Inner, k: number): void {
  const a = parent.children[k] as Inner;
  const b = parent.children[k + 1] as Inner;
  const total = a.children.length + b.children.length;
  const wantA = total >> 1;
  if (a.children.length < wantA) {
    const move = wantA - a.children.length;
    let moved = 0;
    for (let i = 0; i < move; i++) {
      const at = a.children.length;
      a.children.push(b.children[i]);
      a.counts[at] = b.counts[i];
      moved += b.counts[i];
      if (i === 0) {
        a.sepScores[at] = parent.sepScores[k + 1];
        a.sepMembers[at] = parent.sepMembers[k + 1];
      } else {
        a.sepScores[at] = b.sepScores[i];
        a.sepMembers[at] = b.sepMembers[i];
      }
    }
    parent.sepScores[k + 1] = b.sepScores[move];
    parent.sepMembers[k + 1] = b.sepMembers[move];
    removeEntries(b, 0, move);
    a.size += moved;
    b.size -= moved;
  } else if (a.children.length > wantA) {
    const move = a.children.length - wantA;
    const from = a.children.length - move;
    let moved = 0;
    const n = b.children.length;
    b.children.splice(0, 0, ...a.children.slice(from));
    b.counts.copyWithin(move, 0, n);
    b.sepScores.copyWithin(move, 0, n);
    b.sepMembers.splice(0, 0, ...new Array<string>(move).fill(""));
    // b's old first child is now bounded by the parent's separator.
    b.sepScores[move] = parent.sepScores[k + 1];
    b.sepMembers[move] = parent.sepMembers[k + 1];
    for (let i = 0; i < move; i++) {
      b.counts[i] = a.counts[from + i];
      moved += a.counts[from + i];
      if (i > 0) {
        b.sepScores[i] = a.sepScores[from + i];
        b.sepMembers[i] = a.sepMembers[from + i];
      }
    }
    b.sepMembers[0] = "";
    parent.sepScores[k + 1] = a.sepScores[from];
    parent.sepMembers[k + 1] = a.sepMembers[from];
    a.children.length = from;
    a.sepMembers.length = from;
    a.size -= moved;
    b.size += moved;
  }
  parent.counts[k] = a.size;
  parent.counts[k + 1] = b.size;
}
