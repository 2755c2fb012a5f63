import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { OrderTree, type SlotKeys } from "../../src/store/order_tree.ts";
import { orderEntries, type ZSetLimits, ZSetValue } from "../../src/store/zset.ts";
import type { LexRange, ScoreRange } from "../../src/store/zset_range.ts";
import { latin1Bytes } from "../../src/util/bytes.ts";
import { IndexedZSet } from "../../src/store/zset_indexed.ts";

/** mulberry32: a small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Redis's order: score, then member bytes. */
function compareEntries(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** Scores that stress ties and specials: few distinct values, ±inf, -0, fractions. */
function randomScore(rnd: () => number): number {
  const r = rnd();
  if (r < 0.05) return Infinity;
  if (r < 0.1) return -Infinity;
  if (r < 0.15) return -0;
  if (r < 0.6) return Math.floor(rnd() * 8) - 4;
  return (rnd() - 0.5) * 1e6;
}

/** Binary members: any byte value, including NUL and 0xff, various lengths. */
function randomMember(rnd: () => number, maxLength = 6): string {
  const n = Math.floor(rnd() * maxLength);
  let s = "";
  for (let i = 0; i < n; i++) {
    const r = rnd();
    s += String.fromCharCode(
      r < 0.1 ? 0 : r < 0.2 ? 255 : r < 0.6 ? 97 + Math.floor(rnd() * 4) : Math.floor(rnd() * 256),
    );
  }
  return s;
}

// ----------------------------------------------------------------- OrderTree

/** The tree's view ({@link SlotKeys}) of slot columns held in plain arrays. */
function slotKeys(columns: { scores: Float64Array; members: (string | undefined)[] }): SlotKeys {
  return {
    scoreOf: (slot) => columns.scores[slot],
    setScore: (slot, score) => {
      columns.scores[slot] = score;
    },
    memberOf: (slot) => columns.members[slot],
  };
}

class TreeHarness {
  readonly keys = { scores: new Float64Array(1 << 17), members: [] as (string | undefined)[] };
  readonly tree = new OrderTree(slotKeys(this.keys));
  /** Slots in order: the model. */
  readonly model: number[] = [];
  private free: number[] = [];
  private next = 0;
  private names = new Set<string>();

  private compare(a: number, b: number): number {
    return compareEntries(
      [this.keys.members[a]!, this.keys.scores[a]],
      [this.keys.members[b]!, this.keys.scores[b]],
    );
  }

  insert(member: string, score: number): boolean {
    if (this.names.has(member)) return false;
    this.names.add(member);
    const slot = this.free.length > 0 ? this.free.pop()! : this.next++;
    this.keys.members[slot] = member;
    this.keys.scores[slot] = score;
    this.tree.insert(slot);
    this.placeInModel(slot);
    return true;
  }

  /** Puts a slot at its ordered position in the model; returns that position. */
  private placeInModel(slot: number): number {
    let lo = 0;
    let hi = this.model.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.model[mid], slot) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.model.splice(lo, 0, slot);
    return lo;
  }

  removeRange(first: number, last: number): void {
    const removed: number[] = [];
    this.tree.removeRange(first, last, (slot) => removed.push(slot));
    const expected = this.model.splice(first, last - first + 1);
    assertEquals(removed, expected, `removeRange(${first}, ${last})`);
    for (const slot of expected) {
      this.names.delete(this.keys.members[slot]!);
      this.keys.members[slot] = undefined;
      this.free.push(slot);
    }
  }

  /** Removes the element at model position `i` by its key (one descent when no rebalancing). */
  removeByKey(i: number): void {
    const slot = this.model[i];
    assertTrue(this.tree.removeSlot(slot), `removeSlot(${slot})`);
    // Gone now: a second removal finds nothing.
    assertEquals(this.tree.removeSlot(slot), false);
    this.model.splice(i, 1);
    this.names.delete(this.keys.members[slot]!);
    this.keys.members[slot] = undefined;
    this.free.push(slot);
  }

  /**
   * Gives the element at model position `i` a new score; returns true when
   * its rank stayed the same.
   */
  rescore(i: number, score: number): boolean {
    const slot = this.model[i];
    this.tree.rescore(slot, score);
    assertEquals(this.keys.scores[slot], score, "the table holds the new score");
    this.model.splice(i, 1);
    return this.placeInModel(slot) === i;
  }

  check(rnd: () => number): void {
    this.tree.verify();
    assertEquals(this.tree.size, this.model.length);
    const n = this.model.length;
    for (let k = 0; k < 8 && n > 0; k++) {
      const i = Math.floor(rnd() * n);
      assertEquals(this.tree.slotAt(i), this.model[i], `slotAt(${i})`);
      assertEquals(this.tree.rankOf(this.model[i]), i, `rankOf at ${i}`);
    }
    const s = randomScore(rnd);
    for (const orEqual of [false, true]) {
      const expected = this.model.filter((x) =>
        this.keys.scores[x] < s || (orEqual && this.keys.scores[x] === s)
      ).length;
      assertEquals(this.tree.countScoreBelow(s, orEqual), expected, `countScoreBelow(${s})`);
    }
    if (n > 0) {
      const from = Math.floor(rnd() * n);
      const reverse = rnd() < 0.5;
      const want = Math.floor(rnd() * 300);
      const got: number[] = [];
      this.tree.walk(from, reverse, (slot, score) => {
        assertTrue(Object.is(score, this.keys.scores[slot]), `walk's score of slot ${slot}`);
        got.push(slot);
        return got.length < want;
      });
      // The first slot is visited whatever the visitor answers.
      const take = Math.max(1, want);
      const expected = reverse
        ? this.model.slice(Math.max(0, from - take + 1), from + 1).reverse()
        : this.model.slice(from, from + take);
      assertEquals(got, expected, "walk");
    }
  }
}

Deno.test("order tree: random inserts and removals match a sorted-array model", () => {
  const rnd = prng(20240601);
  const h = new TreeHarness();
  let inserts = 0, removals = 0, keyRemovals = 0, rangeRemovals = 0, checks = 0, maxSize = 0;
  // Grow past two inner levels (128 * 64 elements per inner node), churn, shrink.
  for (let round = 0; round < 60000; round++) {
    // Grow (inserts), churn (mixed, short range removals), then drain (wide ones).
    const [insert, single, width] = round < 25000
      ? [0.95, 0.05, 0]
      : round < 45000
      ? [0.5, 0.45, 10]
      : [0.2, 0.7, 4000];
    const r = rnd();
    if (r < insert || h.model.length === 0) {
      if (h.insert(randomMember(rnd, 12), randomScore(rnd))) inserts++;
    } else if (r < insert + single) {
      const i = Math.floor(rnd() * h.model.length);
      if (rnd() < 0.5) {
        h.removeRange(i, i);
        removals++;
      } else {
        h.removeByKey(i);
        keyRemovals++;
      }
    } else {
      const first = Math.floor(rnd() * h.model.length);
      h.removeRange(first, Math.min(h.model.length - 1, first + Math.floor(rnd() * width)));
      rangeRemovals++;
    }
    maxSize = Math.max(maxSize, h.model.length);
    if (round % 1500 === 0) {
      h.check(rnd);
      checks++;
    }
  }
  h.check(rnd);
  assertTrue(maxSize > 128 * 64 * 2, `the tree grew tall enough (${maxSize})`);
  assertTrue(inserts > 20000 && removals > 5000 && keyRemovals > 5000 && rangeRemovals > 1000);
  assertEquals(checks, 40);
});

Deno.test("order tree: rescoring keeps the order, whether an element stays or moves", () => {
  const rnd = prng(20261126);
  const h = new TreeHarness();
  // Three levels (more than 128 * 64 elements), with ties broken by member.
  for (let i = 0; i < 20000; i++) h.insert(randomMember(rnd, 10), Math.floor(rnd() * 5000));
  let stayed = 0, moved = 0, ties = 0, checks = 0;
  for (let round = 0; round < 30000; round++) {
    const n = h.model.length;
    const i = Math.floor(rnd() * n);
    const slot = h.model[i];
    const current = h.keys.scores[slot];
    const r = rnd();
    let score: number;
    if (r < 0.4) {
      // A small step: usually between the neighbours, as a leaderboard's increments are.
      const lo = i > 0 ? h.keys.scores[h.model[i - 1]] : current - 1;
      const hi = i < n - 1 ? h.keys.scores[h.model[i + 1]] : current + 1;
      score = lo + (hi - lo) * rnd();
    } else if (r < 0.6) {
      // Equal to a neighbour's score: the member decides.
      const j = Math.min(n - 1, Math.max(0, i + (rnd() < 0.5 ? -1 : 1)));
      score = h.keys.scores[h.model[j]];
      ties++;
    } else if (r < 0.65) {
      score = current; // unchanged
    } else {
      score = Math.floor(rnd() * 5000) + rnd();
    }
    if (h.rescore(i, score)) stayed++;
    else moved++;
    if (round % 2000 === 0) {
      h.check(rnd);
      checks++;
    }
  }
  h.check(rnd);
  assertEquals(checks, 15);
  assertTrue(stayed > 10000 && moved > 10000 && ties > 4000, `${stayed} ${moved} ${ties}`);
});

Deno.test("order tree: members compare as bytes, duplicate scores order by member", () => {
  const h = new TreeHarness();
  const members = ["\x00", "", "\xff", "a", "a\x00", "A", "\x7f\x80", "b", "ab"];
  for (const m of members) h.insert(m, 1);
  h.insert("z", -0);
  h.insert("y", 0);
  h.insert("low", -Infinity);
  h.insert("high", Infinity);
  const order = h.model.map((slot) => h.keys.members[slot]);
  assertEquals(order, [
    "low",
    "y",
    "z",
    "",
    "\x00",
    "A",
    "a",
    "a\x00",
    "ab",
    "b",
    "\x7f\x80",
    "\xff",
    "high",
  ]);
  assertEquals(h.tree.countMemberBelow("a", false), 6);
  h.tree.verify();
});

Deno.test("order tree: build from sorted slots, then edit and drain", () => {
  const rnd = prng(7);
  const sizes = [0, 1, 2, 127, 128, 129, 191, 8191, 8192, 8193, 64 * 128 * 3 + 5, 70000];
  let cases = 0;
  for (const n of sizes) {
    const keys = {
      scores: new Float64Array(n + 16),
      members: Array.from({ length: n }, (_, i) => String(i).padStart(8, "0")) as (
        | string
        | undefined
      )[],
    };
    const tree = new OrderTree(slotKeys(keys));
    tree.build(Int32Array.from({ length: n }, (_, i) => i), n);
    tree.verify();
    assertEquals(tree.size, n);
    for (let k = 0; k < 30 && n > 0; k++) {
      const r = Math.floor(rnd() * n);
      assertEquals(tree.slotAt(r), r);
      assertEquals(tree.rankOf(r), r);
    }
    // Inserting into full leaves splits them; removing drains with merges.
    for (let k = 0; k < 16; k++) {
      keys.members[n + k] = String(Math.floor(rnd() * n)).padStart(8, "0") + "~" + k;
      tree.insert(n + k);
    }
    tree.verify();
    while (tree.size > 0) {
      const first = Math.floor(rnd() * tree.size);
      tree.removeRange(first, first + Math.floor(rnd() * 2500));
      tree.verify();
    }
    cases++;
  }
  assertEquals(cases, sizes.length);
});

Deno.test("order tree: pops at either end between inserts match the model", () => {
  // ZPOPMIN and ZPOPMAX only shift the first or last leaf: edge leaves may
  // drop under half full; verify() fails if an inner one does.
  const rnd = prng(31337);
  const h = new TreeHarness();
  for (let i = 0; i < 40000; i++) h.insert(randomMember(rnd, 10), randomScore(rnd));
  let pops = 0, byKey = 0, inserts = 0, checks = 0;
  for (let round = 0; round < 40000; round++) {
    const r = rnd();
    const n = h.model.length;
    if (r < 0.2) {
      if (h.insert(randomMember(rnd, 10), randomScore(rnd))) inserts++;
    } else if (r < 0.9) {
      const at = rnd() < 0.5 ? 0 : n - 1;
      h.removeRange(at, at);
      pops++;
    } else {
      h.removeByKey(rnd() < 0.5 ? 0 : n - 1);
      byKey++;
    }
    if (round % 500 === 0) {
      h.check(rnd);
      checks++;
    }
  }
  h.check(rnd);
  assertTrue(pops > 25000 && byKey > 3000 && inserts > 6000, `${pops} ${byKey} ${inserts}`);
  assertEquals(checks, 80);
});

Deno.test("order tree: renumber numbers the slots in order, reporting each move", () => {
  const rnd = prng(99);
  const h = new TreeHarness();
  for (let i = 0; i < 20000; i++) h.insert(randomMember(rnd, 10), randomScore(rnd));
  for (let i = 0; i < 5000; i++) h.removeByKey(Math.floor(rnd() * h.model.length));
  const before = h.model.slice();
  const members = h.keys.members.slice();
  const scores = h.keys.scores.slice();
  const moves: number[] = [];
  h.tree.renumber((from, to) => {
    moves.push(from);
    assertEquals(to, moves.length - 1);
    h.keys.members[to] = members[from];
    h.keys.scores[to] = scores[from];
  });
  assertEquals(moves, before);
  h.keys.members.length = before.length;
  h.tree.verify();
  for (let rank = 0; rank < before.length; rank += 97) assertEquals(h.tree.slotAt(rank), rank);
});

Deno.test("order tree: sequential loads fill leaves (memory per element)", () => {
  const n = 50000;
  const keys = { scores: new Float64Array(n), members: new Array<string | undefined>(n).fill("m") };
  for (let i = 0; i < n; i++) keys.scores[i] = i;
  const ascending = new OrderTree(slotKeys(keys));
  for (let i = 0; i < n; i++) ascending.insert(i);
  ascending.verify();
  const descending = new OrderTree(slotKeys(keys));
  for (let i = n - 1; i >= 0; i--) descending.insert(i);
  descending.verify();
  // Full leaves cost ~13.5 bytes per element (slot + score copy); half-full ones ~26.
  assertTrue(ascending.memoryUsage() / n < 14, `ascending ${ascending.memoryUsage() / n}`);
  assertTrue(descending.memoryUsage() / n < 14, `descending ${descending.memoryUsage() / n}`);
});

// ----------------------------------------------------------------- ZSetValue

const SMALL: ZSetLimits = { maxListpackEntries: 16, maxListpackValue: 8 };

/** The model: a sorted array of [member, score]. */
class ZSetModel {
  entries: [string, number][] = [];
  index(member: string): number {
    return this.entries.findIndex((e) => e[0] === member);
  }
  set(member: string, score: number): void {
    const i = this.index(member);
    if (i >= 0) this.entries.splice(i, 1);
    this.entries.push([member, score]);
    this.entries.sort(compareEntries);
  }
}

function randomScoreRange(rnd: () => number): ScoreRange {
  return {
    min: randomScore(rnd),
    max: randomScore(rnd),
    minExclusive: rnd() < 0.3,
    maxExclusive: rnd() < 0.3,
  };
}

function randomLexRange(rnd: () => number): LexRange {
  const bound = () => {
    const r = rnd();
    if (r < 0.1) return { infinite: -1 as const, value: "", exclusive: true };
    if (r < 0.2) return { infinite: 1 as const, value: "", exclusive: true };
    return { infinite: 0 as const, value: randomMember(rnd, 3), exclusive: rnd() < 0.5 };
  };
  return { min: bound(), max: bound() };
}

function inScore(s: number, r: ScoreRange): boolean {
  return (r.minExclusive ? s > r.min : s >= r.min) && (r.maxExclusive ? s < r.max : s <= r.max);
}

function inLex(m: string, r: LexRange): boolean {
  const cmp = (b: LexRange["min"]) =>
    b.infinite !== 0 ? -b.infinite : m < b.value ? -1 : m > b.value ? 1 : 0;
  const lo = cmp(r.min);
  const hi = cmp(r.max);
  return (r.min.exclusive ? lo > 0 : lo >= 0) && (r.max.exclusive ? hi < 0 : hi <= 0);
}

Deno.test("zset value: random operations in both encodings match a model", () => {
  const rnd = prng(99);
  let cases = 0, conversions = 0, lexChecks = 0;
  for (let run = 0; run < 40; run++) {
    const limits = run % 2 === 0 ? SMALL : { maxListpackEntries: 128, maxListpackValue: 64 };
    // Equal scores in half the runs so lexicographic ranges are well defined.
    const sameScore = run % 4 < 2;
    const z = ZSetValue.forFirstMember(0, limits);
    const model = new ZSetModel();
    for (let step = 0; step < 400; step++) {
      const r = rnd();
      const member = randomMember(rnd, run % 3 === 0 ? 12 : 4);
      const score = sameScore ? 0 : randomScore(rnd);
      const wasListpack = z.isListpack;
      if (r < 0.55) {
        // As ZADD does: the member arrives as bytes; an existing one is the set's own string.
        const asString = z.memberFromBytes(latin1Bytes(member));
        assertEquals(asString, member);
        const current = z.score(asString);
        if (current === undefined) z.insert(member, score, limits);
        else z.update(member, score);
        model.set(member, z.isListpack && score === 0 ? 0 : score);
      } else if (r < 0.7) {
        assertEquals(z.remove(member), model.index(member) >= 0);
        const i = model.index(member);
        if (i >= 0) model.entries.splice(i, 1);
      } else if (r < 0.75 && model.entries.length > 0) {
        const first = Math.floor(rnd() * model.entries.length);
        const last = first + Math.floor(rnd() * 20);
        const removed = z.removeRanks(first, last);
        assertEquals(removed, model.entries.splice(first, last - first + 1).length);
      }
      if (wasListpack && !z.isListpack) conversions++;
      assertEquals(z.size, model.entries.length);
      // Listpack only while within the limits (growing never converts back).
      if (z.isListpack) assertTrue(model.entries.length <= limits.maxListpackEntries);
      if (step % 20 === 0) {
        z.verify();
        const all: [string, number][] = [];
        z.forEach((m, s) => all.push([m, s]));
        assertEquals(all, model.entries);
        for (const [m, s] of model.entries.slice(0, 5)) {
          assertEquals(z.score(m), s);
          assertEquals(z.rank(m), model.index(m));
        }
        const sr = randomScoreRange(rnd);
        const inside = model.entries.map((e, i) => inScore(e[1], sr) ? i : -1).filter((i) =>
          i >= 0
        );
        assertEquals(z.firstInScoreRange(sr), inside.length ? inside[0] : -1, "firstInScoreRange");
        assertEquals(
          z.lastInScoreRange(sr),
          inside.length ? inside[inside.length - 1] : -1,
          "lastInScoreRange",
        );
        if (sameScore) {
          const lr = randomLexRange(rnd);
          const lexInside = model.entries.map((e, i) => inLex(e[0], lr) ? i : -1).filter((i) =>
            i >= 0
          );
          assertEquals(z.firstInLexRange(lr), lexInside.length ? lexInside[0] : -1, "firstInLex");
          assertEquals(
            z.lastInLexRange(lr),
            lexInside.length ? lexInside[lexInside.length - 1] : -1,
            "lastInLex",
          );
          assertEquals(z.lexCount(lr), lexInside.length, "lexCount");
          lexChecks++;
        }
        cases++;
      }
    }
    const copy = z.clone();
    assertEquals(copy.encoding(), z.encoding());
    const a: [string, number][] = [];
    copy.forEach((m, s) => a.push([m, s]));
    assertEquals(a, model.entries);
  }
  assertEquals(cases, 40 * 20);
  assertTrue(conversions >= 10, `conversions ${conversions}`);
  assertTrue(lexChecks >= 300);
});

Deno.test("zset value: listpack stores -0 as 0, skiplist keeps -0", () => {
  const lp = ZSetValue.forFirstMember(1, SMALL);
  lp.insert("a", -0, SMALL);
  assertEquals(lp.encoding(), "listpack");
  assertTrue(Object.is(lp.score("a"), 0));
  const sl = ZSetValue.forFirstMember(100, SMALL);
  assertEquals(sl.encoding(), "skiplist");
  sl.insert("a", -0, SMALL);
  assertTrue(Object.is(sl.score("a"), -0));
  // Built whole: listpack when it fits, which normalises -0 too.
  const built = ZSetValue.fromEntries(["x", "y"], [-0, 1], SMALL);
  assertEquals(built.encoding(), "listpack");
  assertTrue(Object.is(built.score("x"), 0));
});

Deno.test("zset value: listpack orders and keeps scores exactly, down to the last bit", () => {
  // Neighbouring doubles differ only in the low 32 bits of their encoding;
  // subnormals, the extremes and both signs cover every word the packed
  // score key transforms.
  const up = (x: number) => {
    const f = new Float64Array([x]);
    new BigInt64Array(f.buffer)[0] += 1n;
    return f[0];
  };
  const scores = [
    -Infinity,
    -Number.MAX_VALUE,
    -1e300,
    -(up(1)),
    -1,
    -Number.MIN_VALUE * 3,
    -Number.MIN_VALUE,
    0,
    Number.MIN_VALUE,
    up(Number.MIN_VALUE),
    2.2250738585072014e-308,
    0.1,
    1,
    up(1),
    up(up(1)),
    4294967296,
    up(4294967296),
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    Infinity,
  ];
  const rnd = prng(3);
  let cases = 0;
  for (let run = 0; run < 50; run++) {
    const limits = { maxListpackEntries: 128, maxListpackValue: 64 };
    const z = ZSetValue.forFirstMember(1, limits);
    const order = scores.map((_, i) => i).sort(() => rnd() - 0.5);
    // Inserted in a random order, then each moved by an update to a random other score.
    for (const i of order) z.insert("m" + String(i).padStart(2, "0"), -scores[i], limits);
    for (const i of order) z.update("m" + String(i).padStart(2, "0"), scores[i]);
    assertEquals(z.encoding(), "listpack");
    const seen: number[] = [];
    z.forEach((m, s) => {
      assertTrue(Object.is(s, scores[Number(m.slice(1))]), `${m} keeps ${s}`);
      seen.push(s);
    });
    assertEquals(seen, scores);
    const from = (min: number, minExclusive: boolean) =>
      z.firstInScoreRange({ min, max: Infinity, minExclusive, maxExclusive: false });
    assertEquals(from(1, false), scores.indexOf(1));
    assertEquals(from(1, true), scores.indexOf(1) + 1);
    assertEquals(from(-0, false), scores.indexOf(0));
    assertEquals(from(up(1), true), scores.indexOf(up(1)) + 1);
    cases++;
  }
  assertEquals(cases, 50);
});

Deno.test("zset value: a listpack lookup followed by a write in another set stays exact", () => {
  // ZADD reads a member's score, then updates it; the listpack remembers
  // where it found the member. Interleave two sets (equal, then diverging)
  // so a remembered position could only be right if it is checked.
  const limits = { maxListpackEntries: 128, maxListpackValue: 64 };
  const a = ZSetValue.fromEntries(["x", "y", "z"], [1, 2, 3], limits);
  const b = ZSetValue.fromEntries(["x", "y", "z"], [1, 2, 3], limits);
  let checks = 0;
  const entries = (z: ZSetValue) => {
    const all: [string, number][] = [];
    z.forEach((m, s) => all.push([m, s]));
    return all;
  };
  assertEquals(a.score("y"), 2);
  b.update("y", 10); // same data as a: the remembered entry is valid for b too
  assertEquals(entries(b), [["x", 1], ["z", 3], ["y", 10]]);
  assertEquals(a.score("z"), 3);
  b.update("z", 0); // b differs now: z is elsewhere
  assertEquals(entries(b), [["z", 0], ["x", 1], ["y", 10]]);
  assertEquals(b.score("x"), 1);
  b.insert("w", 5, limits);
  b.update("x", 20); // b changed between the lookup and the update
  assertEquals(entries(b), [["z", 0], ["w", 5], ["y", 10], ["x", 20]]);
  assertEquals(entries(a), [["x", 1], ["y", 2], ["z", 3]]);
  for (const [m, s] of entries(b)) {
    assertEquals(b.score(m), s);
    checks++;
  }
  assertEquals(a.rank("z"), 2);
  assertEquals(b.rank("z"), 0);
  assertTrue(b.remove("w"));
  assertEquals(b.score("w"), undefined);
  assertEquals(checks, 4);
});

Deno.test("zset value: encodings follow Redis's conversion rules", () => {
  const z = ZSetValue.forFirstMember(1, SMALL);
  for (let i = 0; i < 16; i++) z.insert("m" + i, i, SMALL);
  assertEquals(z.encoding(), "listpack");
  z.insert("m16", 16, SMALL);
  assertEquals(z.encoding(), "skiplist");
  for (let i = 0; i < 16; i++) z.remove("m" + i);
  assertEquals(z.encoding(), "skiplist", "shrinking never converts back");
  const long = ZSetValue.forFirstMember(1, SMALL);
  long.insert("123456789", 1, SMALL);
  assertEquals(long.encoding(), "skiplist", "a member over the value limit converts");
  assertEquals(ZSetValue.forFirstMember(9, SMALL).encoding(), "skiplist");
  assertEquals(
    ZSetValue.forFirstMember(1, { maxListpackEntries: 0, maxListpackValue: 64 }).encoding(),
    "skiplist",
  );
  assertEquals(ZSetValue.fromEntries(["a"], [1], SMALL).encoding(), "listpack");
  assertEquals(
    ZSetValue.fromEntries(
      Array.from({ length: 17 }, (_, i) => "m" + i),
      new Array(17).fill(0),
      SMALL,
    )
      .encoding(),
    "skiplist",
  );
});

Deno.test("zset value: fromEntries sorts, rejects duplicates and NaN", () => {
  const members = ["c", "a", "b", "d"];
  const scores = [1, 1, 1, -Infinity];
  const z = ZSetValue.fromEntries(members, scores, SMALL);
  const seen: string[] = [];
  z.forEach((m) => seen.push(m));
  assertEquals(seen, ["d", "a", "b", "c"]);
  let threw = 0;
  for (const [m, s] of [[["a", "a"], [1, 2]], [["a"], [NaN]]] as [string[], number[]][]) {
    try {
      ZSetValue.fromEntries(m, s, SMALL);
    } catch {
      threw++;
    }
  }
  assertEquals(threw, 2);
  const m2 = ["b", "a"];
  const s2 = [Infinity, Infinity];
  orderEntries(m2, s2);
  assertEquals(m2, ["a", "b"]);
});

Deno.test("zset value: skiplist scan returns every member across resizes", () => {
  const rnd = prng(5);
  const limits = { maxListpackEntries: 0, maxListpackValue: 64 };
  const z = ZSetValue.forFirstMember(1, limits);
  for (let i = 0; i < 3000; i++) z.insert("m" + i, i, limits);
  const seen = new Set<string>();
  let cursor = 0;
  let steps = 0;
  let grown = false;
  do {
    cursor = z.scan(cursor, 1 + Math.floor(rnd() * 50), (m) => seen.add(m));
    steps++;
    // Resize the table mid-iteration: the guarantee covers members present throughout.
    if (steps === 20 && !grown) {
      for (let i = 3000; i < 9000; i++) z.insert("m" + i, i, limits);
      grown = true;
    }
  } while (cursor !== 0);
  for (let i = 0; i < 3000; i++) assertTrue(seen.has("m" + i), `m${i} seen`);
  assertTrue(steps > 20);
  z.verify();
});

Deno.test("zset value: a large member table resizes a little per write; lookups, removals and ZSCAN see every member meanwhile", () => {
  const rnd = prng(11);
  const z = new IndexedZSet();
  const present = new Map<string, number>();
  const add = (m: string, score: number) => {
    if (present.has(m)) z.update(m, score);
    else z.insert(m, score);
    present.set(m, score);
  };
  for (let i = 0; i <= 65_536; i++) add(`a${i}`, i);
  assertTrue(z.rehashing, "a resize of 65,536 buckets goes on bucket by bucket");
  const steady = new Set(present.keys());
  const seen = new Set<string>();
  let cursor = 0;
  let writes = 0;
  let whileResizing = 0;
  do {
    cursor = z.scan(cursor, 40, (m) => seen.add(m));
    for (let w = 0; w < 12; w++) {
      const roll = rnd();
      if (roll < 0.5) add(`b${writes}`, rnd() * 1000);
      else if (roll < 0.7) add(`a${Math.floor(rnd() * 65_536)}`, rnd() * 1000);
      else {
        const m = `a${Math.floor(rnd() * 65_536)}`;
        assertEquals(z.remove(m), present.delete(m), `remove ${m}`);
        steady.delete(m);
      }
      writes++;
    }
    if (z.rehashing) whileResizing++;
    const probe = rnd() < 0.5 ? `a${Math.floor(rnd() * 65_536)}` : `b${Math.floor(rnd() * writes)}`;
    assertEquals(z.score(probe), present.get(probe), `score of ${probe}`);
    const member = z.memberOfBytes(latin1Bytes(probe));
    assertEquals(member, probe);
    assertEquals(z.score(member), present.get(probe), `score of ${probe} found by its bytes`);
  } while (cursor !== 0);
  assertTrue(whileResizing > 100, `${whileResizing} scan steps during the resize`);
  for (const m of steady) assertTrue(seen.has(m), `${m} present throughout but not returned`);
  z.verify();
  while (z.rehashing) add(`c${writes++}`, 0);
  z.verify();
  assertEquals(z.size, present.size);
  for (const [m, score] of present) assertEquals(z.score(m), score);
});

Deno.test("zset value: a member found absent by its bytes is found once inserted", () => {
  const z = new IndexedZSet();
  for (let i = 0; i < 1000; i++) z.insert(`m${i}`, i);
  let checks = 0;
  for (const name of ["new1", "new2", "m5x"]) {
    const absent = z.memberOfBytes(latin1Bytes(name));
    assertEquals(absent, name);
    assertEquals(z.score(absent), undefined);
    assertEquals(z.rank(absent), -1);
    z.insert(absent, -1 - checks);
    assertEquals(z.score(absent), -1 - checks, "inserted, it is found");
    assertEquals(z.score(name), -1 - checks);
    assertEquals(z.rank(name), 0);
    checks++;
  }
  // Found absent, then another member inserted: still absent, and found once added.
  const later = z.memberOfBytes(latin1Bytes("later"));
  z.insert("other", 5000);
  assertEquals(z.score(later), undefined);
  z.insert(later, 6000);
  assertEquals(z.score("later"), 6000);
  z.verify();
  assertEquals(checks, 3);
});

Deno.test("zset value: a walk's visitor may walk the same set or another one", () => {
  const limits: ZSetLimits = { maxListpackEntries: 0, maxListpackValue: 64 };
  const a = ZSetValue.forFirstMember(1, limits);
  const b = ZSetValue.forFirstMember(1, limits);
  for (let i = 0; i < 300; i++) {
    a.insert(`a${String(i).padStart(3, "0")}`, i, limits);
    b.insert(`b${String(i).padStart(3, "0")}`, -i, limits);
  }
  assertEquals(a.encoding(), "skiplist");
  const outer: string[] = [];
  const inner: string[] = [];
  a.walk(0, false, (member, score) => {
    outer.push(`${member}=${score}`);
    if (outer.length === 2) {
      a.walk(200, true, (m) => (inner.push(m), inner.length < 3));
      b.walk(0, false, (m) => (inner.push(m), inner.length < 5));
    }
    return outer.length < 4;
  });
  assertEquals(outer, ["a000=0", "a001=1", "a002=2", "a003=3"]);
  assertEquals(inner, ["a200", "a199", "a198", "b299", "b298"]);
});

Deno.test("zset value: listpack members of any length (multi-byte length prefixes)", () => {
  const rnd = prng(11);
  const limits = { maxListpackEntries: 64, maxListpackValue: 100000 };
  const z = ZSetValue.forFirstMember(0, limits);
  const model = new ZSetModel();
  let steps = 0;
  for (let i = 0; i < 300; i++) {
    // Lengths around the one-byte (127) and two-byte (16383) varint limits.
    const length = [0, 1, 127, 128, 129, 300, 16383, 16384, 20000][Math.floor(rnd() * 9)];
    const member = String.fromCharCode(Math.floor(rnd() * 256)).repeat(length) +
      String.fromCharCode(Math.floor(rnd() * 4));
    const score = Math.floor(rnd() * 5) - 2;
    if (rnd() < 0.7) {
      if (z.score(member) === undefined) z.insert(member, score, limits);
      else z.update(member, score);
      model.set(member, score);
    } else {
      z.remove(member);
      const at = model.index(member);
      if (at >= 0) model.entries.splice(at, 1);
    }
    if (z.size > 60) {
      assertEquals(z.removeRanks(10, 30), 21);
      model.entries.splice(10, 21);
    }
    assertEquals(z.encoding(), "listpack");
    const all: [string, number][] = [];
    z.forEach((m, s) => all.push([m, s]));
    assertEquals(all, model.entries);
    const reversed: [string, number][] = [];
    z.walk(z.size - 1, true, (m, s) => {
      reversed.push([m, s]);
      return true;
    });
    assertEquals(reversed, model.entries.slice().reverse());
    for (const [m, s] of model.entries.slice(-3)) {
      assertEquals(z.score(m), s);
      assertEquals(z.rank(m), model.index(m));
    }
    steps++;
  }
  assertEquals(steps, 300);
});

Deno.test("zset value: a member found by its bytes is forgotten once removed or renumbered", () => {
  const limits: ZSetLimits = { maxListpackEntries: 0, maxListpackValue: 64 };
  const z = ZSetValue.forFirstMember(1, limits);
  assertEquals(z.encoding(), "skiplist");
  for (let i = 0; i < 200; i++) z.insert(`m${i}`, i, limits);
  let checks = 0;
  // Found (and remembered), removed, its slot reused by another member.
  const gone = z.memberFromBytes(latin1Bytes("m7"));
  assertEquals(z.score(gone), 7);
  assertTrue(z.remove(gone));
  z.insert("new", 1000, limits);
  assertEquals(z.score(gone), undefined);
  assertEquals(z.rank("new"), 199);
  checks++;
  // Found, then everything ranked after it removed: m40 leaves a fifth of the
  // slots in use, which renumbers them; m3 only releases slots.
  for (const name of ["m40", "m3"]) {
    const kept = z.memberFromBytes(latin1Bytes(name));
    const rankBefore = z.rank(kept);
    z.removeRanks(rankBefore + 1, z.size - 1);
    assertEquals(z.score(kept), Number(name.slice(1)));
    assertEquals(z.rank(kept), rankBefore);
    z.update(kept, -checks);
    assertEquals(z.rank(kept), 0);
    z.verify();
    checks++;
  }
  assertEquals(checks, 3);
  assertEquals(z.size, 5);
});

Deno.test("zset value: a sorted set over several 65,536-slot chunks: free slots reused, ranks, renumbering and loading stay right", () => {
  const rnd = prng(23);
  const z = new IndexedZSet();
  const present = new Map<string, number>();
  for (let i = 0; i < 200_000; i++) {
    const m = `m${i}`;
    const score = Math.floor(rnd() * 50_000);
    z.insert(m, score);
    present.set(m, score);
    // Removals free slots in every chunk; later inserts reuse them.
    if (i % 4 === 3) {
      const gone = `m${i - 2}`;
      assertTrue(z.remove(gone));
      present.delete(gone);
    }
    if (i % 5 === 0 && present.has(`m${i >> 1}`)) {
      z.update(`m${i >> 1}`, -i);
      present.set(`m${i >> 1}`, -i);
    }
  }
  z.verify();
  const ordered = [...present].sort((a, b) =>
    a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
  );
  const check = () => {
    assertEquals(z.size, ordered.length);
    for (let rank = 0; rank < ordered.length; rank += 997) {
      assertEquals(z.memberAt(rank), ordered[rank][0]);
      assertEquals(z.scoreAt(rank), ordered[rank][1]);
      assertEquals(z.rank(ordered[rank][0]), rank);
      assertEquals(z.score(z.memberOfBytes(latin1Bytes(ordered[rank][0]))), ordered[rank][1]);
    }
  };
  check();
  // Removing most members renumbers the slots into fewer chunks.
  const doomed = new Set<string>();
  while (doomed.size < 120_000) doomed.add(ordered[Math.floor(rnd() * ordered.length)][0]);
  let removed = 0;
  for (const m of doomed) {
    assertTrue(z.remove(m));
    removed++;
  }
  const kept = ordered.filter(([m]) => !doomed.has(m));
  ordered.length = 0;
  ordered.push(...kept);
  assertEquals(removed, 120_000);
  z.verify();
  check();
  // Loading more than a chunk's worth, then growing past it.
  const loaded = IndexedZSet.fromSorted(
    ordered.map(([m]) => m).concat(Array.from({ length: 100_000 }, (_, i) => `z${i}`)),
    ordered.map(([, s]) => s).concat(Array.from({ length: 100_000 }, (_, i) => 1e9 + i)),
  );
  loaded.insert("last", 2e9);
  loaded.verify();
  assertEquals(loaded.size, 130_001);
  assertEquals(loaded.memberAt(130_000), "last");
  assertEquals(loaded.rank("z99999"), 129_999);
});
