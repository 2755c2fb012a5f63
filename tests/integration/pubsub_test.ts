/**
 * Pub/Sub over TCP: reply shapes in RESP2 and RESP3, subscribed-mode
 * rules, fan-out, pattern matching (fuzzed against redis-server), shard
 * channels, PUBSUB introspection, the npm `redis` and `ioredis` subscriber
 * APIs in both protocols, and the pubsub output-buffer limit that
 * disconnects a subscriber that never reads.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { encodeCommand, latin1, type RespClient, toValue } from "../helpers/client.ts";
import { withPair } from "../helpers/differential.ts";
import { sameScenario, sortedElements, type Step, step } from "../helpers/scenario.ts";
import { withRift } from "../helpers/server.ts";
import { ManualClock } from "../../src/mod.ts";
import { Redis } from "ioredis";
import { createClient } from "redis";

const s = step;
const BINARY = new Uint8Array([0, 13, 10, 0xff, 0xc3, 0x28, 32]);

Deno.test("pubsub: RESP2 confirmations, messages and subscribed-mode rules match Redis", async () => {
  await withPair(async (p) => {
    const steps: Step[] = [
      // Unsubscribing with nothing subscribed.
      s("s1", "UNSUBSCRIBE"),
      s("s1", "PUNSUBSCRIBE"),
      s("s1", "SUNSUBSCRIBE"),
      // Duplicates still confirm; counts are channels + patterns.
      s("s1", "SUBSCRIBE", "a", "b", "a"),
      s("s1", "PSUBSCRIBE", "a*", "a*", "x?"),
      s("s2", "SUBSCRIBE", "a"),
      s("s2", "PSUBSCRIBE", "*"),
      s("s3", "SSUBSCRIBE", "a", "sh"),
      // Only a few commands are allowed while subscribed (RESP2).
      s("s1", "GET", "k"),
      s("s1", "PUBLISH", "a", "x"),
      s("s1", "MULTI"),
      s("s1", "PING"),
      s("s1", "PING", "hello"),
      s("s3", "SUBSCRIBE", "c"),
      s("s3", "SPUBLISH", "sh", "x"),
      // Delivery: channel, patterns, a client subscribed both ways gets both.
      s("p", "PUBLISH", "a", "m1"),
      s("p", "PUBLISH", "b", "m2"),
      s("p", "PUBLISH", "ab", "m3"),
      s("p", "PUBLISH", "xy", "m4"),
      s("p", "PUBLISH", "nobody-but-star", ""),
      s("p", "PUBLISH", BINARY, BINARY),
      s("p", "SPUBLISH", "sh", "m5"),
      s("p", "SPUBLISH", "a", "m6"),
      s("p", "SPUBLISH", "none", "m7"),
      s("p", "PUBLISH", "a", "v".repeat(100_000)),
      // Introspection.
      s("p", "PUBSUB", "NUMSUB", "a", "b", "c", "sh"),
      s("p", "PUBSUB", "NUMSUB"),
      s("p", "PUBSUB", "NUMPAT"),
      s("p", "PUBSUB", "SHARDNUMSUB", "a", "sh", "b"),
      s("p", "PUBSUB", "SHARDNUMSUB"),
      { ...s("p", "PUBSUB", "CHANNELS"), unordered: true },
      s("p", "PUBSUB", "CHANNELS", "b*"),
      { ...s("p", "PUBSUB", "SHARDCHANNELS"), unordered: true },
      s("p", "PUBSUB", "SHARDCHANNELS", "s?"),
      s("p", "PUBSUB", "CHANNELS", "a", "b"),
      s("p", "PUBSUB", "shardchannels", "a", "b"),
      s("p", "PUBSUB", "NUMPAT", "x"),
      s("p", "PUBSUB", "HELP"),
      s("p", "PUBSUB", "HELP", "x"),
      s("p", "PUBSUB"),
      s("p", "PUBSUB", "NOPE"),
      s("p", "PUBLISH", "a"),
      s("p", "SUBSCRIBE"),
      s("p", "PSUBSCRIBE"),
      s("p", "SSUBSCRIBE"),
      s("p", "SPUBLISH", "a"),
      // Unsubscribing: named (subscribed or not), then all.
      s("s1", "UNSUBSCRIBE", "b", "zz"),
      s("s1", "PUNSUBSCRIBE", "x?", "zz"),
      s("s3", "SUNSUBSCRIBE", "zz"),
      s("s1", "UNSUBSCRIBE"),
      s("s1", "GET", "k"),
      s("s1", "PUNSUBSCRIBE"),
      s("s1", "GET", "k"),
      s("s3", "SUNSUBSCRIBE", "a"),
      s("s3", "SUNSUBSCRIBE"),
      s("s3", "GET", "k"),
      // Binary and empty channel names.
      s("s4", "SUBSCRIBE", BINARY, ""),
      s("p", "PUBLISH", "", "to-empty"),
      s("s4", "PSUBSCRIBE", "*"),
      s("p", "PUBLISH", "", "star-does-not-match-empty"),
      { ...s("p", "PUBSUB", "CHANNELS", "*"), unordered: true },
      s("p", "PUBSUB", "NUMSUB", ""),
      // RESET leaves subscribed mode silently.
      s("s4", "RESET"),
      s("s4", "GET", "k"),
      s("p", "PUBSUB", "NUMPAT"),
    ];
    await sameScenario(p, steps);
  });
});

Deno.test("pubsub: RESP3 pushes mix with normal replies like Redis", async () => {
  await withPair(async (p) => {
    await sameScenario(p, [
      { on: "s1", cmd: ["HELLO", "3"], ignore: true },
      s("s1", "UNSUBSCRIBE"),
      s("s1", "SUBSCRIBE", "a", "b"),
      s("s1", "PSUBSCRIBE", "b*"),
      s("s1", "SSUBSCRIBE", "sh"),
      // Any command works while subscribed in RESP3, its reply among the pushes.
      s("s1", "SET", "k", "v"),
      s("s1", "GET", "k"),
      s("s1", "PING"),
      s("s1", "PUBLISH", "b", "to-myself"),
      s("s1", "SPUBLISH", "sh", "shard-to-myself"),
      s("p", "PUBLISH", "a", "from-p"),
      // Transactions: confirmations land inside EXEC's array.
      s("s1", "MULTI"),
      s("s1", "SUBSCRIBE", "c"),
      s("s1", "PUBLISH", "c", "queued"),
      s("s1", "UNSUBSCRIBE", "a"),
      s("s1", "SSUBSCRIBE", "sh2"),
      s("s1", "EXEC"),
      s("s1", "PUNSUBSCRIBE"),
      s("s1", "UNSUBSCRIBE", "b"),
      s("s1", "UNSUBSCRIBE"),
      s("s1", "SUNSUBSCRIBE"),
      s("s1", "UNSUBSCRIBE"),
      s("s1", "PUNSUBSCRIBE"),
    ]);
  });
});

Deno.test("pubsub: unsubscribing from everything confirms each name once, counting down", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.send("SUBSCRIBE", "a", "b", "c");
    await c.send("PSUBSCRIBE", "p1", "p2");
    await c.send("SSUBSCRIBE", "s1", "s2");
    for (let i = 0; i < 7; i++) await c.read();
    const drain = async (n: number) => {
      const got: string[] = [];
      for (let i = 0; i < n; i++) {
        const [kind, name, count] = toValue((await c.read()).reply) as [string, string, number];
        got.push(`${kind} ${name} ${count}`);
      }
      return got;
    };
    await c.send("UNSUBSCRIBE");
    assertEquals(await drain(3), ["unsubscribe a 4", "unsubscribe b 3", "unsubscribe c 2"]);
    await c.send("PUNSUBSCRIBE");
    assertEquals(await drain(2), ["punsubscribe p1 1", "punsubscribe p2 0"]);
    // Still in subscribed mode: shard channels remain.
    assertTrue((await c.raw("GET", "k")).startsWith("-ERR Can't execute 'get'"));
    await c.send("SUNSUBSCRIBE");
    assertEquals(await drain(2), ["sunsubscribe s1 1", "sunsubscribe s2 0"]);
    assertEquals(await c.raw("GET", "k"), "$-1\r\n");
  });
});

Deno.test("pubsub: subscribing inside MULTI/EXEC matches Redis (RESP2)", async () => {
  await withPair(async (p) => {
    await sameScenario(p, [
      s("s1", "MULTI"),
      s("s1", "SSUBSCRIBE", "sh"),
      s("s1", "PSUBSCRIBE", "p*"),
      s("s1", "SUBSCRIBE", "c"),
      s("s1", "SUNSUBSCRIBE"),
      s("s1", "GET", "k"),
      s("s1", "EXEC"),
      s("s1", "GET", "k"),
      s("p", "PUBLISH", "pa", "x"),
      s("s1", "RESET"),
      s("s1", "MULTI"),
      s("s1", "UNSUBSCRIBE", "x"),
      s("s1", "PUBLISH", "a", "b"),
      s("s1", "SPUBLISH", "a", "b"),
      s("s1", "PUBSUB", "NUMPAT"),
      s("s1", "EXEC"),
    ]);
  });
});

Deno.test("pubsub: fan-out reaches every subscriber once, in order", async () => {
  await withPair(async (p) => {
    const steps: Step[] = [];
    for (let i = 0; i < 12; i++) {
      steps.push(
        i % 3 === 0 ? s(`s${i}`, "PSUBSCRIBE", "news.*") : s(`s${i}`, "SUBSCRIBE", "news.x"),
      );
    }
    for (let m = 0; m < 5; m++) steps.push(s("p", "PUBLISH", "news.x", `m${m}`));
    steps.push(s("p", "PUBLISH", "news.y", "patterns only"));
    await sameScenario(p, steps);
  });
  // Many more subscribers on Rift alone, counted.
  await withRift(async (rift) => {
    const subscribers = 200;
    const messages = 20;
    const subs = await Promise.all(Array.from({ length: subscribers }, () => rift.client()));
    await Promise.all(
      subs.map((c, i) => c.call(i % 2 ? "SUBSCRIBE" : "PSUBSCRIBE", i % 2 ? "t" : "t*")),
    );
    const pub = await rift.client();
    for (let m = 0; m < messages; m++) {
      assertEquals(await pub.raw("PUBLISH", "t", `m${m}`), `:${subscribers}\r\n`);
    }
    let delivered = 0;
    await Promise.all(subs.map(async (c, i) => {
      for (let m = 0; m < messages; m++) {
        const got = latin1((await c.read()).raw);
        const expected = i % 2
          ? `*3\r\n$7\r\nmessage\r\n$1\r\nt\r\n$${`m${m}`.length}\r\nm${m}\r\n`
          : `*4\r\n$8\r\npmessage\r\n$2\r\nt*\r\n$1\r\nt\r\n$${`m${m}`.length}\r\nm${m}\r\n`;
        assertEquals(got, expected);
        delivered++;
      }
    }));
    assertEquals(delivered, subscribers * messages);
  });
});

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("pubsub: glob patterns match channels exactly like Redis (fuzzed)", async () => {
  await withPair(async (p) => {
    const random = prng(0x5eed);
    const pick = (alphabet: string[], max: number) => {
      let out = "";
      const n = Math.floor(random() * (max + 1));
      for (let i = 0; i < n; i++) out += alphabet[Math.floor(random() * alphabet.length)];
      return out;
    };
    const channelChars = ["a", "b", "c", "-", "\\", "^", "]", "[", "*", "?", "A"];
    const patternChars = [
      "a",
      "b",
      "c",
      "*",
      "?",
      "[",
      "]",
      "^",
      "-",
      "\\",
      "A",
      "[a-b]",
      "[^a]",
      "\\*",
      "[b-a]",
    ];
    const channels = new Set<string>(["", "a", "ab", "abc", "a*c", "a?c", "a[b", "a\\b", "hello"]);
    while (channels.size < 80) channels.add(pick(channelChars, 5));
    const [subRift, subRedis] = [await p.open("rift"), await p.open("redis")];
    await Promise.all([
      subRift.send("SUBSCRIBE", ...channels),
      subRedis.send("SUBSCRIBE", ...channels),
    ]);
    for (let i = 0; i < channels.size; i++) await Promise.all([subRift.read(), subRedis.read()]);
    const patterns = new Set<string>([
      "*",
      "**",
      "",
      "?",
      "a\\",
      "[",
      "[a",
      "a[",
      "[]",
      "[]a]",
      "[^]",
      "\\",
      "[a-",
      "a*\\",
      "*[",
      "h?llo",
      "h[ae]llo",
      "h[^e]llo",
      "h[a-b]llo",
      "h\\[llo",
    ]);
    while (patterns.size < 600) patterns.add(pick(patternChars, 6));
    let matched = 0;
    let empty = 0;
    for (const pattern of patterns) {
      const [a, b] = await p.both("PUBSUB", "CHANNELS", pattern);
      assertEquals(sortedElements(a), sortedElements(b), `pattern ${JSON.stringify(pattern)}`);
      if (a === "*0\r\n") empty++;
      else matched++;
    }
    assertEquals(matched + empty, 600);
    assertTrue(matched > 100 && empty > 100, `matched ${matched}, empty ${empty}`);
  });
});

Deno.test("pubsub: PSUBSCRIBE delivers by pattern like Redis (escapes, classes, binary)", async () => {
  await withPair(async (p) => {
    const patterns = ["h?llo", "h[ae]llo", "h[^e]llo", "h[a-c]llo", "h\\*llo", "*\\?", "\xff*"];
    const steps: Step[] = patterns.map((pattern, i) => s(`s${i}`, "PSUBSCRIBE", pattern));
    for (
      const channel of [
        "hello",
        "hallo",
        "hxllo",
        "hbllo",
        "h*llo",
        "hllo",
        "why?",
        "why",
        "\xff\x00",
      ]
    ) {
      steps.push(s("p", "PUBLISH", Uint8Array.from(channel, (ch) => ch.charCodeAt(0)), "m"));
    }
    await sameScenario(p, steps);
  });
});

Deno.test("pubsub: npm ioredis and redis subscriber APIs work in RESP2 and RESP3", async () => {
  await withRift(async (rift) => {
    const port = rift.port;
    for (const protocol of [2, 3] as const) {
      const sub = new Redis({ port, protocol, lazyConnect: true });
      const pub = new Redis({ port, protocol });
      try {
        await sub.connect();
        const got: unknown[] = [];
        sub.on("message", (ch: string, m: string) => got.push(["message", ch, m]));
        sub.on(
          "pmessage",
          (pt: string, ch: string, m: string) => got.push(["pmessage", pt, ch, m]),
        );
        sub.on("smessage", (ch: string, m: string) => got.push(["smessage", ch, m]));
        sub.on("messageBuffer", (ch: Uint8Array, m: Uint8Array) => {
          if (latin1(ch) === "bin") got.push(["messageBuffer", [...m]]);
        });
        assertEquals(await sub.subscribe("ch", "bin"), 2);
        assertEquals(await sub.psubscribe("p*"), 3);
        assertEquals(await sub.ssubscribe("sh"), 1);
        assertEquals(await pub.publish("ch", "m1"), 1);
        assertEquals(await pub.publish("pa", "m2"), 1);
        assertEquals(await pub.spublish("sh", "m3"), 1);
        assertEquals(await pub.publish("bin", Buffer.from(BINARY)), 1);
        await until(() => got.length >= 5);
        assertEquals(got, [
          ["message", "ch", "m1"],
          ["pmessage", "p*", "pa", "m2"],
          ["smessage", "sh", "m3"],
          ["message", "bin", new TextDecoder().decode(BINARY)],
          ["messageBuffer", [...BINARY]],
        ]);
        assertEquals(await sub.unsubscribe("ch", "bin"), 1);
        assertEquals(await sub.punsubscribe("p*"), 0);
        assertEquals(await sub.sunsubscribe("sh"), 0);
        assertEquals(await sub.set("k", "v"), "OK");
      } finally {
        sub.disconnect();
        pub.disconnect();
      }
    }
    for (const RESP of [2, 3] as const) {
      const url = `redis://127.0.0.1:${port}`;
      const sub = createClient({ url, RESP });
      const pub = createClient({ url, RESP });
      await sub.connect();
      await pub.connect();
      try {
        const got: unknown[] = [];
        await sub.subscribe("ch", (m, ch) => got.push(["message", ch, m]));
        await sub.pSubscribe("p*", (m, ch) => got.push(["pmessage", ch, m]));
        await sub.sSubscribe("sh", (m, ch) => got.push(["smessage", ch, m]));
        await sub.subscribe("bin", (m) => got.push(["buffer", [...m]]), true);
        if (RESP === 3) {
          // RESP3 lets a subscribed connection run any command.
          assertEquals(await sub.set("k", "v"), "OK");
          assertEquals(String(await sub.get("k")), "v");
        }
        assertEquals(await pub.publish("ch", "m1"), 1);
        assertEquals(await pub.publish("pa", "m2"), 1);
        assertEquals(await pub.sPublish("sh", "m3"), 1);
        assertEquals(await pub.publish("bin", Buffer.from(BINARY)), 1);
        await until(() => got.length >= 4);
        assertEquals(got, [
          ["message", "ch", "m1"],
          ["pmessage", "pa", "m2"],
          ["smessage", "sh", "m3"],
          ["buffer", [...BINARY]],
        ]);
        await sub.unsubscribe();
        await sub.pUnsubscribe();
        await sub.sUnsubscribe();
        assertEquals(await pub.pubSubNumPat(), 0);
        assertEquals(await pub.pubSubNumSub(["ch", "bin"]), { ch: 0, bin: 0 });
      } finally {
        await sub.quit();
        await pub.quit();
      }
    }
  });
});

async function until(ready: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for messages");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A subscriber that subscribes with raw bytes and never reads. */
async function deafSubscriber(port: number, channel: string): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(encodeCommand(["SUBSCRIBE", channel]));
  return conn;
}

/** Publishes 64 KB messages until nobody receives them; returns how many were sent. */
async function publishUntilDropped(pub: RespClient, channel: string, max: number): Promise<number> {
  const message = "x".repeat(64 * 1024);
  // The subscription must be in place before counting.
  while (await pub.raw("PUBSUB", "NUMSUB", channel) !== `*2\r\n$1\r\n${channel}\r\n:1\r\n`) {
    await new Promise((r) => setTimeout(r, 5));
  }
  for (let sent = 1; sent <= max; sent++) {
    if (await pub.raw("PUBLISH", channel, message) === ":0\r\n") return sent;
  }
  return -1;
}

Deno.test("pubsub: a subscriber that never reads is disconnected at the hard limit, like Redis", async () => {
  await withPair(async (p) => {
    for (const server of ["rift", "redis"] as const) {
      const pub = await p.open(server);
      const port = server === "rift" ? p.riftServer.port : await redisPort(pub);
      const deaf = await deafSubscriber(port, "c");
      try {
        // 1 MB hard limit: far less than the ~1 GB we would publish without it.
        const sent = await publishUntilDropped(pub, "c", 16_384);
        assertTrue(sent > 0, `${server}: subscriber never dropped`);
        assertEquals(await pub.raw("PUBSUB", "NUMSUB", "c"), "*2\r\n$1\r\nc\r\n:0\r\n");
      } finally {
        deaf.close();
      }
    }
  }, {
    rift: { config: { "client-output-buffer-limit": "pubsub 1mb 0 0" } },
    redisArgs: ["--client-output-buffer-limit", "pubsub 1mb 0 0"],
  });
});

async function redisPort(c: RespClient): Promise<number> {
  const info = String(await c.value("INFO", "server"));
  return Number(/tcp_port:(\d+)/.exec(info)![1]);
}

Deno.test("pubsub: the soft limit disconnects only after its seconds (manual clock)", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  await withRift(async (rift) => {
    const pub = await rift.client();
    const deaf = await deafSubscriber(rift.port, "c");
    try {
      await until(() => [...rift.server.clients.values()].some((c) => c.subscribed));
      const subscriber = [...rift.server.clients.values()].find((c) => c.subscribed)!;
      const message = "x".repeat(64 * 1024);
      // Fill the socket until Rift itself holds more than the soft limit.
      let published = 0;
      while (subscriber.pendingOutput <= 256 * 1024) {
        assertEquals(await pub.raw("PUBLISH", "c", message), ":1\r\n");
        assertTrue(++published < 4096, "output never backed up");
      }
      // Over the soft limit, but not for long enough yet.
      clock.advance(9_000);
      assertEquals(await pub.raw("PUBLISH", "c", message), ":1\r\n");
      clock.advance(2_000);
      assertEquals(await pub.raw("PUBLISH", "c", message), ":1\r\n"); // counted, then dropped
      await until(() => subscriber.closed);
      await until(() => !rift.server.pubsub.channels.has("c"));
      assertEquals(await pub.raw("PUBLISH", "c", message), ":0\r\n");
      assertEquals(rift.server.stats.clientOutputBufferLimitDisconnections, 1);
    } finally {
      deaf.close();
    }
  }, { clock, config: { "client-output-buffer-limit": "pubsub 0 256kb 10" } });
});
