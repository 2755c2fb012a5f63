import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { parseScanCursor } from "../../src/commands/scan_args.ts";
import { drawDistinct, sampleDistinct, sampleOrderedPositions } from "../../src/util/sampling.ts";
import { bytes, Rng } from "../helpers/hashsets.ts";

Deno.test("parseScanCursor follows Redis's strtoul rules", () => {
  const cases: [string, number | null][] = [
    ["0", 0],
    ["", 0],
    ["\x00junk", 0],
    ["17", 17],
    ["+17", 17],
    ["-0", 0],
    ["-1", 0xffffffff],
    ["4294967296", 0],
    ["4294967297", 1],
    ["18446744073709551615", 0xffffffff],
    ["-18446744073709551615", 1],
    ["5\x00junk", 5],
    ["18446744073709551616", null],
    ["-18446744073709551616", null],
    [" 5", null],
    ["\t5", null],
    ["5 ", null],
    ["-", null],
    ["+", null],
    ["0x10", null],
    ["1.0", null],
    ["abc", null],
  ];
  for (const [text, expected] of cases) {
    assertEquals(parseScanCursor(bytes(text)), expected, JSON.stringify(text));
  }
});

Deno.test("parseScanCursor agrees with a BigInt reference on random digit strings", () => {
  const rng = new Rng(5);
  let cases = 0;
  for (let i = 0; i < 3000; i++) {
    const sign = rng.pick(["", "-", "+"]);
    let digits = "";
    for (let j = rng.range(1, 22); j > 0; j--) digits += String(rng.int(10));
    const magnitude = BigInt(digits);
    const expected = magnitude >= 2n ** 64n
      ? null
      : Number((sign === "-" ? (2n ** 64n - magnitude) % 2n ** 64n : magnitude) & 0xffffffffn);
    assertEquals(parseScanCursor(bytes(sign + digits)), expected, sign + digits);
    cases++;
  }
  assertEquals(cases, 3000);
});

Deno.test("sampleOrderedPositions: k distinct ascending positions, every position reachable", () => {
  const hits = new Array(10).fill(0);
  let cases = 0;
  for (let round = 0; round < 2000; round++) {
    const k = (round % 10) + 1;
    const picked = sampleOrderedPositions(10, k);
    assertEquals(picked.length, k);
    for (let i = 1; i < picked.length; i++) assertTrue(picked[i] > picked[i - 1]);
    for (const p of picked) {
      assertTrue(p >= 0 && p < 10);
      hits[p]++;
    }
    cases++;
  }
  assertEquals(cases, 2000);
  // Each position is picked with probability k/10; over all rounds, about 1100 times.
  for (const h of hits) assertTrue(h > 900 && h < 1300, `skewed: ${hits}`);
});

Deno.test("sampleDistinct and drawDistinct return distinct items of the input", () => {
  const items = Array.from({ length: 50 }, (_, i) => `i${i}`);
  let cases = 0;
  for (const k of [0, 1, 10, 49, 50]) {
    const a = sampleDistinct([...items], k);
    assertEquals(a.length, k);
    assertEquals(new Set(a).size, k);
    for (const x of a) assertTrue(items.includes(x));
    const b = drawDistinct(Math.min(k, 20), () => items[Math.floor(Math.random() * items.length)]);
    assertEquals(new Set(b).size, Math.min(k, 20));
    cases++;
  }
  assertEquals(cases, 5);
});
