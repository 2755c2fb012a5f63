import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { hashBytes, hashLatin1, latin1 } from "../../src/util/bytes.ts";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(rand: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (rand() * 256) | 0;
  return b;
}

Deno.test("key hash: bytes, a range of bytes and their latin1 string hash alike", () => {
  const rand = rng(11);
  let cases = 0;
  for (let n = 0; n <= 40; n++) {
    for (let r = 0; r < 50; r++) {
      const bytes = randomBytes(rand, n);
      const h = hashBytes(bytes);
      assertEquals(hashLatin1(latin1(bytes)), h, `length ${n}`);
      // The same bytes inside a larger buffer, hashed by range.
      const outer = new Uint8Array(n + 7);
      outer.set(bytes, 3);
      outer[0] = outer[n + 3] = outer[n + 6] = 0xa5;
      assertEquals(hashBytes(outer, 3, 3 + n), h, `range of length ${n}`);
      cases++;
    }
  }
  assertEquals(cases, 41 * 50);
});

Deno.test("key hash: every byte counts, the length too", () => {
  const rand = rng(12);
  let flips = 0;
  for (let r = 0; r < 300; r++) {
    const bytes = randomBytes(rand, 1 + ((rand() * 24) | 0));
    const h = hashBytes(bytes);
    for (let i = 0; i < bytes.length; i++) {
      const changed = bytes.slice();
      changed[i] ^= 1 << ((rand() * 8) | 0);
      assertTrue(hashBytes(changed) !== h, `byte ${i} of ${bytes.length} ignored`);
      flips++;
    }
    // A trailing NUL makes a different key.
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    assertTrue(hashBytes(longer) !== h, "length ignored");
  }
  assertTrue(flips > 2000, `${flips}`);
});

Deno.test("key hash: sequential keys spread evenly over buckets", () => {
  // 200,000 keys like `key:000000123` into 65,536 buckets: occupancy should
  // look like a uniform random spread (mean ~3.05 per bucket).
  const buckets = new Int32Array(1 << 16);
  const keys = 200_000;
  for (let i = 0; i < keys; i++) {
    const key = new TextEncoder().encode(`key:${String(i).padStart(9, "0")}`);
    buckets[hashBytes(key) & 0xffff]++;
  }
  let max = 0;
  let sumSquares = 0;
  for (const n of buckets) {
    if (n > max) max = n;
    sumSquares += n * n;
  }
  const mean = keys / buckets.length;
  const variance = sumSquares / buckets.length - mean * mean;
  // Poisson: variance ≈ mean; a poor hash clusters (variance several times the mean).
  assertTrue(variance < mean * 1.2 && variance > mean * 0.8, `variance ${variance} mean ${mean}`);
  assertTrue(max < 20, `fullest bucket ${max}`);
});
