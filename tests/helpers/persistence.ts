/**
 * Helpers for persistence tests: temporary data directories, a dataset
 * used in every round trip (every type and encoding, several databases,
 * TTLs, binary data), and canonical dumps of a dataset read from an
 * embedded Rift (in-process) or from redis-server (over the wire), so two
 * servers' contents can be compared exactly.
 *
 * @module
 */

import type { Server } from "../../src/mod.ts";
import {
  TYPE_HASH,
  TYPE_LIST,
  TYPE_SET,
  TYPE_STRING,
  TYPE_ZSET,
} from "../../src/store/database.ts";
import type { HashValue } from "../../src/store/hash.ts";
import type { ListValue } from "../../src/store/list.ts";
import type { SetValue } from "../../src/store/set.ts";
import type { ZSetValue } from "../../src/store/zset.ts";
import { formatDouble } from "../../src/util/numbers.ts";
import { type Arg, latin1, type RespClient } from "./client.ts";

/** A fresh temporary directory; remove it with {@link removeDir}. */
export function tempDir(prefix = "rift-persist-"): Promise<string> {
  return Deno.makeTempDir({ prefix });
}

/** Removes a directory tree, ignoring errors. */
export async function removeDir(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}

/** One key as compared across servers: type, value in a canonical form, absolute expiry. */
export interface CanonicalEntry {
  type: string;
  /**
   * Strings: the value; hashes: sorted pairs; sets: sorted members; lists:
   * members in order; sorted sets: member and score (as `%.17g`) pairs in order.
   */
  value: string | string[] | [string, string][];
  /** Absolute expiry in ms, or -1. */
  expireAt: number;
}

/** A dataset: `<db>:<key>` (key as latin1) → entry. */
export type CanonicalDataset = Record<string, CanonicalEntry>;

const TYPE_NAMES: Record<number, string> = {
  [TYPE_STRING]: "string",
  [TYPE_LIST]: "list",
  [TYPE_SET]: "set",
  [TYPE_HASH]: "hash",
  [TYPE_ZSET]: "zset",
};

/** Sorts and returns a copy. */
function sorted<T>(items: T[]): T[] {
  return [...items].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

/** The dataset of an embedded Rift, read from its keyspace. Expired keys are left out. */
export function riftDataset(server: Server): CanonicalDataset {
  const out: CanonicalDataset = {};
  const now = Date.now();
  for (const db of server.keyspace.dbs) {
    db.forEach((id) => {
      const expire = db.getExpire(id);
      if (expire !== 0 && expire <= now) return;
      const type = db.typeOf(id);
      let value: CanonicalEntry["value"];
      if (type === TYPE_STRING) value = latin1(db.stringView(id));
      else if (type === TYPE_HASH) value = sorted([...db.object<HashValue>(id).entries()]);
      else if (type === TYPE_SET) value = sorted([...db.object<SetValue>(id).members()]);
      else if (type === TYPE_LIST) value = db.object<ListValue>(id).toArray();
      else if (type === TYPE_ZSET) {
        const pairs: [string, string][] = [];
        db.object<ZSetValue>(id).forEach((m, s) => pairs.push([m, formatDouble(s)]));
        value = pairs;
      } else throw new Error(`unexpected type ${type}`);
      out[`${db.index}:${latin1(db.keyView(id))}`] = {
        type: TYPE_NAMES[type],
        value,
        expireAt: expire === 0 ? -1 : expire,
      };
    });
  }
  return out;
}

/** Encodings (`OBJECT ENCODING`) of an embedded Rift's collections: `<db>:<key>` → encoding. */
export function riftEncodings(server: Server): Record<string, string> {
  const out: Record<string, string> = {};
  for (const db of server.keyspace.dbs) {
    db.forEach((id) => {
      if (db.typeOf(id) === TYPE_STRING) return;
      out[`${db.index}:${latin1(db.keyView(id))}`] = db.object<{ encoding(): string }>(id)
        .encoding();
    });
  }
  return out;
}

async function value(c: RespClient, ...args: Arg[]): Promise<unknown> {
  return await c.value(...args);
}

/** Bytes of a latin1 string (keys read back from a server, to send again unchanged). */
function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** The dataset of a redis-server (databases `0..dbs-1`), read over the wire. */
export async function redisDataset(c: RespClient, dbs = 16): Promise<CanonicalDataset> {
  const out: CanonicalDataset = {};
  for (let db = 0; db < dbs; db++) {
    await c.call("SELECT", db);
    const keys = await value(c, "KEYS", "*") as string[];
    for (const name of keys) {
      const key = bytes(name);
      const type = await value(c, "TYPE", key) as string;
      let v: CanonicalEntry["value"];
      if (type === "string") v = await value(c, "GET", key) as string;
      else if (type === "hash") {
        const flat = await value(c, "HGETALL", key) as string[];
        const pairs: [string, string][] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
        v = sorted(pairs);
      } else if (type === "set") v = sorted(await value(c, "SMEMBERS", key) as string[]);
      else if (type === "list") v = await value(c, "LRANGE", key, 0, -1) as string[];
      else if (type === "zset") {
        const flat = await value(c, "ZRANGE", key, 0, -1, "WITHSCORES") as string[];
        const pairs: [string, string][] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
        v = pairs;
      } else throw new Error(`unexpected type ${type}`);
      const expireAt = await value(c, "PEXPIRETIME", key) as number;
      out[`${db}:${name}`] = { type, value: v, expireAt };
    }
  }
  await c.call("SELECT", 0);
  return out;
}

/** `OBJECT ENCODING` of every collection of a redis-server: `<db>:<key>` → encoding. */
export async function redisEncodings(c: RespClient, dbs = 16): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (let db = 0; db < dbs; db++) {
    await c.call("SELECT", db);
    for (const name of await value(c, "KEYS", "*") as string[]) {
      const key = bytes(name);
      if (await value(c, "TYPE", key) === "string") continue;
      out[`${db}:${name}`] = await value(c, "OBJECT", "ENCODING", key) as string;
    }
  }
  await c.call("SELECT", 0);
  return out;
}

/** Binary-unsafe bytes that must survive every round trip. */
export const BINARY = "\x00\r\n\xff\x80 bin\x01";

/**
 * Commands building a dataset with every type and encoding Rift and Redis
 * 7.0 share: strings stored as integers, short, LZF-compressible, large
 * and binary; listpack and hashtable hashes; intset (16, 32 and 64-bit)
 * and hashtable sets; small and multi-node lists; listpack and skiplist
 * sorted sets (integer, fractional and infinite scores); keys in several
 * databases, some with TTLs (absolute times an hour from `now`).
 */
export function datasetCommands(now: number): Arg[][] {
  const at = now + 3_600_000;
  const many = (n: number, f: (i: number) => string[]) =>
    Array.from({ length: n }, (_, i) => f(i)).flat();
  return [
    ["SELECT", 0],
    ["SET", "int", "12345"],
    ["SET", "neg", "-9000000000"],
    ["SET", "short", "hello"],
    ["SET", "empty", ""],
    ["SET", "lzf", "abcdefgh".repeat(100)],
    ["SET", "big", "x".repeat(70_000)],
    ["SET", BINARY, BINARY.repeat(30)],
    ["SET", "ttl:string", "v", "PXAT", at],
    ["HSET", "hash:small", "f1", "v1", "n", "42", "neg", "-7", BINARY, BINARY],
    ["HSET", "hash:big", ...many(600, (i) => [`field:${i}`, `value:${i}`])],
    ["HSET", "hash:long", "f", "v".repeat(100)],
    ["SADD", "set:int16", "1", "2", "-3", "300"],
    ["SADD", "set:int32", "1", "70000", "-2000000000"],
    ["SADD", "set:int64", "1", "9223372036854775807", "-9223372036854775808"],
    ["SADD", "set:strings", "a", "b", BINARY],
    ["SADD", "set:bigints", ...many(600, (i) => [String(i * 7)])],
    ["RPUSH", "list:small", "a", "1", "-2", BINARY, ""],
    ["RPUSH", "list:big", ...many(3000, (i) => [`item-${i}-${"y".repeat(i % 50)}`])],
    [
      "ZADD",
      "zset:small",
      "1",
      "a",
      "-2.5",
      "b",
      "inf",
      "c",
      "-inf",
      "d",
      "0",
      BINARY,
      "3e+20",
      "e",
    ],
    ["ZADD", "zset:big", ...many(300, (i) => [String(i / 3), `member:${i}`])],
    ["ZADD", "zset:long", "1", "m".repeat(100)],
    ["SELECT", 3],
    ["SET", "int", "77"],
    ["HSET", "ttl:hash", "a", "b"],
    ["PEXPIREAT", "ttl:hash", at + 1],
    ["ZADD", "ttl:zset", "1", "x"],
    ["PEXPIREAT", "ttl:zset", at + 4],
    ["SELECT", 15],
    ["SADD", "ttl:set", "x"],
    ["PEXPIREAT", "ttl:set", at + 2],
    ["RPUSH", "ttl:list", "x", "y"],
    ["PEXPIREAT", "ttl:list", at + 3],
    ["SELECT", 0],
  ];
}

/**
 * Runs {@link datasetCommands} on a server. Rift's command table may not
 * have PEXPIREAT yet: expiries are then set in-process on `riftServer`.
 */
export async function populate(c: RespClient, now: number, riftServer?: Server): Promise<void> {
  let db = 0;
  for (const command of datasetCommands(now)) {
    if (command[0] === "SELECT") db = command[1] as number;
    if (command[0] === "PEXPIREAT" && riftServer !== undefined) {
      const keyspaceDb = riftServer.keyspace.dbs[db];
      const id = keyspaceDb.find(bytes(String(command[1])));
      keyspaceDb.setExpire(id, Number(command[2]));
      continue;
    }
    // Strings are sent as latin1 so that "\xff" is the byte 0xff (invalid UTF-8).
    const args = command.map((a) => (typeof a === "string" ? bytes(a) : a));
    const reply = await c.call(...args);
    if (reply.type === "error") throw new Error(`${command[0]} failed: ${reply.text}`);
  }
}

/** A field of INFO persistence. */
export async function infoField(c: RespClient, field: string): Promise<string> {
  const info = await c.value("INFO", "persistence") as string;
  const m = new RegExp(`^${field}:(.*)\\r$`, "m").exec(info);
  if (m === null) throw new Error(`no ${field} in INFO`);
  return m[1];
}

/** Polls `check` until it holds (10 s at most). */
export async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves once no BGSAVE or AOF rewrite runs (nor is scheduled) on the server. */
export function waitIdle(c: RespClient): Promise<void> {
  return waitFor(async () =>
    await infoField(c, "rdb_bgsave_in_progress") === "0" &&
    await infoField(c, "aof_rewrite_in_progress") === "0" &&
    await infoField(c, "aof_rewrite_scheduled") === "0", "background jobs");
}
