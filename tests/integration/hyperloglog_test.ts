/**
 * HyperLogLog commands against a real redis-server: byte-identical replies
 * and byte-identical HLL values (GET) after the same commands, through
 * sparse growth, promotion to dense, merges, cached counts, corruption and
 * errors, with keyspace events, propagation and dirty counts compared too.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { Arg, RespClient } from "../helpers/client.ts";
import { type Pair, withPair } from "../helpers/differential.ts";
import { withObservedPair } from "../helpers/observed_pair.ts";
import { Prng } from "../helpers/strings_random.ts";

const enc = new TextEncoder();

/** A random element: short text, a number, or random bytes (NUL, CR/LF, invalid UTF-8). */
function randomElement(rng: Prng): Arg {
  switch (rng.int(4)) {
    case 0:
      return `e${rng.int(100000)}`;
    case 1:
      return rng.int(1000);
    case 2: {
      const bytes = new Uint8Array(rng.int(20));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      return bytes;
    }
    default:
      return `element:${rng.int(1 << 30)}:${"x".repeat(rng.int(12))}`;
  }
}

/** DUMP's payload. */
async function dumpOf(c: RespClient, key: string): Promise<Uint8Array> {
  const reply = await c.call("DUMP", key);
  if (reply.type !== "bulk") throw new Error(`DUMP ${key}: ${JSON.stringify(reply)}`);
  return reply.value;
}

/** Asserts both servers hold the same bytes under `key`; returns them. */
async function sameValue(p: Pair, key: string): Promise<string> {
  return await p.same("GET", key);
}

/**
 * Seeded random PFADD sequences: each key grows from sparse (possibly
 * through promotion) and its bytes, encoding and counts must match Redis's
 * after every step. Returns how many PFADD calls ran.
 */
async function randomAdds(p: Pair, seed: number, steps: number, keys: string[]): Promise<number> {
  const rng = new Prng(seed);
  let calls = 0;
  for (let s = 0; s < steps; s++) {
    const key = keys[rng.int(keys.length)];
    const n = rng.chance(0.7) ? rng.range(1, 3) : rng.range(5, 60);
    const elements: Arg[] = [];
    for (let i = 0; i < n; i++) elements.push(randomElement(rng));
    await p.same("PFADD", key, ...elements);
    calls++;
    if (rng.chance(0.2)) await p.same("PFCOUNT", key);
    await sameValue(p, key);
  }
  for (const key of keys) {
    await p.same("PFDEBUG", "ENCODING", key);
    await p.same("PFCOUNT", key);
    await sameValue(p, key);
  }
  return calls;
}

Deno.test("hll: random PFADD sequences give Redis's bytes (default sparse limit)", async () => {
  await withPair(async (p) => {
    const calls = await randomAdds(p, 1234, 400, ["h1", "h2", "h3"]);
    assertEquals(calls, 400);
    // At least one key went dense with the default 3000-byte limit.
    const encodings: unknown[] = [];
    for (const key of ["h1", "h2", "h3"]) {
      encodings.push(await p.rift.value("PFDEBUG", "ENCODING", key));
    }
    assertTrue(encodings.includes("dense") && encodings.includes("sparse"), String(encodings));
  });
});

Deno.test("hll: tiny and huge hll-sparse-max-bytes, dense promotion and merges", async () => {
  await withPair(async (p) => {
    let calls = 0;
    for (const [i, limit] of ["0", "40", "120", "700", "20000"].entries()) {
      await p.same("CONFIG", "SET", "hll-sparse-max-bytes", limit);
      await p.same("CONFIG", "GET", "hll-sparse-max-bytes");
      calls += await randomAdds(p, 77 + i, 60, [`s${i}a`, `s${i}b`]);
    }
    assertEquals(calls, 300);
    // A small domain: the same registers are hit again and again (VAL runs and merges).
    await p.same("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
    const rng = new Prng(5);
    for (let s = 0; s < 300; s++) {
      await p.same("PFADD", "small", `v${rng.int(400)}`, `v${rng.int(400)}`);
      await sameValue(p, "small");
    }
    await p.same("PFDEBUG", "DECODE", "small");
    await p.same("CONFIG", "SET", "hll-sparse-max-bytes", "1kb");
    await p.same("CONFIG", "GET", "hll-sparse-max-bytes");
    await p.same("CONFIG", "SET", "hll-sparse-max-bytes", "-1");
    await p.same("CONFIG", "SET", "hll-sparse-max-bytes", "lots");
  });
});

/** An HLL value from its parts: encoding byte, payload bytes and the 8 cache bytes. */
function hllBytes(encoding: number, payload: number[], cache = [0, 0, 0, 0, 0, 0, 0, 0x80]) {
  return new Uint8Array([72, 89, 76, 76, encoding, 0, 0, 0, ...cache, ...payload]);
}

Deno.test("hll: PFCOUNT caches a single key's count in the header, not several keys'", async () => {
  await withPair(async (p) => {
    await p.same("PFADD", "a", "x", "y", "z");
    await sameValue(p, "a"); // cache invalid
    await p.same("PFCOUNT", "a");
    await sameValue(p, "a"); // cache written
    await p.same("PFCOUNT", "a");
    await p.same("PFADD", "a", "x"); // no change: cache stays valid
    await sameValue(p, "a");
    await p.same("PFADD", "b", "w", "x");
    await p.same("PFCOUNT", "a", "b");
    await p.same("PFCOUNT", "a", "b", "missing");
    await sameValue(p, "b"); // untouched by the union
    await p.same("PFCOUNT", "missing");
    await p.same("PFCOUNT", "missing", "missing2");
    // A stale but valid cache is believed.
    const fake = hllBytes(1, [0x7f, 0xff], [42, 0, 0, 0, 0, 0, 0, 0]);
    await p.same("SET", "fake", fake);
    await p.same("PFCOUNT", "fake");
    await p.same("PFCOUNT", "fake", "a");
    // Many keys, large and small, sparse and dense.
    const keys: string[] = [];
    for (let k = 0; k < 40; k++) {
      const elements: string[] = [];
      for (let i = 0; i < (k % 7) * 90 + 1; i++) elements.push(`k${k}:${i}`);
      await p.same("PFADD", `many${k}`, ...elements);
      keys.push(`many${k}`);
    }
    await p.same("PFDEBUG", "TODENSE", "many3");
    await p.same("PFCOUNT", ...keys);
    await p.same("PFCOUNT", ...keys, ...keys);
    for (const key of keys.slice(0, 8)) await p.same("PFCOUNT", key);
    // Large cardinalities: the estimator over a well-filled dense HLL.
    for (let batch = 0; batch < 20; batch++) {
      const elements: string[] = [];
      for (let i = 0; i < 1000; i++) elements.push(`big:${batch}:${i}`);
      await p.same("PFADD", "big", ...elements);
      await p.same("PFCOUNT", "big");
    }
    await sameValue(p, "big");
    await p.same("PFCOUNT", "big", "many1");
  });
});

Deno.test("hll: PFMERGE of sparse, dense and missing keys into new and existing destinations", async () => {
  await withPair(async (p) => {
    const rng = new Prng(99);
    const fill = async (key: string, n: number) => {
      const elements: string[] = [];
      for (let i = 0; i < n; i++) elements.push(`m${rng.int(1 << 20)}`);
      await p.same("PFADD", key, ...elements);
    };
    await fill("sp1", 30);
    await fill("sp2", 50);
    await fill("sp3", 200);
    await fill("dn1", 4000);
    await p.same("PFDEBUG", "ENCODING", "dn1");
    let cases = 0;
    const merges: string[][] = [
      ["d1", "sp1", "sp2"], // sparse + sparse: stays sparse
      ["d2", "sp1", "dn1"], // any dense input: dense
      ["d3", "missing1", "missing2"], // nothing at all: an empty HLL
      ["d4"], // destination only
      ["sp3", "sp1"], // into an existing sparse key
      ["sp3", "sp3"],
      ["dn1", "sp2", "nothing"], // into an existing dense key
      ["d1", "d1", "sp3", "sp2"],
      ["d5", "sp3", "sp3", "sp1", "sp2"],
    ];
    for (const args of merges) {
      await p.same("PFMERGE", ...args);
      await sameValue(p, args[0]);
      await p.same("PFDEBUG", "ENCODING", args[0]);
      await p.same("PFCOUNT", args[0]);
      cases++;
    }
    await p.same("PFMERGE", "d4"); // existing destination alone: only the cache is invalidated
    await sameValue(p, "d4");
    // A sparse destination that outgrows a small limit while merging turns dense midway.
    await p.same("CONFIG", "SET", "hll-sparse-max-bytes", "200");
    await p.same("PFMERGE", "grow", "sp3", "sp2");
    await sameValue(p, "grow");
    await p.same("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
    // TTLs are kept.
    await p.same("PFADD", "ttl", "a");
    await p.same("EXPIRE", "ttl", "1000");
    await p.same("PFMERGE", "ttl", "sp1");
    await p.same("TTL", "ttl");
    await p.same("PFADD", "ttl", "new-element");
    await p.same("TTL", "ttl");
    assertEquals(cases, merges.length);
  });
});

Deno.test("hll: PFDEBUG and PFSELFTEST", async () => {
  await withPair(async (p) => {
    await p.same("PFADD", "h", "a", "b", "c", "d", "e");
    await p.same("PFDEBUG", "DECODE", "h");
    await p.same("PFDEBUG", "ENCODING", "h");
    await p.same("PFDEBUG", "encoding", "h");
    await p.same("PFDEBUG", "GETREG", "h"); // converts to dense
    await p.same("PFDEBUG", "ENCODING", "h");
    await p.same("PFDEBUG", "DECODE", "h");
    await p.same("PFDEBUG", "TODENSE", "h");
    await sameValue(p, "h");
    await p.same("PFADD", "h2", "x");
    await p.same("PFDEBUG", "ToDense", "h2");
    await p.same("PFDEBUG", "TODENSE", "h2");
    await sameValue(p, "h2");
    await p.same("PFADD", "empty");
    await p.same("PFDEBUG", "DECODE", "empty");
    await p.same("PFDEBUG", "GETREG", "empty");
    await p.same("PFDEBUG", "NOPE", "h");
    await p.same("PFDEBUG", "bad\r\nname", "h");
    await p.same("PFDEBUG", new Uint8Array([103, 101, 116, 0, 120]), "h");
    await p.same("PFDEBUG", new Uint8Array([101, 110, 99, 111, 100, 105, 110, 103, 0, 1]), "h");
    await p.same("PFDEBUG", "NOPE", "missing");
    await p.same("PFDEBUG", "GETREG", "missing");
    await p.same("PFDEBUG", "GETREG");
    await p.same("PFDEBUG", "GETREG", "h", "extra");
    await p.same("PFSELFTEST");
    await p.same("PFSELFTEST", "extra");
  });
});

Deno.test("hll: errors, non-HLL strings, corrupted HLLs", async () => {
  await withPair(async (p) => {
    for (const name of ["PFADD", "PFCOUNT", "PFMERGE"]) await p.same(name);
    await p.same("PFDEBUG");
    await p.same("SET", "str", "foo");
    await p.same("SET", "int", "12345");
    await p.same("LPUSH", "list", "x");
    for (const key of ["str", "int", "list"]) {
      await p.same("PFADD", key, "x");
      await p.same("PFADD", key);
      await p.same("PFCOUNT", key);
      await p.same("PFCOUNT", "missing", key);
      await p.same("PFMERGE", key, "missing");
      await p.same("PFMERGE", "dest", key);
      await p.same("PFDEBUG", "GETREG", key);
      await p.same("PFDEBUG", "NOPE", key);
    }
    await p.same("EXISTS", "dest");
    const values: Uint8Array[] = [
      hllBytes(1, []), // sparse without opcodes
      hllBytes(1, [0x7f, 0xfe]), // covers 16383 registers
      hllBytes(1, [0x7f, 0xff, 0x80]), // one VAL past the end
      hllBytes(1, [0x7f, 0xff, 0x00]), // one ZERO past the end
      hllBytes(1, [0x7f]), // truncated XZERO
      hllBytes(1, [0x80, 0x7f, 0xfe]), // a valid VAL, then too few registers
      hllBytes(1, [0xfc, 0x7f, 0xfb]), // v:32 then covers all
      hllBytes(0, new Array(12288).fill(0xff)), // dense with every register at 63
      hllBytes(0, new Array(12287).fill(0)), // dense one byte short
      hllBytes(2, [0x7f, 0xff]), // unknown encoding
      new Uint8Array([72, 89, 76, 77, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x7f, 0xff]), // bad magic
      hllBytes(1, [0x7f, 0xff]).subarray(0, 15), // shorter than a header
    ];
    let cases = 0;
    for (const [i, value] of values.entries()) {
      const key = `bad${i}`;
      await p.same("SET", key, value);
      await p.same("PFCOUNT", key);
      await p.same("PFCOUNT", key, "missing");
      await p.same("PFDEBUG", "DECODE", key);
      await p.same("PFDEBUG", "ENCODING", key);
      await p.same("PFADD", key, "a", "b", "c", "d", "e", "f", "g", "h");
      await sameValue(p, key);
      await p.same("PFMERGE", `m${i}`, key);
      await p.same("EXISTS", `m${i}`);
      await p.same("PFMERGE", key, "missing");
      await p.same("PFDEBUG", "TODENSE", key);
      await p.same("PFDEBUG", "GETREG", key);
      await sameValue(p, key);
      cases++;
    }
    assertEquals(cases, values.length);
  });
});

Deno.test("hll: binary and empty elements, OBJECT ENCODING, DUMP/RESTORE both ways", async () => {
  await withPair(async (p) => {
    const elements: Arg[] = [
      "",
      new Uint8Array([0]),
      new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0]),
      "\r\n",
      new Uint8Array([0xff, 0xfe, 0xc3, 0x28]),
      "x".repeat(100_000),
      enc.encode("héllo wörld"),
    ];
    for (const element of elements) {
      await p.same("PFADD", "bin", element);
      await sameValue(p, "bin");
    }
    await p.same("PFADD", "bin", ...elements);
    await p.same("PFCOUNT", "bin");
    // Every element length 0..40 hits every MurmurHash tail length.
    for (let n = 0; n <= 40; n++) {
      await p.same("PFADD", "lengths", "abcdefghijklmnopqrstuvwxyz0123456789ABCDE".slice(0, n));
    }
    await sameValue(p, "lengths");
    // A short HLL written by SET is an embstr until an HLL command unshares it.
    await p.same("SET", "small", hllBytes(1, [0x7f, 0xff]));
    await p.same("OBJECT", "ENCODING", "small");
    await p.same("PFCOUNT", "small");
    await p.same("OBJECT", "ENCODING", "small");
    await p.same("PFADD", "fresh");
    await p.same("OBJECT", "ENCODING", "fresh");
    // Redis's DUMP restores into Rift and back; PFADD continues identically.
    await p.same("PFADD", "dumped", "a", "b", "c");
    await p.same("PFDEBUG", "TODENSE", "bin");
    let restored = 0;
    for (const key of ["dumped", "bin"]) {
      const payload = await dumpOf(p.redis, key);
      assertEquals(await p.rift.raw("RESTORE", `${key}:copy`, 0, payload), "+OK\r\n");
      const back = await dumpOf(p.rift, `${key}:copy`);
      assertEquals(await p.redis.raw("RESTORE", `${key}:copy`, 0, back), "+OK\r\n");
      await sameValue(p, `${key}:copy`);
      await p.same("PFADD", `${key}:copy`, "more", "elements");
      await sameValue(p, `${key}:copy`);
      await p.same("PFCOUNT", `${key}:copy`);
      restored++;
    }
    assertEquals(restored, 2);
  });
});

Deno.test("hll: keyspace events, propagation and dirty counts match Redis", async () => {
  await withObservedPair(async (p) => {
    const steps: Arg[][] = [
      ["PFADD", "k"], // creates: pfadd, counted once
      ["PFADD", "k"], // nothing: no event, not propagated
      ["PFADD", "k", "a", "b", "c"], // dirty += changed registers
      ["PFADD", "k", "a"],
      ["PFCOUNT", "k"], // cache written: propagated, no event
      ["PFCOUNT", "k"], // cache valid: nothing
      ["PFCOUNT", "k", "missing"],
      ["PFCOUNT", "missing"],
      ["PFMERGE", "dest", "k", "missing"], // event pfadd
      ["PFMERGE", "dest"],
      ["PFDEBUG", "ENCODING", "dest"],
      ["PFDEBUG", "DECODE", "dest"],
      ["PFDEBUG", "GETREG", "dest"], // converts: propagated, no event
      ["PFDEBUG", "GETREG", "dest"],
      ["PFDEBUG", "TODENSE", "k"],
      ["PFDEBUG", "TODENSE", "k"],
      ["PFADD", "k", "d", "e"],
      ["PFSELFTEST"],
      ["SET", "str", "x"],
      ["PFADD", "str", "a"],
      ["PFMERGE", "str", "k"],
    ];
    for (const step of steps) {
      await p.same(...step);
      const [rift, redis] = await p.changes();
      assertEquals(rift, redis, `dirty count after ${step.join(" ")}`);
    }
    assertEquals(await p.rift.value("GET", "k"), await p.redis.value("GET", "k"));
  });
});

Deno.test("hll: WATCH sees PFADD, PFMERGE and PFCOUNT's cache write", async () => {
  await withPair(async (p) => {
    const transaction = async (watched: string, ...command: Arg[]) => {
      await p.same("WATCH", watched);
      await p.same(...command);
      await p.same("MULTI");
      await p.same("PING");
      await p.same("EXEC");
    };
    const other = { rift: await p.open("rift"), redis: await p.open("redis") };
    const byOther = async (...command: Arg[]) => {
      assertEquals(await other.rift.raw(...command), await other.redis.raw(...command));
    };
    await p.same("PFADD", "w", "a");
    let cases = 0;
    for (
      const command of [
        ["PFCOUNT", "w"], // invalid cache: the write aborts the transaction
        ["PFCOUNT", "w"], // valid cache: no write
        ["PFADD", "w", "a"], // no change
        ["PFADD", "w", "new"],
        ["PFMERGE", "w"],
        ["PFDEBUG", "TODENSE", "w"],
      ]
    ) {
      await p.same("WATCH", "w");
      await byOther(...command);
      await p.same("MULTI");
      await p.same("PING");
      await p.same("EXEC");
      cases++;
    }
    await transaction("w", "PFCOUNT", "w");
    assertEquals(cases, 6);
  });
});

Deno.test("hll: values survive DEBUG RELOAD (RDB) on both servers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rift-hll-" });
  await withPair(async (p) => {
    const elements: string[] = [];
    for (let i = 0; i < 3000; i++) elements.push(`reload:${i}`);
    await p.same("PFADD", "sparse", ...elements.slice(0, 40));
    await p.same("PFADD", "dense", ...elements);
    await p.same("PFCOUNT", "dense");
    await p.same("DEBUG", "RELOAD");
    for (const key of ["sparse", "dense"]) {
      await sameValue(p, key);
      await p.same("OBJECT", "ENCODING", key);
      await p.same("PFADD", key, "after-reload");
      await p.same("PFCOUNT", key);
      await sameValue(p, key);
    }
  }, {
    rift: { config: { "enable-debug-command": "yes", dir } },
    redisArgs: ["--enable-debug-command", "yes"],
  });
  await Deno.remove(dir, { recursive: true });
});
