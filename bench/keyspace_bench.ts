/**
 * Keyspace costs by number of keys: looking a key up (hit and miss),
 * overwriting a small string, creating and deleting a key, and the slab
 * allocator under them. Each should stay flat from 1k to 1M keys (apart
 * from cache misses as the tables outgrow the CPU caches).
 *
 *   deno bench --allow-all bench/keyspace_bench.ts
 *
 * @module
 */

import { systemClock } from "../src/store/clock.ts";
import { Keyspace } from "../src/store/keyspace.ts";
import { Slab } from "../src/store/slab.ts";

const SIZES = [1_000, 10_000, 100_000, 1_000_000];
const BATCH = 1000;

function keyBytes(i: number): Uint8Array {
  const text = `key:${String(i).padStart(7, "0")}`;
  const out = new Uint8Array(text.length);
  for (let j = 0; j < text.length; j++) out[j] = text.charCodeAt(j);
  return out;
}

const VALUE = keyBytes(123456789);

for (const n of SIZES) {
  const keyspace = new Keyspace(systemClock, 1);
  const db = keyspace.dbs[0];
  for (let i = 0; i < n; i++) db.setString(keyBytes(i), VALUE);
  // Keys spread over the whole table, made once so the loops measure lookups only.
  const hits = Array.from({ length: BATCH }, (_, i) => keyBytes(Math.floor((i * n) / BATCH)));
  const misses = Array.from({ length: BATCH }, (_, i) => keyBytes(n + i));
  const label = n.toLocaleString("en-US");
  const baseline = n === SIZES[0];

  Deno.bench(`find hit x${BATCH} (${label} keys)`, { group: "find-hit", baseline }, () => {
    for (const k of hits) if (db.find(k) < 0) throw new Error("missing");
  });
  Deno.bench(`find miss x${BATCH} (${label} keys)`, { group: "find-miss", baseline }, () => {
    for (const k of misses) if (db.find(k) >= 0) throw new Error("present");
  });
  Deno.bench(`overwrite x${BATCH} (${label} keys)`, { group: "overwrite", baseline }, () => {
    for (const k of hits) db.setString(k, VALUE);
  });
  Deno.bench(`create + delete x${BATCH} (${label} keys)`, { group: "create", baseline }, () => {
    for (const k of misses) db.setString(k, VALUE);
    for (const k of misses) db.delete(k);
  });
}

Deno.bench("slab: alloc + free x1000 (32-byte records)", { group: "slab" }, () => {
  const slab = new Slab();
  const handles = new Int32Array(BATCH);
  for (let i = 0; i < BATCH; i++) handles[i] = slab.alloc(32);
  for (let i = 0; i < BATCH; i++) slab.free(handles[i]);
});
