/**
 * Helpers for the hash and set tests: a seeded PRNG with generators of
 * awkward members (integers at the int64 edges, near-integers, binary,
 * long), and recorders for what a command did besides its reply: the
 * keyspace events Rift published and the commands it propagated, and the
 * same for a real redis-server (a pattern subscriber and its AOF).
 *
 * @module
 */

import type { Server } from "../../src/server/server.ts";
import { ReplyParser } from "../../src/resp/reply_parser.ts";
import type { Reply } from "../../src/resp/reply_parser.ts";
import { latin1, type RespClient } from "./client.ts";

/** A small, fast, seeded PRNG (mulberry32) so failures can be replayed. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Integers that test intset bounds and canonical-form rules, and strings that look like them. */
export const EDGE_INTEGERS = [
  "0",
  "1",
  "-1",
  "9223372036854775807",
  "-9223372036854775808",
  "9007199254740993",
  "-9007199254740993",
  "4294967296",
  "-2147483649",
];
/** Not canonical integers, though close: they force a set out of intset. */
export const NEAR_INTEGERS = [
  "-0",
  "01",
  "+1",
  " 1",
  "1 ",
  "9223372036854775808",
  "-9223372036854775809",
  "1.0",
  "",
];
/** Binary-unsafe content: NUL, CR/LF, invalid UTF-8, high bytes. */
export const BINARY_MEMBERS = ["a\x00b", "\r\n", "\xff\xfe", "\x80", "caf\xc3\xa9", "\x00"];

/**
 * A member for a random test: mostly small integers (so sets stay intsets
 * for a while), sometimes edge integers, near-integers, words, binary or
 * long strings.
 */
export function randomMember(rng: Rng, longLength = 70): string {
  const r = rng.next();
  if (r < 0.55) return String(rng.range(-30, 60));
  if (r < 0.62) return rng.pick(EDGE_INTEGERS);
  if (r < 0.68) return rng.pick(NEAR_INTEGERS);
  if (r < 0.9) return "m" + rng.int(40);
  if (r < 0.97) return rng.pick(BINARY_MEMBERS);
  return "L".repeat(longLength) + rng.int(5);
}

/** Latin1 text to bytes (test arguments carry arbitrary bytes). */
export function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** A command's argument vector as bytes. */
export function argvOf(args: readonly string[]): Uint8Array[] {
  return args.map(bytes);
}

function flatten(reply: Reply): string[] {
  if (reply.type === "array" || reply.type === "push") {
    return reply.items.map((r) => r.type === "bulk" ? latin1(r.value) : "");
  }
  return [];
}

/**
 * Records the keyspace events Rift publishes, through a connection-less
 * client subscribed to `__keyevent@*__:*` (the real publish path).
 * `take()` returns `event key` strings since the last call.
 */
export function recordRiftEvents(server: Server): { take(): string[] } {
  const sub = server.createClient(null);
  server.pubsub.psubscribe(sub, "__keyevent@*__:*");
  return {
    take() {
      const parser = new ReplyParser();
      parser.feed(sub.out.buf.subarray(0, sub.out.length));
      sub.out.truncate(0);
      const events: string[] = [];
      for (let r = parser.next(); r !== undefined; r = parser.next()) {
        const [, , channel, key] = flatten(r.reply);
        events.push(`${channel.slice(channel.indexOf(":") + 1)} ${key}`);
      }
      return events;
    },
  };
}

/**
 * Records the commands Rift propagates (what AOF and replicas would get),
 * as space-joined latin1 strings, `MULTI`/`EXEC` included.
 */
export function recordRiftPropagation(server: Server): { take(): string[] } {
  let seen: string[] = [];
  server.propagationSinks.push((batch) => {
    for (const p of batch) seen.push(p.argv.map(latin1).join(" "));
  });
  return {
    take() {
      const out = seen;
      seen = [];
      return out;
    },
  };
}

/**
 * Records Redis's keyspace events through a pattern subscription on its
 * own connection (the server must have `notify-keyspace-events` set).
 * `take()` waits for a PING sent after the command to come back, so every
 * event the command caused has arrived.
 */
export async function recordRedisEvents(
  client: RespClient,
): Promise<{ take(): Promise<string[]> }> {
  await client.call("PSUBSCRIBE", "__keyevent@*__:*");
  return {
    async take() {
      await client.send("PING");
      const events: string[] = [];
      for (;;) {
        const { reply } = await client.read();
        const items = flatten(reply);
        if (items[0] === "pong") return events;
        const [, , channel, key] = items;
        events.push(`${channel.slice(channel.indexOf(":") + 1)} ${key}`);
      }
    },
  };
}

/**
 * Reads the commands Redis 7.0 appended to its AOF (`appendonly yes`,
 * `appendfsync always`) since the last call, skipping SELECT.
 */
export function redisAofReader(dir: string): { take(): Promise<string[]> } {
  let offset = 0;
  return {
    async take() {
      const file = await Deno.open(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`);
      const chunks: Uint8Array[] = [];
      try {
        await file.seek(offset, Deno.SeekMode.Start);
        const buf = new Uint8Array(64 * 1024);
        for (let n = await file.read(buf); n !== null; n = await file.read(buf)) {
          chunks.push(buf.slice(0, n));
          offset += n;
        }
      } finally {
        file.close();
      }
      const parser = new ReplyParser();
      for (const chunk of chunks) parser.feed(chunk);
      const out: string[] = [];
      for (let r = parser.next(); r !== undefined; r = parser.next()) {
        const line = flatten(r.reply).join(" ");
        if (!line.toLowerCase().startsWith("select ")) out.push(line);
      }
      return out;
    },
  };
}
