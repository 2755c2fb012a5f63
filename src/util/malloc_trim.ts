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

let trim: (() => number) | null | undefined;

function load(): (() => number) | null {
  if (trim !== undefined) return trim;
  trim = null;
  if (Deno.build.os !== "linux") return null;
  try {
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    const libc = Deno.dlopen("libc.so.6", {
      malloc_trim: { parameters: ["usize"], result: "i32" },
    });
    trim = () => libc.symbols.malloc_trim(0n);
  } catch {
    trim = null;
  }
  return trim;
}

/** Releases free allocator memory to the system; false where that is not possible here. */
export function trimMalloc(): boolean {
  const f = load();
  if (f === null) return false;
  f();
  return true;
}
