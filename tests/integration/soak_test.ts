/**
 * A short soak (bench/soak.ts runs the long one): clients keep connecting,
 * sending mixed commands and disconnecting, some abruptly with replies
 * unread. Every reply of a completed session is checked; afterwards no
 * client, blocked client, key or error is left, and Deno's sanitizers check
 * that no timer or socket outlives the server.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { withRift } from "../helpers/server.ts";
import { runSoak } from "../../bench/soak.ts";

Deno.test("soak: 20k commands from 200 reconnecting clients leave nothing behind", async () => {
  await withRift(async (rift) => {
    const report = await runSoak({ port: rift.port, commands: 20_000, clients: 200, seed: 7 });
    assertEquals(report.failures, []);
    assertTrue(report.commands >= 20_000, `only ${report.commands} commands`);
    assertTrue(report.connections >= 200, `only ${report.connections} connections`);
    assertTrue(report.abrupt > 0, "no session was dropped abruptly");
    assertTrue(report.checked > 15_000, `only ${report.checked} replies checked`);
    const server = rift.server;
    // The server sees the last disconnections shortly after the clients close.
    for (let i = 0; i < 100 && server.clients.size > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assertEquals(server.clients.size, 0);
    assertEquals([...server.clients.values()].filter((c) => c.blocked !== null).length, 0);
    assertEquals(server.keyspace.totalKeys(), 0);
    assertEquals(server.stats.totalErrorReplies, 0);
    assertEquals(server.pubsub.channels.size, 0);
  });
});
