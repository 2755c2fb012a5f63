/**
 * A pool of the 16 KiB buffers every connection starts with (its receive
 * buffer and its reply buffer). Clients that connect and disconnect all
 * the time would otherwise allocate and free two such buffers per
 * connection; the allocator then keeps the freed memory around and the
 * server's resident memory drifts up (measured by bench/soak.ts). A closed
 * connection's buffers go back to the pool for the next one.
 *
 * @module
 */

/** Size of a connection's initial receive and reply buffers. */
export const IO_BUFFER_SIZE = 16 * 1024;

/** Buffers kept at most: enough for a burst of reconnecting clients. */
const MAX_POOLED = 128;

const pool: Uint8Array[] = [];

/** A buffer of {@link IO_BUFFER_SIZE} bytes, recycled when one is available. */
export function takeIoBuffer(): Uint8Array {
  return pool.pop() ?? new Uint8Array(IO_BUFFER_SIZE);
}

/**
 * Gives a buffer back for reuse. Only buffers of exactly
 * {@link IO_BUFFER_SIZE} bytes are kept; the caller must not touch it again
 * (its old contents are never read: users read only what they wrote).
 */
export function returnIoBuffer(buf: Uint8Array): void {
  if (
    buf.buffer.byteLength === IO_BUFFER_SIZE && buf.length === IO_BUFFER_SIZE &&
    pool.length < MAX_POOLED
  ) {
    pool.push(buf);
  }
}
