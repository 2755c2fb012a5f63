/**
 * The connection loop without the kernel: `Client.run` (read, parse,
 * execute, queue the reply, write it) for 50 connections whose socket reads
 * and writes resolve at once, one request per read as an unpipelined client
 * sends them. What is left is the JavaScript and promise work Rift does per
 * request around the command, which a `redis-benchmark` run cannot resolve
 * on a noisy machine (the kernel's share varies more than this whole loop
 * costs). Divide a result by the requests in its name for the cost per
 * request.
 *
 * The scripted connections have no runtime resource, so reads go through
 * `socketReader`'s `conn.read` fallback: one async wrapper more per read than
 * a real socket.
 *
 * @module
 */

import { encodeCommand } from "../tests/helpers/client.ts";
import { startServer } from "../src/mod.ts";
import { denoSocket } from "../src/server/client_socket.ts";

const CONNECTIONS = 50;
const REQUESTS_PER_CONNECTION = 100;
const ADDR: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 6379 };

// The server as `deno task start` runs it (every module: statistics, latency
// tracking, memory accounting, persistence hooks), without saving; the
// scripted connections bypass its listener.
const rift = await startServer({ config: { save: "" }, captureLogs: true });
const server = rift.server;

/** A connection that reads `request` `count` times, then the end of the stream. */
function scriptedConn(request: Uint8Array, count: number, wrote: (n: number) => void): Deno.Conn {
  let left = count;
  const conn = {
    remoteAddr: ADDR,
    localAddr: ADDR,
    read(buffer: Uint8Array): Promise<number | null> {
      if (left === 0) return Promise.resolve(null);
      left--;
      buffer.set(request);
      return Promise.resolve(request.length);
    },
    write(bytes: Uint8Array): Promise<number> {
      wrote(bytes.length);
      return Promise.resolve(bytes.length);
    },
    close() {},
  };
  return conn as unknown as Deno.Conn;
}

/** Runs every connection to its end; checks that each request got its reply. */
async function serve(request: Uint8Array, replyLength: number): Promise<void> {
  let written = 0;
  const runs: Promise<void>[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const conn = scriptedConn(request, REQUESTS_PER_CONNECTION, (n) => written += n);
    runs.push(server.createClient(denoSocket(conn)).run());
  }
  await Promise.all(runs);
  const expected = CONNECTIONS * REQUESTS_PER_CONNECTION * replyLength;
  if (written !== expected) throw new Error(`wrote ${written} bytes, expected ${expected}`);
}

const REQUESTS = (CONNECTIONS * REQUESTS_PER_CONNECTION).toLocaleString("en-US");

const ping = encodeCommand(["PING"]);
Deno.bench(`connection loop: ${REQUESTS} PINGs, one per read`, { group: "loop" }, async () => {
  await serve(ping, "+PONG\r\n".length);
});

const set = encodeCommand(["SET", "key:000000012345", "xxx"]);
Deno.bench(`connection loop: ${REQUESTS} SETs, one per read`, { group: "loop" }, async () => {
  await serve(set, "+OK\r\n".length);
});
