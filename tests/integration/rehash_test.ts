/**
 * Incremental rehashing of a large keyspace: `activerehashing` (Redis's
 * directive, default yes) lets the cron finish a resize that writes alone
 * would only move on four buckets at a time; with it off the resize waits
 * for writes. Every key stays reachable meanwhile.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { waitFor } from "../helpers/persistence.ts";
import { withRift } from "../helpers/server.ts";

Deno.test("activerehashing: the cron finishes a keyspace resize, and only then when it is on", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const db = rift.server.keyspace.dbs[0];
    assertEquals(await c.value("CONFIG", "GET", "activerehashing"), ["activerehashing", "yes"]);
    // 65,537 keys outgrow 65,536 buckets: a resize that moves on incrementally.
    assertEquals(await c.raw("CONFIG", "SET", "activerehashing", "no"), "+OK\r\n");
    assertEquals(await c.raw("DEBUG", "POPULATE", "65537"), "+OK\r\n");
    assertTrue(db.rehashing, "a resize is under way");
    // The cron runs every 10 ms (hz 100): a few dozen ticks without moving it.
    await new Promise((r) => setTimeout(r, 300));
    assertTrue(db.rehashing, "without activerehashing only writes move the resize on");
    assertEquals(await c.value("GET", "key:65536"), "value:65536");
    assertEquals(await c.value("DBSIZE"), 65537);
    assertEquals(await c.raw("CONFIG", "SET", "activerehashing", "yes"), "+OK\r\n");
    await waitFor(() => Promise.resolve(!db.rehashing), "the cron to finish the resize");
    assertEquals(await c.value("GET", "key:0"), "value:0");
    assertEquals(await c.value("GET", "key:65536"), "value:65536");
    assertEquals(await c.value("DBSIZE"), 65537);
  }, { config: { "enable-debug-command": "yes", hz: 100 } });
});
