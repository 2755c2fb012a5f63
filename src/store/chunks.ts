/**
 * The chunk size of collections' columns (a dict's keys and records, a
 * large sorted set's members, scores and links). A column of millions of
 * entries held in one array grows by copying all of it into one twice the
 * size, which stops the server for tens of milliseconds at a few million
 * (45 ms for a set's keys and records at 4 million members, 56 ms for a
 * sorted set's columns at 8 million); in chunks it grows by adding one.
 * Only a column's first chunk grows, up to {@link CHUNK} entries (copies of
 * at most a megabyte or so); later chunks are made full size. Entry `i` is
 * at `chunks[i >>> CHUNK_BITS][i & IN_CHUNK]`.
 *
 * @module
 */

/** log2 of the entries a chunk holds. */
export const CHUNK_BITS = 16;
/** Entries a full chunk holds. */
export const CHUNK = 1 << CHUNK_BITS;
/** Mask of an entry's index within its chunk. */
export const IN_CHUNK = CHUNK - 1;
