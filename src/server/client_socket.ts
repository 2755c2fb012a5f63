/**
 * A client connection's byte stream as the server uses it, whatever serves
 * it: Deno's socket ops ({@link denoSocket}) or Rift's own epoll loop over
 * FFI (src/server/epoll.ts, `io-backend epoll`).
 *
 * Completion is reported through callbacks rather than promises: a server
 * reads and writes once per request, and a promise per call is garbage and
 * a microtask that a callback does not need.
 *
 * @module
 */

import { socketReader } from "./socket_read.ts";

/** The byte stream of one client connection. */
export interface ClientSocket {
  /** The peer's address. */
  readonly remoteAddr: Deno.Addr;
  /** This end's address. */
  readonly localAddr: Deno.Addr;
  /**
   * Reads into `region`: later calls `done(n)` with the byte count (0 when
   * the peer closed its side) or `failed(e)`. One read at a time.
   */
  read(region: Uint8Array, done: (n: number) => void, failed: (e: unknown) => void): void;
  /**
   * Writes `bytes`, or a first part of them: later calls `done(n)` with how
   * many went, or `failed(e)`. One write at a time.
   */
  write(bytes: Uint8Array, done: (n: number) => void, failed: (e: unknown) => void): void;
  /** Closes the connection; a read or write in flight fails. */
  close(): void;
}

/** A Deno connection as a {@link ClientSocket}, read through the runtime's op (see socket_read.ts). */
export function denoSocket(conn: Deno.Conn): ClientSocket {
  const read = socketReader(conn);
  return {
    remoteAddr: conn.remoteAddr,
    localAddr: conn.localAddr,
    read(region, done, failed) {
      read(region).then(done, failed);
    },
    write(bytes, done, failed) {
      conn.write(bytes).then(done, failed);
    },
    close() {
      conn.close();
    },
  };
}
