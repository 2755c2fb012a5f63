/**
 * Protocol robustness, differential: the same raw bytes go to Rift and to
 * redis-server, and everything each sends back until it closes the
 * connection must be identical: malformed frames, huge announced lengths,
 * inline quirks, random streams mixing valid and hostile fragments cut at
 * random points, every split point of a pipeline, pipelines of thousands
 * of commands of mixed sizes, and clients leaving mid-command, mid-reply,
 * while blocked, while subscribed and inside MULTI. Afterwards both servers
 * hold the same data and Rift is back to its baseline of clients.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { encodeCommand, latin1, RespClient } from "../helpers/client.ts";
import { HAS_REDIS, type RedisProcess, startRedis, startRift } from "../helpers/server.ts";
import { leaveAwkwardly, raw, rawSession, StreamFuzzer } from "../helpers/protocol_fuzz.ts";
import { redisDataset } from "../helpers/persistence.ts";

interface Servers {
  riftPort: number;
  redisPort: number;
  rift: RespClient;
  redis: RespClient;
}

async function withServers(fn: (s: Servers) => Promise<void>): Promise<void> {
  if (!HAS_REDIS) {
    if (Deno.env.get("RIFT_REQUIRE_REDIS")) throw new Error("redis-server is required but missing");
    return;
  }
  const rift = await startRift();
  let redis: RedisProcess | undefined;
  try {
    redis = await startRedis();
    const s = {
      riftPort: rift.port,
      redisPort: redis.port,
      rift: await rift.client(),
      redis: await redis.client(),
    };
    const baseline = await connectedClients(s.rift);
    await fn(s);
    assertEquals(await redisDataset(s.rift, 1), await redisDataset(s.redis, 1), "datasets");
    await waitForClients(s.rift, baseline);
    assertEquals(await infoField(s.rift, "blocked_clients"), "0");
    assertEquals(await s.rift.raw("PUBSUB", "NUMPAT"), ":0\r\n");
  } finally {
    await redis?.stop();
    await rift.stop();
  }
}

async function infoField(c: RespClient, field: string): Promise<string> {
  const info = String(await c.value("INFO", "clients"));
  return new RegExp(`^${field}:(\\d+)\\r?$`, "m").exec(info)?.[1] ?? "?";
}

async function connectedClients(c: RespClient): Promise<number> {
  return Number(await infoField(c, "connected_clients"));
}

/** Closed connections are noticed asynchronously: waits (briefly) for the count to settle. */
async function waitForClients(c: RespClient, expected: number): Promise<void> {
  for (let i = 0; i < 200 && await connectedClients(c) !== expected; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assertEquals(await connectedClients(c), expected, "connected_clients back to baseline");
}

/** Sends the same chunks to both servers on fresh connections; asserts identical answers. */
async function same(s: Servers, chunks: Uint8Array[], what: string, gapMs = 0): Promise<string> {
  const [x, y] = await Promise.all([
    rawSession(s.riftPort, chunks, gapMs),
    rawSession(s.redisPort, chunks, gapMs),
  ]);
  // After the client's EOF Redis sends at most one event's write budget
  // (64 KB) of what is pending and drops the rest; Rift sends everything.
  const cutByRedis = y.length >= 64 * 1024 && x.startsWith(y);
  if (x !== y && !cutByRedis) {
    let i = 0;
    while (i < x.length && x[i] === y[i]) i++;
    const around = (t: string) => JSON.stringify(t.slice(Math.max(0, i - 60), i + 60));
    throw new Error(
      `answers differ for ${what} at byte ${i} (lengths ${x.length}/${y.length})\n` +
        `  rift:  ${around(x)}\n  redis: ${around(y)}`,
    );
  }
  return x;
}

const CATALOGUE: string[] = [
  "*abc\r\n",
  "*1\r\n$-5\r\n",
  "*1\r\n$1x\r\n",
  "*2\r\n$4\r\nECHO\r\n:5\r\n",
  'PING\r\nSET "unbalanced\r\n',
  "SET 'unbalanced\r\n",
  'SET "a"b\r\n',
  'ECHO "\\x41\\x4g\\n\\t\\\\"\r\n',
  "ECHO 'it\\'s'\r\n",
  "*1\r\n$2147483648\r\n",
  "*1\r\n$536870913\r\n",
  "*1\r\n$536870912\r\nabc",
  "*2147483648\r\n",
  "*2147483647\r\n",
  "*1048577\r\n$4\r\nPING\r\n",
  "*-1\r\n*0\r\nPING\r\n",
  "*1\r\n$0\r\n\r\n",
  "*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n",
  "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n",
  "$5\r\nworld\r\n",
  ":1\r\n+PING\r\n-ERR\r\n",
  "\x00\x01\x02\r\n",
  "\xff\xfe unknown \x80\r\n",
  "nosuch a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9\r\n",
  "PING\n\nPING\r\r\nPING\r\n",
  "PING",
  "*1\r\n$" + "9".repeat(30) + "\r\n",
  "*" + "1".repeat(70_000),
  "*1\r\n$" + "1".repeat(70_000),
  "x".repeat(70_000),
  "GET " + "k".repeat(60_000) + "\r\n",
  "*1\r\n\r\n",
  "*1\r\n$\r\n",
  "*\r\n",
  "* 1\r\n$4\r\nPING\r\n",
  "*1 \r\n$4\r\nPING\r\n",
  "*+1\r\n$4\r\nPING\r\n",
  "*01\r\n$04\r\nPING\r\n",
  "*1\r\n$+4\r\nPING\r\n",
  "*1\n$4\nPING\n",
  "\rPING\r\n",
  // sdssplitargs: \v and \f do not end an argument; NUL ends the line.
  "ECHO a\fb\r\n",
  "ECHO \va\vb\v\r\n",
  "ECHO a\x00b c\r\n",
  'ECHO "a\x00b"\r\n',
  'ECHO "ab"\x00x\r\n',
  'ECHO "ab"\fx\r\n',
  "\x00ECHO x\r\nPING\r\n",
];

Deno.test("protocol robustness: malformed and odd input gets the same bytes as from Redis", async () => {
  await withServers(async (s) => {
    for (const input of CATALOGUE) {
      await same(s, [raw(input)], JSON.stringify(input.slice(0, 80)));
    }
  });
});

Deno.test("protocol robustness: random streams of valid and hostile fragments", async () => {
  const fuzzer = new StreamFuzzer(7);
  let streams = 0;
  await withServers(async (s) => {
    for (let i = 0; i < 400; i++) {
      const chunks = fuzzer.stream();
      // Several connections at once, each its own stream.
      const batch = [chunks, fuzzer.stream(), fuzzer.stream()];
      const texts = batch.map((c) => JSON.stringify(latin1Of(c).slice(0, 200)));
      for (let j = 0; j < batch.length; j++) await same(s, batch[j], texts[j], j === 1 ? 1 : 0);
      streams += batch.length;
    }
  });
  if (HAS_REDIS) assertEquals(streams, 1200);
});

function latin1Of(chunks: Uint8Array[]): string {
  let s = "";
  for (const c of chunks) for (const b of c) s += String.fromCharCode(b);
  return s;
}

Deno.test("protocol robustness: a pipeline split at every byte boundary", async () => {
  const pipeline = raw(
    latin1Of([
      encodeCommand(["DEL", "split:l", "split:n"]),
      encodeCommand(["SET", "split", "v\r\n\x00"]),
      raw("GET split\r\n"),
      encodeCommand(["RPUSH", "split:l", "a", "", "c"]),
      raw('ECHO "x y"\n'),
      encodeCommand(["LRANGE", "split:l", "0", "-1"]),
      encodeCommand(["INCR", "split:n"]),
    ]),
  );
  let splits = 0;
  await withServers(async (s) => {
    // The first run creates what the pipeline deletes at its start; from
    // then on every run answers the same.
    await same(s, [pipeline], "unsplit pipeline");
    const whole = await same(s, [pipeline], "unsplit pipeline, again");
    for (let at = 1; at < pipeline.length; at++) {
      const parts = [pipeline.subarray(0, at), pipeline.subarray(at)];
      // Every split on Rift; one in 16 on both.
      const x = at % 16 === 0
        ? await same(s, parts, `split at ${at}`, 1)
        : await rawSession(s.riftPort, parts, 1);
      assertEquals(x, whole, `split at ${at}`);
      splits++;
    }
  });
  if (HAS_REDIS) assertEquals(splits, pipeline.length - 1);
});

Deno.test("protocol robustness: pipelines of thousands of commands of mixed sizes", async () => {
  const fuzzer = new StreamFuzzer(11);
  let replies = 0;
  await withServers(async (s) => {
    for (let round = 0; round < 3; round++) {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 3000; i++) {
        const n = fuzzer.rng.int(100) === 0 ? 50_000 + fuzzer.rng.int(200_000) : fuzzer.rng.int(64);
        const value = new Uint8Array(n).fill(97 + (i % 26));
        const key = `pipe:${fuzzer.rng.int(50)}`;
        const r = fuzzer.rng.int(5);
        if (r === 0) parts.push(encodeCommand(["SET", key, value]));
        else if (r === 1) parts.push(encodeCommand(["GET", key]));
        else if (r === 2) parts.push(encodeCommand(["APPEND", key, value]));
        else if (r === 3) parts.push(encodeCommand(["STRLEN", key]));
        else parts.push(raw(`EXISTS ${key} pipe:0\r\n`));
      }
      // Read reply by reply: a half-closed Redis drops output it has not
      // sent yet, so this test keeps the connections open.
      const pipeline = raw(latin1Of(parts));
      const answers = await Promise.all([s.riftPort, s.redisPort].map(async (port) => {
        const c = await RespClient.connect(port);
        await c.writeRaw(pipeline);
        let text = "";
        for (let i = 0; i < parts.length; i++) text += latin1((await c.read()).raw);
        await c.close();
        return text;
      }));
      assertTrue(answers[0] === answers[1], `pipeline round ${round} answers differ`);
      replies += parts.length;
    }
  });
  if (HAS_REDIS) assertEquals(replies, 9000);
});

Deno.test("protocol robustness: clients leaving at awkward moments leave nothing behind", async () => {
  let departures = 0;
  await withServers(async (s) => {
    for (const c of [s.rift, s.redis]) {
      await c.call("RPUSH", "leave:big", "x".repeat(1_000_000), "y".repeat(1_000_000));
      await c.call("SET", "leave:watched", "1");
    }
    // Mid-command, mid-reply, while blocked, while subscribed, inside MULTI.
    for (let pick = 0; pick < 5; pick++) {
      await Promise.all([
        leaveAwkwardly(s.riftPort, pick, "leave:big"),
        leaveAwkwardly(s.redisPort, pick, "leave:big"),
      ]);
      departures++;
    }
    const leftovers = async (c: RespClient) => [
      await c.raw("EXISTS", "half", "leave:after-block", "leave:in-multi"),
      await c.raw("PUBSUB", "NUMSUB", "leave:ch1", "leave:ch2"),
      await c.raw("PUBSUB", "NUMPAT"),
    ];
    for (let i = 0; i < 200; i++) {
      if ((await leftovers(s.rift)).join() === (await leftovers(s.redis)).join()) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assertEquals(await leftovers(s.rift), [
      ":0\r\n",
      "*4\r\n$9\r\nleave:ch1\r\n:0\r\n$9\r\nleave:ch2\r\n:0\r\n",
      ":0\r\n",
    ]);
    assertEquals(await leftovers(s.rift), await leftovers(s.redis));
    // A blocked client that left must not take the next push.
    for (const c of [s.rift, s.redis]) {
      assertEquals(await c.raw("RPUSH", "leave:nothing", "v"), ":1\r\n");
      assertEquals(await c.raw("LLEN", "leave:nothing"), ":1\r\n");
    }
  });
  if (HAS_REDIS) assertEquals(departures, 5);
});
