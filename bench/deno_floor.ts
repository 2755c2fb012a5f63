/**
 * The Deno floor: a server that answers every request with `+PONG` and does
 * nothing else, reading and writing its sockets the way Rift does (the
 * runtime's read op through `socketReader`, one `write` per read). What it
 * costs per request is what the runtime costs, so `bench:compare` runs it
 * beside Rift and Redis in the PING_MBULK rounds: the distance from Redis to
 * the floor is the runtime's, from the floor to Rift is Rift's own.
 *
 * It frames requests as Redis does (multibulk `*<n>` with `$<len>`
 * arguments, or an inline line) so pipelined requests get one reply each,
 * and it answers anything with `+PONG` (redis-benchmark's opening CONFIG GET
 * too, which it then reports it could not read).
 *
 * Usage: deno run --allow-net bench/deno_floor.ts <port>
 *
 * @module
 */

import { socketReader } from "../src/server/socket_read.ts";

const PONG = new TextEncoder().encode("+PONG\r\n");
const LF = 10;

/** Index of the `\n` ending the line that starts at `from`, or -1. */
function lineEnd(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === LF) return i;
  return -1;
}

/** The decimal number between `from` and the `\r` at `cr`. */
function lineNumber(buf: Uint8Array, from: number, cr: number): number {
  let n = 0;
  for (let i = from; i < cr; i++) n = n * 10 + buf[i] - 48;
  return n;
}

/**
 * Counts the complete requests in `buf[start, end)`; returns the count and
 * where the first incomplete one starts.
 */
export function frameRequests(
  buf: Uint8Array,
  start: number,
  end: number,
): { count: number; consumed: number } {
  let count = 0;
  let pos = start;
  for (;;) {
    if (pos >= end) break;
    const nl = lineEnd(buf, pos, end);
    if (nl < 0) break;
    if (buf[pos] !== 42 /* * */) {
      pos = nl + 1; // an inline request
      count++;
      continue;
    }
    let args = lineNumber(buf, pos + 1, nl - 1);
    let at = nl + 1;
    while (args > 0) {
      const header = lineEnd(buf, at, end);
      if (header < 0) break;
      const next = header + 1 + lineNumber(buf, at + 1, header - 1) + 2;
      if (next > end) break;
      at = next;
      args--;
    }
    if (args > 0) break;
    pos = at;
    count++;
  }
  return { count, consumed: pos - start };
}

async function serve(conn: Deno.Conn): Promise<void> {
  const read = socketReader(conn);
  let buf = new Uint8Array(16 * 1024);
  let replies = new Uint8Array(16 * 1024);
  let start = 0;
  let end = 0;
  try {
    for (;;) {
      if (end === buf.length) {
        // Move the incomplete request to the front, or grow for a large one.
        const kept = buf.subarray(start, end);
        if (start === 0) buf = new Uint8Array(buf.length * 2);
        buf.set(kept);
        end -= start;
        start = 0;
      }
      const n = await read(buf.subarray(end));
      if (n === 0) break;
      end += n;
      const { count, consumed } = frameRequests(buf, start, end);
      start += consumed;
      if (start === end) start = end = 0;
      if (count === 0) continue;
      if (count * PONG.length > replies.length) replies = new Uint8Array(count * PONG.length);
      for (let i = 0; i < count; i++) replies.set(PONG, i * PONG.length);
      const out = replies.subarray(0, count * PONG.length);
      let off = await conn.write(out);
      while (off < out.length) off += await conn.write(out.subarray(off));
    }
  } catch {
    // The peer went away.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

if (import.meta.main) {
  const port = Number(Deno.args[0]);
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  for await (const conn of listener) {
    (conn as Deno.TcpConn).setNoDelay(true);
    void serve(conn);
  }
}
