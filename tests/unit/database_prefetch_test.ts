/**
 * Database.prefetch only warms caches before a multi-key command: it must
 * accept any argument range the command table can give it (negative ends,
 * steps, ranges past the arguments, missing keys, colliding chains) and
 * change nothing. The dispatcher calls it for exactly the commands whose
 * key range can name several keys.
 */

import { assertEquals } from "../helpers/assert.ts";
import { ManualClock } from "../../src/store/clock.ts";
import { Keyspace } from "../../src/store/keyspace.ts";
import { ALL_COMMANDS } from "../../src/commands/mod.ts";

function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

function snapshot(db: ReturnType<typeof dbWithKeys>, names: string[]): string[] {
  return names.map((n) => {
    const id = db.find(bytes(n));
    return id < 0 ? `${n}: -` : `${n}: ${String.fromCharCode(...db.stringView(id))}`;
  });
}

function dbWithKeys(count: number) {
  const db = new Keyspace(new ManualClock(1_000_000), 1).dbs[0];
  for (let i = 0; i < count; i++) db.setString(bytes(`key:${i}`), bytes(`v${i}`));
  return db;
}

Deno.test("prefetch: any argument range, present or missing keys, changes nothing", () => {
  // Enough keys for long bucket chains after growth, plus binary and empty keys.
  const db = dbWithKeys(5000);
  db.setString(bytes(""), bytes("empty"));
  db.setString(bytes("\0\r\n\xff"), bytes("binary"));
  const names = ["key:0", "key:4999", "key:5000", "", "\0\r\n\xff", "missing"];
  const before = snapshot(db, names);
  const size = db.size;
  let calls = 0;
  for (let n = 0; n <= 70; n += 7) {
    const argv = [bytes("MSET")];
    for (let i = 0; i < n; i++) argv.push(bytes(i % 3 === 0 ? `missing:${i}` : `key:${i * 37}`));
    argv.push(bytes(""), bytes("\0\r\n\xff"));
    for (
      const [first, last, step] of [[1, -1, 1], [1, -1, 2], [1, -2, 2], [2, 200, 3], [1, 1, 1]]
    ) {
      db.prefetch(argv, first, last, step);
      calls++;
    }
  }
  assertEquals(calls, 55);
  assertEquals(db.size, size);
  assertEquals(snapshot(db, names), before);
  for (let i = 0; i < 5000; i += 97) {
    assertEquals(String.fromCharCode(...db.stringView(db.find(bytes(`key:${i}`)))), `v${i}`);
  }
});

Deno.test("prefetch: an empty database and an empty range are fine", () => {
  const db = dbWithKeys(0);
  db.prefetch([bytes("MGET"), bytes("a"), bytes("b")], 1, -1, 1);
  db.prefetch([bytes("MGET")], 1, -1, 1);
  assertEquals(db.size, 0);
  assertEquals(db.find(bytes("a")), -1);
});

Deno.test("prefetch: the command table marks exactly the commands with several keys in their range", () => {
  const multi = (name: string) => ALL_COMMANDS.find((spec) => spec.name === name)!.multiKey;
  for (const name of ["mset", "msetnx", "mget", "del", "exists", "sinter", "watch", "rename"]) {
    assertEquals(multi(name), true, name);
  }
  for (const name of ["get", "set", "incr", "hset", "zadd", "lpush", "ping", "zunionstore"]) {
    assertEquals(multi(name), false, name);
  }
});
