/**
 * SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF and the persistence side of the
 * server (INFO persistence, save points, FLUSHALL's save, MISCONF after a
 * failed save), compared with redis-server where replies are concerned.
 */

import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import type { RespClient } from "../helpers/client.ts";
import { withPair } from "../helpers/differential.ts";
import { startRift } from "../helpers/server.ts";
import { infoField, removeDir, tempDir, waitFor } from "../helpers/persistence.ts";
import { ManualClock } from "../../src/mod.ts";
import { MISCONF_RDB } from "../../src/persistence/persistence.ts";

const idle = (c: RespClient) => async () =>
  await infoField(c, "rdb_bgsave_in_progress") === "0" &&
  await infoField(c, "aof_rewrite_in_progress") === "0";

/**
 * Waits until a server's background jobs are over, including one scheduled
 * to start after them: Redis starts a scheduled BGSAVE from its cron (every
 * 100 ms), and INFO does not show it as pending, so idle must hold again
 * after a pause longer than that.
 */
async function settled(c: RespClient, what: string): Promise<void> {
  await waitFor(idle(c), what);
  await new Promise((resolve) => setTimeout(resolve, 250));
  await waitFor(idle(c), what);
}

Deno.test("persistence commands: replies and errors while background jobs run match Redis", async () => {
  const dir = await tempDir();
  try {
    await withPair(async (p) => {
      await p.same("SET", "a", "1");
      await p.same("SET", "b", "2");
      await p.same("BGSAVE", "FOO");
      await p.same("BGSAVE", "SCHEDULE", "NOW");
      await p.same("LASTSAVE", "x");
      // 500 ms per key: the background jobs below outlast the commands sent meanwhile,
      // even on a loaded machine.
      await p.same("CONFIG", "SET", "rdb-key-save-delay", "500000");
      await p.same("BGSAVE");
      await p.same("BGSAVE");
      await p.same("BGSAVE", "SCHEDULE");
      await p.same("SAVE");
      await p.same("BGREWRITEAOF");
      assertEquals(await infoField(p.rift, "aof_rewrite_scheduled"), "1");
      await p.same("MULTI");
      await p.same("SAVE");
      await p.same("EXEC");
      await p.same("CONFIG", "SET", "rdb-key-save-delay", "0");
      await settled(p.rift, "Rift's jobs");
      await settled(p.redis, "Redis's jobs");

      await p.same("CONFIG", "SET", "rdb-key-save-delay", "500000");
      await p.same("BGREWRITEAOF");
      await p.same("BGREWRITEAOF");
      await p.same("BGSAVE");
      await p.same("BGSAVE", "SCHEDULE");
      await p.same("CONFIG", "SET", "rdb-key-save-delay", "0");
      await settled(p.rift, "Rift's jobs");
      await settled(p.redis, "Redis's jobs");

      // Inside a transaction, BGSAVE and BGREWRITEAOF are only scheduled (a snapshot
      // must not see half a transaction).
      await p.same("MULTI");
      await p.same("BGSAVE");
      await p.same("BGREWRITEAOF");
      await p.same("EXEC");
      await settled(p.rift, "Rift's jobs");
      await settled(p.redis, "Redis's jobs");
      assertEquals(await infoField(p.rift, "rdb_last_bgsave_status"), "ok");
      assertEquals(await p.same("SAVE"), "+OK\r\n");
      const lastsave = await p.rift.value("LASTSAVE") as number;
      assertTrue(Math.abs(lastsave - Date.now() / 1000) < 5, `LASTSAVE ${lastsave}`);
    }, { rift: { config: { dir } } });
  } finally {
    await removeDir(dir);
  }
});

Deno.test("persistence commands: directives validate and report like Redis's", async () => {
  const dir = await tempDir();
  try {
    await withPair(async (p) => {
      for (
        const [name, value] of [
          ["dbfilename", "other.rdb"],
          ["rdbcompression", "no"],
          ["rdbchecksum", "no"],
          ["appendfilename", "x.aof"],
          ["appenddirname", "xdir"],
          ["appendfsync", "bad"],
          ["appendfsync", "always"],
          ["appendonly", "maybe"],
          ["aof-use-rdb-preamble", "no"],
          ["aof-load-truncated", "no"],
          ["auto-aof-rewrite-percentage", "-1"],
          ["auto-aof-rewrite-percentage", "50"],
          ["auto-aof-rewrite-min-size", "1mb"],
          ["stop-writes-on-bgsave-error", "no"],
          ["save", "10"],
          ["save", "1 2 3 4"],
          ["rdb-key-save-delay", "10"],
          ["key-load-delay", "10"],
        ]
      ) {
        await p.same("CONFIG", "SET", name, value);
        await p.same("CONFIG", "GET", name);
      }
    }, { rift: { config: { dir } } });
  } finally {
    await removeDir(dir);
  }
});

Deno.test("persistence commands: INFO persistence has Redis's fields in Redis's order", async () => {
  const dir = await tempDir();
  try {
    await withPair(async (p) => {
      const fields = async (c: RespClient) =>
        (await c.value("INFO", "persistence") as string).split("\r\n").filter((l) =>
          l.includes(":")
        )
          .map((l) => l.split(":")[0]);
      assertEquals(await fields(p.rift), await fields(p.redis));
      await p.same("CONFIG", "SET", "appendonly", "yes");
      await settled(p.rift, "Rift's rewrite");
      await settled(p.redis, "Redis's rewrite");
      assertEquals(await fields(p.rift), await fields(p.redis));
      assertEquals(await infoField(p.rift, "aof_enabled"), "1");
      assertEquals(await infoField(p.rift, "aof_rewrites"), "1");
      await p.same("CONFIG", "SET", "appendonly", "no");
      assertEquals(await fields(p.rift), await fields(p.redis));
    }, { rift: { config: { dir } } });
  } finally {
    await removeDir(dir);
  }
});

Deno.test("persistence commands: a failed background save stops writes (MISCONF) like Redis", async () => {
  const dir = await tempDir();
  const riftDir = `${dir}/rift`;
  const redisDir = `${dir}/redis`;
  await Deno.mkdir(riftDir);
  await Deno.mkdir(redisDir);
  try {
    await withPair(async (p) => {
      await p.same("SET", "k", "v");
      // The data directory disappears: the next save cannot create its file.
      await Deno.remove(riftDir);
      await Deno.remove(redisDir);
      await p.same("BGSAVE");
      await settled(p.rift, "Rift's save");
      await settled(p.redis, "Redis's save");
      assertEquals(await infoField(p.rift, "rdb_last_bgsave_status"), "err");
      assertEquals(await p.same("SET", "k", "w"), `-${MISCONF_RDB}\r\n`);
      await p.same("PING");
      await p.same("GET", "k");
      await p.same("MULTI");
      await p.same("SET", "k", "w");
      await p.same("EXEC");
      await p.same("SAVE");
      await p.same("CONFIG", "SET", "stop-writes-on-bgsave-error", "no");
      await p.same("SET", "k", "x");
      await p.same("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes");
      await p.same("SET", "k", "y");
      await p.same("CONFIG", "SET", "save", "");
      await p.same("SET", "k", "z");
    }, {
      rift: { config: { dir: riftDir, save: "3600 1" } },
      redisArgs: ["--dir", redisDir, "--save", "3600 1"],
    });
  } finally {
    await removeDir(dir);
  }
});

Deno.test("persistence commands: FLUSHALL saves an empty dataset when save points exist, as Redis", async () => {
  const dir = await tempDir();
  try {
    await withPair(async (p) => {
      await p.same("SET", "a", "1");
      await p.same("SET", "b", "2");
      await p.same("SAVE");
      await p.same("SET", "c", "3");
      await p.same("FLUSHALL");
      assertEquals(await infoField(p.rift, "rdb_changes_since_last_save"), "0");
      assertEquals(
        await infoField(p.rift, "rdb_changes_since_last_save"),
        await infoField(p.redis, "rdb_changes_since_last_save"),
      );
    }, { rift: { config: { dir, save: "3600 1" } }, redisArgs: ["--save", "3600 1"] });
    const again = await startRift({ config: { dir } });
    try {
      assertEquals(again.server.keyspace.totalKeys(), 0, "the dump saved by FLUSHALL is empty");
    } finally {
      await again.stop();
    }
  } finally {
    await removeDir(dir);
  }
});

Deno.test('persistence commands: save points trigger a background save from the cron; save "" disables them', async () => {
  const dir = await tempDir();
  const clock = new ManualClock(Date.now());
  const rift = await startRift({
    clock,
    logLevel: "notice",
    config: { dir, save: "100 2", hz: 100 },
  });
  try {
    const c = await rift.client();
    await c.call("SET", "a", "1");
    clock.advance(101_000);
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(await infoField(c, "rdb_saves"), "0", "one change is not enough");
    await c.call("SET", "b", "2");
    await waitFor(async () => await infoField(c, "rdb_saves") === "1", "the save point");
    await waitFor(idle(c), "the background save");
    assertEquals(await infoField(c, "rdb_changes_since_last_save"), "0");
    assertEquals(await c.value("LASTSAVE"), Math.floor(clock.now() / 1000));
    assertMatch(
      (rift.server.log.captured ?? []).join("\n"),
      /2 changes in 100 seconds\. Saving\.\.\./,
    );
    await c.call("CONFIG", "SET", "save", "");
    await c.call("SET", "c", "3");
    await c.call("SET", "d", "4");
    clock.advance(1_000_000);
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(await infoField(c, "rdb_saves"), "1");
  } finally {
    await rift.stop();
    await removeDir(dir);
  }
});
