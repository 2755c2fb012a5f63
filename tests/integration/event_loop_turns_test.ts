/**
 * How often the busy epoll loop lets Deno's event loop take a turn: every
 * few milliseconds, and every millisecond while work that only moves on in
 * those turns is under way (a background save, an AOF fsync, background
 * eviction) or while the server is embedded in a host program. The server
 * must report each such piece of work for as long as it runs, and only then.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { infoField, removeDir, tempDir, waitFor } from "../helpers/persistence.ts";
import { withRift } from "../helpers/server.ts";
import { YIELD_EVERY_MS, YIELD_SOON_MS, yieldDue } from "../../src/server/epoll.ts";
import { production } from "../../src/server/production.ts";

Deno.test("event loop turns: a turn is due every few ms, or every ms while work wants one", () => {
  let asked = 0;
  const wants = (answer: boolean) => () => {
    asked++;
    return answer;
  };
  assertEquals(yieldDue(YIELD_SOON_MS / 2, wants(true)), false);
  assertEquals(asked, 0, "not asked before the short interval");
  assertEquals(yieldDue(YIELD_SOON_MS, wants(true)), true);
  assertEquals(yieldDue(YIELD_EVERY_MS - 0.1, wants(true)), true);
  assertEquals(yieldDue(YIELD_EVERY_MS - 0.1, wants(false)), false);
  assertEquals(asked, 3);
  assertEquals(yieldDue(YIELD_EVERY_MS, wants(false)), true);
  assertEquals(asked, 3, "not asked once the long interval passed");
  assertTrue(YIELD_SOON_MS < YIELD_EVERY_MS);
});

Deno.test("event loop turns: an embedded server always wants them; a background save is reported while it runs", async () => {
  const dir = await tempDir();
  try {
    await withRift(async (rift) => {
      const server = rift.server;
      assertEquals(server.wantsFrequentTurns(), true, "embedded: the host program needs turns");
      assertEquals(server.turnDrivenWorkUnderWay(), false);
      const c = await rift.client();
      for (let i = 0; i < 20; i++) await c.value("SET", `k${i}`, "v");
      // 20 keys at 10 ms each: the save runs for about 200 ms.
      await c.value("CONFIG", "SET", "rdb-key-save-delay", "10000");
      await c.value("BGSAVE");
      assertEquals(await infoField(c, "rdb_bgsave_in_progress"), "1");
      assertEquals(server.turnDrivenWorkUnderWay(), true);
      await c.value("CONFIG", "SET", "rdb-key-save-delay", "0");
      await waitFor(async () => await infoField(c, "rdb_bgsave_in_progress") === "0", "the save");
      assertEquals(server.turnDrivenWorkUnderWay(), false);
    }, { config: { dir, save: "" } });
  } finally {
    await removeDir(dir);
  }
});

Deno.test("event loop turns: an AOF fsync is reported while it runs (appendfsync always)", async () => {
  const dir = await tempDir();
  try {
    await withRift(async (rift) => {
      const server = rift.server;
      const c = await rift.client();
      // Each reply waits for its fsync, which completes in a later turn of
      // the event loop; a timer polling meanwhile sees it under way.
      let seen = 0;
      let polls = 0;
      let writing = true;
      const poll = () => {
        polls++;
        if (server.turnDrivenWorkUnderWay()) seen++;
        if (writing) setTimeout(poll, 0);
      };
      setTimeout(poll, 0);
      for (let i = 0; i < 200 && seen === 0; i++) await c.value("SET", `k${i}`, "v");
      writing = false;
      assertTrue(polls > 0, "the poller ran");
      assertTrue(seen > 0, `fsync seen under way in ${polls} polls`);
      await waitFor(() => Promise.resolve(!server.turnDrivenWorkUnderWay()), "the last fsync");
    }, { config: { dir, save: "", appendonly: "yes", appendfsync: "always" } });
  } finally {
    await removeDir(dir);
  }
});

Deno.test("event loop turns: background eviction is reported until it is done", async () => {
  await withRift(async (rift) => {
    const server = rift.server;
    const c = await rift.client();
    const value = "v".repeat(100);
    for (let i = 0; i < 20_000; i += 500) {
      for (let j = i; j < i + 500; j++) await c.send("SET", `key:${j}`, value);
      for (let j = i; j < i + 500; j++) await c.read();
    }
    // No time budget: each eviction cycle stops after its first check and
    // hands the rest to later turns.
    await c.value("CONFIG", "SET", "maxmemory-eviction-tenacity", "0");
    await c.value("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
    await c.value("CONFIG", "SET", "maxmemory", String(512 * 1024));
    assertEquals(server.turnDrivenWorkUnderWay(), true, "evicting in later turns");
    const memory = production(server).memory;
    await waitFor(() => Promise.resolve(!server.turnDrivenWorkUnderWay()), "background eviction");
    assertTrue(memory.used() <= 512 * 1024, "under the limit once done");
  });
});
