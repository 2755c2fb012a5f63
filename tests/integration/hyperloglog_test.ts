/**
 * HyperLogLog commands against a real redis-server: byte-identical replies
 * and byte-identical HLL values (GET) after the same commands, through
 * sparse growth, promotion to dense, merges, cached counts, corruption and
 * errors, with keyspace events, propagation and dirty counts compared too.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { Arg } from "../helpers/client.ts";
import { type Pair, withPair } from "../helpers/differential.ts";
import { withObservedPair } from "../helpers/observed_pair.ts";
import { Prng } from "../helpers/strings_random.ts";

const enc = new TextEncoder();

/** A random element: short text, a number, or random bytes (NUL, CR/LF, invalid UTF-8). */
function randomElement(rng: Prng): Arg {
  switch (rng.int(4)) {
    case 0:
      return `e${rng.int(100000)}`;
    case 1:
      return rng.int(1000);
    case 2: {
      const bytes = new Uint8Array(rng.int(20));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      return bytes;
    }
    default:
      return `element:${rng.int(1 << 30)}:${"x".repeat(rng.int(12))}`;
  }
}

/** Asserts both servers hold the same bytes under `key`; returns them. */
async function sameValue(p: Pair, key: string): Promise<string> {
  return await p.same("GET", key);
}

/**
 * Seeded random PFADD sequences: each key grows from sparse (possibly
 * through promotion) and its bytes, encoding and counts must match Redis's
 * after every step. Returns how many PFADD calls ran.
 */
async function randomAdds(p: Pair, seed: number, steps: number, keys: string[]): Promise<number> {
  const rng = new Prng(seed);
  let calls = 0;
  for (let s = 0; s < steps; s++) {
    const key = keys[rng.int(keys.length)];
    const n = rng.chance(0.7) ? rng.range(1, 3) : rng.range(5, 60);
    const elements: Arg[] = [];
    for (let i = 0; i < n; i++) elements.push(randomElement(rng));
    await p.same("PFADD", key, ...elements);
    calls++;
    if (rng.chance(0.2)) await p.same("PFCOUNT", key);
    await sameValue(p, key);
  }
  for (const key of keys) {
    await p.same("PFDEBUG", "ENCODING", key);
    await p.same("PFCOUNT", key);
    await sameValue(p, key);
  }
  return calls;
}

Deno.test("hll: random PFADD sequences give Redis's bytes (default sparse limit)", async () => {
  await withPair(async (p) => {
    const calls = await randomAdds(p, 1234, 400, ["h1", "h2", "h3"]);
    assertEquals(calls, 400);
    // At least one key went dense with the default 3000-byte limit.
    const encodings: unknown[] = [];
    for (const key of ["h1", "h2", "h3"]) {
      encodings.push(await p.rift.value("PFDEBUG", "ENCODING", key));
    }
    assertTrue(encodings.includes("dense") && encodings.includes("sparse"), String(encodings));
  });
});
