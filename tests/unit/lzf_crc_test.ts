import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { crc64 } from "../../src/persistence/crc64.ts";
import { lzfCompress, lzfDecompress } from "../../src/persistence/lzf.ts";

Deno.test("crc64 (Jones) matches Redis's check value", () => {
  assertEquals(crc64(new TextEncoder().encode("123456789")), 0xe9c6d914c4b8d9can);
  assertEquals(crc64(new Uint8Array(0)), 0n);
});

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

Deno.test("lzf round-trips random, repetitive and binary data", () => {
  const random = rng(1);
  let compressed = 0;
  let cases = 0;
  for (let i = 0; i < 500; i++) {
    const n = 4 + Math.floor(random() * 3000);
    const alphabet = 1 + Math.floor(random() * 255);
    const data = new Uint8Array(n).map(() => Math.floor(random() * alphabet));
    if (i % 3 === 0) data.fill(data[0], 0, Math.floor(n / 2));
    const packed = lzfCompress(data);
    cases++;
    // Data from a tiny alphabet or half made of one byte always compresses.
    if (alphabet <= 4 || i % 3 === 0) assertTrue(packed !== null, `case ${i} did not compress`);
    if (packed === null) continue;
    compressed++;
    assertTrue(packed.length < data.length);
    assertEquals(lzfDecompress(packed, data.length), data);
  }
  assertEquals(cases, 500);
  assertTrue(compressed > 150, `only ${compressed} compressed`);
  const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) % 251);
  assertEquals(lzfDecompress(lzfCompress(big)!, big.length), big);
});

Deno.test("lzf rejects corrupt input", () => {
  assertEquals(lzfDecompress(new Uint8Array([0x20, 0x05]), 10), null); // reference before start
  assertEquals(lzfDecompress(new Uint8Array([2, 65, 66]), 3), null); // truncated literal run
});
