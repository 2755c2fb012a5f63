/**
 * Protocol robustness helpers: raw byte sessions (write some chunks, half
 * close, read everything until the server closes) so two servers' complete
 * answers to the same bytes can be compared, and a seeded generator of
 * request streams mixing valid RESP and inline commands with malformed
 * frames, huge announced lengths, stray bytes and truncated commands.
 *
 * @module
 */

import { encodeCommand, latin1 } from "./client.ts";
import { Rng } from "./hashsets.ts";

/** Bytes of a latin1 string. */
export function raw(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/**
 * Connects, writes `chunks` (pausing `gapMs` between them so they arrive as
 * separate reads), half-closes, and returns every byte the server sent
 * until it closed the connection.
 */
export async function rawSession(
  port: number,
  chunks: Uint8Array[],
  gapMs = 0,
  timeoutMs = 10_000,
): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.setNoDelay(true);
  const received: Uint8Array[] = [];
  const reading = (async () => {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
        received.push(buf.slice(0, n));
      }
    } catch {
      // Reset by the server after a protocol error: the end of the stream.
    }
  })();
  try {
    for (let i = 0; i < chunks.length; i++) {
      if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      let off = 0;
      while (off < chunks[i].length) off += await conn.write(chunks[i].subarray(off));
    }
    await conn.closeWrite();
  } catch {
    // The server closed first (protocol error): keep what it sent.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = await Promise.race([
    reading.then(() => false),
    new Promise<boolean>((r) => timer = setTimeout(() => r(true), timeoutMs)),
  ]);
  clearTimeout(timer);
  try {
    conn.close();
  } catch {
    // Already closed.
  }
  await reading;
  let text = "";
  for (const part of received) text += latin1(part);
  return timedOut ? `${text}<still open after ${timeoutMs} ms>` : text;
}

/** Keys the valid commands of the random streams write, so datasets can be compared. */
export const STREAM_KEYS = ["p:a", "p:b", "p:list", "p:hash", "p:n", "p:\x00\r\n"];

/** A seeded generator of request streams: valid and malformed fragments. */
export class StreamFuzzer {
  readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.rng.int(items.length)];
  }

  private randomBytes(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.rng.int(256));
    return s;
  }

  /** A valid command as a multibulk. */
  private validCommand(): Uint8Array {
    const k = raw(this.pick(STREAM_KEYS));
    // Large values stay under 64 KB: after stray bytes a value can end up
    // read as an inline line, and where Redis rejects a longer one depends on
    // how much each of its reads brought.
    const v = raw(
      this.rng.next() < 0.05 ? "x".repeat(20_000 + this.rng.int(40_000)) : this.randomBytes(
        this.rng.int(12),
      ),
    );
    const commands = [
      ["SET", k, v],
      ["APPEND", k, v],
      ["GET", k],
      ["RPUSH", raw("p:list"), v],
      ["LRANGE", raw("p:list"), "0", "3"],
      ["HSET", raw("p:hash"), v, k],
      ["INCR", raw("p:n")],
      ["DEL", k],
      ["PING"],
      ["ECHO", v],
      ["EXISTS", k, raw("p:list")],
    ];
    return encodeCommand(this.pick(commands));
  }

  /** A valid inline command (Redis splits on spaces, honours quotes and escapes). */
  private inline(): string {
    return this.pick([
      "PING\r\n",
      "SET p:a inline-value\r\n",
      'SET p:b "quoted value with \\x41\\n escapes"\r\n',
      "GET p:a\n",
      "   \r\n",
      "\r\n",
      "INCR p:n\r\n",
      "ECHO 'single quoted'\r\n",
      "EXISTS p:a p:b\r\n",
    ]);
  }

  /** A malformed or hostile fragment. */
  private malformed(): string {
    return this.pick([
      "*abc\r\n",
      "*1\r\n$-5\r\n",
      "*1\r\n$1x\r\n",
      "*2\r\n$4\r\nECHO\r\n:5\r\n",
      'SET "unbalanced\r\n',
      "SET 'unbalanced\r\n",
      'SET "a"b\r\n',
      "*1\r\n$2147483648\r\n",
      "*1\r\n$536870913\r\n",
      "*1\r\n$536870912\r\n",
      "*2147483648\r\n",
      "*1048577\r\n",
      "*-1\r\n",
      "*0\r\n",
      "*1\r\n$0\r\n\r\n",
      "*1\r\n$3\r\nabcXY",
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n",
      "$5\r\nworld\r\n",
      ":1\r\n",
      "+PING\r\n",
      "-ERR\r\n",
      "\x00\x01\x02\r\n",
      "\xff\xfe unknown \x80\r\n",
      "*1\r\n$4\r\nPI",
      this.randomBytes(1 + this.rng.int(24)),
      "*1\r\n" + "$" + "9".repeat(30) + "\r\n",
      // Lines past 64 KB without a newline: far past, since where Redis
      // notices depends on how much each of its reads (16 KB) brought.
      "*" + "1".repeat(200_000),
      "$" + "1".repeat(200_000),
      "x".repeat(200_000),
    ]);
  }

  /**
   * A stream: a few fragments, mostly valid, cut into chunks at random
   * points (some chunk boundaries fall inside commands).
   */
  stream(): Uint8Array[] {
    const parts: Uint8Array[] = [];
    for (let n = 1 + this.rng.int(8); n > 0; n--) {
      const r = this.rng.next();
      if (r < 0.55) parts.push(this.validCommand());
      else if (r < 0.75) parts.push(raw(this.inline()));
      else parts.push(raw(this.malformed()));
    }
    let total = 0;
    for (const p of parts) total += p.length;
    const all = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    const cuts = new Set<number>();
    for (let n = this.rng.int(4); n > 0; n--) cuts.add(1 + this.rng.int(Math.max(1, total - 1)));
    const points = [0, ...[...cuts].filter((c) => c < total).sort((a, b) => a - b), total];
    const chunks: Uint8Array[] = [];
    for (let i = 0; i + 1 < points.length; i++) chunks.push(all.subarray(points[i], points[i + 1]));
    return chunks;
  }
}

/**
 * One client leaving at an awkward moment, chosen by `pick` (0-4): in the
 * middle of a command, with megabytes of replies unread, while blocked
 * (with a command pipelined behind), while subscribed, or inside MULTI
 * after WATCH. None of its unfinished work may run; the caller checks that
 * nothing is left behind. `big` must name a large list.
 */
export async function leaveAwkwardly(port: number, pick: number, big: string): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const write = (bytes: Uint8Array | string) =>
    conn.write(typeof bytes === "string" ? raw(bytes) : bytes);
  const settle = async () => {
    // Lets the server read what was sent before the connection drops.
    await new Promise((r) => setTimeout(r, 5));
  };
  try {
    if (pick === 0) {
      await write("*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$100\r\nabc");
    } else if (pick === 1) {
      for (let i = 0; i < 5; i++) await write(encodeCommand(["LRANGE", big, "0", "-1"]));
    } else if (pick === 2) {
      await write(encodeCommand(["BLPOP", "leave:nothing", "0"]));
      await write(encodeCommand(["SET", "leave:after-block", "never"]));
    } else if (pick === 3) {
      await write(encodeCommand(["SUBSCRIBE", "leave:ch1", "leave:ch2"]));
      await write(encodeCommand(["PSUBSCRIBE", "leave:*"]));
    } else {
      await write(encodeCommand(["WATCH", "leave:watched"]));
      await write(encodeCommand(["MULTI"]));
      await write(encodeCommand(["SET", "leave:in-multi", "never"]));
    }
    await settle();
  } finally {
    conn.close();
  }
}
