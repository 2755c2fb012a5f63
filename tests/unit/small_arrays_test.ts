import { assertEquals, assertTrue } from "../helpers/assert.ts";
import {
  CHUNK_BYTES,
  int32Array,
  SMALL_MAX_BYTES,
  uint8Array,
} from "../../src/util/small_arrays.ts";

Deno.test("small arrays: zeroed, of the asked length, and never overlapping", () => {
  // Random sizes across chunk boundaries: each array gets its own pattern,
  // which every other array's writes would disturb if two shared bytes.
  let state = 7;
  const rand = (n: number) => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 * n) | 0;
  };
  const arrays: (Int32Array | Uint8Array)[] = [];
  let shared = 0;
  for (let i = 0; i < 5000; i++) {
    const a = rand(2) === 0 ? int32Array(rand(40)) : uint8Array(rand(160));
    for (let j = 0; j < a.length; j++) assertEquals(a[j], 0, "not zeroed");
    a.fill((i % 250) + 1);
    if (a.byteLength > 0 && a.byteLength <= SMALL_MAX_BYTES) {
      assertEquals(a.buffer.byteLength, CHUNK_BYTES);
      shared++;
    } else {
      assertEquals(a.byteOffset, 0);
    }
    arrays.push(a);
  }
  for (let i = 0; i < arrays.length; i++) {
    for (const v of arrays[i]) assertEquals(v, (i % 250) + 1, `array ${i} overwritten`);
  }
  assertTrue(shared > 3000, `${shared} arrays from chunks`);
  const bytes = arrays.filter((a) => a instanceof Uint8Array && a.byteLength > 0).length;
  assertTrue(bytes > 2000 && arrays.length - bytes > 2000, `${bytes} byte arrays`);
  // Int32Array views stay aligned.
  for (const a of arrays) if (a instanceof Int32Array) assertEquals(a.byteOffset % 4, 0);
});
