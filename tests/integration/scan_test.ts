/**
 * SCAN over the wire: cursor parsing and option errors byte for byte
 * against redis-server, the same key sets as Redis for full iterations
 * with MATCH/COUNT/TYPE, COUNT as a hint, TYPE filtering after sampling,
 * lazy expiry during SCAN, and Redis's guarantee (a key present for the
 * whole iteration is returned at least once) while another client keeps
 * adding and deleting keys so the table grows and shrinks between calls.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { encodeCommand, type RespClient, type Value } from "../helpers/client.ts";
import { withRift } from "../helpers/server.ts";
import { ManualClock } from "../../src/store/clock.ts";
import type { Collection } from "../../src/store/collection.ts";
import { TYPE_HASH, TYPE_LIST, TYPE_SET, TYPE_ZSET } from "../../src/store/database.ts";
import { bytes, captureRiftEvents, rng, withServers } from "./keys_helpers.ts";

const T0 = 1_700_000_000_000;

/** Iterates SCAN to the end; returns every key returned (duplicates kept) and the call count. */
async function fullScan(c: RespClient, ...options: string[]): Promise<[string[], number]> {
  const keys: string[] = [];
  let cursor = "0";
  let calls = 0;
  do {
    const [next, batch] = await c.value("SCAN", cursor, ...options) as [string, string[]];
    keys.push(...batch);
    cursor = next;
    calls++;
  } while (cursor !== "0");
  return [keys, calls];
}

Deno.test("scan: cursor parsing matches Redis (strtoul rules)", async () => {
  await withServers(async (p) => {
    const cursors = [
      "0",
      "",
      "+0",
      "-0",
      "00",
      "007",
      "1",
      "-1",
      "+5",
      "4294967295",
      "4294967296",
      "18446744073709551615",
      "18446744073709551616",
      "99999999999999999999999",
      "-18446744073709551615",
      "-18446744073709551616",
      " 0",
      "0 ",
      "\t1",
      "1\t",
      "\n",
      "0x10",
      "1e3",
      "1.0",
      "abc",
      "+",
      "-",
      "--1",
      "+-1",
      "5\0x",
      "\0",
      "\0 5",
      "12a",
    ];
    let checked = 0;
    for (const cursor of cursors) {
      // An empty database answers "0" for any valid cursor, so replies are comparable.
      await p.same("SCAN", bytes(cursor));
      await p.same("SCAN", bytes(cursor), "COUNT", "x");
      checked++;
    }
    assertEquals(checked, cursors.length);
  });
});

Deno.test("scan: option errors and precedence match Redis", async () => {
  await withServers(async (p) => {
    await p.same("SET", "k", "v");
    const cases = [
      ["0", "COUNT"],
      ["0", "COUNT", "0"],
      ["0", "COUNT", "-1"],
      ["0", "COUNT", "x"],
      ["0", "COUNT", "1.5"],
      ["0", "COUNT", "9223372036854775808"],
      ["0", "MATCH"],
      ["0", "TYPE"],
      ["0", "FOO", "bar"],
      ["0", "count", "1", "match"],
      ["x", "COUNT", "0"],
      ["0", "COUNT", "0", "FOO"],
      ["0", "FOO", "COUNT", "0"],
      ["0", "match", "*", "count", "100", "type", "string"],
      ["0", "MATCH", "k", "MATCH", "nomatch", "COUNT", "100"],
      ["0", "MATCH", "nomatch", "MATCH", "k", "COUNT", "100"],
      ["0", "TYPE", "hash", "TYPE", "string", "COUNT", "100"],
      ["0", "TYPE", "STRING", "COUNT", "100"],
      ["0", "TYPE", "String\0garbage", "COUNT", "100"],
      ["0", "TYPE", "none", "COUNT", "100"],
      ["0", "TYPE", "nosuchtype", "COUNT", "100"],
      ["0", "COUNT", "9223372036854775807"],
    ];
    for (const args of cases) await p.same("SCAN", ...args.map(bytes));
  });
});

Deno.test("scan: full iterations return the same keys as Redis with MATCH, COUNT and TYPE", async () => {
  await withServers(async (p) => {
    const rand = rng(99);
    const batch: Uint8Array[] = [];
    const names: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const flavour = i % 4;
      const name = flavour === 0
        ? `user:${i}`
        : flavour === 1
        ? `session:${i}:x`
        : flavour === 2
        ? `\0bin\r\n${i}\xff`
        : `k${Math.floor(rand() * 1e9)}`;
      names.push(name);
      batch.push(encodeCommand(["SET", bytes(name), "v"]));
    }
    for (const c of [p.rift, p.redis]) {
      for (const part of batch) await c.writeRaw(part);
      for (let i = 0; i < batch.length; i++) await c.read();
    }
    await p.same("DBSIZE");
    const variants: string[][] = [
      [],
      ["COUNT", "1"],
      ["COUNT", "7"],
      ["COUNT", "1000"],
      ["COUNT", "100000"],
      ["MATCH", "user:*"],
      ["MATCH", "user:1?", "COUNT", "3"],
      ["MATCH", "*:x"],
      ["MATCH", "\0bin*"],
      ["MATCH", "nothing*"],
      ["TYPE", "string"],
      ["TYPE", "list"],
      ["MATCH", "session:*", "TYPE", "STRING", "COUNT", "50"],
    ];
    let compared = 0;
    for (const options of variants) {
      const [mine] = await fullScan(p.rift, ...options.map((o) => o));
      const [theirs] = await fullScan(p.redis, ...options);
      assertEquals(new Set(mine).size, mine.length, `duplicates in a stable table: ${options}`);
      assertEquals([...mine].sort(), [...new Set(theirs)].sort(), `keys for ${options.join(" ")}`);
      compared++;
    }
    assertEquals(compared, variants.length);
  });
});

Deno.test("scan: COUNT is a hint on work per call, not a promise of results", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    for (let i = 0; i < 1000; i++) await c.send("SET", `k${i}`, "v");
    for (let i = 0; i < 1000; i++) await c.read();
    const [small, smallCalls] = await fullScan(c, "COUNT", "1");
    assertEquals(new Set(small).size, 1000);
    assertTrue(smallCalls > 300, `COUNT 1 took only ${smallCalls} calls`);
    const [, defaultCalls] = await fullScan(c);
    assertTrue(defaultCalls > 30 && defaultCalls < 300, `default COUNT: ${defaultCalls} calls`);
    const [all, oneCall] = await c.value("SCAN", "0", "COUNT", "5000") as [string, string[]];
    assertEquals(all, "0");
    assertEquals(oneCall.length, 1000);
    // MATCH filters after sampling: few calls still walk everything.
    const [matched, matchCalls] = await fullScan(c, "MATCH", "k99*", "COUNT", "10");
    assertEquals(matched.sort(), [
      "k99",
      "k990",
      "k991",
      "k992",
      "k993",
      "k994",
      "k995",
      "k996",
      "k997",
      "k998",
      "k999",
    ]);
    assertEquals(matchCalls, defaultCalls);
  });
});

class Fake implements Collection {
  readonly size = 1;
  encoding(): string {
    return "listpack";
  }
  clone(): Collection {
    return new Fake();
  }
  memoryUsage(): number {
    return 1;
  }
}

Deno.test("scan: TYPE filters sampled keys by type, case-insensitively", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const db = rift.server.db(0);
    const types: [number, string][] = [
      [TYPE_LIST, "list"],
      [TYPE_HASH, "hash"],
      [TYPE_SET, "set"],
      [TYPE_ZSET, "zset"],
    ];
    for (let i = 0; i < 200; i++) {
      const [type, name] = types[i % 4];
      db.setObject(bytes(`${name}:${i}`), type, new Fake());
      await c.call("SET", `string:${i}`, "v");
    }
    for (const [, name] of [...types, [0, "string"] as [number, string]]) {
      for (const spelled of [name, name.toUpperCase()]) {
        const [keys] = await fullScan(c, "TYPE", spelled, "COUNT", "13");
        assertEquals(keys.length, name === "string" ? 200 : 50, `TYPE ${spelled}`);
        assertTrue(keys.every((k) => k.startsWith(name + ":")));
      }
    }
    const [none] = await fullScan(c, "TYPE", "stream");
    assertEquals(none, []);
    const [matched] = await fullScan(c, "TYPE", "set", "MATCH", "set:1*");
    assertTrue(matched.length > 0 && matched.every((k) => k.startsWith("set:1")));
    // Each key that passes MATCH is looked up to learn its type: a hit each.
    const before = await keyspaceHits(c);
    await c.value("SCAN", "0", "TYPE", "hash", "COUNT", "100000");
    assertEquals(await keyspaceHits(c), before + 400);
    await c.value("SCAN", "0", "MATCH", "list:*", "TYPE", "hash", "COUNT", "100000");
    assertEquals(await keyspaceHits(c), before + 450);
  });
});

async function keyspaceHits(c: RespClient): Promise<number> {
  const text = String(await c.value("INFO", "stats"));
  return Number(/keyspace_hits:(\d+)/.exec(text)![1]);
}

Deno.test("scan: expired keys are skipped and reclaimed; TYPE none names them, as Redis does", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("CONFIG", "SET", "notify-keyspace-events", "Ex");
    const events = captureRiftEvents(rift.server);
    for (let i = 0; i < 50; i++) await c.call("SET", `v${i}`, "x", "PX", "100");
    for (let i = 0; i < 50; i++) await c.call("SET", `p${i}`, "x");
    clock.advance(101);
    const [keys] = await fullScan(c, "COUNT", "20");
    assertEquals(keys.sort(), Array.from({ length: 50 }, (_, i) => `p${i}`).sort());
    assertEquals(await c.value("DBSIZE"), 50, "SCAN reclaimed what it sampled");
    assertEquals(events().length, 50);
    // Redis's TYPE check looks the key up first, which deletes an expired
    // key and yields type "none": SCAN ... TYPE none then returns its name.
    await c.call("SET", "gone", "x", "PX", "1");
    clock.advance(2);
    const [noneKeys] = await fullScan(c, "TYPE", "none", "COUNT", "1000");
    assertEquals(noneKeys, ["gone"]);
    assertEquals(await c.value("EXISTS", "gone"), 0);
  }, { clock });
});

Deno.test("scan: every key present for the whole iteration is returned while others churn", async () => {
  await withRift(async (rift) => {
    const scanner = await rift.client();
    const writer = await rift.client();
    let rounds = 0;
    let calls = 0;
    let churned = 0;
    let resizes = 0;
    for (let round = 0; round < 20; round++) {
      const rand = rng(1000 + round);
      await writer.call("FLUSHDB");
      const stable = 50 + Math.floor(rand() * 600);
      const commands: Uint8Array[] = [];
      for (let i = 0; i < stable; i++) commands.push(encodeCommand(["SET", `stable:${i}`, "v"]));
      await pipelined(writer, commands);
      const seen = new Set<string>();
      let cursor = "0";
      let transient = 0;
      const live: string[] = [];
      do {
        const [next, batch] = await scanner.value(
          "SCAN",
          cursor,
          "COUNT",
          String(1 + Math.floor(rand() * 30)),
        ) as [string, string[]];
        for (const k of batch) seen.add(k);
        cursor = next;
        calls++;
        // Between calls another client adds or deletes keys: mostly a few,
        // sometimes enough to double the table or shrink it several times.
        const burst: Uint8Array[] = [];
        const big = rand() < 0.15;
        if (rand() < 0.5) {
          // A big burst doubles the table (bounded so it cannot run away).
          const room = Math.max(0, 4 * stable - live.length);
          const n = Math.min(room, big ? stable + live.length : Math.floor(rand() * 20));
          for (let i = 0; i < n; i++) {
            const k = `t:${round}:${transient++}`;
            live.push(k);
            burst.push(encodeCommand(["SET", k, "v"]));
          }
        } else {
          // A big burst deletes every transient key, shrinking the table.
          const n = big ? live.length : Math.min(live.length, Math.floor(rand() * 20));
          for (let i = 0; i < n; i++) {
            const k = live.splice(Math.floor(rand() * live.length), 1)[0];
            burst.push(encodeCommand(["DEL", k]));
          }
        }
        if (big) resizes++;
        churned += burst.length;
        await pipelined(writer, burst);
      } while (cursor !== "0");
      for (let i = 0; i < stable; i++) {
        assertTrue(seen.has(`stable:${i}`), `round ${round}: stable:${i} missed`);
      }
      rounds++;
    }
    assertEquals(rounds, 20);
    assertTrue(calls > 300, `${calls} SCAN calls`);
    assertTrue(resizes > 50, `${resizes} bursts large enough to resize the table`);
    assertTrue(churned > 10_000, `${churned} concurrent writes`);
  });
});

async function pipelined(c: RespClient, commands: Uint8Array[]): Promise<void> {
  if (commands.length === 0) return;
  let total = 0;
  for (const cmd of commands) total += cmd.length;
  const buf = new Uint8Array(total);
  let off = 0;
  for (const cmd of commands) {
    buf.set(cmd, off);
    off += cmd.length;
  }
  await c.writeRaw(buf);
  for (let i = 0; i < commands.length; i++) await c.read();
}

Deno.test("scan: RESP3 replies have Redis's shape", async () => {
  await withServers(async (p) => {
    await p.same("SET", "only", "v");
    await p.both("HELLO", "3");
    await p.same("SCAN", "0");
    await p.same("SCAN", "0", "MATCH", "nothing");
    await p.same("SCAN", "bad");
    const v: Value = await p.rift.value("SCAN", "0");
    assertEquals(v, ["0", ["only"]]);
  });
});
