/**
 * A differential pair that compares more than replies: Rift and a real
 * redis-server run with `notify-keyspace-events KEA` (and Redis with an
 * AOF), and every checked command must also publish the same keyspace
 * events and propagate the same commands. The Rift side exposes its server
 * so tests can compare value encodings with Redis's `OBJECT ENCODING`.
 *
 * @module
 */

import { assertEquals } from "./assert.ts";
import type { Arg, RespClient } from "./client.ts";
import { describe } from "./differential.ts";
import {
  recordRedisEvents,
  recordRiftEvents,
  recordRiftPropagation,
  redisAofReader,
} from "./hashsets.ts";
import { HAS_REDIS, startRedis, startRift } from "./server.ts";
import type { Server } from "../../src/server/server.ts";
import { TYPE_STRING } from "../../src/store/database.ts";

/** Both servers, their clients, and checks over replies, events and propagation. */
export interface ObservedPair {
  rift: RespClient;
  redis: RespClient;
  /** Rift's server, for looking at values directly. */
  server: Server;
  /** Sends to both; returns both raw replies, and both event and propagation logs. */
  run(...args: Arg[]): Promise<Observed>;
  /** Like {@link run}, asserting identical replies, events and propagation; returns the reply. */
  same(...args: Arg[]): Promise<string>;
  /**
   * Redis's `OBJECT ENCODING` of a key, or null when the key does not
   * exist; string encodings (`embstr`, `int`, `raw`) read as `string`.
   */
  redisEncoding(key: Arg): Promise<string | null>;
  /** `rdb_changes_since_last_save` of both servers: every write must count the same. */
  changes(): Promise<[number, number]>;
  /** Rift's encoding of a key, or null when the key does not exist; `string` for strings. */
  riftEncoding(key: Arg): string | null;
}

/** What one command did on each server. */
export interface Observed {
  replies: [string, string];
  events: [string[], string[]];
  propagated: [string[], string[]];
}

function toBytes(arg: Arg): Uint8Array {
  return arg instanceof Uint8Array ? arg : new TextEncoder().encode(String(arg));
}

/**
 * Runs `fn` with an observed pair. `directives` are applied to both servers
 * (e.g. small encoding limits). Skips like `withPair` when redis-server is
 * missing and `RIFT_REQUIRE_REDIS` is unset.
 */
export async function withObservedPair(
  fn: (pair: ObservedPair) => Promise<void>,
  directives: Record<string, string | number> = {},
): Promise<boolean> {
  if (!HAS_REDIS) {
    if (Deno.env.get("RIFT_REQUIRE_REDIS")) throw new Error("redis-server is required but missing");
    return false;
  }
  const dir = await Deno.makeTempDir({ prefix: "rift-hashsets-" });
  const rift = await startRift({ config: { "notify-keyspace-events": "KEA", ...directives } });
  const redisArgs = ["--notify-keyspace-events", "KEA", "--appendonly", "yes"];
  redisArgs.push("--appendfsync", "always");
  for (const [name, value] of Object.entries(directives)) {
    redisArgs.push(`--${name}`, String(value));
  }
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  try {
    redis = await startRedis(redisArgs, dir);
    const a = await rift.client();
    const b = await redis.client();
    const riftEvents = recordRiftEvents(rift.server);
    const riftPropagation = recordRiftPropagation(rift.server);
    const redisEvents = await recordRedisEvents(await redis.client());
    const aof = redisAofReader(dir);
    const pair: ObservedPair = {
      rift: a,
      redis: b,
      server: rift.server,
      async run(...args) {
        const replies = await Promise.all([a.raw(...args), b.raw(...args)]) as [string, string];
        const events: [string[], string[]] = [riftEvents.take(), await redisEvents.take()];
        const propagated: [string[], string[]] = [riftPropagation.take(), await aof.take()];
        return { replies, events, propagated };
      },
      async same(...args) {
        const { replies, events, propagated } = await pair.run(...args);
        const what = describe(args);
        assertEquals(replies[0], replies[1], `reply differs for: ${what}`);
        assertEquals(events[0], events[1], `keyspace events differ for: ${what}`);
        assertEquals(propagated[0], propagated[1], `propagation differs for: ${what}`);
        return replies[0];
      },
      async redisEncoding(key) {
        const reply = await b.value("OBJECT", "ENCODING", key);
        if (typeof reply !== "string") return null;
        return ["embstr", "int", "raw"].includes(reply) ? "string" : reply;
      },
      async changes() {
        const counts = await Promise.all([a, b].map(async (client) => {
          const info = String(await client.value("INFO", "persistence"));
          return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
        }));
        return counts as [number, number];
      },
      riftEncoding(key) {
        const db = rift.server.db(0);
        const id = db.find(toBytes(key));
        if (id < 0) return null;
        if (db.typeOf(id) === TYPE_STRING) return "string";
        return db.object<{ encoding(): string }>(id).encoding();
      },
    };
    await fn(pair);
  } finally {
    await redis?.stop();
    await rift.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return true;
}
