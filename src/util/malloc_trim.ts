/**
 * Hands memory the C allocator holds free back to the system.
 *
 * Typed arrays' memory (the keyspace's slab pages, collections' arenas)
 * comes from libc's malloc. When the data goes (FLUSHALL, mass deletes)
 * and the garbage collector frees those buffers, glibc keeps much of the
 * memory in its heaps for reuse, so the process's resident memory stays
 * high: 2 million keys loaded and flushed left ~90 MB behind after a full
 * collection. `malloc_trim(0)` releases what it can, as Redis's
 * `MEMORY PURGE` asks jemalloc to purge its dirty pages.
 *
 * It needs FFI (`--allow-ffi`) and glibc; elsewhere {@link trimMalloc} does
 * nothing and returns false.
 *
 * @module
 */

import { openLibc } from "./libc.ts";

const SYMBOLS = { malloc_trim: { parameters: ["usize"], result: "i32" } } as const;

/** libc's `malloc_trim`, null where it cannot be called; undefined until first asked. */
let libc: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | null | undefined;

/** Releases free allocator memory to the system; false where that is not possible here. */
export function trimMalloc(): boolean {
  if (libc === undefined) libc = openLibc(SYMBOLS);
  if (libc === null) return false;
  libc.malloc_trim(0n);
  return true;
}
