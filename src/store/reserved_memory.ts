/**
 * Address space reserved once for a table that grows in place.
 *
 * A table in one `ArrayBuffer` grows by allocating a larger buffer and
 * copying: for the keyspace's entry table that stopped the server for
 * 100 ms at 4.6 million keys and 150 ms at 7 million (the copy of the whole
 * table, plus faulting in the new pages). Here the table sits at the start
 * of a large range of address space reserved without memory (`PROT_NONE`);
 * growing makes more of the range usable (`mprotect`, well under a
 * millisecond) and views the larger prefix: the bytes already written stay
 * where they are, and the kernel supplies zeroed pages as they are first
 * written. This is what V8's resizable ArrayBuffers do internally, but typed
 * arrays over those take a slower path on every access (measured 2-3×
 * slower per read and write); views over this memory are ordinary fixed-length
 * typed arrays.
 *
 * It needs FFI (`--allow-ffi`) and Linux's libc; without them
 * {@link ReservedRegion.reserve} returns null and callers grow by copying.
 * The range is unmapped when its region object is garbage collected, so
 * the owner must keep the region as long as it uses views of it.
 *
 * @module
 */

import { openLibc } from "../util/libc.ts";

const PROT_NONE = 0;
const PROT_READ_WRITE = 3;
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;
const MAP_NORESERVE = 0x4000;
const MADV_DONTNEED = 4;
/** Memory is made usable in steps of this many bytes (fewer, larger mprotect calls). */
const COMMIT_STEP = 2 * 1024 * 1024;

const SYMBOLS = {
  mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
  mprotect: { parameters: ["pointer", "usize", "i32"], result: "i32" },
  madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** libc's memory calls, null when they cannot be used here; undefined until first asked. */
let libc: Libc | null | undefined;

function loadLibc(): Libc | null {
  if (libc === undefined) libc = openLibc(SYMBOLS);
  return libc;
}

/** Unmaps the reservation of a region nobody can reach any more. */
const unmapWhenCollected = new FinalizationRegistry<{ base: Deno.PointerObject; bytes: number }>(
  ({ base, bytes }) => {
    libc?.munmap(base, BigInt(bytes));
  },
);

/** A reserved range of address space whose prefix is made usable on demand. */
export class ReservedRegion {
  /** Bytes from the start that are usable (read-write). */
  private committed = 0;

  private constructor(
    private readonly base: Deno.PointerObject,
    /** Size of the reservation: the most {@link extend} can make usable. */
    readonly maxBytes: number,
  ) {
    unmapWhenCollected.register(this, { base, bytes: maxBytes });
  }

  /** Reserves `maxBytes` of address space, or returns null where that is not possible. */
  static reserve(maxBytes: number): ReservedRegion | null {
    const c = loadLibc();
    if (c === null) return null;
    const base = c.mmap(
      null,
      BigInt(maxBytes),
      PROT_NONE,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
      -1,
      0n,
    );
    // MAP_FAILED is (void *) -1.
    if (base === null || Deno.UnsafePointer.value(base) === 0xffff_ffff_ffff_ffffn) return null;
    return new ReservedRegion(base, maxBytes);
  }

  /**
   * Returns an ArrayBuffer over the first `bytes` bytes of the region,
   * making them usable first. Bytes written through earlier views are kept;
   * bytes never written read as zero. Throws a RangeError past
   * {@link maxBytes}, or when the system has no memory to commit.
   */
  extend(bytes: number): ArrayBuffer {
    if (bytes > this.maxBytes) {
      throw new RangeError(`a reserved table cannot grow past ${this.maxBytes} bytes`);
    }
    if (bytes > this.committed) {
      const upTo = Math.min(this.maxBytes, Math.ceil(bytes / COMMIT_STEP) * COMMIT_STEP);
      const from = Deno.UnsafePointer.offset(this.base, this.committed);
      if (libc!.mprotect(from, BigInt(upTo - this.committed), PROT_READ_WRITE) !== 0) {
        throw new RangeError("out of memory growing a reserved table");
      }
      this.committed = upTo;
    }
    return Deno.UnsafePointerView.getArrayBuffer(this.base, bytes);
  }

  /**
   * Gives the memory back to the system: its contents read as zero from
   * now on. Views already made stay valid (reading zeros), so a stale one
   * can never touch unmapped memory.
   */
  release(): void {
    if (this.committed > 0) libc!.madvise(this.base, BigInt(this.committed), MADV_DONTNEED);
  }
}
