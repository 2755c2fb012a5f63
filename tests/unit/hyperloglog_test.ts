/**
 * The HyperLogLog format module: the hash against values measured on
 * redis-server 7.0 and a BigInt reference, dense register packing, sparse
 * edits and conversion, and the estimator.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { Prng } from "../helpers/strings_random.ts";
import {
  cachedCardinality,
  cacheValid,
  CARD_OVERFLOW,
  countHll,
  countRegisters,
  decodeSparse,
  denseGet,
  denseSet,
  HLL_CHANGED,
  HLL_CORRUPT,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_UNCHANGED,
  HllWriter,
  isHll,
  lastHash,
  lastRegister,
  mergeInto,
  newHll,
  patternLength,
  selfTest,
  setCachedCardinality,
  unpackDense,
} from "../../src/store/hyperloglog.ts";

const latin1 = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

/** MurmurHash64A in BigInt, written from the algorithm's description, as a reference. */
function referenceHash(data: Uint8Array): bigint {
  const mask = (1n << 64n) - 1n;
  const m = 0xc6a4a7935bd1e995n;
  let h = (0xadc83b19n ^ (BigInt(data.length) * m)) & mask;
  const blocks = data.length - (data.length % 8);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j]);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const tail = data.length % 8;
  if (tail > 0) {
    for (let j = tail - 1; j >= 0; j--) h ^= BigInt(data[blocks + j]) << BigInt(8 * j);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

Deno.test("hll hash: registers and counts measured on redis-server (PFDEBUG GETREG)", () => {
  const measured: [string, number, number][] = [
    ["", 5938, 2],
    ["a", 12711, 2],
    ["hello", 9216, 1],
    ["abcdefg", 5634, 2],
    ["abcdefgh", 1383, 1],
    ["abcdefghi", 6903, 1],
    ["foo:bar:baz:0123456789", 15263, 2],
    ["\u0000\u00ff\r\n", 12039, 1],
  ];
  for (const [element, register, count] of measured) {
    assertEquals(patternLength(latin1(element)), count, JSON.stringify(element));
    assertEquals(lastRegister, register, JSON.stringify(element));
  }
});

Deno.test("hll hash: the 32-bit implementation equals a BigInt MurmurHash64A", () => {
  const rng = new Prng(42);
  let cases = 0;
  for (let n = 0; n < 2000; n++) {
    const data = new Uint8Array(n < 64 ? n : rng.int(300));
    for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
    const count = patternLength(data);
    const h = referenceHash(data);
    assertEquals(lastHash(), h);
    assertEquals(lastRegister, Number(h & 16383n));
    // Trailing zeros of the remaining 50 bits (bit 50 forced on), plus one.
    let rest = (h >> 14n) | (1n << 50n);
    let expected = 1;
    while ((rest & 1n) === 0n) {
      expected++;
      rest >>= 1n;
    }
    assertEquals(count, expected);
    cases++;
  }
  assertEquals(cases, 2000);
});

Deno.test("hll dense: 6-bit registers packed LSB-first round-trip among their neighbours", () => {
  const bytes = new Uint8Array(HLL_DENSE_SIZE);
  const rng = new Prng(7);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    expected[i] = rng.int(64);
    denseSet(bytes, HLL_HDR_SIZE, i, expected[i]);
  }
  for (let i = 0; i < HLL_REGISTERS; i++) {
    assertEquals(denseGet(bytes, HLL_HDR_SIZE, i), expected[i]);
  }
  assertEquals(unpackDense(bytes), expected);
  // Register 1 = 0b111111 sits in bits 6-7 of byte 0 and bits 0-3 of byte 1.
  const one = new Uint8Array(HLL_DENSE_SIZE);
  denseSet(one, HLL_HDR_SIZE, 1, 63);
  assertEquals([one[HLL_HDR_SIZE], one[HLL_HDR_SIZE + 1]], [0xc0, 0x0f]);
  denseSet(one, HLL_HDR_SIZE, HLL_REGISTERS - 1, 63);
  assertEquals(one[HLL_DENSE_SIZE - 1], 0xfc);
});

Deno.test("hll header: a new HLL, validity checks, the cardinality cache", () => {
  const hll = newHll();
  assertEquals([...hll], [72, 89, 76, 76, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff]);
  assertTrue(isHll(hll));
  assertTrue(cacheValid(hll));
  assertEquals(decodeSparse(hll), "Z:16384");
  assertEquals(countHll(hll), 0);
  assertTrue(!isHll(hll.subarray(0, 15)));
  assertTrue(!isHll(Uint8Array.from([...hll.subarray(0, 4), 2, ...hll.subarray(5)])));
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  dense.set(hll.subarray(0, 4));
  assertTrue(isHll(dense));
  assertTrue(!isHll(dense.subarray(0, HLL_DENSE_SIZE - 1)));
  setCachedCardinality(hll, 0x123456789a);
  assertTrue(cacheValid(hll));
  assertEquals(cachedCardinality(hll), 0x123456789a);
  assertEquals([...hll.subarray(8, 16)], [0x9a, 0x78, 0x56, 0x34, 0x12, 0, 0, 0]);
  setCachedCardinality(hll, CARD_OVERFLOW); // Redis's LLONG_MIN: reads as invalid
  assertTrue(!cacheValid(hll));
});

Deno.test("hll sparse: splits, VAL merges, promotion, and agreement with dense", () => {
  const w = new HllWriter(newHll(), 3000);
  assertEquals(w.set(100, 3), HLL_CHANGED);
  assertEquals(decodeSparse(w.value()), "Z:100 v:3,1 Z:16283");
  assertEquals(w.set(100, 2), HLL_UNCHANGED);
  assertEquals(w.set(101, 3), HLL_CHANGED); // merges into v:3,2
  assertEquals(w.set(0, 1), HLL_CHANGED);
  assertEquals(decodeSparse(w.value()), "v:1,1 Z:99 v:3,2 Z:16282");
  assertEquals(w.set(103, 3), HLL_CHANGED); // a zero run of 1 between: no merge yet
  assertEquals(decodeSparse(w.value()), "v:1,1 Z:99 v:3,2 z:1 v:3,1 Z:16280");
  assertEquals(w.set(102, 3), HLL_CHANGED); // ZERO of 1 becomes VAL, then three merge
  assertEquals(decodeSparse(w.value()), "v:1,1 Z:99 v:3,4 Z:16280");
  assertEquals(w.set(102, 5), HLL_CHANGED); // a VAL run split in three
  assertEquals(decodeSparse(w.value()), "v:1,1 Z:99 v:3,2 v:5,1 v:3,1 Z:16280");
  assertTrue(!cacheValid(w.value()));
  // A count above 32 cannot be sparse.
  assertEquals(w.set(5000, 40), HLL_CHANGED);
  assertEquals(w.encoding, 0);
  assertEquals(w.length, HLL_DENSE_SIZE);
  assertEquals(denseGet(w.bytes, HLL_HDR_SIZE, 5000), 40);
  assertEquals(denseGet(w.bytes, HLL_HDR_SIZE, 102), 5);
  assertEquals(denseGet(w.bytes, HLL_HDR_SIZE, 103), 3);
  // Growing past the limit promotes.
  const small = new HllWriter(newHll(), 20);
  assertEquals(small.set(10, 1), HLL_CHANGED); // 16 + 4 bytes: fits
  assertEquals(small.encoding, 1);
  assertEquals(small.set(20, 1), HLL_CHANGED);
  assertEquals(small.encoding, 0);
  // Random adds: sparse and dense registers and counts agree.
  const rng = new Prng(3);
  const sparse = new HllWriter(newHll(), 1 << 20);
  const dense = new HllWriter(newHll(), 0);
  assertTrue(dense.toDense());
  for (let i = 0; i < 5000; i++) {
    const element = latin1(`r${rng.int(1 << 30)}`);
    assertEquals(sparse.add(element), dense.add(element));
  }
  assertEquals(sparse.encoding, 1);
  const a = new Uint8Array(HLL_REGISTERS);
  const b = new Uint8Array(HLL_REGISTERS);
  assertTrue(mergeInto(a, sparse.value()));
  assertTrue(mergeInto(b, dense.value()));
  assertEquals(a, b);
  assertEquals(countHll(sparse.value()), countHll(dense.value()));
  assertEquals(countRegisters(a), countHll(dense.value()));
  const converted = new HllWriter(sparse.value(), 3000);
  assertTrue(converted.toDense());
  assertEquals(converted.value().subarray(HLL_HDR_SIZE), dense.value().subarray(HLL_HDR_SIZE));
});

Deno.test("hll sparse: corrupt payloads are reported", () => {
  const header = [...newHll().subarray(0, HLL_HDR_SIZE)];
  const short = Uint8Array.from([...header, 0x7f, 0xfe]); // 16383 registers
  assertEquals(countHll(short), -1);
  assertTrue(!mergeInto(new Uint8Array(HLL_REGISTERS), short));
  assertTrue(!new HllWriter(short, 3000).toDense());
  const past = Uint8Array.from([...header, 0x7f, 0xff, 0x80]); // a VAL past the end
  assertTrue(!new HllWriter(past, 3000).toDense());
  assertEquals(countHll(past), -1);
  // A register beyond the runs cannot be found.
  assertEquals(new HllWriter(short, 3000).set(16383, 1), HLL_CORRUPT);
  assertEquals(new HllWriter(short, 3000).set(0, 1), HLL_CHANGED);
});

Deno.test("hll estimator: counts measured on redis-server for fixed register sets", () => {
  const measured: [string, (i: number) => number, number][] = [
    ["all 1", () => 1, 23637],
    ["all 2", () => 2, 47274],
    ["alternating 0/1", (i) => i & 1, 10360],
    ["one register", (i) => (i === 7 ? 5 : 0), 1],
    ["i mod 20", (i) => i % 20, 115182],
    ["i mod 52", (i) => i % 52, 303516],
    ["all 50 (overflow)", () => 50, CARD_OVERFLOW],
    ["all 63 (overflow)", () => 63, CARD_OVERFLOW],
    ["empty", () => 0, 0],
  ];
  for (const [name, register, count] of measured) {
    const registers = Uint8Array.from({ length: HLL_REGISTERS }, (_, i) => register(i));
    assertEquals(countRegisters(registers), count, name);
  }
});

Deno.test("hll: PFSELFTEST's checks pass", () => {
  assertEquals(selfTest(), null);
});
