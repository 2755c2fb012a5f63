/**
 * The background snapshot of ADR 0003, as a property: whatever happens to
 * the dataset between the walk's slices (overwrites, in-place changes of
 * collections, deletions, new keys, expiry changes, FLUSHDB, SWAPDB), the
 * file holds exactly the dataset as it was when the snapshot started.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { Keyspace } from "../../src/store/keyspace.ts";
import { ManualClock } from "../../src/store/clock.ts";
import {
  type Database,
  TYPE_HASH,
  TYPE_LIST,
  TYPE_SET,
  TYPE_STRING,
  TYPE_ZSET,
} from "../../src/store/database.ts";
import { ZSetValue } from "../../src/store/zset.ts";
import { HashValue } from "../../src/store/hash.ts";
import { SetValue } from "../../src/store/set.ts";
import { ListValue } from "../../src/store/list.ts";
import { BackgroundSnapshot, writeSnapshotSync } from "../../src/persistence/snapshot.ts";
import {
  CommandSnapshotFormat,
  RdbSnapshotFormat,
} from "../../src/persistence/snapshot_formats.ts";
import { loadRdbBytesSync } from "../../src/persistence/rdb_loader.ts";
import { parseAofCommand } from "../../src/persistence/aof_parser.ts";

const HASH_LIMITS = { maxListpackEntries: 8, maxListpackValue: 16 };
const SET_LIMITS = { maxIntsetEntries: 8 };
const ZSET_LIMITS = { maxListpackEntries: 8, maxListpackValue: 16 };
const LOAD_OPTIONS = {
  limits: { hash: HASH_LIMITS, set: SET_LIMITS, zset: ZSET_LIMITS },
  skipExpired: true,
  verifyChecksum: true,
  lfuPolicy: false,
  notice: () => {},
};
const FUTURE = 4_000_000_000_000;

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const dec = (b: Uint8Array) => String.fromCharCode(...b);

/** Canonical contents of a keyspace, for comparison. */
function contents(keyspace: Keyspace): Record<string, string> {
  const out: Record<string, string> = {};
  for (const db of keyspace.dbs) {
    db.forEach((id) => {
      const type = db.typeOf(id);
      let value: unknown;
      if (type === TYPE_STRING) value = dec(db.stringView(id));
      else if (type === TYPE_HASH) value = [...db.object<HashValue>(id).entries()].sort();
      else if (type === TYPE_SET) value = [...db.object<SetValue>(id).members()].sort();
      else if (type === TYPE_ZSET) {
        const pairs: [string, number][] = [];
        db.object<ZSetValue>(id).forEach((m, s) => pairs.push([m, s]));
        value = pairs;
      } else value = db.object<ListValue>(id).toArray();
      out[`${db.index}:${dec(db.keyView(id))}`] = JSON.stringify([type, value, db.getExpire(id)]);
    });
  }
  return out;
}

function randomValue(random: () => number, db: Database, key: Uint8Array): void {
  const kind = Math.floor(random() * 5);
  const n = 1 + Math.floor(random() * 12);
  const items = Array.from({ length: n }, (_, i) => (random() < 0.5 ? String(i * 3) : `m${i}`));
  let id: number;
  if (kind === 0) id = db.setString(key, enc(`v${Math.floor(random() * 1e6)}`));
  else if (kind === 1) {
    id = db.setObject(
      key,
      TYPE_HASH,
      HashValue.fromEntries(items.map((m) => [m, `x${m}`]), HASH_LIMITS),
    );
  } else if (kind === 2) id = db.setObject(key, TYPE_SET, SetValue.fromMembers(items, SET_LIMITS));
  else if (kind === 3) id = db.setObject(key, TYPE_LIST, ListValue.fromArray(items));
  else {
    const members = [...new Set(items)];
    const scores = members.map((_, i) => (i % 3 === 0 ? i : i / 7 - 3));
    id = db.setObject(key, TYPE_ZSET, ZSetValue.fromEntries(members, scores, ZSET_LIMITS));
  }
  if (random() < 0.3) db.setExpire(id, FUTURE + Math.floor(random() * 1e6));
}

/** One change, made the way command handlers make them (a lookup first). */
function mutate(random: () => number, keyspace: Keyspace): void {
  const db = keyspace.dbs[Math.floor(random() * keyspace.dbs.length)];
  const key = enc(`k${Math.floor(random() * 60)}`);
  const op = random();
  if (op < 0.01) {
    db.clear();
    return;
  }
  if (op < 0.02) {
    const other = keyspace.dbs[Math.floor(random() * keyspace.dbs.length)];
    if (other !== db) db.swapContents(other);
    return;
  }
  const id = db.find(key);
  if (id < 0 || op < 0.2) {
    randomValue(random, db, key);
    return;
  }
  if (op < 0.35) {
    db.deleteEntry(id);
    return;
  }
  if (op < 0.45) {
    db.setExpire(id, random() < 0.5 ? 0 : FUTURE + 7);
    return;
  }
  const type = db.typeOf(id);
  if (type === TYPE_STRING) db.appendString(id, enc("+"));
  else if (type === TYPE_HASH) db.object<HashValue>(id).set(`f${op}`, "changed", HASH_LIMITS);
  else if (type === TYPE_SET) db.object<SetValue>(id).add(`s${op}`, SET_LIMITS);
  else if (type === TYPE_ZSET) db.object<ZSetValue>(id).insert(`z${op}`, op, ZSET_LIMITS);
  else db.object<ListValue>(id).pushFront("front");
}

function populate(random: () => number, keyspace: Keyspace): void {
  for (const db of keyspace.dbs) {
    for (let i = 0; i < 60; i++) if (random() < 0.7) randomValue(random, db, enc(`k${i}`));
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

const RDB_OPTIONS = {
  compress: true,
  checksum: true,
  aux: [["redis-ver", "7.0.15"]] as const,
  saveIdle: false,
  saveFreq: false,
};

Deno.test("snapshot: the file holds the dataset as it was at the start, whatever changes meanwhile", async () => {
  let rounds = 0;
  let changesDuringSaves = 0;
  let writtenByGuards = 0;
  for (let seed = 1; seed <= 120; seed++) {
    const random = rng(seed);
    const keyspace = new Keyspace(new ManualClock(1_000_000), 4);
    populate(random, keyspace);
    const expected = contents(keyspace);
    let walked = 0;
    const snapshot = new BackgroundSnapshot(keyspace, new RdbSnapshotFormat(RDB_OPTIONS), {
      sliceMs: 1000,
      flushBytes: 1 << 20,
      // One key per slice, and a burst of changes between slices.
      keyDelayMicros: () => 1,
      pause: () => {
        walked++;
        const changes = Math.floor(random() * 6);
        for (let i = 0; i < changes; i++) mutate(random, keyspace);
        changesDuringSaves += changes;
        return Promise.resolve();
      },
    });
    snapshot.start();
    const chunks: Uint8Array[] = [];
    await snapshot.run((chunk) => {
      chunks.push(chunk);
      return Promise.resolve();
    });
    writtenByGuards += snapshot.keysWritten - walked;
    for (const db of keyspace.dbs) assertEquals(db.guard, null, "guards are removed at the end");
    const loaded = new Keyspace(new ManualClock(1_000_000), 4);
    loadRdbBytesSync(concat(chunks), loaded, LOAD_OPTIONS);
    assertEquals(contents(loaded), expected, `seed ${seed}`);
    assertEquals(snapshot.keysWritten, snapshot.keysTotal);
    rounds++;
  }
  assertEquals(rounds, 120);
  assertTrue(changesDuringSaves > 10_000, `only ${changesDuringSaves} changes during saves`);
  assertTrue(writtenByGuards > 1_000, `only ${writtenByGuards} entries written by guards`);
});

Deno.test("snapshot: a cancelled snapshot removes its guards and stops", async () => {
  const keyspace = new Keyspace(new ManualClock(1_000_000), 2);
  populate(rng(7), keyspace);
  const snapshot = new BackgroundSnapshot(keyspace, new RdbSnapshotFormat(RDB_OPTIONS), {
    sliceMs: 1000,
    flushBytes: 1 << 20,
    keyDelayMicros: () => 1,
    pause: () => {
      snapshot.cancel();
      return Promise.resolve();
    },
  });
  snapshot.start();
  let rejected = false;
  await snapshot.run(() => Promise.resolve()).catch(() => rejected = true);
  assertTrue(rejected);
  for (const db of keyspace.dbs) assertEquals(db.guard, null);
});

Deno.test("snapshot: the command format rebuilds the same dataset (SELECT, SET, HMSET, SADD, RPUSH, PEXPIREAT)", () => {
  const keyspace = new Keyspace(new ManualClock(1_000_000), 4);
  populate(rng(3), keyspace);
  const chunks: Uint8Array[] = [];
  writeSnapshotSync(keyspace, new CommandSnapshotFormat(), (c) => chunks.push(c));
  const input = { buf: concat(chunks), pos: 0, base: 0 };
  const names = new Map<string, number>();
  let argv;
  let items = 0;
  while ((argv = parseAofCommand(input)) !== null) {
    const name = dec(argv[0]);
    names.set(name, (names.get(name) ?? 0) + 1);
    if (name === "HMSET") assertTrue((argv.length - 2) % 2 === 0 && argv.length - 2 <= 128);
    if (name === "SADD" || name === "RPUSH") assertTrue(argv.length - 2 <= 64);
    if (name === "ZADD") assertTrue((argv.length - 2) % 2 === 0 && argv.length - 2 <= 128);
    items++;
  }
  assertEquals(input.pos, input.buf.length);
  assertEquals([...names.keys()].sort(), [
    "HMSET",
    "PEXPIREAT",
    "RPUSH",
    "SADD",
    "SELECT",
    "SET",
    "ZADD",
  ]);
  let keys = 0;
  for (const db of keyspace.dbs) keys += db.size;
  assertEquals(names.get("SELECT"), keyspace.dbs.filter((db) => db.size > 0).length);
  assertEquals(
    (names.get("SET") ?? 0) + (names.get("HMSET") ?? 0) + (names.get("SADD") ?? 0) +
      (names.get("RPUSH") ?? 0) + (names.get("ZADD") ?? 0),
    keys,
  );
  assertTrue(items > keys);
});
