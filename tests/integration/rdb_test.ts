/**
 * RDB files: every type and encoding survives SAVE and a restart; Rift's
 * files pass redis-check-rdb and load into redis-server with identical
 * contents and encodings; redis-server's files load into Rift the same way
 * (including compressed and plain quicklist nodes); unsupported types and
 * corrupt files are refused with clear messages; rdbcompression and
 * rdbchecksum are honoured.
 */

import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import { HAS_REDIS, startRedis, startRift } from "../helpers/server.ts";
import { Prng } from "../helpers/strings_random.ts";
import {
  infoField,
  populate,
  redisDataset,
  redisEncodings,
  removeDir,
  riftDataset,
  riftEncodings,
  tempDir,
} from "../helpers/persistence.ts";
import { ManualClock, startServer } from "../../src/mod.ts";

async function checkRdb(path: string): Promise<string> {
  const out = await new Deno.Command("redis-check-rdb", { args: [path], stdout: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  assertTrue(out.success, `redis-check-rdb failed:\n${text}`);
  assertMatch(text, /RDB looks OK/);
  return text;
}

Deno.test("rdb: every type, encoding, TTL and database survives SAVE and a restart", async () => {
  const dir = await tempDir();
  try {
    const rift = await startRift({ config: { dir } });
    const c = await rift.client();
    await populate(c, Date.now(), rift.server);
    const before = riftDataset(rift.server);
    const encodings = riftEncodings(rift.server);
    assertEquals(Object.keys(before).length, 26);
    assertEquals(await c.raw("SAVE"), "+OK\r\n");
    await rift.stop();

    const again = await startRift({ config: { dir } });
    try {
      assertEquals(riftDataset(again.server), before);
      assertEquals(riftEncodings(again.server), encodings);
      const info = await (await again.client()).value("INFO", "persistence") as string;
      assertMatch(info, /rdb_last_load_keys_loaded:26\r\n/);
      assertMatch(info, /rdb_last_load_keys_expired:0\r\n/);
    } finally {
      await again.stop();
    }
  } finally {
    await removeDir(dir);
  }
});

Deno.test("rdb: Rift's dump passes redis-check-rdb and loads into redis-server identically", async () => {
  if (!HAS_REDIS) return;
  const dir = await tempDir();
  try {
    const rift = await startRift({ config: { dir } });
    const c = await rift.client();
    await populate(c, Date.now(), rift.server);
    const expected = riftDataset(rift.server);
    const encodings = riftEncodings(rift.server);
    assertEquals(await c.raw("BGSAVE"), "+Background saving started\r\n");
    while ((await c.value("INFO", "persistence") as string).includes("rdb_bgsave_in_progress:1")) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await rift.stop();
    const report = await checkRdb(`${dir}/dump.rdb`);
    assertMatch(report, /\[info\] 26 keys read/);
    assertMatch(report, /\[info\] 5 expires/);

    // Deep sanitization makes Redis validate every listpack, intset and quicklist node.
    const redis = await startRedis(["--sanitize-dump-payload", "yes"], dir);
    try {
      const r = await redis.client();
      assertEquals(await redisDataset(r), expected);
      assertEquals(await redisEncodings(r), encodings);
    } finally {
      await redis.stop();
    }
  } finally {
    await removeDir(dir);
  }
});

Deno.test("rdb: redis-server's dump (compressed and plain quicklist nodes) loads into Rift identically", async () => {
  if (!HAS_REDIS) return;
  const dir = await tempDir();
  try {
    const redis = await startRedis(
      ["--enable-debug-command", "yes", "--list-compress-depth", "1"],
      dir,
    );
    let expected;
    let encodings;
    try {
      const r = await redis.client();
      await populate(r, Date.now());
      // Elements over the threshold get plain quicklist nodes of their own.
      assertEquals(await r.raw("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"), "+OK\r\n");
      await r.call("RPUSH", "list:plain", "a", "p".repeat(300), "b", "q".repeat(150));
      expected = await redisDataset(r);
      encodings = await redisEncodings(r);
      assertEquals(await r.raw("SAVE"), "+OK\r\n");
    } finally {
      await redis.stop();
    }
    const rift = await startRift({ config: { dir } });
    try {
      assertEquals(riftDataset(rift.server), expected);
      assertEquals(riftEncodings(rift.server), encodings);
    } finally {
      await rift.stop();
    }
  } finally {
    await removeDir(dir);
  }
});

Deno.test("rdb: a stream in the file is refused at startup, naming the type and the key", async () => {
  if (!HAS_REDIS) return;
  const dir = await tempDir();
  try {
    const redis = await startRedis([], dir);
    try {
      const r = await redis.client();
      await r.call("SET", "before", "1");
      await r.call("XADD", "events", "1-1", "f", "v");
      await r.call("SAVE");
    } finally {
      await redis.stop();
    }
    let message = "";
    try {
      const rift = await startServer({ config: { dir }, captureLogs: true });
      await rift.close();
    } catch (e) {
      message = (e as Error).message;
    }
    assertMatch(message, /Rift does not support the stream type/);
    assertMatch(message, /key "events" in DB 0/);
  } finally {
    await removeDir(dir);
  }
});

Deno.test("rdb: a corrupt or truncated file is refused with the offset; rdbchecksum no skips the CRC", async () => {
  const dir = await tempDir();
  try {
    const rift = await startRift({ config: { dir } });
    const c = await rift.client();
    await c.call("SET", "key", "value-value-value");
    await c.call("SAVE");
    await rift.stop();
    const good = await Deno.readFile(`${dir}/dump.rdb`);
    const startFails = async (config: Record<string, string>) => {
      try {
        const server = await startServer({ config: { dir, ...config }, captureLogs: true });
        await server.close();
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    // A flipped byte inside the value: only the checksum notices.
    const flipped = good.slice();
    const at = flipped.indexOf("v".charCodeAt(0), 20);
    flipped[at] ^= 0x20;
    await Deno.writeFile(`${dir}/dump.rdb`, flipped);
    assertMatch(
      await startFails({}),
      /Wrong RDB checksum expected: \([0-9a-f]+\) got: \([0-9a-f]+\)/,
    );
    assertEquals(await startFails({ rdbchecksum: "no" }), "");
    // Cut short: the offset of the item that could not be read is named.
    await Deno.writeFile(`${dir}/dump.rdb`, good.subarray(0, good.length - 12));
    assertMatch(await startFails({}), /Bad RDB file .*dump\.rdb at offset \d+: Unexpected EOF/);
    // A foreign file.
    await Deno.writeFile(`${dir}/dump.rdb`, new TextEncoder().encode("NOT-A-REDIS-FILE"));
    assertMatch(await startFails({}), /Wrong signature/);
  } finally {
    await removeDir(dir);
  }
});

Deno.test("rdb: rdbcompression no stores strings plainly; rdbchecksum no writes a zero CRC that Redis accepts", async () => {
  const dir = await tempDir();
  try {
    const text = "compressible-".repeat(40);
    for (const [compression, checksum] of [["yes", "yes"], ["no", "no"]]) {
      const rift = await startRift({
        config: { dir, rdbcompression: compression, rdbchecksum: checksum },
      });
      const c = await rift.client();
      await c.call("SET", "k", text);
      await c.call("SAVE");
      await rift.stop();
      const file = await Deno.readFile(`${dir}/dump.rdb`);
      const plain = new TextDecoder("latin1").decode(file).includes(text);
      assertEquals(plain, compression === "no", `rdbcompression ${compression}`);
      const crc = file.subarray(file.length - 8);
      assertEquals(crc.every((b) => b === 0), checksum === "no", `rdbchecksum ${checksum}`);
      if (HAS_REDIS) await checkRdb(`${dir}/dump.rdb`);
      const again = await startRift({ config: { dir } });
      assertEquals(await (await again.client()).value("GET", "k"), text);
      await again.stop();
    }
  } finally {
    await removeDir(dir);
  }
});

Deno.test("rdb: BGSAVE writes the dataset as it was when it started, whatever clients do meanwhile", async () => {
  const dir = await tempDir();
  try {
    const rift = await startRift({ config: { dir } });
    const c = await rift.client();
    await populate(c, Date.now(), rift.server);
    for (let i = 0; i < 60; i++) await c.call("RPUSH", `list:${i}`, "a", "b", String(i));
    const atStart = riftDataset(rift.server);
    // 2 ms per key: the save lasts long enough for the changes below to race with it.
    await c.call("CONFIG", "SET", "rdb-key-save-delay", 2000);
    assertEquals(await c.raw("BGSAVE"), "+Background saving started\r\n");
    const rng = new Prng(99);
    let changes = 0;
    while ((await infoField(c, "rdb_bgsave_in_progress")) === "1") {
      const key = rng.chance(0.5)
        ? `list:${rng.int(60)}`
        : rng.pick(["int", "lzf", "hash:small", "set:int16", "list:small"]);
      const op = rng.int(10);
      if (op === 0) await c.call("DEL", key);
      else if (op === 1) await c.call("SET", key, "overwritten");
      else if (op === 2) await c.call("RPUSH", `new:${changes}`, "x");
      else if (op === 3) await c.call("EXPIRE", key, 100);
      else if (op === 4) await c.call("SWAPDB", 0, 3);
      else if (op === 5 && rng.chance(0.1)) await c.call("FLUSHDB");
      else if (op === 6) await c.call("RENAME", key, `renamed:${changes}`);
      else await c.call("LPUSH", key, "front");
      changes++;
    }
    assertTrue(changes > 20, `only ${changes} changes raced with the save`);
    assertEquals(await infoField(c, "rdb_last_bgsave_status"), "ok");
    await rift.stop();
    const loaded = await startRift({ config: { dir } });
    try {
      assertEquals(riftDataset(loaded.server), atStart);
    } finally {
      await loaded.stop();
    }
  } finally {
    await removeDir(dir);
  }
});

Deno.test("rdb: idle times (LRU policies) and LFU counters (LFU policies) survive a restart", async () => {
  const dir = await tempDir();
  try {
    for (const policy of ["allkeys-lru", "allkeys-lfu"]) {
      const clock = new ManualClock(Date.now());
      const config = { dir, "maxmemory-policy": policy };
      const rift = await startRift({ clock, config });
      const c = await rift.client();
      await c.call("SET", "k", "v");
      await c.call("HSET", "h", "f", "v");
      for (let i = 0; i < 50; i++) await c.call("GET", "k");
      clock.advance(200_000);
      const field = policy === "allkeys-lru" ? "IDLETIME" : "FREQ";
      const before = [await c.value("OBJECT", field, "k"), await c.value("OBJECT", field, "h")];
      assertTrue((before[0] as number) > 0, `${field} of k`);
      await c.call("SAVE");
      await rift.stop();
      if (HAS_REDIS) await checkRdb(`${dir}/dump.rdb`);
      const again = await startRift({ clock, config });
      try {
        const d = await again.client();
        assertEquals(
          [await d.value("OBJECT", field, "k"), await d.value("OBJECT", field, "h")],
          before,
        );
      } finally {
        await again.stop();
      }
    }
  } finally {
    await removeDir(dir);
  }
});

Deno.test("rdb and aof: files of several MiB load intact across read chunks (items split, one value larger than a chunk)", async () => {
  const dir = await tempDir();
  try {
    // Uncompressed, so that the RDB is as large as the data.
    const config = { dir, appendonly: "yes", "aof-use-rdb-preamble": "no", rdbcompression: "no" };
    const rift = await startRift({ config });
    const c = await rift.client();
    const payload = (i: number) =>
      `${i}:`.padEnd(1000 + (i % 97), String.fromCharCode(97 + (i % 26)));
    for (let i = 0; i < 1500; i += 100) {
      const args: string[] = [];
      for (let j = i; j < i + 100; j++) args.push(`key:${j}`, payload(j));
      await c.call("MSET", ...args);
    }
    await c.call("SET", "huge", "h".repeat(1_500_000));
    await c.call("RPUSH", "list", ...Array.from({ length: 2000 }, (_, i) => payload(i)));
    await c.call("SAVE");
    const expected = riftDataset(rift.server);
    await rift.stop();
    // Both files span several 1 MiB read chunks.
    assertTrue((await Deno.stat(`${dir}/dump.rdb`)).size > 4_000_000);
    assertTrue(
      (await Deno.stat(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`)).size > 4_000_000,
    );
    for (const appendonly of ["no", "yes"]) {
      const again = await startRift({ config: { ...config, appendonly } });
      try {
        assertEquals(riftDataset(again.server), expected, `loaded with appendonly ${appendonly}`);
      } finally {
        await again.stop();
      }
    }
  } finally {
    await removeDir(dir);
  }
});
