/**
 * Checks Rift's RDB primitives (length and string encodings, LZF, CRC64,
 * listpack, intset) against payloads produced and accepted by redis-server,
 * through DUMP and RESTORE.
 */
import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { latin1 } from "../helpers/client.ts";
import { HAS_REDIS, startRedis } from "../helpers/server.ts";
import { RdbReader, RdbWriter } from "../../src/persistence/rdb_encoding.ts";
import { Crc64 } from "../../src/persistence/crc64.ts";
import {
  decodeIntset,
  decodeListpack,
  encodeListpack,
} from "../../src/persistence/packed_formats.ts";

/** Splits a DUMP payload into body, RDB version and checksum, verifying the checksum. */
function openPayload(payload: Uint8Array): { body: RdbReader; version: number } {
  const n = payload.length;
  const crc = new Crc64().update(payload.subarray(0, n - 8)).bytesLE();
  assertEquals(crc, payload.subarray(n - 8), "payload checksum");
  const version = payload[n - 10] | (payload[n - 9] << 8);
  return { body: new RdbReader(payload.subarray(0, n - 10)), version };
}

/** Wraps an object body into a DUMP payload with RDB version 10 and its CRC. */
function makePayload(body: Uint8Array): Uint8Array {
  const w = new RdbWriter();
  w.raw(body);
  w.byte(10);
  w.byte(0);
  const crc = new Crc64().update(w.bytes()).bytesLE();
  w.raw(crc);
  return w.bytes().slice();
}

function bulk(reply: { type: string; value?: Uint8Array }): Uint8Array {
  assertEquals(reply.type, "bulk");
  return reply.value!;
}

Deno.test("rdb primitives decode what redis-server dumps", async () => {
  if (!HAS_REDIS) return;
  const redis = await startRedis();
  try {
    const c = await redis.client();
    const long = "abcdefghij".repeat(50);
    await c.call("SET", "lzf", long);
    await c.call("SET", "int", "-123456");
    await c.call("HSET", "hash", "f1", "v1", "n", "42");
    await c.call("SADD", "ints", "3", "1", "200000");
    await c.call("RPUSH", "list", "a", "1", "bb");
    await c.call("ZADD", "zs", "1.5", "m");

    let p = openPayload(bulk(await c.call("DUMP", "lzf") as { type: string; value: Uint8Array }));
    assertEquals(p.version, 10);
    assertEquals(p.body.byte(), 0); // STRING
    assertEquals(latin1(p.body.string()), long);

    p = openPayload(bulk(await c.call("DUMP", "int") as { type: string; value: Uint8Array }));
    p.body.byte();
    assertEquals(latin1(p.body.string()), "-123456");

    p = openPayload(bulk(await c.call("DUMP", "hash") as { type: string; value: Uint8Array }));
    assertEquals(p.body.byte(), 16); // HASH_LISTPACK
    assertEquals(decodeListpack(p.body.string()), ["f1", "v1", "n", "42"]);

    p = openPayload(bulk(await c.call("DUMP", "ints") as { type: string; value: Uint8Array }));
    assertEquals(p.body.byte(), 11); // SET_INTSET
    assertEquals(decodeIntset(p.body.string()), ["1", "3", "200000"]);

    p = openPayload(bulk(await c.call("DUMP", "list") as { type: string; value: Uint8Array }));
    assertEquals(p.body.byte(), 18); // LIST_QUICKLIST_2
    assertEquals(p.body.len(), 1); // one node
    assertEquals(p.body.len(), 2); // PACKED container
    assertEquals(decodeListpack(p.body.string()), ["a", "1", "bb"]);

    p = openPayload(bulk(await c.call("DUMP", "zs") as { type: string; value: Uint8Array }));
    assertEquals(p.body.byte(), 17); // ZSET_LISTPACK
    assertEquals(decodeListpack(p.body.string()), ["m", "1.5"]);
  } finally {
    await redis.stop();
  }
});

Deno.test("redis-server restores payloads built with Rift's encoders", async () => {
  if (!HAS_REDIS) return;
  // Deep sanitization makes Redis validate every listpack entry and back-length.
  const redis = await startRedis(["--sanitize-dump-payload", "yes"]);
  try {
    const c = await redis.client();
    // A compressible string goes out LZF-compressed.
    const text = "xyz".repeat(300);
    let w = new RdbWriter();
    w.byte(0);
    w.string(new TextEncoder().encode(text));
    assertTrue(w.length < 200, "the string was compressed");
    assertEquals((await c.call("RESTORE", "s", "0", makePayload(w.bytes()))).type, "simple");
    assertEquals(await c.value("GET", "s"), text);

    // A hash as a listpack with every kind of entry.
    const pairs = [
      "f",
      "v",
      "n",
      "12",
      "neg",
      "-5000",
      "big",
      "9223372036854775807",
      "long",
      "q".repeat(100),
    ];
    w = new RdbWriter();
    w.byte(16);
    w.string(encodeListpack(pairs), false);
    assertEquals((await c.call("RESTORE", "h", "0", makePayload(w.bytes()))).type, "simple");
    assertEquals(await c.value("HGETALL", "h"), pairs);

    // A list as a quicklist with one packed node.
    const items = ["1", "two", "-3", "x".repeat(5000)];
    w = new RdbWriter();
    w.byte(18);
    w.len(1);
    w.len(2);
    w.string(encodeListpack(items), false);
    assertEquals((await c.call("RESTORE", "l", "0", makePayload(w.bytes()))).type, "simple");
    assertEquals(await c.value("LRANGE", "l", "0", "-1"), items);
  } finally {
    await redis.stop();
  }
});
