/**
 * V8 flags Rift should run with: `deno task start` passes them, the
 * compiled binary embeds them (scripts/build.ts), the benchmarks use them.
 *
 * `--min-semi-space-size=16` (MB): by default V8 starts the young
 * generation at 1 MB per semi-space and only grows it when many objects
 * survive, which a server's short-lived request objects never do. A small
 * young generation is collected every few thousand requests; each
 * collection pauses every connection for ~0.2-0.4 ms, which shows in the
 * p99 latency. At 16 MB it is collected about eight times less often
 * (measured: GET with -P 16 ~10% faster). Idle, the pages are not touched;
 * `MEMORY PURGE` shrinks it back.
 *
 * `--max-semi-space-size=16` (MB): keeps it at that size. When most new
 * objects survive (data growing: new keys, new members, millions of new
 * small hashes) V8 would grow each semi-space further, and a young
 * collection copies every survivor, so the pause grows with it: 8 million
 * HSETs of new small hashes at -P 16 had young collections of 12-13 ms and
 * a p99 of 5.1-5.2 ms; capped, 7 ms and 3.7-4.2 ms (8 million SADDs into
 * one set: p99 4.1-4.3 → 3.1-3.4 ms), at the same throughput. Ordinary
 * traffic, whose objects die young, never grows it past 16 MB anyway.
 *
 * `--expose-gc`: gives `MEMORY PURGE` V8's full collection (`globalThis.gc`;
 * no client can reach it), which frees the buffers of deleted data so that
 * libc can hand their memory back (src/util/malloc_trim.ts). Measured: 2
 * million keys loaded and flushed, RSS 296 MB → 69 MB after `MEMORY PURGE`
 * (start: 68 MB); without it, 208 MB.
 *
 * @module
 */

/** Flags for `--v8-flags=`. */
export const V8_FLAGS: string[] = [
  "--min-semi-space-size=16",
  "--max-semi-space-size=16",
  "--expose-gc",
];
