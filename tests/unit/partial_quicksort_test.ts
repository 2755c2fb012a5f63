import { assertEquals } from "../helpers/assert.ts";
import { partialQuicksort } from "../../src/util/partial_quicksort.ts";
import { Prng } from "../helpers/strings_random.ts";

Deno.test("partial quicksort: the wanted window holds what a full sort puts there", () => {
  const rng = new Prng(7);
  let cases = 0;
  for (let round = 0; round < 400; round++) {
    const n = rng.pick([0, 1, 5, 7, 8, 40, 41, 100, 1000]);
    const distinct = rng.pick([2, 10, 1_000_000]);
    const items = Array.from({ length: n }, () => rng.int(distinct));
    const first = rng.int(n + 1);
    const last = Math.min(n - 1, first + rng.int(20));
    const sorted = [...items].sort((a, b) => a - b);
    const partial = [...items];
    partialQuicksort(partial, (a, b) => a - b, first, last);
    assertEquals(partial.slice(first, last + 1), sorted.slice(first, last + 1));
    assertEquals([...partial].sort((a, b) => a - b), sorted, "a permutation of the input");
    cases++;
  }
  assertEquals(cases, 400);
});

Deno.test("partial quicksort: a full window sorts everything", () => {
  const items = [5, 3, 9, 1, 1, 7, 2, 8, 6, 4, 0, 3];
  partialQuicksort(items, (a, b) => a - b, 0, items.length - 1);
  assertEquals(items, [0, 1, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("partial quicksort: equal keys come out in Redis's order, not the input order", () => {
  // Measured on redis-server 7.0: RPUSH l b a c d e f g h, weights w_<x> as below,
  // SORT l BY w_* ALPHA LIMIT 0 7 -> a f d h e c b (a full sort keeps input order: a d f h b c e g).
  const weight: Record<string, number> = { a: 0, b: 1, c: 1, d: 0, e: 1, f: 0, g: 1, h: 0 };
  const items = ["b", "a", "c", "d", "e", "f", "g", "h"];
  partialQuicksort(items, (x, y) => weight[x] - weight[y], 0, 6);
  assertEquals(items.slice(0, 7), ["a", "f", "d", "h", "e", "c", "b"]);
  const window = ["b", "a", "c", "d", "e", "f", "g", "h"];
  partialQuicksort(window, (x, y) => weight[x] - weight[y], 4, 6);
  assertEquals(window.slice(4, 7), ["e", "c", "b"]);
});

Deno.test("partial quicksort: Redis 7.0 has no insertion-sort fallback after a pass without exchanges", () => {
  // Measured on redis-server 7.0: these elements and weights (absent ones sort first),
  // SORT l BY w:* ALPHA LIMIT 5 -1. Redis 7.2's fallback would give another order.
  const weight: Record<string, string> = {
    "-3": "-3",
    "+4": "4",
    "17": "-2",
    "32": "inf",
    "3.": "4",
    "56": "2.5",
    "12": "-3",
    "35": "1e2",
  };
  const compare = (x: string, y: string) => {
    const a = weight[x];
    const b = weight[y];
    if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const items = [
    "3.",
    "+4",
    "-3",
    "17",
    "32",
    "35",
    "9",
    "12",
    "56",
    "-1",
    "3.",
    "27",
    "+4",
    "12",
    "19",
  ];
  partialQuicksort(items, compare, 5, items.length - 1);
  assertEquals(items.slice(5), ["12", "-3", "12", "35", "56", "3.", "3.", "+4", "+4", "32"]);
});
