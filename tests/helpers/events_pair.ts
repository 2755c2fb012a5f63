/**
 * A differential pair that also compares keyspace events, with active
 * expiry switched off on both servers: a key whose expiry time has passed
 * then stays in place until a command touches it, so tests can look at
 * what each command does to such a key (Redis distinguishes reclaiming it
 * as `expired` from deleting it as `del`).
 *
 * @module
 */

import { assertEquals } from "./assert.ts";
import type { Arg } from "./client.ts";
import { describe, type Pair, withPair } from "./differential.ts";
import { recordRedisEvents } from "./hashsets.ts";

/** A pair whose `step` also asserts identical keyspace events. */
export interface EventsPair extends Pair {
  /** Sends to both; asserts identical replies and `__keyevent@*__` events; returns the reply. */
  step(...args: Arg[]): Promise<string>;
}

/**
 * Runs `fn` with an {@link EventsPair} (skips like `withPair` without
 * redis-server); `riftConfig` adds directives to Rift (e.g. its `dir`).
 */
export function withEventsPair(
  fn: (pair: EventsPair) => Promise<void>,
  riftConfig: Record<string, string> = {},
): Promise<boolean> {
  return withPair(async (p) => {
    const taps = await Promise.all([p.open("rift"), p.open("redis")].map(async (open) => {
      const c = await open;
      await c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
      return recordRedisEvents(c);
    }));
    for (const c of [p.rift, p.redis]) await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    const pair: EventsPair = {
      ...p,
      async step(...args) {
        const reply = await p.same(...args);
        const [x, y] = await Promise.all(taps.map((t) => t.take()));
        assertEquals(x, y, `events of ${describe(args)}`);
        return reply;
      },
    };
    await fn(pair);
  }, {
    rift: { config: { "enable-debug-command": "yes", ...riftConfig } },
    redisArgs: ["--enable-debug-command", "yes"],
  });
}
