/**
 * Differential testing: send the same commands to Rift and to a real
 * redis-server and require byte-identical replies.
 *
 * @module
 */

import { assertEquals } from "./assert.ts";
import { type Arg, latin1, RespClient } from "./client.ts";
import { HAS_REDIS, type RedisProcess, startRedis, startRift } from "./server.ts";
import type { Server, StartOptions } from "../../src/mod.ts";

/** Readable form of a command for failure messages. */
export function describe(args: Arg[]): string {
  return args.map((
    a,
  ) => (a instanceof Uint8Array ? JSON.stringify(latin1(a)) : JSON.stringify(String(a))))
    .join(" ");
}

/** A pair of connections, one to Rift and one to Redis, on servers started for the test. */
export interface Pair {
  rift: RespClient;
  redis: RespClient;
  /** Sends to both; asserts identical raw replies; returns the reply text. */
  same(...args: Arg[]): Promise<string>;
  /** Sends to both and returns both raw replies without asserting. */
  both(...args: Arg[]): Promise<[string, string]>;
  /** Opens one more connection to one of the servers (closed when the pair stops). */
  open(server: "rift" | "redis"): Promise<RespClient>;
  /** The embedded Rift server (clock, cron, propagation sinks...). */
  riftServer: Server;
}

/**
 * Runs `fn` with a Rift and a Redis started with equivalent settings.
 * Skips (returns without running) when redis-server is not installed and
 * `RIFT_REQUIRE_REDIS` is not set; CI sets it so the tests cannot silently skip.
 */
export async function withPair(
  fn: (pair: Pair) => Promise<void>,
  options: { rift?: StartOptions; redisArgs?: string[] } = {},
): Promise<boolean> {
  if (!HAS_REDIS) {
    if (Deno.env.get("RIFT_REQUIRE_REDIS")) throw new Error("redis-server is required but missing");
    return false;
  }
  const rift = await startRift(options.rift);
  let redis: RedisProcess | undefined;
  try {
    redis = await startRedis(options.redisArgs ?? []);
    const a = await rift.client();
    const b = await redis.client();
    const pair: Pair = {
      rift: a,
      redis: b,
      async same(...args) {
        const [x, y] = await pair.both(...args);
        assertEquals(x, y, `reply differs for: ${describe(args)}`);
        return x;
      },
      async both(...args) {
        return await Promise.all([a.raw(...args), b.raw(...args)]);
      },
      open: (server) => server === "rift" ? rift.client() : redis!.client(),
      riftServer: rift.server,
    };
    await fn(pair);
  } finally {
    await redis?.stop();
    await rift.stop();
  }
  return true;
}
