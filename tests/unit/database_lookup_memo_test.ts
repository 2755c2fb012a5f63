/**
 * Database.findRaw remembers the key objects it found recently. These tests
 * make sure that can never return a wrong entry: the same object with other
 * bytes, an entry deleted and its number reused, a cleared database.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { ManualClock } from "../../src/store/clock.ts";
import { Keyspace } from "../../src/store/keyspace.ts";

function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

function text(view: Uint8Array): string {
  return String.fromCharCode(...view);
}

Deno.test("lookup memo: a key buffer changed in place finds the entry of its new bytes", () => {
  const db = new Keyspace(new ManualClock(1_000_000), 1).dbs[0];
  const key = bytes("key:a");
  db.setString(key, bytes("A"));
  db.setString(bytes("key:b"), bytes("B"));
  assertEquals(text(db.stringView(db.find(key))), "A");
  key[4] = "b".charCodeAt(0);
  assertEquals(text(db.stringView(db.find(key))), "B");
  key[4] = "c".charCodeAt(0);
  assertEquals(db.find(key), -1);
});

Deno.test("lookup memo: a deleted key stays deleted even when its entry number is reused", () => {
  const db = new Keyspace(new ManualClock(1_000_000), 1).dbs[0];
  const key = bytes("first");
  db.setString(key, bytes("1"));
  assertTrue(db.find(key) >= 0);
  db.delete(bytes("first"));
  assertEquals(db.find(key), -1);
  const other = db.setString(bytes("second"), bytes("2"));
  assertEquals(db.find(key), -1);
  assertEquals(db.find(bytes("second")), other);
  db.setString(bytes("first"), bytes("again"));
  assertEquals(text(db.stringView(db.find(key))), "again");
});

Deno.test("lookup memo: a cleared database finds nothing; many keys in turn are all found", () => {
  const db = new Keyspace(new ManualClock(1_000_000), 1).dbs[0];
  const keys = Array.from({ length: 40 }, (_, i) => bytes(`k${i}`));
  keys.forEach((k, i) => db.setString(k, bytes(String(i))));
  let found = 0;
  for (let round = 0; round < 3; round++) {
    keys.forEach((k, i) => {
      assertEquals(text(db.stringView(db.find(k))), String(i));
      found++;
    });
  }
  assertEquals(found, 120);
  db.clear();
  for (const k of keys) assertEquals(db.find(k), -1);
});

Deno.test("lookup memo: a snapshot's guard hears of lookups answered from the memo too", () => {
  const db = new Keyspace(new ManualClock(1_000_000), 1).dbs[0];
  const key = bytes("watched");
  db.setString(key, bytes("v"));
  const accessed: number[] = [];
  db.guard = { beforeAccess: (_db, id) => accessed.push(id), beforeClear: () => {} };
  const id = db.find(key);
  assertEquals(db.find(key), id);
  assertEquals(db.find(key), id);
  assertEquals(accessed, [id, id, id]);
});
