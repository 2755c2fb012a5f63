/**
 * Expiry over the wire: the EXPIRE family's options matrix against
 * redis-server, TTL rounding and exact expiry instants with a ManualClock,
 * lazy expiry on access for every key command (reply, `expired` event, DEL
 * propagated, `expired_keys`), KEEPTTL interplay, and the active expiry
 * cycle reclaiming 100k keys nobody reads (DBSIZE, slab bytes and
 * used_memory all drop).
 */

import v8 from "node:v8";
import vm from "node:vm";
import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { encodeCommand, type RespClient } from "../helpers/client.ts";
import { withRift } from "../helpers/server.ts";
import { ManualClock } from "../../src/store/clock.ts";
import { captureRiftEvents, captureRiftPropagation, withServers } from "./keys_helpers.ts";

const T0 = 1_700_000_000_000;

Deno.test("expiry: NX/XX/GT/LT matrix of all four EXPIRE commands matches Redis", async () => {
  await withServers(async (p) => {
    const nowSec = Math.floor(Date.now() / 1000);
    const existing = nowSec + 1000; // the key's current TTL, as an absolute second
    const options = [[], ["NX"], ["XX"], ["GT"], ["LT"], ["XX", "GT"], ["xx", "lt"], ["gt", "XX"]];
    // New times: earlier, equal, later, in the past, far past (negative).
    const times = [existing - 500, existing, existing + 500, nowSec - 10, -100];
    const states = ["missing", "persistent", "volatile"] as const;
    let cases = 0;
    for (const command of ["EXPIREAT", "PEXPIREAT"]) {
      const scale = command === "PEXPIREAT" ? 1000 : 1;
      for (const state of states) {
        for (const opts of options) {
          for (const t of times) {
            await p.same("DEL", "k");
            if (state !== "missing") await p.same("SET", "k", "v");
            if (state === "volatile") await p.same("EXPIREAT", "k", String(existing));
            await p.same(command, "k", String(t * scale), ...opts);
            await p.same("PEXPIRETIME", "k");
            await p.same("EXPIRETIME", "k");
            await p.same("EXISTS", "k");
            cases++;
          }
        }
      }
    }
    assertEquals(cases, 2 * 3 * 8 * 5);
    // Relative forms: TTLs in whole seconds are stable between the two servers.
    for (const [command, unit] of [["EXPIRE", 1], ["PEXPIRE", 1000]] as const) {
      for (const opts of options) {
        await p.same("SET", "r", "v");
        await p.same("EXPIRE", "r", "1000");
        await p.same(command, "r", String(500 * unit), ...opts);
        await p.same("TTL", "r");
        await p.same(command, "r", String(2000 * unit), ...opts);
        await p.same("TTL", "r");
        await p.same(command, "r", "0", ...opts);
        await p.same("EXISTS", "r");
        await p.same("PERSIST", "r");
        await p.same(command, "r", String(300 * unit), ...opts);
        await p.same("TTL", "r");
        await p.same(command, "r", "-1", ...opts);
        await p.same("TTL", "r");
      }
    }
    for (const command of ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]) {
      await p.same(command, "missing");
      await p.same("SET", "p", "v");
      await p.same(command, "p");
    }
  });
});

Deno.test("expiry: TTL rounds to the nearest second and keys vanish once their time has passed", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("SET", "k", "v");
    assertEquals(await c.value("PEXPIRE", "k", "1500"), 1);
    assertEquals(await c.value("PTTL", "k"), 1500);
    assertEquals(await c.value("TTL", "k"), 2, "1.5 s rounds up");
    clock.advance(1000);
    assertEquals(await c.value("PTTL", "k"), 500);
    assertEquals(await c.value("TTL", "k"), 1, "0.5 s rounds up");
    clock.advance(1);
    assertEquals(await c.value("TTL", "k"), 0, "0.499 s rounds down");
    clock.advance(498);
    assertEquals(await c.value("PTTL", "k"), 1);
    assertEquals(await c.value("EXISTS", "k"), 1);
    clock.advance(1);
    // Like Redis (`now > when`), a key still exists at its exact millisecond.
    assertEquals(await c.value("PTTL", "k"), 0, "alive at its exact millisecond");
    assertEquals(await c.value("EXISTS", "k"), 1);
    clock.advance(1);
    assertEquals(await c.value("PTTL", "k"), -2, "gone one millisecond later");
    assertEquals(await c.value("DBSIZE"), 0);
    // EXPIRETIME rounds the absolute time the same way.
    await c.call("SET", "k", "v");
    await c.call("PEXPIREAT", "k", String(T0 + 10_499));
    assertEquals(await c.value("EXPIRETIME", "k"), Math.floor((T0 + 10_499 + 500) / 1000));
    await c.call("PEXPIREAT", "k", String(T0 + 10_500));
    assertEquals(await c.value("EXPIRETIME", "k"), Math.floor((T0 + 11_000) / 1000));
    assertEquals(await c.value("PEXPIRETIME", "k"), T0 + 10_500);
    // A time equal to now is already in the past: the key is deleted.
    const now = clock.now();
    assertEquals(await c.value("PEXPIREAT", "k", String(now)), 1);
    assertEquals(await c.value("EXISTS", "k"), 0);
    // The largest representable instant is kept exactly.
    await c.call("SET", "far", "v");
    assertEquals(await c.value("PEXPIREAT", "far", "9223372036854775807"), 1);
    assertEquals(await c.value("PEXPIRETIME", "far"), 9223372036854775807n);
    assertEquals(await c.value("PTTL", "far"), 9223372036854775807n - BigInt(now));
    assertEquals(await c.value("EXPIRE", "far", "1", "GT"), 0);
  }, { clock });
});

/** Reads one INFO field as a number. */
async function infoNumber(c: RespClient, section: string, field: string): Promise<number> {
  const text = String(await c.value("INFO", section));
  const line = text.split("\r\n").find((l) => l.startsWith(field + ":"));
  if (line === undefined) throw new Error(`INFO ${section} has no ${field}`);
  return Number(line.slice(field.length + 1));
}

Deno.test("expiry: every key command treats an expired key as gone and reclaims it", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    // Lazy expiry only: the cron's active cycle, on a real timer, could
    // reclaim the key between the clock's advance and the command under test
    // (KEYS must leave it in place), as it did once on a loaded machine.
    await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    await c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
    const events = captureRiftEvents(rift.server);
    const propagated = captureRiftPropagation(rift.server);
    // Command, expected reply, and whether the key must be reclaimed by it.
    const cases: [string[], string, boolean][] = [
      [["GET", "k"], "$-1\r\n", true],
      [["EXISTS", "k"], ":0\r\n", true],
      [["TYPE", "k"], "+none\r\n", true],
      [["TTL", "k"], ":-2\r\n", true],
      [["PTTL", "k"], ":-2\r\n", true],
      [["EXPIRETIME", "k"], ":-2\r\n", true],
      [["PEXPIRETIME", "k"], ":-2\r\n", true],
      [["TOUCH", "k"], ":0\r\n", true],
      [["OBJECT", "ENCODING", "k"], "$-1\r\n", true],
      [["RENAME", "k", "z"], "-ERR no such key\r\n", true],
      [["RENAMENX", "k", "z"], "-ERR no such key\r\n", true],
      [["COPY", "k", "z"], ":0\r\n", true],
      [["MOVE", "k", "1"], ":0\r\n", true],
      [["EXPIRE", "k", "100"], ":0\r\n", true],
      [["PERSIST", "k"], ":0\r\n", true],
      [["DEL", "k"], ":0\r\n", true],
      [["UNLINK", "k"], ":0\r\n", true],
      [["SCAN", "0"], "*2\r\n$1\r\n0\r\n*0\r\n", true],
      [["RANDOMKEY"], "$-1\r\n", true],
      [["KEYS", "*"], "*0\r\n", false],
    ];
    let expired = 0;
    for (const [command, reply, reclaims] of cases) {
      await c.call("SET", "k", "v", "PX", "1000");
      events();
      propagated();
      clock.advance(1001);
      assertEquals(await c.raw(...command), reply, command.join(" "));
      assertEquals(await c.value("DBSIZE"), reclaims ? 0 : 1, `${command[0]} reclaims`);
      if (reclaims) {
        expired++;
        assertEquals(events(), [
          "__keyspace@0__:k expired",
          "__keyevent@0__:expired k",
        ], `${command[0]} publishes expired`);
        assertEquals(propagated(), ['0:"DEL" "k"'], `${command[0]} propagates DEL`);
      } else {
        assertEquals(events(), []);
        await c.call("GET", "k"); // reclaim it for the next case
        expired++;
      }
      assertEquals(await infoNumber(c, "stats", "expired_keys"), expired);
    }
    // A write over an expired key: the expiry happens first, then the write.
    await c.call("SET", "k", "v", "PX", "10");
    events();
    propagated();
    clock.advance(11);
    assertEquals(await c.raw("SET", "k", "new"), "+OK\r\n");
    assertEquals(events(), [
      "__keyspace@0__:k expired",
      "__keyevent@0__:expired k",
      "__keyspace@0__:k set",
      "__keyevent@0__:set k",
    ]);
    assertEquals(propagated(), ['0:"MULTI"', '0:"DEL" "k"', '0:"SET" "k" "new"', '0:"EXEC"']);
    assertEquals(await c.value("TTL", "k"), -1);
  }, { clock });
});

Deno.test("expiry: KEEPTTL keeps the TTL, plain writes clear it, RENAME/COPY/MOVE carry it", async () => {
  await withServers(async (p) => {
    const s = (...a: string[]) => p.same(...a);
    await s("SET", "k", "v", "EX", "1000");
    await s("SET", "k", "v2", "KEEPTTL");
    await s("TTL", "k");
    await s("SET", "k", "v3", "XX", "KEEPTTL");
    await s("TTL", "k");
    await s("SET", "k", "v4", "NX");
    await s("TTL", "k");
    await s("SET", "k", "v5", "GET", "KEEPTTL");
    await s("TTL", "k");
    await s("SET", "k", "v6");
    await s("TTL", "k");
    await s("SETEX", "k", "500", "v7");
    await s("TTL", "k");
    await s("SETNX", "k", "v8");
    await s("TTL", "k");
    await s("RENAME", "k", "k2");
    await s("TTL", "k2");
    await s("COPY", "k2", "k3");
    await s("TTL", "k3");
    await s("MOVE", "k3", "1");
    await s("SELECT", "1");
    await s("TTL", "k3");
    await s("PERSIST", "k3");
    await s("TTL", "k3");
    await s("SELECT", "0");
    await s("PSETEX", "k2", "800000", "v");
    await s("TTL", "k2");
    await s("SET", "k2", "v", "PX", "100000", "KEEPTTL");
    await s("SET", "k2", "v", "KEEPTTL", "EX", "10");
    await s("TTL", "k2");
  });
});

/** Exposes V8's collector so memory figures reflect what is really held. */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

/** Polls until `check` holds (the cron runs on its own timer), failing after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends many commands in one write and reads all the replies. */
async function pipeline(c: RespClient, commands: (string | number)[][]): Promise<void> {
  const parts = commands.map((args) => encodeCommand(args));
  let total = 0;
  for (const part of parts) total += part.length;
  const buf = new Uint8Array(total);
  let off = 0;
  for (const part of parts) {
    buf.set(part, off);
    off += part.length;
  }
  await c.writeRaw(buf);
  for (let i = 0; i < commands.length; i++) {
    const { reply } = await c.read(30_000);
    if (reply.type === "error") throw new Error(reply.text);
  }
}

Deno.test("expiry: the active cycle reclaims 100k unread keys: DBSIZE, slab and used_memory drop", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    const value = "v".repeat(200);
    const volatile = 100_000;
    for (let start = 0; start < volatile; start += 10_000) {
      const batch: string[][] = [];
      for (let i = start; i < start + 10_000; i++) {
        batch.push(["SET", `key:${i}`, value, "PX", String(60_000 + (i % 1000))]);
      }
      await pipeline(c, batch);
    }
    // Keys that must survive: persistent ones and volatile ones expiring later.
    const survivors: string[][] = [];
    for (let i = 0; i < 500; i++) survivors.push(["SET", `keep:${i}`, value]);
    for (let i = 0; i < 500; i++) survivors.push(["SET", `later:${i}`, value, "EX", "3600"]);
    await pipeline(c, survivors);
    assertEquals(await c.value("DBSIZE"), volatile + 1000);
    const keyspaceLine = String(await c.value("INFO", "keyspace"));
    assertTrue(keyspaceLine.includes(`db0:keys=${volatile + 1000},expires=${volatile + 500},`));
    collectGarbage();
    const usedBefore = await infoNumber(c, "memory", "used_memory");
    const slabBefore = await infoNumber(c, "memory", "slab_used");
    assertTrue(slabBefore > volatile * 200, `slab holds the values (${slabBefore})`);

    clock.advance(120_000);
    await until(async () => (await c.value("DBSIZE")) === 1000, "active expiry to reclaim keys");
    assertEquals(await infoNumber(c, "stats", "expired_keys"), volatile);
    // Let more cycles run: nothing that is still live may go.
    let cronRuns = 0;
    rift.server.cronHooks.push(() => cronRuns++);
    await until(() => Promise.resolve(cronRuns >= 20), "more cron cycles");
    assertEquals(await c.value("DBSIZE"), 1000);
    assertEquals(await c.value("EXISTS", "later:0", "keep:499"), 2);
    const slabAfter = await infoNumber(c, "memory", "slab_used");
    assertTrue(slabAfter < slabBefore / 50, `slab_used ${slabBefore} -> ${slabAfter}`);
    collectGarbage();
    const usedAfter = await infoNumber(c, "memory", "used_memory");
    assertTrue(
      usedAfter < usedBefore - slabBefore / 2,
      `used_memory ${usedBefore} -> ${usedAfter} (slab had ${slabBefore})`,
    );
  }, { clock, config: { hz: 100 } });
});

Deno.test("expiry: active expiry publishes 'expired' and propagates DEL, in every database", async () => {
  const clock = new ManualClock(T0);
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.call("CONFIG", "SET", "notify-keyspace-events", "Ex");
    const events = captureRiftEvents(rift.server);
    const propagated = captureRiftPropagation(rift.server);
    const perDb = 400;
    for (const db of [0, 7, 15]) {
      await c.call("SELECT", String(db));
      const batch: string[][] = [];
      for (let i = 0; i < perDb; i++) batch.push(["SET", `e:${i}`, "v", "PX", "5000"]);
      await pipeline(c, batch);
    }
    events();
    propagated();
    clock.advance(5001);
    await until(async () => {
      const text = String(await c.value("INFO", "keyspace"));
      return !text.includes("db0:") && !text.includes("db7:") && !text.includes("db15:");
    }, "all three databases to empty");
    const published = events();
    assertEquals(published.length, 3 * perDb, "one keyevent message per key");
    for (const db of [0, 7, 15]) {
      const mine = published.filter((e) => e.startsWith(`__keyevent@${db}__:expired e:`));
      assertEquals(mine.length, perDb, `db${db} expired events`);
    }
    const dels = propagated().filter((line) => /^\d+:"DEL" "e:\d+"$/.test(line));
    assertEquals(dels.length, 3 * perDb, "each expiry is propagated as DEL");
    assertEquals(await infoNumber(c, "stats", "expired_keys"), 3 * perDb);
  }, { clock, config: { hz: 100 } });
});
