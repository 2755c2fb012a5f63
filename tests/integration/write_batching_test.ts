/**
 * Replies of every connection served in one turn of the event loop are
 * written together after the last of them ran (Server.writeBarrier), and
 * batching never reorders or loses a reply.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { latin1 } from "../helpers/client.ts";
import { withRift } from "../helpers/server.ts";
import type { Client } from "../../src/server/client.ts";

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assertTrue(condition(), "condition not reached");
}

Deno.test("write batching: clients at one barrier start writing together, after the last arrived", async () => {
  await withRift(async (rift) => {
    const a = await rift.client();
    const b = await rift.client();
    await waitFor(() => rift.server.clients.size === 2);
    const [ca, cb] = [...rift.server.clients.values()] as Client[];
    ca.out.raw(new TextEncoder().encode("+first\r\n"));
    const barrier = rift.server.writeBarrier(ca);
    // Another connection served in the same turn joins the same barrier...
    cb.out.raw(new TextEncoder().encode("+second\r\n"));
    assertTrue(rift.server.writeBarrier(cb) === barrier, "one barrier per turn");
    // ...and nothing is written before the turn's commands are all done.
    assertEquals([ca.out.length, cb.out.length], [8, 9]);
    await barrier;
    assertEquals([ca.out.length, cb.out.length], [0, 0]);
    assertEquals((await a.read()).reply, { type: "simple", text: "first" });
    assertEquals((await b.read()).reply, { type: "simple", text: "second" });
    // The next turn gets a new barrier.
    ca.out.raw(new TextEncoder().encode("+third\r\n"));
    const next = rift.server.writeBarrier(ca);
    assertTrue(next !== barrier);
    await next;
    assertEquals((await a.read()).reply, { type: "simple", text: "third" });
  });
});

Deno.test("write batching: 40 concurrent connections each get all their replies, in order", async () => {
  await withRift(async (rift) => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => rift.client()));
    const ROUNDS = 60;
    let checked = 0;
    await Promise.all(clients.map(async (c, i) => {
      for (let round = 1; round <= ROUNDS; round++) {
        // Alternate single commands and small pipelines, so connections are
        // served in turns of every size.
        if (round % 3 === 0) {
          await c.send("INCR", `counter:${i}`);
          await c.send("GET", `counter:${i}`);
          assertEquals(latin1((await c.read()).raw), `:${round}\r\n`);
          assertEquals(latin1((await c.read()).raw), `$${String(round).length}\r\n${round}\r\n`);
        } else {
          assertEquals(await c.value("INCR", `counter:${i}`), round);
        }
        checked++;
      }
    }));
    assertEquals(checked, 40 * ROUNDS);
    assertEquals(rift.server.stats.totalCommandsProcessed, 40 * (ROUNDS + ROUNDS / 3));
  });
});
