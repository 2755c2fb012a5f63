/**
 * Property tests of the Database (typed-array hash table over the slab)
 * against a Map model: random sets, overwrites, deletes, expiries, renames,
 * moves, copies, in-place edits, database swaps and active expiry, with
 * binary, empty and huge keys and values of every size class. Plus focused
 * tests of exact expiry times, string forms, LFU counters, column release
 * and the SCAN guarantee.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { ObjectColumn } from "../../src/store/object_column.ts";
import { ManualClock } from "../../src/store/clock.ts";
import {
  type Database,
  StringForm,
  TYPE_HASH,
  TYPE_LIST,
  TYPE_STRING,
} from "../../src/store/database.ts";
import { Keyspace } from "../../src/store/keyspace.ts";
import { stringEncoding, stringRefcount } from "../../src/store/string_encoding.ts";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = 1_700_000_000_000;

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** Key number `i` of the key space: binary, empty and huge keys included. */
function keyFor(i: number): Uint8Array {
  if (i === 0) return new Uint8Array(0);
  if (i === 1) return bytes("\0");
  if (i === 2) return bytes("H".repeat(20_000));
  if (i === 3) return bytes("\xff".repeat(70_000));
  switch (i % 5) {
    case 0:
      return bytes(`key:${i}`);
    case 1:
      return bytes(`\0\r\n${String.fromCharCode(0x80 + (i % 128))}\xff${i}`);
    case 2:
      return bytes("k".repeat(i % 200) + i);
    case 3:
      return bytes(`${i}`);
    default:
      return bytes(`\u00e9t\u00e9:${i}:\r\n`);
  }
}

/** A value whose size crosses every slab class, inline and not. */
function randomValue(rand: () => number): Uint8Array {
  const r = rand();
  let n: number;
  if (r < 0.1) n = 0;
  else if (r < 0.4) n = 1 + Math.floor(rand() * 44);
  else if (r < 0.6) n = 45 + Math.floor(rand() * 300);
  else if (r < 0.85) n = 300 + Math.floor(rand() * 3800);
  else if (r < 0.99) n = 4090 + Math.floor(rand() * 16_000);
  else n = 200_000;
  const v = new Uint8Array(n);
  const seed = Math.floor(rand() * 256);
  for (let i = 0; i < n; i++) v[i] = (seed + i * 7) & 0xff;
  if (n > 0 && rand() < 0.3) v[0] = 0x31; // some look like integers' first digit
  return v;
}

interface StringEntry {
  kind: "string";
  value: Uint8Array;
  raw: boolean;
  expireAt: number;
}

interface ObjectEntry {
  kind: "object";
  type: number;
  obj: object;
  expireAt: number;
}

type Entry = StringEntry | ObjectEntry;

/** The model: one Map per database index. */
class Model {
  readonly dbs: Map<string, Entry>[];
  constructor(readonly ks: Keyspace) {
    this.dbs = ks.dbs.map(() => new Map());
    ks.expiredHandler = (db, key) => {
      const k = latin1(key);
      const e = this.dbs[db.index].get(k);
      assertTrue(e !== undefined, `expired a key the model does not have: ${JSON.stringify(k)}`);
      assertTrue(
        e.expireAt !== 0 && e.expireAt <= ks.now,
        `expired a live key ${JSON.stringify(k.slice(0, 40))}`,
      );
      this.dbs[db.index].delete(k);
    };
  }

  /** The live entry of a key (expired ones are still in the map until the store drops them). */
  live(db: number, key: Uint8Array): Entry | undefined {
    const e = this.dbs[db].get(latin1(key));
    if (e === undefined) return undefined;
    if (e.expireAt !== 0 && e.expireAt <= this.ks.now) return undefined;
    return e;
  }
}

function checkEntry(db: Database, id: number, e: Entry, where: string): void {
  if (e.kind === "string") {
    assertEquals(db.typeOf(id), TYPE_STRING, where);
    assertEquals(db.stringLength(id), e.value.length, where);
    const view = db.stringView(id);
    let same = view.length === e.value.length;
    for (let i = 0; same && i < view.length; i++) same = view[i] === e.value[i];
    assertTrue(same, `${where}: value bytes differ`);
    const src = db.stringSource(id);
    assertEquals(db.lastLength, e.value.length, where);
    if (e.value.length > 0) assertEquals(src[db.lastOffset], e.value[0], where);
    assertEquals(db.isRawString(id), e.raw, `${where}: raw flag`);
  } else {
    assertEquals(db.typeOf(id), e.type, where);
    assertTrue(db.object(id) === e.obj, `${where}: object identity`);
  }
  assertEquals(db.getExpire(id), e.expireAt, `${where}: expire`);
}

/** Checks every database against the model; expired keys get dropped on the way. */
function fullCheck(ks: Keyspace, model: Model): void {
  for (let d = 0; d < ks.dbs.length; d++) {
    const db = ks.dbs[d];
    for (const [k, e] of [...model.dbs[d]]) {
      const key = bytes(k);
      const id = db.find(key);
      const live = model.live(d, key);
      if (live === undefined) {
        assertEquals(id, -1, "expired key still found");
        assertTrue(!model.dbs[d].has(k), "store did not report the expiry");
        continue;
      }
      assertTrue(id >= 0, `db${d}: key ${JSON.stringify(k.slice(0, 30))} missing`);
      checkEntry(db, id, e, `db${d} ${JSON.stringify(k.slice(0, 30))}`);
      assertTrue(db.keyView(id).length === key.length, "key length");
    }
    assertEquals(db.size, model.dbs[d].size, `db${d} size`);
    const stored = new Set<string>();
    db.forEach((id) => stored.add(latin1(db.keyView(id))));
    assertEquals(stored.size, model.dbs[d].size);
    for (const k of stored) assertTrue(model.dbs[d].has(k), "stray key in store");
    let volatile = 0;
    for (const e of model.dbs[d].values()) if (e.expireAt !== 0) volatile++;
    assertEquals(db.expiresCount, volatile, `db${d} expires count`);
    // The object column reaches no further than the table, to the chunk (see ObjectColumn).
    const inside = db as unknown as { objects: ObjectColumn; capacity: number };
    assertTrue(inside.objects.capacity <= inside.capacity + 4096, `db${d} object column`);
  }
}

Deno.test("database: matches a Map model under random operations", () => {
  let ops = 0;
  const seeds = [1, 2, 3, 4, 5];
  for (const seed of seeds) {
    const rand = rng(seed);
    const clock = new ManualClock(T0);
    const ks = new Keyspace(clock, 3);
    const model = new Model(ks);
    const space = seed === 1 ? 12 : 400;
    const pick = () => keyFor(Math.floor(rand() * space));
    const pickDb = () => Math.floor(rand() * 3);
    for (let step = 0; step < 4000; step++) {
      const d = pickDb();
      const db = ks.dbs[d];
      const m = model.dbs[d];
      const key = pick();
      const k = latin1(key);
      const r = rand();
      if (r < 0.3) {
        const value = randomValue(rand);
        const keepTtl = rand() < 0.2;
        const before = model.live(d, key);
        db.setString(key, value, keepTtl);
        m.set(k, {
          kind: "string",
          value: value.slice(),
          raw: false,
          expireAt: keepTtl && before ? before.expireAt : 0,
        });
      } else if (r < 0.36) {
        const obj = { step };
        const type = rand() < 0.5 ? TYPE_LIST : TYPE_HASH;
        const keepTtl = rand() < 0.2;
        const before = model.live(d, key);
        db.setObject(key, type, obj, keepTtl);
        m.set(k, { kind: "object", type, obj, expireAt: keepTtl && before ? before.expireAt : 0 });
      } else if (r < 0.48) {
        const existed = model.live(d, key) !== undefined;
        assertEquals(db.delete(key), existed, "delete result");
        m.delete(k);
      } else if (r < 0.6) {
        const id = db.find(key);
        const e = model.live(d, key);
        assertEquals(id >= 0, e !== undefined, "find before expire");
        if (e && id >= 0) {
          const at = rand() < 0.15 ? 0 : ks.now + Math.floor(rand() * 20_000) - 2_000;
          db.setExpire(id, at);
          e.expireAt = at;
        }
      } else if (r < 0.65) {
        clock.advance(Math.floor(rand() * 3_000));
        ks.updateTime();
      } else if (r < 0.73) {
        // RENAME within the database, or MOVE to another one.
        const target = rand() < 0.5 ? d : pickDb();
        const newKey = pick();
        const id = db.find(key);
        const e = model.live(d, key);
        assertEquals(id >= 0, e !== undefined, "find before move");
        if (e && id >= 0 && !(target === d && latin1(newKey) === k)) {
          const tdb = ks.dbs[target];
          const existing = tdb.find(newKey);
          if (existing >= 0) tdb.deleteEntry(existing);
          model.dbs[target].delete(latin1(newKey));
          const nid = db.moveEntry(db.find(key), tdb, newKey);
          m.delete(k);
          model.dbs[target].set(latin1(newKey), e);
          checkEntry(tdb, nid, e, "after move");
        }
      } else if (r < 0.78) {
        // COPY of a string value into another key, possibly another database.
        const target = pickDb();
        const newKey = pick();
        const id = db.find(key);
        const e = model.live(d, key);
        if (e?.kind === "string" && id >= 0 && !(target === d && latin1(newKey) === k)) {
          const value = db.stringView(id).slice();
          ks.dbs[target].setString(newKey, value);
          model.dbs[target].set(latin1(newKey), {
            kind: "string",
            value,
            raw: false,
            expireAt: 0,
          });
        }
      } else if (r < 0.86) {
        // In-place edits: APPEND or a SETRANGE-like write past the end.
        const id = db.find(key);
        const e = model.live(d, key);
        if (e?.kind === "string" && id >= 0) {
          if (rand() < 0.5) {
            const suffix = randomValue(rand).subarray(0, 1 + Math.floor(rand() * 3000));
            const len = db.appendString(id, suffix);
            const grown = new Uint8Array(e.value.length + suffix.length);
            grown.set(e.value);
            grown.set(suffix, e.value.length);
            e.value = grown;
            assertEquals(len, grown.length);
          } else {
            const offset = Math.floor(rand() * 6000);
            const view = db.writableString(id, offset + 1);
            view[offset] = 0x5a;
            const grown = new Uint8Array(Math.max(e.value.length, offset + 1));
            grown.set(e.value);
            grown[offset] = 0x5a;
            e.value = grown;
          }
          e.raw = true;
        }
      } else if (r < 0.9) {
        const { expired } = ks.activeExpireCycle(1000);
        assertTrue(expired >= 0);
      } else if (r < 0.905) {
        const other = (d + 1) % 3;
        db.swapContents(ks.dbs[other]);
        [model.dbs[d], model.dbs[other]] = [model.dbs[other], model.dbs[d]];
      } else if (r < 0.907) {
        db.clear();
        m.clear();
      } else {
        const id = db.find(key);
        const e = model.live(d, key);
        assertEquals(id >= 0, e !== undefined, "lookup");
        if (e && id >= 0) checkEntry(db, id, e, "lookup");
      }
      ops++;
      if (step % 400 === 399) fullCheck(ks, model);
    }
    fullCheck(ks, model);
    // No leaks: deleting every key gives every slab byte back.
    for (let d = 0; d < 3; d++) {
      for (const k of [...model.dbs[d].keys()]) ks.dbs[d].delete(bytes(k));
      assertEquals(ks.dbs[d].size, 0);
    }
    assertEquals(ks.slab.usedBytes, 0, "slab bytes leaked");
  }
  assertEquals(ops, 20_000);
});

Deno.test("database: expiry times up to 2^63-1 are kept exactly", () => {
  const ks = new Keyspace(new ManualClock(T0), 2);
  const [db, other] = ks.dbs;
  const max = 9223372036854775807n;
  const id = db.setString(bytes("k"), bytes("v"));
  db.setExpireExact(id, max);
  assertEquals(db.getExpireExact(id), max);
  assertTrue(db.getExpire(id) > 9e18, "the column keeps an approximation for comparisons");
  assertEquals(db.expiresCount, 1);
  // A rename and a move keep it; a swap carries it along.
  const renamed = db.moveEntry(id, db, bytes("k2"));
  assertEquals(db.getExpireExact(renamed), max);
  const moved = db.moveEntry(renamed, other, bytes("k3"));
  assertEquals(other.getExpireExact(moved), max);
  other.swapContents(db);
  const back = db.find(bytes("k3"));
  assertEquals(db.getExpireExact(back), max);
  // Safe times go through the column; setting one drops the exact value.
  db.setExpireExact(back, 5n + BigInt(T0));
  assertEquals(db.getExpireExact(back), 5n + BigInt(T0));
  db.setExpireExact(back, max - 1n);
  db.setExpire(back, 0);
  assertEquals(db.getExpireExact(back), 0n);
  assertEquals(db.expiresCount, 0);
  // Deleting forgets it: a new key reusing the entry has no expiry.
  db.setExpireExact(back, max);
  db.deleteEntry(back);
  const fresh = db.setString(bytes("new"), bytes("v"));
  assertEquals(db.getExpireExact(fresh), 0n);
});

Deno.test("database: string forms drive OBJECT ENCODING and REFCOUNT", () => {
  const ks = new Keyspace(new ManualClock(T0), 1);
  const db = ks.dbs[0];
  const cases: [string, string, number][] = [
    ["1", "int", 2147483647],
    ["9999", "int", 2147483647],
    ["10000", "int", 1],
    ["-1", "int", 1],
    ["0", "int", 2147483647],
    ["-0", "embstr", 1],
    ["01", "embstr", 1],
    ["+1", "embstr", 1],
    [" 1", "embstr", 1],
    ["9223372036854775807", "int", 1],
    ["-9223372036854775808", "int", 1],
    ["9223372036854775808", "embstr", 1],
    ["12345678901234567890", "embstr", 1],
    ["", "embstr", 1],
    ["a".repeat(44), "embstr", 1],
    ["a".repeat(45), "raw", 1],
    ["a".repeat(5000), "raw", 1],
  ];
  for (const [value, encoding, refcount] of cases) {
    const id = db.setString(bytes("k"), bytes(value));
    assertEquals(db.stringForm(id), StringForm.AUTO);
    assertEquals(stringEncoding(db, id), encoding, `encoding of ${JSON.stringify(value)}`);
    assertEquals(stringRefcount(db, id), refcount, `refcount of ${JSON.stringify(value)}`);
  }
  const id = db.setString(bytes("k"), bytes("3"));
  db.setStringForm(id, StringForm.PLAIN);
  assertEquals(stringEncoding(db, id), "embstr");
  assertEquals(stringRefcount(db, id), 1);
  db.setStringForm(id, StringForm.UNSHARED);
  assertEquals(stringEncoding(db, id), "int");
  assertEquals(stringRefcount(db, id), 1);
  db.setStringForm(id, StringForm.RAW);
  assertTrue(db.isRawString(id));
  assertEquals(stringEncoding(db, id), "raw");
  // In-place edits make any value raw; a new SET resets the form.
  const edited = db.setString(bytes("k"), bytes("12"));
  db.appendString(edited, bytes("3"));
  assertEquals(stringEncoding(db, edited), "raw");
  assertEquals(db.typeOf(edited), TYPE_STRING);
  db.setString(bytes("k"), bytes("123"));
  assertEquals(stringEncoding(db, db.find(bytes("k"))), "int");
  // With shared integers off, new strings are private objects.
  ks.noSharedIntegers = true;
  const unshared = db.setString(bytes("k"), bytes("7"));
  assertEquals(stringRefcount(db, unshared), 1);
  assertEquals(stringEncoding(db, unshared), "int");
});

Deno.test("database: LRU idle time and LFU counter with decay", () => {
  const clock = new ManualClock(T0);
  const ks = new Keyspace(clock, 1);
  const db = ks.dbs[0];
  const id = db.setString(bytes("k"), bytes("v"));
  clock.advance(42_000);
  ks.updateTime();
  assertEquals(db.idleSeconds(id), 42);
  db.touch(id);
  assertEquals(db.idleSeconds(id), 0);
  // Overwriting creates a fresh value: idle time restarts.
  clock.advance(10_000);
  ks.updateTime();
  db.setString(bytes("k"), bytes("w"));
  assertEquals(db.idleSeconds(id), 0);

  ks.lfuPolicy = true;
  assertEquals(db.frequency(id), 5, "LFU_INIT_VAL");
  db.touch(id); // counter 5 has base 0: the increment is certain
  assertEquals(db.frequency(id), 6);
  let touches = 0;
  while (db.frequency(id) < 10) {
    db.touch(id);
    touches++;
  }
  assertTrue(touches > 10, `the counter grows logarithmically (${touches} touches)`);
  // One point lost per lfu-decay-time minutes without access.
  clock.advance(3 * 60_000);
  ks.updateTime();
  assertEquals(db.frequency(id), 7);
  ks.lfuDecayTime = 2;
  assertEquals(db.frequency(id), 9);
  ks.lfuDecayTime = 0;
  assertEquals(db.frequency(id), 10);
  ks.lfuDecayTime = 1;
  clock.advance(60 * 60_000);
  ks.updateTime();
  assertEquals(db.frequency(id), 0);
  // Under LFU an overwrite keeps the counter (Redis copies it to the new object).
  db.touch(id);
  const before = db.frequency(id);
  db.setString(bytes("k"), bytes("x"));
  assertEquals(db.frequency(db.find(bytes("k"))), before);
  // Counters saturate at 255.
  db.setFrequency(id, 255);
  db.touch(id);
  assertEquals(db.frequency(id), 255);
});

Deno.test("database: an emptied database gives its entry table back", () => {
  const ks = new Keyspace(new ManualClock(T0), 1);
  const db = ks.dbs[0];
  const empty = db.tableBytes();
  for (let i = 0; i < 50_000; i++) db.setString(bytes(`k${i}`), bytes("v"));
  const full = db.tableBytes();
  assertTrue(full > 50_000 * 30, `columns ${full}`);
  for (let i = 0; i < 50_000; i++) assertTrue(db.delete(bytes(`k${i}`)));
  assertEquals(db.size, 0);
  assertEquals(db.tableBytes(), empty);
  assertEquals(ks.slab.usedBytes, 0);
  // And works normally afterwards.
  const id = db.setString(bytes("again"), bytes("v"));
  assertEquals(latin1(db.stringView(id)), "v");
  assertEquals(db.size, 1);
});

Deno.test("database: scanObjects visits exactly the values held outside the slab, in steps", () => {
  const ks = new Keyspace(new ManualClock(T0), 1);
  const db = ks.dbs[0];
  const held = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    if (i % 7 === 3) {
      db.setObject(bytes(`o${i}`), TYPE_LIST, [i]);
      held.add(`o${i}`);
    } else if (i % 11 === 5) {
      db.setString(bytes(`big${i}`), new Uint8Array(5000)); // too long for the slab
      held.add(`big${i}`);
    } else {
      db.setString(bytes(`s${i}`), bytes("v"));
    }
  }
  for (let i = 3; i < 3000; i += 70) {
    db.delete(bytes(`o${i}`));
    held.delete(`o${i}`);
  }
  const seen: string[] = [];
  let cursor = 0;
  do {
    const before = seen.length;
    cursor = db.scanObjects(cursor, 5, (id) => seen.push(latin1(db.keyView(id))));
    assertTrue(seen.length - before <= 5, `a step visited ${seen.length - before}`);
  } while (cursor !== 0);
  assertEquals(seen.length, held.size);
  assertEquals(new Set(seen), held);
  // A database of small strings has nothing to visit.
  const small = new Keyspace(new ManualClock(T0), 1).dbs[0];
  for (let i = 0; i < 1000; i++) small.setString(bytes(`s${i}`), bytes("v"));
  assertEquals(small.scanObjects(0, 100, () => assertTrue(false, "visited")), 0);
});

Deno.test("database: a large table resizes a little per write; lookups, deletes, SCAN and iteration see every key meanwhile", () => {
  const ks = new Keyspace(new ManualClock(T0), 1);
  const db = ks.dbs[0];
  const rand = rng(4242);
  const present = new Set<string>();
  const add = (k: string) => {
    db.setString(bytes(k), bytes(k));
    present.add(k);
  };
  for (let i = 0; i < 65_536; i++) add(`a${i}`);
  assertTrue(!db.rehashing, "not yet");
  add("first-past");
  assertTrue(db.rehashing, "a resize of 65,536 buckets goes on bucket by bucket");
  // A SCAN that starts now and lasts past the resize returns every key present throughout.
  const steady = new Set(present);
  const seen = new Set<string>();
  let cursor = 0;
  let writes = 0;
  let checks = 0;
  let rehashingSteps = 0;
  do {
    cursor = db.scan(cursor, 50, (id) => seen.add(latin1(db.keyView(id))));
    for (let w = 0; w < 20; w++) {
      if (rand() < 0.6) add(`b${writes}`);
      else {
        const k = `a${Math.floor(rand() * 65_536)}`;
        assertEquals(db.delete(bytes(k)), present.delete(k), `delete ${k}`);
        steady.delete(k);
      }
      writes++;
    }
    if (db.rehashing) rehashingSteps++;
    for (let c = 0; c < 5; c++) {
      const k = rand() < 0.5
        ? `a${Math.floor(rand() * 65_536)}`
        : `b${Math.floor(rand() * writes)}`;
      const id = db.find(bytes(k));
      assertEquals(id >= 0, present.has(k), `find ${k} during the resize`);
      if (id >= 0) assertEquals(latin1(db.stringView(id)), k);
      checks++;
    }
  } while (cursor !== 0);
  assertTrue(rehashingSteps > 100, `the scan saw the resize going on (${rehashingSteps} steps)`);
  for (const k of steady) assertTrue(seen.has(k), `${k} present throughout but not returned`);
  // The cron finishes what writes have not.
  while (db.rehashing) db.rehashFor(1);
  let counted = 0;
  db.forEach(() => counted++);
  assertEquals(counted, present.size);
  assertEquals(db.size, present.size);
  for (const k of present) assertTrue(db.find(bytes(k)) >= 0, `${k} after the resize`);
  assertTrue(checks > 1000, `${checks} lookups`);
});

Deno.test("database: mid-resize, moves between databases, SWAPDB, expiry, random picks and FLUSHDB keep every key", () => {
  const clock = new ManualClock(T0);
  const ks = new Keyspace(clock, 2);
  const [a, b] = ks.dbs;
  const keysOf = (db: Database) => {
    const out = new Set<string>();
    db.forEach((id) => out.add(latin1(db.keyView(id))));
    return out;
  };
  for (let i = 0; i <= 65_536; i++) a.setString(bytes(`k${i}`), bytes(`v${i}`));
  for (let i = 0; i <= 65_536; i++) b.setString(bytes(`o${i}`), bytes(`w${i}`));
  assertTrue(a.rehashing && b.rehashing, "both resizing");
  // Move keys across while both tables are mid-resize.
  for (let i = 0; i < 500; i++) {
    const id = a.find(bytes(`k${i}`));
    a.moveEntry(id, b, bytes(`m${i}`));
  }
  assertEquals(a.size, 65_037);
  assertEquals(b.size, 65_537 + 500);
  assertEquals(latin1(b.stringView(b.find(bytes("m7")))), "v7");
  assertEquals(a.find(bytes("k7")), -1);
  // SWAPDB exchanges two resizing tables, their progress with them.
  assertTrue(a.rehashing && b.rehashing, "still resizing");
  a.swapContents(b);
  assertTrue(a.rehashing && b.rehashing, "still resizing after the swap");
  assertEquals(latin1(a.stringView(a.find(bytes("o9")))), "w9");
  assertEquals(latin1(b.stringView(b.find(bytes("k900")))), "v900");
  assertEquals(keysOf(a).size, a.size);
  assertEquals(keysOf(b).size, b.size);
  // Expiry removes keys from whichever table holds them.
  for (let i = 1000; i < 3000; i++) b.setExpire(b.find(bytes(`k${i}`)), T0 + 10);
  clock.advance(20);
  ks.activeExpireCycle(1_000);
  for (let i = 1000; i < 3000; i += 97) assertEquals(b.find(bytes(`k${i}`)), -1, `k${i} expired`);
  assertEquals(keysOf(b).size, b.size);
  // Random picks only return live entries (the sparse path finishes the resize first).
  for (let i = 0; i < 200; i++) {
    const id = b.randomEntry();
    assertTrue(b.find(b.keyCopy(id)) === id, "a live entry");
  }
  // The background snapshot's view of live entries agrees with iteration.
  const live = a.liveEntries();
  let marked = 0;
  for (const byte of live) if (byte !== 0) marked++;
  assertEquals(marked, a.size);
  a.clear();
  assertEquals(a.size, 0);
  assertTrue(!a.rehashing, "an emptied database has one table");
  a.setString(bytes("again"), bytes("x"));
  assertEquals(latin1(a.stringView(a.find(bytes("again")))), "x");
});

Deno.test("database: SCAN returns keys present for the whole iteration despite resizes", () => {
  let rounds = 0;
  for (let seed = 1; seed <= 25; seed++) {
    const rand = rng(seed * 977);
    const ks = new Keyspace(new ManualClock(T0), 1);
    const db = ks.dbs[0];
    const initial = 1 + Math.floor(rand() * 3000);
    for (let i = 0; i < initial; i++) db.setString(bytes(`s${i}`), bytes("v"));
    const deleted = new Set<string>();
    const seen = new Set<string>();
    let cursor = 0;
    let fresh = 0;
    do {
      cursor = db.scan(cursor, 1 + Math.floor(rand() * 30), (id) => {
        seen.add(latin1(db.keyView(id)));
      });
      const burst = Math.floor(rand() * 400);
      const grow = rand() < 0.5;
      for (let i = 0; i < burst; i++) {
        if (grow) db.setString(bytes(`t${fresh++}`), bytes("v"));
        else if (db.size > 0) {
          const id = db.randomEntry();
          const k = latin1(db.keyView(id));
          deleted.add(k);
          db.deleteEntry(id);
        }
      }
    } while (cursor !== 0);
    for (let i = 0; i < initial; i++) {
      const k = `s${i}`;
      if (!deleted.has(k)) assertTrue(seen.has(k), `seed ${seed}: ${k} missed`);
    }
    rounds++;
  }
  assertEquals(rounds, 25);
});

Deno.test("database: randomEntry only returns live entries, sparse tables too", () => {
  const ks = new Keyspace(new ManualClock(T0), 1);
  const db = ks.dbs[0];
  assertEquals(db.randomEntry(), -1);
  for (let i = 0; i < 10_000; i++) db.setString(bytes(`k${i}`), bytes("v"));
  // Leave 20 keys: entry numbers stay sparse, so the bucket path is used.
  for (let i = 20; i < 10_000; i++) db.delete(bytes(`k${i}`));
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const id = db.randomEntry();
    assertTrue(id >= 0);
    const k = latin1(db.keyView(id));
    assertTrue(Number(k.slice(1)) < 20, `deleted key ${k} returned`);
    seen.add(k);
  }
  assertEquals(seen.size, 20);
});
