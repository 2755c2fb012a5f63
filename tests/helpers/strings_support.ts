/**
 * Test support for the string and bitmap commands: a stand-in list value
 * (for WRONGTYPE), and recorders for keyspace notifications and for what a
 * server propagates to the AOF.
 *
 * @module
 */

import { latin1, RespClient } from "./client.ts";
import type { TestRift } from "./server.ts";
import type { Collection } from "../../src/store/collection.ts";
import { TYPE_LIST } from "../../src/store/database.ts";
import { utf8 } from "../../src/util/bytes.ts";

/** A minimal list value, so string commands can meet a key of another type. */
export class FakeList implements Collection {
  readonly size = 1;
  encoding(): string {
    return "listpack";
  }
  clone(): Collection {
    return new FakeList();
  }
  memoryUsage(): number {
    return 16;
  }
}

/** Stores a list under `key` in database 0 of an embedded Rift. */
export function makeList(rift: TestRift, key: string): void {
  rift.server.db(0).setObject(utf8(key), TYPE_LIST, new FakeList());
}

const MARK = "__events_mark__";

/** Records keyspace notifications (`notify-keyspace-events` must be enabled). */
export interface EventRecorder {
  /**
   * Runs `fn`, then returns the notifications published meanwhile as
   * `channel message` lines (keyspace and keyevent), in order.
   */
  during(fn: () => Promise<unknown>): Promise<string[]>;
}

/**
 * Subscribes a fresh connection to every keyspace notification through the
 * server's pub/sub registry directly (the PSUBSCRIBE command lives in
 * another module), and uses `main` to write an end marker.
 */
export async function recordEvents(rift: TestRift, main: RespClient): Promise<EventRecorder> {
  const listener = await rift.client();
  const id = (await listener.value("CLIENT", "ID")) as number;
  rift.server.pubsub.psubscribe(rift.server.clients.get(id)!, "__key*__:*");
  return {
    async during(fn) {
      await fn();
      await main.call("SET", MARK, "1");
      const seen: string[] = [];
      for (;;) {
        const { reply } = await listener.read();
        if (reply.type !== "array" && reply.type !== "push") continue;
        const [, , channel, message] = reply.items.map((r) =>
          r.type === "bulk" ? latin1(r.value) : ""
        );
        if (message === MARK) return seen;
        if (!channel.endsWith(MARK)) seen.push(`${channel} ${message}`);
      }
    },
  };
}

/** Collects the commands a server propagates, as space-joined latin1 text. */
export function recordPropagation(rift: TestRift): string[] {
  const log: string[] = [];
  rift.server.propagationSinks.push((batch) => {
    for (const { argv } of batch) log.push(argv.map((a) => latin1(a)).join(" "));
  });
  return log;
}
