/**
 * Support for the key-command tests: a Rift/Redis pair that also exposes
 * the embedded Rift server, capture of keyspace notifications and of
 * propagated commands on both sides (Rift's propagation sinks, Redis's
 * replication stream read as a replica), and a seeded PRNG.
 *
 * @module
 */

import { assertEquals } from "../helpers/assert.ts";
import { type Arg, latin1, RespClient, toValue, type Value } from "../helpers/client.ts";
import { describe } from "../helpers/differential.ts";
import {
  HAS_REDIS,
  type RedisProcess,
  startRedis,
  startRift,
  type TestRift,
} from "../helpers/server.ts";
import type { StartOptions } from "../../src/mod.ts";
import type { Server } from "../../src/server/server.ts";
import { ReplyParser } from "../../src/resp/reply_parser.ts";

/** Seeded PRNG (mulberry32): returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes of a latin1 string (one byte per char), for binary arguments. */
export function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** Rift and Redis side by side, with the Rift server reachable. */
export interface ServerPair {
  server: Server;
  riftHandle: TestRift;
  redisProcess: RedisProcess;
  rift: RespClient;
  redis: RespClient;
  /** Sends to both; asserts byte-identical replies; returns the reply. */
  same(...args: Arg[]): Promise<string>;
  /** Sends to both; asserts equal replies once arrays are sorted (KEYS, SCAN sets). */
  sameSorted(...args: Arg[]): Promise<Value>;
  /** Sends to both and returns both raw replies. */
  both(...args: Arg[]): Promise<[string, string]>;
}

/** Sorts every array in a reply value (order-independent comparison). */
export function sortedValue(v: Value): Value {
  if (Array.isArray(v)) {
    return v.map(sortedValue).sort((a, b) => {
      const x = JSON.stringify(a);
      const y = JSON.stringify(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  return v;
}

/**
 * Runs `fn` with a fresh Rift and a fresh redis-server. Returns false
 * (skipped) when redis-server is missing, unless `RIFT_REQUIRE_REDIS` is set.
 */
export async function withServers(
  fn: (pair: ServerPair) => Promise<void>,
  options: { rift?: StartOptions; redisArgs?: string[] } = {},
): Promise<boolean> {
  if (!HAS_REDIS) {
    if (Deno.env.get("RIFT_REQUIRE_REDIS")) throw new Error("redis-server is required but missing");
    return false;
  }
  const riftHandle = await startRift(options.rift);
  let redisProcess: RedisProcess | undefined;
  try {
    redisProcess = await startRedis(options.redisArgs ?? []);
    const rift = await riftHandle.client();
    const redis = await redisProcess.client();
    const pair: ServerPair = {
      server: riftHandle.server,
      riftHandle,
      redisProcess,
      rift,
      redis,
      async same(...args) {
        const [x, y] = await pair.both(...args);
        assertEquals(x, y, `reply differs for: ${describe(args)}`);
        return x;
      },
      async sameSorted(...args) {
        const [x, y] = await Promise.all([rift.value(...args), redis.value(...args)]);
        assertEquals(sortedValue(x), sortedValue(y), `reply differs for: ${describe(args)}`);
        return x;
      },
      async both(...args) {
        return await Promise.all([rift.raw(...args), redis.raw(...args)]);
      },
    };
    await fn(pair);
  } finally {
    await redisProcess?.stop();
    await riftHandle.stop();
  }
  return true;
}

/**
 * Records the keyspace notifications a Rift server publishes, as
 * `channel message` strings, by wrapping its PubSub. Returns a function
 * that hands over (and clears) what was recorded.
 */
export function captureRiftEvents(server: Server): () => string[] {
  let events: string[] = [];
  const pubsub = server.pubsub;
  const publish = pubsub.publish.bind(pubsub);
  pubsub.publish = (channel, message) => {
    events.push(`${latin1(channel)} ${latin1(message)}`);
    return publish(channel, message);
  };
  return () => {
    const out = events;
    events = [];
    return out;
  };
}

/**
 * Subscribes a new connection to every keyspace notification of a Redis
 * server. The returned function drains the notifications received so far
 * (a PING round trip guarantees every earlier message has arrived).
 */
export async function captureRedisEvents(redis: RedisProcess): Promise<() => Promise<string[]>> {
  const sub = await redis.client();
  await sub.call("PSUBSCRIBE", "__key*__:*");
  return async () => {
    await sub.send("PING");
    const events: string[] = [];
    for (;;) {
      const v = toValue((await sub.read()).reply) as string[];
      if (v[0] === "pong") return events;
      events.push(`${v[2]} ${v[3]}`);
    }
  };
}

/** A propagated command as `db:ARG ARG...` (args in JSON so bytes stay visible). */
function formatCommand(db: number, argv: Uint8Array[]): string {
  return `${db}:${argv.map((a) => JSON.stringify(latin1(a))).join(" ")}`;
}

/** Records what a Rift server propagates (AOF/replicas), flattened, one line per command. */
export function captureRiftPropagation(server: Server): () => string[] {
  let log: string[] = [];
  server.propagationSinks.push((batch) => {
    for (const { db, argv } of batch) log.push(formatCommand(db, argv));
  });
  return () => {
    const out = log;
    log = [];
    return out;
  };
}

const MARKER_CHANNEL = "__rift_test_marker__";

/**
 * Reads a Redis server's replication stream as a replica would (SYNC),
 * so tests can see exactly what Redis propagates. `drain` publishes a
 * marker (PUBLISH is propagated, and touches no key) and returns the
 * commands before it, in the same format as {@link captureRiftPropagation}.
 */
export async function captureRedisPropagation(
  redis: RedisProcess,
): Promise<{ drain: () => Promise<string[]>; close: () => void }> {
  const control = await redis.client();
  await control.call("CONFIG", "SET", "repl-diskless-sync", "no");
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: redis.port });
  await conn.write(bytes("SYNC\r\n"));
  let pending = new Uint8Array(0);
  const chunk = new Uint8Array(64 * 1024);
  const readMore = async () => {
    const n = await conn.read(chunk);
    if (n === null) throw new Error("replication stream closed");
    const merged = new Uint8Array(pending.length + n);
    merged.set(pending);
    merged.set(chunk.subarray(0, n), pending.length);
    pending = merged;
  };
  // Skip keep-alive newlines, then the `$<len>\r\n<rdb>` payload (no CRLF after it).
  for (;;) {
    while (pending.length === 0) await readMore();
    if (pending[0] === 10) {
      pending = pending.subarray(1);
      continue;
    }
    let eol: number;
    while ((eol = pending.indexOf(10)) < 0) await readMore();
    const len = Number(latin1(pending.subarray(1, eol - 1)));
    while (pending.length < eol + 1 + len) await readMore();
    pending = pending.subarray(eol + 1 + len);
    break;
  }
  const parser = new ReplyParser();
  parser.feed(pending);
  let db = 0;
  let markers = 0;
  return {
    async drain() {
      const marker = `m${++markers}`;
      await control.call("PUBLISH", MARKER_CHANNEL, marker);
      const out: string[] = [];
      for (;;) {
        let r = parser.next();
        while (r === undefined) {
          const n = await conn.read(chunk);
          if (n === null) throw new Error("replication stream closed");
          parser.feed(chunk.subarray(0, n));
          r = parser.next();
        }
        if (r.reply.type !== "array") continue;
        const argv = r.reply.items.map((item) =>
          item.type === "bulk" ? item.value : bytes(String(toValue(item)))
        );
        const name = latin1(argv[0]).toUpperCase();
        if (name === "SELECT") {
          db = Number(latin1(argv[1]));
          continue;
        }
        if (name === "PING") continue;
        if (name === "PUBLISH" && latin1(argv[1]) === MARKER_CHANNEL) {
          if (latin1(argv[2]) === marker) return out;
          continue;
        }
        out.push(formatCommand(db, argv));
      }
    },
    close() {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    },
  };
}
