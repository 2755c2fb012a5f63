/**
 * The reserved region behind large entry tables: it grows in place (bytes
 * written stay put, new bytes are zero), refuses to pass its reservation,
 * and gives memory back while old views stay safe to read. And a database
 * grows its entry table there: past 65,536 entries no growth copies.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { ReservedRegion } from "../../src/store/reserved_memory.ts";
import { ManualClock } from "../../src/store/clock.ts";
import type { Database } from "../../src/store/database.ts";
import { Keyspace } from "../../src/store/keyspace.ts";

const MB = 1024 * 1024;

function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

function latin1(view: Uint8Array): string {
  let s = "";
  for (const b of view) s += String.fromCharCode(b);
  return s;
}

function addressOf(view: Int32Array): bigint {
  return view.length === 0 ? 0n : Deno.UnsafePointer.value(Deno.UnsafePointer.of(view));
}

/** The private fields that say where a database's entry table lives. */
function tableOf(db: Database): { tableReserved: boolean; ints: Int32Array } {
  return db as unknown as { tableReserved: boolean; ints: Int32Array };
}

Deno.test("reserved region: grows in place, new bytes are zero, stops at its reservation", () => {
  const region = ReservedRegion.reserve(64 * MB);
  assertTrue(region !== null, "tests run with FFI allowed");
  const small = new Uint8Array(region.extend(1000));
  assertEquals(small.length, 1000);
  small[0] = 7;
  small[999] = 9;
  // Past the first 2 MB step: another mprotect, same memory.
  const large = new Uint8Array(region.extend(5 * MB + 3));
  assertEquals(large.length, 5 * MB + 3);
  assertEquals([large[0], large[999], large[1000], large[5 * MB + 2]], [7, 9, 0, 0]);
  large[5 * MB + 2] = 1;
  small[1] = 8; // an older view sees and makes the same bytes
  assertEquals(large[1], 8);
  let refused = "";
  try {
    region.extend(64 * MB + 1);
  } catch (e) {
    refused = (e as Error).name;
  }
  assertEquals(refused, "RangeError");
  assertEquals(new Uint8Array(region.extend(64 * MB)).length, 64 * MB);
  // Released memory reads as zero through every view, old ones too, and can be used again.
  region.release();
  assertEquals([small[0], large[1], large[5 * MB + 2]], [0, 0, 0]);
  const again = new Uint8Array(region.extend(3 * MB));
  again[3 * MB - 1] = 5;
  assertEquals(large[3 * MB - 1], 5);
});

Deno.test("database: past 65,536 entries the table grows in reserved memory; SWAPDB, FLUSHDB and growing again keep every key", () => {
  const ks = new Keyspace(new ManualClock(1_700_000_000_000), 2);
  const [a, b] = ks.dbs;
  const n = 200_000;
  let moves = 0;
  let grewReserved = 0;
  let table = tableOf(a).ints;
  for (let i = 0; i < n; i++) {
    const wasReserved = tableOf(a).tableReserved;
    a.setString(bytes(`k${i}`), bytes(`v${i}`));
    const next = tableOf(a).ints;
    if (next !== table && wasReserved) {
      grewReserved++;
      if (addressOf(next) !== addressOf(table)) moves++;
    }
    table = next;
  }
  assertTrue(tableOf(a).tableReserved, "a 200,000-entry table is in reserved memory");
  // 65,536 → 200,000 entries in steps of half the size again, none of them a move.
  assertTrue(grewReserved >= 2, `${grewReserved} growths in reserved memory`);
  assertEquals(moves, 0);
  for (let i = 0; i < n; i += 997) {
    assertEquals(latin1(a.stringView(a.find(bytes(`k${i}`)))), `v${i}`);
  }
  assertEquals(a.size, n);
  // SWAPDB: the reserved table goes with the keys.
  b.setString(bytes("small"), bytes("x"));
  a.swapContents(b);
  assertTrue(tableOf(b).tableReserved && !tableOf(a).tableReserved, "swapped");
  assertEquals(latin1(b.stringView(b.find(bytes("k123456")))), "v123456");
  assertEquals(latin1(a.stringView(a.find(bytes("small")))), "x");
  for (let i = n; i < n + 50_000; i++) b.setString(bytes(`k${i}`), bytes(`v${i}`));
  assertEquals(b.size, n + 50_000);
  // FLUSHDB gives the memory back; the next large table reuses the reservation.
  const released = tableOf(b).ints;
  b.clear();
  // Its pages went back to the system: the old view reads zeros (a sign the memory is gone, not kept).
  assertEquals(released.findIndex((x) => x !== 0), -1);
  assertTrue(!tableOf(b).tableReserved, "an emptied database uses an ordinary buffer");
  for (let i = 0; i < 100_000; i++) b.setString(bytes(`again${i}`), bytes(`${i}`));
  assertTrue(tableOf(b).tableReserved, "grown past the threshold again");
  for (let i = 0; i < 100_000; i += 331) {
    assertEquals(latin1(b.stringView(b.find(bytes(`again${i}`)))), `${i}`);
  }
  assertEquals(b.find(bytes("k5")), -1);
  let counted = 0;
  b.forEach(() => counted++);
  assertEquals(counted, 100_000);
  assertEquals(latin1(a.stringView(a.find(bytes("small")))), "x");
});

Deno.test("database: without FFI a large table grows by copying, keys intact", async () => {
  const script = `
    import { Keyspace } from "${new URL("../../src/store/keyspace.ts", import.meta.url)}";
    import { ManualClock } from "${new URL("../../src/store/clock.ts", import.meta.url)}";
    const db = new Keyspace(new ManualClock(0), 1).dbs[0];
    const enc = new TextEncoder();
    for (let i = 0; i < 150000; i++) db.setString(enc.encode("k" + i), enc.encode("v" + i));
    let ok = 0;
    for (let i = 0; i < 150000; i += 7) {
      if (new TextDecoder().decode(db.stringView(db.find(enc.encode("k" + i)))) === "v" + i) ok++;
    }
    console.log(ok, db.tableReserved);
  `;
  // `deno eval` would grant FFI whatever the flags say: a file run without it.
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, script);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", "--allow-read", file],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assertEquals(out.code, 0);
    assertEquals(new TextDecoder().decode(out.stdout).trim(), `${Math.ceil(150000 / 7)} false`);
  } finally {
    await Deno.remove(file);
  }
});
