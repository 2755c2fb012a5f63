/**
 * Sorted set operation costs at 1k, 10k, 100k and 1M members: ZADD (a new
 * member, then ZREM of it; and a score update), ZRANK, ZSCORE and ZRANGE
 * by rank (10 members from a random rank). Lookups are O(1) and the
 * B+-tree O(log n) with a fanout of 64-128, so the work per operation
 * stays nearly flat across three orders of magnitude (the "hot" group,
 * whose members stay in cache, shows it); what grows with random members
 * is memory latency, once the set no longer fits in the CPU caches.
 *
 * Runs at the data-structure level, without the network. Probe members
 * are fresh strings, as the server makes them from request bytes.
 *
 *   deno bench --allow-all bench/zset_bench.ts
 */

import { type ZSetLimits, ZSetValue } from "../src/store/zset.ts";
import { latin1, latin1Bytes } from "../src/util/bytes.ts";

const LIMITS: ZSetLimits = { maxListpackEntries: 128, maxListpackValue: 64 };
const SIZES = [1_000, 10_000, 100_000, 1_000_000];
const PROBES = 1 << 16;

let seed = 42;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

for (const n of SIZES) {
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    members.push("member:" + i);
    scores.push(Math.floor(random() * n * 10));
  }
  const zset = ZSetValue.fromEntries(members.slice(), scores, LIMITS);
  const probes = Array.from(
    { length: PROBES },
    () => latin1(latin1Bytes(members[Math.floor(random() * n)])),
  );
  const newScores = Array.from({ length: PROBES }, () => Math.floor(random() * n * 10));
  const newMembers = Array.from({ length: PROBES }, (_, i) => "new:" + i);
  let i = 0;
  const next = () => (i = (i + 1) & (PROBES - 1));
  const baseline = n === SIZES[0];

  Deno.bench(`ZADD new member + ZREM it, n=${n}`, { group: "zadd+zrem", baseline }, () => {
    const k = next();
    zset.insert(newMembers[k], newScores[k], LIMITS);
    zset.remove(newMembers[k]);
  });

  Deno.bench(`ZADD score update, n=${n}`, { group: "zadd-update", baseline }, () => {
    const k = next();
    zset.update(probes[k], newScores[k]);
  });

  Deno.bench(`ZRANK, n=${n}`, { group: "zrank", baseline }, () => {
    zset.rank(probes[next()]);
  });

  // The same 1024 members over and over: their hash entries and tree paths
  // stay in cache, which isolates the algorithmic cost from memory latency.
  Deno.bench(`ZRANK of 1024 hot members, n=${n}`, { group: "zrank-hot", baseline }, () => {
    zset.rank(probes[next() & 1023]);
  });

  Deno.bench(`ZSCORE, n=${n}`, { group: "zscore", baseline }, () => {
    zset.score(probes[next()]);
  });

  Deno.bench(`ZRANGE 10 from a random rank, n=${n}`, { group: "zrange", baseline }, () => {
    let left = 10;
    zset.walk(newScores[next()] % (n - 10), false, () => --left > 0);
  });
}

// A set small enough for the listpack encoding (members packed into one
// string, scores in an array beside it), as most sorted sets in practice.
{
  const n = 100;
  const zset = ZSetValue.forFirstMember(1, LIMITS);
  for (let k = 0; k < n; k++) zset.insert("element:" + k, Math.floor(random() * 100_000), LIMITS);
  const probes = Array.from({ length: 1024 }, (_, k) => latin1(latin1Bytes("element:" + (k % n))));
  const newScores = Array.from({ length: 1024 }, () => Math.floor(random() * 100_000));
  let i = 0;
  const next = () => (i = (i + 1) & 1023);
  Deno.bench(`ZADD existing member (score, then update), listpack n=${n}`, {
    group: "listpack",
  }, () => {
    const k = next();
    if (zset.score(probes[k]) !== undefined) zset.update(probes[k], newScores[k]);
  });
  Deno.bench(`ZADD new member + ZREM it, listpack n=${n}`, { group: "listpack" }, () => {
    const k = next();
    zset.insert("new:" + k, newScores[k], LIMITS);
    zset.remove("new:" + k);
  });
  Deno.bench(`ZRANGEBYSCORE bounds, listpack n=${n}`, { group: "listpack" }, () => {
    const k = next();
    zset.firstInScoreRange({
      min: newScores[k],
      max: Infinity,
      minExclusive: false,
      maxExclusive: false,
    });
  });
}
