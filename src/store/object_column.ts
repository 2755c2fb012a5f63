/**
 * The database's per-entry column of values that live outside the slab
 * (collections and large strings), kept in chunks of
 * {@link CHUNK_SLOTS} slots.
 *
 * Why chunks: a single JS array grows by copying all of itself into one
 * half again as large, and with millions of entries holding objects that
 * copy (a pointer each, recorded for the garbage collector when it points
 * to a young object) stopped the server: pushes into a growing array took
 * 45 ms at 4.4 million elements and 66 ms at 6.6 million. Chunks never
 * move; only the short array of chunks grows (one pointer per 4,096
 * entries).
 *
 * Every access stays in bounds (V8 handles out-of-bounds reads apart, and
 * an access site that sees both kinds turns megamorphic), and chunks are
 * made full and packed.
 *
 * @module
 */

const CHUNK_BITS = 12;
/** Slots per chunk: 32 KB of pointers, well below V8's large-object size. */
const CHUNK_SLOTS = 1 << CHUNK_BITS;
const SLOT_MASK = CHUNK_SLOTS - 1;

/** Entry number → object, undefined where an entry holds none. */
export class ObjectColumn {
  private chunks: unknown[][] = [];

  /** Slots the column has: every entry number below holds an object or undefined. */
  get capacity(): number {
    return this.chunks.length << CHUNK_BITS;
  }

  /** The object of entry `id`, or undefined (any entry number). */
  get(id: number): unknown {
    const chunks = this.chunks;
    const chunk = id >>> CHUNK_BITS;
    return chunk < chunks.length ? chunks[chunk][id & SLOT_MASK] : undefined;
  }

  /** Stores the object of entry `id`, first adding the chunks that reach it. */
  set(id: number, value: unknown): void {
    const chunks = this.chunks;
    const chunk = id >>> CHUNK_BITS;
    while (chunks.length <= chunk) chunks.push(emptyChunk());
    chunks[chunk][id & SLOT_MASK] = value;
  }

  /** Forgets the object of entry `id` (any entry number). */
  delete(id: number): void {
    const chunks = this.chunks;
    const chunk = id >>> CHUNK_BITS;
    if (chunk < chunks.length) chunks[chunk][id & SLOT_MASK] = undefined;
  }

  /**
   * Visits the entries holding an object, in entry order from `from`, until
   * `count` were visited or `count * 64` entry numbers were looked at;
   * returns the number to go on from (0 once past the last slot).
   */
  scan(from: number, count: number, visit: (id: number) => void): number {
    const chunks = this.chunks;
    const capacity = this.capacity;
    const limit = Math.min(capacity, from + count * 64);
    let visited = 0;
    let id = from;
    while (id < limit && visited < count) {
      const chunk = chunks[id >>> CHUNK_BITS];
      const chunkEnd = Math.min(limit, ((id >>> CHUNK_BITS) + 1) << CHUNK_BITS);
      for (; id < chunkEnd && visited < count; id++) {
        if (chunk[id & SLOT_MASK] !== undefined) {
          visit(id);
          visited++;
        }
      }
    }
    return id >= capacity ? 0 : id;
  }
}

function emptyChunk(): unknown[] {
  const chunk: unknown[] = [];
  for (let i = 0; i < CHUNK_SLOTS; i++) chunk.push(undefined);
  return chunk;
}
