/**
 * libc's functions through FFI, for the few places where Rift calls the
 * system directly (the monotonic clock, reserved memory, `malloc_trim`).
 *
 * @module
 */

/**
 * Opens `symbols` of Linux's libc, or returns null where that is not
 * possible: not Linux, FFI not permitted (an embedder that does not grant
 * `--allow-ffi`), or the library or a symbol does not load. Callers then
 * use their fallback.
 */
export function openLibc<const S extends Deno.ForeignLibraryInterface>(
  symbols: S,
): Deno.DynamicLibrary<S>["symbols"] | null {
  if (Deno.build.os !== "linux") return null;
  try {
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    return Deno.dlopen("libc.so.6", symbols).symbols;
  } catch {
    return null;
  }
}
