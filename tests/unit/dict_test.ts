/**
 * Property tests of the collection Dict against a JS Map: same contents
 * and the same insertion order under random operations, Redis's SCAN
 * guarantee while the table grows, shrinks and compacts between calls,
 * and uniform random sampling.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { Dict } from "../../src/store/dict.ts";
import { latin1Bytes, latin1Equals } from "../../src/util/bytes.ts";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random latin1 key, binary bytes included (NUL, CR, LF, 0x80-0xFF). */
function randomKey(rand: () => number, space: number): string {
  const n = Math.floor(rand() * space);
  const flavour = n % 4;
  if (flavour === 0) return `k${n}`;
  if (flavour === 1) return String.fromCharCode(0, 13, 10, 0x80 + (n % 128), 0xff) + n;
  if (flavour === 2) return n % 40 === 2 ? "" : "\xe9".repeat(1 + (n % 5)) + String(n);
  return "x".repeat(n % 300) + n;
}

function assertSameAsModel(dict: Dict, model: Map<string, number>): void {
  assertEquals(dict.size, model.size);
  assertEquals([...dict.entries()], [...model.entries()], "contents in insertion order");
  const visited: [string, number][] = [];
  dict.forEach((k, v) => visited.push([k, v]));
  assertEquals(visited, [...model.entries()]);
  for (const [k, v] of model) {
    assertTrue(dict.has(k));
    assertEquals(dict.get(k), v);
    assertEquals(dict.getBytes(latin1Bytes(k)), v, "found by its bytes");
    assertTrue(dict.hasBytes(latin1Bytes(k)));
  }
}

Deno.test("dict: matches a Map under random set/delete/clear, insertion order included", () => {
  let ops = 0;
  for (let seed = 1; seed <= 8; seed++) {
    const rand = rng(seed);
    const dict = new Dict();
    const model = new Map<string, number>();
    const space = seed % 2 === 0 ? 50 : 3000;
    for (let step = 0; step < 5000; step++) {
      const r = rand();
      const key = randomKey(rand, space);
      if (r < 0.55) {
        // Values are any 32-bit integers (hashes store slot numbers, sets 0).
        const value = step % 3 === 1 ? -step : (step * 65_537) | 0;
        assertEquals(dict.set(key, value), !model.has(key), "set reports a new key");
        model.set(key, value);
      } else if (r < 0.97) {
        assertEquals(dict.delete(key), model.delete(key), "delete reports presence");
      } else if (r < 0.975) {
        dict.clear();
        model.clear();
      } else {
        assertEquals(dict.get(key), model.get(key));
        // A missing key is missing by its bytes too (same hash, different bytes included).
        assertEquals(dict.getBytes(latin1Bytes(key)), model.get(key));
        assertEquals(dict.hasBytes(latin1Bytes(key)), model.has(key));
      }
      ops++;
      if (step % 250 === 0) assertSameAsModel(dict, model);
    }
    assertSameAsModel(dict, model);
  }
  assertEquals(ops, 40_000);
});

Deno.test("dict: SCAN returns every element present for the whole iteration", () => {
  let rounds = 0;
  let calls = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const rand = rng(seed * 31);
    const dict = new Dict();
    const initial = 1 + Math.floor(rand() * 2000);
    for (let i = 0; i < initial; i++) dict.set(`m${i}`, i);
    const everPresent = new Set(dict.keys());
    const removedDuring = new Set<string>();
    const seen = new Set<string>();
    let cursor = 0;
    let next = initial;
    do {
      cursor = dict.scan(cursor, 1 + Math.floor(rand() * 20), (k) => seen.add(k));
      calls++;
      // Mutate between calls: bursts of inserts (growth) or deletes (shrink, compaction).
      const burst = Math.floor(rand() * 200);
      const grow = rand() < 0.5;
      for (let i = 0; i < burst; i++) {
        if (grow) {
          const k = `n${next++}`;
          dict.set(k, i);
          everPresent.add(k);
        } else if (dict.size > 0) {
          const k = dict.randomKey()!;
          dict.delete(k);
          removedDuring.add(k);
        }
      }
    } while (cursor !== 0);
    for (const k of dict.keys()) {
      if (k.startsWith("m")) assertTrue(seen.has(k), `seed ${seed}: ${k} missed by SCAN`);
    }
    for (const k of seen) assertTrue(everPresent.has(k), `SCAN returned unknown ${k}`);
    // Keys present from start to end that were never deleted must all be seen.
    for (let i = 0; i < initial; i++) {
      const k = `m${i}`;
      if (!removedDuring.has(k)) assertTrue(seen.has(k), `seed ${seed}: ${k} missed`);
    }
    rounds++;
  }
  assertEquals(rounds, 40);
  assertTrue(calls > 400, `scan calls ${calls}`);
});

Deno.test("dict: SCAN of a stable dict visits each element exactly once", () => {
  for (const n of [0, 1, 3, 4, 5, 100, 1000, 4097]) {
    const dict = new Dict();
    for (let i = 0; i < n; i++) dict.set(`e${i}`, i);
    const counts = new Map<string, number>();
    let cursor = 0;
    do {
      cursor = dict.scan(cursor, 7, (k) => counts.set(k, (counts.get(k) ?? 0) + 1));
    } while (cursor !== 0);
    assertEquals(counts.size, n);
    for (const c of counts.values()) assertEquals(c, 1);
  }
});

Deno.test("dict: randomKey is uniform, also with holes left by deletes", () => {
  const dict = new Dict();
  for (let i = 0; i < 120; i++) dict.set(`r${i}`, i);
  // Delete a scattered third (leaves holes before compaction kicks in).
  for (let i = 0; i < 120; i += 3) dict.delete(`r${i}`);
  const n = dict.size;
  assertEquals(n, 80);
  const samples = 80_000;
  const counts = new Map<string, number>();
  for (let i = 0; i < samples; i++) {
    const k = dict.randomKey()!;
    assertTrue(dict.has(k), `sampled a deleted key ${k}`);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  assertEquals(counts.size, n, "every element is sampled");
  const expected = samples / n;
  let chi2 = 0;
  for (const c of counts.values()) chi2 += (c - expected) ** 2 / expected;
  // 79 degrees of freedom: mean 79, sd ~12.6; 160 is beyond 6 sd.
  assertTrue(chi2 < 160, `chi-square ${chi2.toFixed(1)} too high for a uniform choice`);
  assertEquals(new Dict().randomKey(), undefined);
});

Deno.test("latin1Equals agrees with comparing the latin1 string, over random byte pairs", () => {
  const rand = rng(77);
  let equal = 0;
  let cases = 0;
  for (let i = 0; i < 5000; i++) {
    const n = Math.floor(rand() * 6);
    const bytes = Uint8Array.from(
      { length: n },
      () => [0, 13, 10, 0x80, 0xff, 97][Math.floor(rand() * 6)],
    );
    // Half the time the same bytes, else one byte changed, one dropped or one added.
    const other = Uint8Array.from(bytes);
    const r = rand();
    let text = String.fromCharCode(...other);
    if (r < 0.2 && n > 0) text = text.slice(0, -1);
    else if (r < 0.35) text += "\xff";
    else if (r < 0.5 && n > 0) {
      other[n - 1] ^= 0x80;
      text = String.fromCharCode(...other);
    }
    const expected = text === String.fromCharCode(...bytes);
    assertEquals(latin1Equals(text, bytes), expected);
    if (expected) equal++;
    cases++;
  }
  assertEquals(cases, 5000);
  assertTrue(equal > 2000 && equal < 3500, `equal ${equal}`);
});

Deno.test("dict: a table of 65,536 elements resizes a little per write; lookups, deletes, SCAN and order stay right meanwhile", () => {
  const rand = rng(777);
  const dict = new Dict();
  const model = new Map<string, number>();
  for (let i = 0; i < 65_536; i++) {
    dict.set(`a${i}`, i);
    model.set(`a${i}`, i);
  }
  assertTrue(!dict.rehashing, "not yet");
  dict.set("first-past", -1);
  model.set("first-past", -1);
  assertTrue(dict.rehashing, "a resize of 65,536 buckets goes on bucket by bucket");
  // A SCAN that starts now and lasts past the resize returns every element present throughout.
  const steady = new Set(model.keys());
  const seen = new Set<string>();
  let cursor = 0;
  let writes = 0;
  let checks = 0;
  let stepsWhileRehashing = 0;
  do {
    cursor = dict.scan(cursor, 50, (k) => seen.add(k));
    for (let w = 0; w < 20; w++) {
      if (rand() < 0.6) {
        const k = `b${writes}`;
        dict.set(k, writes);
        model.set(k, writes);
      } else {
        const k = `a${Math.floor(rand() * 65_536)}`;
        assertEquals(dict.delete(k), model.delete(k), `delete ${k}`);
        steady.delete(k);
      }
      writes++;
    }
    if (dict.rehashing) stepsWhileRehashing++;
    for (let c = 0; c < 5; c++) {
      const k = rand() < 0.5
        ? `a${Math.floor(rand() * 65_536)}`
        : `b${Math.floor(rand() * writes)}`;
      assertEquals(dict.get(k), model.get(k), `get ${k} during the resize`);
      assertEquals(dict.getBytes(latin1Bytes(k)), model.get(k));
      checks++;
    }
  } while (cursor !== 0);
  assertTrue(
    stepsWhileRehashing > 100,
    `the scan saw the resize going on (${stepsWhileRehashing})`,
  );
  for (const k of steady) assertTrue(seen.has(k), `${k} present throughout but not returned`);
  assertTrue(checks > 1000, `${checks} lookups`);
  // Writes finish the resize; contents and insertion order match the model.
  for (let i = 0; dict.rehashing; i++) {
    dict.set(`c${i}`, i);
    model.set(`c${i}`, i);
  }
  assertSameAsModel(dict, model);
  // Deleting most elements shrinks the table (through a resize too) and compacts the entries.
  for (const k of [...model.keys()]) {
    if (model.size <= 5000) break;
    assertTrue(dict.delete(k));
    model.delete(k);
  }
  assertSameAsModel(dict, model);
});

Deno.test("dict: entries spread over several 65,536-entry chunks; holes, compaction, SCAN and sampling stay right", () => {
  for (const expected of [0, 150_000]) {
    const dict = new Dict(expected);
    const model = new Map<string, number>();
    for (let i = 0; i < 200_000; i++) {
      dict.set(`m${i}`, i);
      model.set(`m${i}`, i);
      // Holes in every chunk, including across chunk boundaries.
      if (i % 3 === 2) {
        assertTrue(dict.delete(`m${i - 1}`));
        model.delete(`m${i - 1}`);
      }
    }
    assertSameAsModel(dict, model);
    const seen = new Set<string>();
    let cursor = 0;
    do cursor = dict.scan(cursor, 1000, (k, v) => {
      assertEquals(model.get(k), v);
      seen.add(k);
    }); while (cursor !== 0);
    assertEquals(seen.size, model.size, "SCAN returned every element");
    for (let n = 0; n < 1000; n++) assertTrue(model.has(dict.randomKey()!), "random keys are live");
    // Deleting from the front makes holes outnumber live entries: the
    // entries compact into fewer chunks, in order.
    let deleted = 0;
    for (const k of [...model.keys()]) {
      if (model.size <= 20_000) break;
      assertTrue(dict.delete(k));
      model.delete(k);
      deleted++;
    }
    assertEquals(deleted, 113_334);
    assertSameAsModel(dict, model);
    dict.set("after", 7);
    model.set("after", 7);
    assertSameAsModel(dict, model);
  }
});
