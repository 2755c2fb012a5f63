/**
 * Persistence across real process lifetimes (the Deno binary running
 * main.ts): kill -9 during a write load with `appendfsync always` never
 * loses an acknowledged write; kill -9 during BGSAVE leaves the previous
 * dump.rdb intact; a slow load answers `-LOADING` with INFO's loading
 * fields and logs its progress; SIGTERM and SHUTDOWN save as configured,
 * except during a load, which they stop without saving.
 */

import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import type { RespClient } from "../helpers/client.ts";
import { type RiftProcess, spawnRift } from "../helpers/process.ts";
import { HAS_REDIS } from "../helpers/server.ts";
import { infoField, removeDir, tempDir, waitFor } from "../helpers/persistence.ts";

/** Starts Rift and waits until it has loaded its data (clients get -LOADING until then). */
async function spawnLoaded(args: string[], dir: string): Promise<RiftProcess> {
  const rift = await spawnRift(args, dir);
  const c = await rift.client();
  await waitFor(async () => await infoField(c, "loading") === "0", "the load");
  return rift;
}

/** Writes `dump.rdb` in `dir` with `key0`…`key<n-1>` (values `value<i>`), through a Rift process. */
async function saveKeys(dir: string, keys: number): Promise<void> {
  const rift = await spawnRift(["--dir", dir, "--save", ""], dir);
  const c = await rift.client();
  for (let i = 0; i < keys; i += 100) {
    const args: string[] = [];
    for (let j = i; j < i + 100; j++) args.push(`key${j}`, `value${j}`);
    await c.call("MSET", ...args);
  }
  await c.call("SAVE");
  await rift.stop();
}

/** Pushes 0, 1, 2... to `list` in pipelined batches until the connection dies; returns the last acknowledged. */
async function pushUntilKilled(c: RespClient, list: string): Promise<number> {
  let acked = -1;
  try {
    for (let next = 0;; next += 8) {
      for (let i = 0; i < 8; i++) await c.send("RPUSH", list, next + i);
      for (let i = 0; i < 8; i++) {
        const { reply } = await c.read(3000);
        if (reply.type !== "integer") return acked;
        acked = next + i;
      }
    }
  } catch {
    return acked;
  }
}

Deno.test("process: kill -9 during writes with appendfsync always loses no acknowledged write (5 rounds)", async () => {
  const dir = await tempDir();
  const args = ["--dir", dir, "--appendonly", "yes", "--appendfsync", "always", "--save", ""];
  /** Per list written so far: the highest value acknowledged. */
  const acknowledged = new Map<string, number>();
  const verify = async (c: RespClient, when: string) => {
    for (const [list, acked] of acknowledged) {
      const items = await c.value("LRANGE", list, 0, -1) as string[];
      assertTrue(items.length >= acked + 1, `${when}: ${list} has ${items.length} of ${acked + 1}`);
      items.forEach((v, i) => assertEquals(v, String(i), `${when}: ${list}[${i}]`));
    }
  };
  try {
    for (let round = 0; round < 5; round++) {
      const rift = await spawnLoaded(args, dir);
      const clients = await Promise.all([0, 1, 2].map(() => rift.client()));
      await verify(clients[0], `start of round ${round}`);
      const lists = clients.map((_, n) => `round${round}:list${n}`);
      const pushing = clients.map((c, n) => pushUntilKilled(c, lists[n]));
      // Rounds 2 and 4 are killed while an AOF rewrite runs too.
      if (round % 2 === 1) {
        const admin = await rift.client();
        await admin.call("CONFIG", "SET", "rdb-key-save-delay", 1000);
        await admin.call("BGREWRITEAOF");
      }
      await new Promise((r) => setTimeout(r, 150 + round * 40));
      rift.child.kill("SIGKILL");
      const acked = await Promise.all(pushing);
      await rift.stop();
      assertTrue(acked.some((a) => a >= 0), `round ${round}: no write was acknowledged`);
      lists.forEach((list, n) => acknowledged.set(list, acked[n]));
    }
    const rift = await spawnLoaded(args, dir);
    await verify(await rift.client(), "after the last kill");
    await rift.stop();
    assertEquals(acknowledged.size, 15);
  } finally {
    await removeDir(dir);
  }
});

Deno.test("process: kill -9 during BGSAVE leaves the previous dump.rdb intact", async () => {
  const dir = await tempDir();
  try {
    const rift = await spawnRift(["--dir", dir, "--save", ""], dir);
    const c = await rift.client();
    for (let i = 0; i < 50; i++) await c.call("SET", `old${i}`, `v${i}`);
    assertEquals(await c.raw("SAVE"), "+OK\r\n");
    const saved = await Deno.readFile(`${dir}/dump.rdb`);
    for (let i = 0; i < 50; i++) await c.call("SET", `new${i}`, `v${i}`);
    await c.call("CONFIG", "SET", "rdb-key-save-delay", 20_000);
    assertEquals(await c.raw("BGSAVE"), "+Background saving started\r\n");
    // Wait until the temporary file is being written, then crash.
    await waitFor(async () => {
      const temps = [...Deno.readDirSync(dir)].filter((e) => e.name.startsWith("temp-"));
      return temps.length > 0 && Number(await infoField(c, "current_save_keys_processed")) > 5;
    }, "the background save to be under way");
    rift.child.kill("SIGKILL");
    await rift.stop();
    assertEquals(await Deno.readFile(`${dir}/dump.rdb`), saved);
    if (HAS_REDIS) {
      const check = await new Deno.Command("redis-check-rdb", { args: [`${dir}/dump.rdb`] })
        .output();
      assertTrue(check.success);
    }
    const again = await spawnLoaded(["--dir", dir, "--save", ""], dir);
    const d = await again.client();
    assertEquals(await d.value("DBSIZE"), 50);
    assertEquals(await d.value("GET", "old7"), "v7");
    await again.stop();
  } finally {
    await removeDir(dir);
  }
});

Deno.test("process: a slow load answers -LOADING, reports loading_* in INFO and logs progress", async () => {
  const dir = await tempDir();
  try {
    const keys = 1500;
    await saveKeys(dir, keys);

    const rift = await spawnRift(
      ["--dir", dir, "--save", "", "--key-load-delay", "1000", "--loglevel", "notice"],
      dir,
    );
    const d = await rift.client();
    assertEquals(await d.raw("GET", "key1"), "-LOADING Redis is loading the dataset in memory\r\n");
    const info = await d.value("INFO", "persistence") as string;
    assertMatch(info, /loading:1\r\n/);
    for (
      const field of [
        "loading_start_time",
        "loading_total_bytes",
        "loading_rdb_used_mem",
        "loading_loaded_bytes",
        "loading_loaded_perc",
        "loading_eta_seconds",
      ]
    ) {
      assertMatch(info, new RegExp(`${field}:\\d+(\\.\\d+)?\\r\\n`));
    }
    assertMatch(await d.raw("LASTSAVE"), /^:\d+\r\n$/);
    await waitFor(async () => (await d.raw("GET", "key1")) === "$6\r\nvalue1\r\n", "the load");
    assertEquals(await d.value("DBSIZE"), keys);
    const { stdout } = await rift.stop();
    assertMatch(stdout, /Loading .*dump\.rdb: \d+\.\d\d% \(\d+ keys, \d+ keys\/sec, ETA \d+ sec\)/);
    assertMatch(stdout, new RegExp(`Done loading RDB, keys loaded: ${keys}, keys expired: 0\\.`));
  } finally {
    await removeDir(dir);
  }
});

Deno.test("process: SIGTERM and SHUTDOWN save with save points; NOSAVE and SAVE override", async () => {
  const dir = await tempDir();
  try {
    const withPoints = ["--dir", dir, "--save", "3600 1"];
    let rift = await spawnRift(withPoints, dir);
    await (await rift.client()).call("SET", "a", "1");
    const { code, stdout } = await rift.stop("SIGTERM");
    assertEquals(code, 0);
    assertMatch(stdout, /Saving the final RDB snapshot before exiting\./);

    rift = await spawnLoaded(withPoints, dir);
    let c = await rift.client();
    assertEquals(await c.value("GET", "a"), "1");
    await c.call("SET", "b", "2");
    await c.send("SHUTDOWN", "NOSAVE");
    assertEquals((await rift.child.status).code, 0);
    await rift.stop();

    rift = await spawnLoaded(["--dir", dir, "--save", ""], dir);
    c = await rift.client();
    assertEquals(await c.value("GET", "b"), null, "SHUTDOWN NOSAVE did not save");
    await c.call("SET", "c", "3");
    await c.send("SHUTDOWN", "SAVE");
    assertEquals((await rift.child.status).code, 0);
    await rift.stop();

    rift = await spawnLoaded(["--dir", dir, "--save", ""], dir);
    c = await rift.client();
    assertEquals(await c.value("GET", "c"), "3", "SHUTDOWN SAVE saved without save points");
    await rift.stop();
  } finally {
    await removeDir(dir);
  }
});

Deno.test("process: SIGTERM or SHUTDOWN SAVE during a load stops it at once and saves nothing, as Redis 7 does", async () => {
  const dir = await tempDir();
  try {
    const keys = 3000;
    await saveKeys(dir, keys);
    const saved = await Deno.readFile(`${dir}/dump.rdb`);
    // With save points a shutdown would save, were it not loading; a whole load takes 3 s or more.
    const slowLoad = ["--dir", dir, "--save", "3600 1", "--key-load-delay", "1000"];

    let rift = await spawnRift(slowLoad, dir);
    let d = await rift.client();
    assertMatch(await d.raw("PING"), /^-LOADING/);
    let started = performance.now();
    const { code, stdout } = await rift.stop("SIGTERM");
    assertEquals(code, 0);
    assertTrue(performance.now() - started < 2000, "the load was stopped, not finished");
    assertMatch(stdout, /# Received shutdown signal during loading, scheduling shutdown\./);
    assertMatch(stdout, /# User requested shutdown\.\.\./);
    assertMatch(stdout, /is now ready to exit, bye bye/);
    assertTrue(!/Saving the final RDB snapshot/.test(stdout), stdout);
    assertEquals(await Deno.readFile(`${dir}/dump.rdb`), saved);

    rift = await spawnRift(slowLoad, dir);
    d = await rift.client();
    assertMatch(await d.raw("PING"), /^-LOADING/);
    started = performance.now();
    await d.send("SHUTDOWN", "SAVE");
    assertTrue(await d.closedByServer());
    assertEquals((await rift.child.status).code, 0);
    assertTrue(performance.now() - started < 2000, "the load was stopped, not finished");
    assertTrue(!/Saving the final RDB snapshot/.test((await rift.stop()).stdout));
    assertEquals(await Deno.readFile(`${dir}/dump.rdb`), saved);

    // The file is whole: a load without interruption has every key.
    rift = await spawnLoaded(["--dir", dir, "--save", ""], dir);
    assertEquals(await (await rift.client()).value("DBSIZE"), keys);
    await rift.stop();
  } finally {
    await removeDir(dir);
  }
});
