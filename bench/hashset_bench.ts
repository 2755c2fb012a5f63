/**
 * Per-command cost of the hash and set hot paths (HSET, HGET, SADD,
 * SISMEMBER) as the collection grows from 1k to 1M elements: it should stay
 * flat, since every one of them is O(1). Commands run through the real
 * dispatcher on an in-process client (no network), so the numbers include
 * lookup, argument conversion and the reply.
 *
 * Run: deno bench --allow-all bench/hashset_bench.ts
 */

import { Server } from "../src/server/server.ts";
import { configFromOptions } from "../src/mod.ts";
import type { Client } from "../src/server/client.ts";

const SIZES = [1_000, 10_000, 100_000, 1_000_000];
/** Distinct pre-built commands per benchmark, cycled so the bench loop allocates nothing. */
const VARIANTS = 4096;

const encoder = new TextEncoder();
const server = new Server(await configFromOptions({ port: 0 }));
const client: Client = server.createClient(null);

function argv(...parts: string[]): Uint8Array[] {
  return parts.map((p) => encoder.encode(p));
}

function run(command: Uint8Array[]): void {
  server.execute(client, command);
  client.out.truncate(0);
}

/** Fills `key` with `n` elements, a thousand per command. */
function populate(command: "HSET" | "SADD", key: string, n: number): void {
  for (let start = 0; start < n; start += 1000) {
    const parts = [command, key];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      if (command === "HSET") parts.push(`field:${i}`, `value:${i}`);
      else parts.push(`member:${i}`);
    }
    run(argv(...parts));
  }
}

/** Pre-built commands touching random existing elements (and a few misses). */
function commands(build: (i: number) => Uint8Array[]): Uint8Array[][] {
  return Array.from({ length: VARIANTS }, (_, i) => build(i));
}

for (const size of SIZES) {
  const hash = `hash:${size}`;
  const set = `set:${size}`;
  populate("HSET", hash, size);
  populate("SADD", set, size);
  const pick = () => Math.floor(Math.random() * size);

  const hget = commands(() => argv("HGET", hash, `field:${pick()}`));
  const hsetUpdate = commands(() => argv("HSET", hash, `field:${pick()}`, "new value"));
  const hsetNew = commands((i) => argv("HSET", hash, `fresh:${i}`, "v"));
  const hdelNew = commands((i) => argv("HDEL", hash, `fresh:${i}`));
  const sismember = commands((i) =>
    argv("SISMEMBER", set, i % 8 === 0 ? `absent:${i}` : `member:${pick()}`)
  );
  const saddNew = commands((i) => argv("SADD", set, `fresh:${i}`));
  const sremNew = commands((i) => argv("SREM", set, `fresh:${i}`));

  const label = size.toLocaleString("en");
  let n = 0;
  Deno.bench(`HGET, ${label} fields`, { group: "HGET", baseline: size === SIZES[0] }, () => {
    run(hget[n++ & (VARIANTS - 1)]);
  });
  Deno.bench(`HSET existing field, ${label} fields`, {
    group: "HSET update",
    baseline: size === SIZES[0],
  }, () => {
    run(hsetUpdate[n++ & (VARIANTS - 1)]);
  });
  Deno.bench(`HSET new field (+ HDEL), ${label} fields`, {
    group: "HSET insert",
    baseline: size === SIZES[0],
  }, () => {
    const i = n++ & (VARIANTS - 1);
    run(hsetNew[i]);
    run(hdelNew[i]);
  });
  Deno.bench(`SISMEMBER, ${label} members`, {
    group: "SISMEMBER",
    baseline: size === SIZES[0],
  }, () => {
    run(sismember[n++ & (VARIANTS - 1)]);
  });
  Deno.bench(`SADD new member (+ SREM), ${label} members`, {
    group: "SADD",
    baseline: size === SIZES[0],
  }, () => {
    const i = n++ & (VARIANTS - 1);
    run(saddNew[i]);
    run(sremNew[i]);
  });
}
