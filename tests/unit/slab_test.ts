/**
 * Property tests of the slab allocator: random allocation and free
 * patterns, with every live record filled with its own byte pattern and
 * checked, so overlapping records, broken free lists or wrong accounting
 * show up as corrupted patterns or mismatched byte counts.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { MAX_CLASS_SIZE, Slab } from "../../src/store/slab.ts";

/** Small seeded PRNG (mulberry32) so failures replay. */
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

interface Live {
  handle: number;
  size: number;
  capacity: number;
  seed: number;
}

/** Tracks live records and checks their contents against the slab. */
class Model {
  readonly live: Live[] = [];
  readonly byHandle = new Map<number, Live>();
  constructor(readonly slab: Slab) {}

  alloc(size: number, seed: number): Live {
    const handle = this.slab.alloc(size);
    assertTrue(!this.byHandle.has(handle), `handle ${handle} handed out twice`);
    const capacity = this.slab.capacity(handle);
    assertTrue(capacity >= size, `capacity ${capacity} < size ${size}`);
    const rec = { handle, size, capacity, seed };
    fill(this.slab, rec);
    this.live.push(rec);
    this.byHandle.set(handle, rec);
    return rec;
  }

  freeAt(index: number): void {
    const rec = this.live[index];
    this.live[index] = this.live[this.live.length - 1];
    this.live.pop();
    this.byHandle.delete(rec.handle);
    this.slab.free(rec.handle);
  }

  usedBytes(): number {
    let n = 0;
    for (const rec of this.live) n += rec.capacity;
    return n;
  }

  verifyAll(): void {
    for (const rec of this.live) verify(this.slab, rec);
    assertEquals(this.slab.usedBytes, this.usedBytes(), "usedBytes accounting");
    assertTrue(this.slab.allocatedBytes >= this.slab.usedBytes, "allocated >= used");
  }
}

function patternByte(seed: number, i: number): number {
  return (seed + Math.imul(i, 0x9e3779b1) + (i >>> 8)) & 0xff;
}

/** Writes the record's pattern over its whole capacity (callers may use all of it). */
function fill(slab: Slab, rec: Live): void {
  const page = slab.page(rec.handle);
  const off = slab.offset(rec.handle);
  assertTrue(off + rec.capacity <= page.length, "record inside its page");
  for (let i = 0; i < rec.capacity; i++) page[off + i] = patternByte(rec.seed, i);
}

function verify(slab: Slab, rec: Live): void {
  const page = slab.page(rec.handle);
  const off = slab.offset(rec.handle);
  for (let i = 0; i < rec.capacity; i++) {
    if (page[off + i] !== patternByte(rec.seed, i)) {
      throw new Error(
        `record ${rec.handle} (size ${rec.size}, cap ${rec.capacity}) corrupted at byte ${i}`,
      );
    }
  }
}

/** A size drawn across all classes, with occasional huge records. */
function randomSize(rand: () => number): number {
  const r = rand();
  if (r < 0.5) return Math.floor(rand() * 64);
  if (r < 0.8) return Math.floor(rand() * 1024);
  if (r < 0.97) return Math.floor(rand() * MAX_CLASS_SIZE) + 1;
  return MAX_CLASS_SIZE + 1 + Math.floor(rand() * 100_000);
}

Deno.test("slab: random alloc/free keeps every record intact and accounting exact", () => {
  let ops = 0;
  for (let seed = 1; seed <= 6; seed++) {
    const rand = rng(seed);
    const slab = new Slab();
    const model = new Model(slab);
    for (let step = 0; step < 6000; step++) {
      const r = rand();
      // Phases: grow, churn, shrink, so classes get swept and pages reused.
      const phase = Math.floor(step / 1500) % 4;
      const allocBias = phase === 0 ? 0.8 : phase === 2 ? 0.2 : 0.5;
      if (r < allocBias || model.live.length === 0) {
        model.alloc(randomSize(rand), (rand() * 0x100000000) >>> 0);
      } else {
        model.freeAt(Math.floor(rand() * model.live.length));
      }
      ops++;
      if (step % 500 === 0) model.verifyAll();
    }
    model.verifyAll();
    while (model.live.length > 0) model.freeAt(model.live.length - 1);
    assertEquals(slab.usedBytes, 0);
  }
  assertEquals(ops, 36_000);
});

Deno.test("slab: LIFO, FIFO and interleaved patterns in one class and across classes", () => {
  const patterns = ["lifo", "fifo", "interleaved"] as const;
  let checked = 0;
  for (const pattern of patterns) {
    for (const size of [1, 16, 17, 100, 1000, 5000, MAX_CLASS_SIZE, MAX_CLASS_SIZE + 1]) {
      const slab = new Slab();
      const model = new Model(slab);
      const n = size > 4096 ? 64 : 3000;
      for (let i = 0; i < n; i++) model.alloc(size, i * 7919);
      if (pattern === "lifo") {
        for (let i = 0; i < n / 2; i++) model.freeAt(model.live.length - 1);
      } else if (pattern === "fifo") {
        // Free the oldest first: the order is kept by freeing from the front.
        const oldest = model.live.slice(0, n / 2).map((r) => r.handle);
        for (const h of oldest) model.freeAt(model.live.findIndex((r) => r.handle === h));
      } else {
        for (let i = model.live.length - 1; i >= 0; i -= 2) model.freeAt(i);
      }
      model.verifyAll();
      // Reuse the freed slots, then check everything again.
      for (let i = 0; i < n / 2; i++) model.alloc(size, 0xabcdef + i);
      model.verifyAll();
      checked++;
    }
  }
  assertEquals(checked, 24);
});

Deno.test("slab: pages that empty out are given back", () => {
  const slab = new Slab();
  const model = new Model(slab);
  const rand = rng(42);
  // Sizes spanning a few classes, many pages per class.
  for (let i = 0; i < 20_000; i++) model.alloc(900 + Math.floor(rand() * 300), i);
  const peak = slab.allocatedBytes;
  assertTrue(peak > 20 * 1024 * 1024, `peak ${peak}`);
  // Keep the oldest tenth: their pages stay, the pages of the others empty out.
  for (let i = model.live.length - 1; i >= 0; i--) {
    if (model.live[i].seed >= 2000) model.freeAt(i);
  }
  model.verifyAll();
  assertTrue(
    slab.allocatedBytes < peak / 2,
    `pages released: ${slab.allocatedBytes} of ${peak} still allocated`,
  );
  while (model.live.length > 0) model.freeAt(0);
  assertEquals(slab.usedBytes, 0);
  // At most the bump page and one reserve page of each class stay.
  assertTrue(slab.allocatedBytes <= 2 * 4 * 256 * 1024, `left ${slab.allocatedBytes}`);
});

Deno.test("slab: random frees in rounds release every page once it is empty", () => {
  // Random deletion (like active expiry) leaves no page empty for a long
  // time; the pages must still go back when they finally empty.
  let rounds = 0;
  for (const size of [24, 200, 1000, 5000]) {
    const slab = new Slab();
    const model = new Model(slab);
    const rand = rng(size);
    const n = Math.floor((40 * 1024 * 1024) / Math.max(size, 64) / 4);
    for (let i = 0; i < n; i++) model.alloc(size, i);
    const peak = slab.allocatedBytes;
    for (const keep of [0.5, 0.25, 0.1, 0]) {
      while (model.live.length > n * keep) model.freeAt(Math.floor(rand() * model.live.length));
      model.verifyAll();
      rounds++;
    }
    assertEquals(slab.usedBytes, 0);
    assertTrue(
      slab.allocatedBytes <= 2 * 256 * 1024,
      `size ${size}: ${slab.allocatedBytes} of ${peak} bytes still allocated`,
    );
    // The reserve and the bump page are reused before any new page.
    const left = slab.allocatedBytes;
    for (let i = 0; i < 20; i++) model.alloc(size, i);
    assertEquals(slab.allocatedBytes, left, `size ${size}: no new page for 20 records`);
    model.verifyAll();
  }
  assertEquals(rounds, 16);
});

Deno.test("slab: alloc/free churn at a page boundary does not thrash pages", () => {
  const slab = new Slab();
  const model = new Model(slab);
  const size = 1000;
  const perPage = Math.floor((256 * 1024) / slab.capacity(slab.alloc(size)));
  slab.reset();
  for (let i = 0; i < perPage * 3; i++) model.alloc(size, i);
  const base = slab.allocatedBytes;
  for (let cycle = 0; cycle < 300; cycle++) {
    // Fill two more pages' worth and drop them again, over and over.
    const burst = perPage * 2;
    for (let i = 0; i < burst; i++) model.alloc(size, cycle * burst + i);
    for (let i = 0; i < burst; i++) model.freeAt(model.live.length - 1);
  }
  model.verifyAll();
  assertTrue(slab.allocatedBytes <= base + 3 * 256 * 1024, `${slab.allocatedBytes} vs ${base}`);
});

Deno.test("slab: huge records get and give back their own page", () => {
  const slab = new Slab();
  const model = new Model(slab);
  const a = model.alloc(MAX_CLASS_SIZE + 1, 1);
  const b = model.alloc(1_000_000, 2);
  assertEquals(a.capacity, MAX_CLASS_SIZE + 1);
  assertEquals(b.capacity, 1_000_000);
  assertEquals(slab.allocatedBytes, MAX_CLASS_SIZE + 1 + 1_000_000);
  model.verifyAll();
  model.freeAt(0);
  model.freeAt(0);
  assertEquals(slab.allocatedBytes, 0);
  assertEquals(slab.usedBytes, 0);
  // Released page numbers are reused.
  const c = model.alloc(MAX_CLASS_SIZE + 5, 3);
  assertTrue(c.handle === a.handle || c.handle === b.handle);
  model.verifyAll();
});

Deno.test("slab: reset forgets everything and allocation starts over cleanly", () => {
  const slab = new Slab();
  let model = new Model(slab);
  const rand = rng(7);
  for (let i = 0; i < 5000; i++) model.alloc(randomSize(rand), i);
  slab.reset();
  assertEquals(slab.usedBytes, 0);
  assertEquals(slab.allocatedBytes, 0);
  assertEquals(slab.pages.length, 0);
  model = new Model(slab);
  for (let i = 0; i < 5000; i++) model.alloc(randomSize(rand), i + 1);
  for (let i = 0; i < 2500; i++) model.freeAt(Math.floor(rand() * model.live.length));
  model.verifyAll();
  assertEquals(model.live.length, 2500);
});
