/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH over TCP: error texts, queuing,
 * in-place runtime errors, every WATCH invalidation cause available, RESP2
 * and RESP3, differentially against redis-server; isolation under
 * concurrent clients; expiry of watched keys with a manual clock;
 * propagation of transactions.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { latin1, type RespClient, toValue } from "../helpers/client.ts";
import { withPair } from "../helpers/differential.ts";
import { sameScenario, type Step, step } from "../helpers/scenario.ts";
import { withRift } from "../helpers/server.ts";
import { ManualClock } from "../../src/mod.ts";
import type { Propagated } from "../../src/server/server.ts";

const s = step;

Deno.test("transactions: error texts, queuing and in-place errors match Redis (RESP2)", async () => {
  await withPair(async (p) => {
    const steps: Step[] = [
      s("a", "EXEC"),
      s("a", "DISCARD"),
      s("a", "MULTI", "x"),
      s("a", "DISCARD", "x"),
      s("a", "UNWATCH", "x"),
      s("a", "WATCH"),
      // EXEC refused by arity, outside and inside a transaction.
      s("a", "EXEC", "x"),
      s("a", "MULTI"),
      s("a", "SET", "k", "1"),
      s("a", "EXEC", "x"),
      s("a", "EXEC"),
      // Nested MULTI and WATCH inside MULTI are errors that do not abort.
      s("a", "MULTI"),
      s("a", "MULTI"),
      s("a", "WATCH", "k"),
      s("a", "SET", "k", "2"),
      s("a", "GET", "k"),
      s("a", "EXEC"),
      // Empty transaction.
      s("a", "MULTI"),
      s("a", "EXEC"),
      // Runtime errors are returned in place; the other commands run.
      s("a", "MULTI"),
      s("a", "SET", "a", "1"),
      s("a", "SET", "b", "2", "EX", "0"),
      s("a", "SET", "c", "3", "NX", "XX"),
      s("a", "SETEX", "d", "notanumber", "v"),
      s("a", "GET", "a"),
      s("a", "CONFIG", "SET", "no-such-directive", "1"),
      s("a", "EXEC"),
      s("a", "GET", "a"),
      s("a", "EXISTS", "b", "c", "d"),
      // Rejected while queuing: unknown command, arity, unknown subcommand.
      s("a", "MULTI"),
      s("a", "SET", "x", "1"),
      s("a", "NOSUCHCOMMAND", "arg"),
      s("a", "GET", "x"),
      s("a", "EXEC"),
      s("a", "GET", "x"),
      s("a", "MULTI"),
      s("a", "GET"),
      s("a", "EXEC"),
      s("a", "MULTI"),
      s("a", "CONFIG", "NOPE"),
      s("a", "EXEC"),
      s("a", "MULTI"),
      s("a", "SHUTDOWN"),
      s("a", "EXEC"),
      // DISCARD drops the queue.
      s("a", "MULTI"),
      s("a", "SET", "y", "1"),
      s("a", "DISCARD"),
      s("a", "GET", "y"),
      s("a", "EXEC"),
      // SELECT inside a transaction applies to what follows.
      s("a", "MULTI"),
      s("a", "SELECT", "1"),
      s("a", "SET", "in1", "v"),
      s("a", "SELECT", "0"),
      s("a", "EXISTS", "in1"),
      s("a", "EXEC"),
      s("a", "SELECT", "1"),
      s("a", "GET", "in1"),
      s("a", "SELECT", "0"),
      // Binary arguments survive queuing.
      s("a", "MULTI"),
      s("a", "SET", new Uint8Array([0, 13, 10, 255]), new Uint8Array([1, 0, 2, 0xc3, 0x28])),
      s("a", "GET", new Uint8Array([0, 13, 10, 255])),
      s("a", "EXEC"),
      // RESET leaves MULTI and WATCH.
      s("a", "WATCH", "k"),
      s("a", "MULTI"),
      s("a", "SET", "z", "1"),
      s("a", "RESET"),
      s("a", "EXEC"),
      s("a", "EXISTS", "z"),
    ];
    await sameScenario(p, steps);
  });
});

Deno.test("transactions: RESP3 replies and a huge queued value match Redis", async () => {
  await withPair(async (p) => {
    const big = "v".repeat(1 << 20);
    await sameScenario(p, [
      { on: "a", cmd: ["HELLO", "3"], ignore: true },
      s("a", "MULTI"),
      s("a", "SET", "k", big),
      s("a", "GET", "k"),
      s("a", "GET", "missing"),
      s("a", "SET", "k", "v", "EX", "-1"),
      s("a", "EXEC"),
      s("a", "WATCH", "k"),
      s("b", "SET", "k", "changed"),
      s("a", "MULTI"),
      s("a", "GET", "k"),
      s("a", "EXEC"),
      s("a", "MULTI"),
      s("a", "NOSUCH"),
      s("a", "EXEC"),
      s("a", "EXEC"),
    ]);
  });
});

Deno.test("transactions: rejected EXEC explains why (subscribed RESP2 client, NOAUTH)", async () => {
  await withPair(async (p) => {
    await sameScenario(p, [
      s("s1", "SUBSCRIBE", "ch"),
      s("s1", "MULTI"),
      s("s1", "EXEC"),
      s("s1", "UNSUBSCRIBE"),
      s("s1", "EXEC"),
    ]);
  });
  await withPair(async (p) => {
    await sameScenario(p, [
      s("a", "MULTI"),
      s("a", "EXEC"),
      s("a", "AUTH", "secret"),
      s("a", "MULTI"),
      s("a", "EXEC"),
    ]);
  }, { rift: { config: { requirepass: "secret" } }, redisArgs: ["--requirepass", "secret"] });
});

/** A watched transaction: WATCH by `a`, `between` by other clients, then MULTI/GET/EXEC. */
function watched(key: string, between: Step[], extra: Step[] = []): Step[] {
  return [
    s("a", "WATCH", key),
    ...between,
    ...extra,
    s("a", "MULTI"),
    s("a", "GET", key),
    s("a", "EXEC"),
  ];
}

Deno.test("transactions: every WATCH invalidation cause matches Redis", async () => {
  await withPair(async (p) => {
    const steps: Step[] = [
      s("b", "SET", "k", "0"),
      // Writes by another client, and by the watcher itself.
      ...watched("k", [s("b", "SET", "k", "1")]),
      ...watched("k", [s("a", "SET", "k", "2")]),
      ...watched("k", [s("b", "SET", "k", "3", "KEEPTTL")]),
      ...watched("k", [s("b", "SET", "k", "3", "XX", "GET")]),
      ...watched("k", [s("b", "SETEX", "k", "100", "4")]),
      ...watched("k", [s("b", "PSETEX", "k", "100000", "4")]),
      // Failed conditional writes and reads touch nothing.
      ...watched("k", [
        s("b", "SET", "k", "5", "NX"),
        s("b", "SETNX", "k", "6"),
        s("b", "GET", "k"),
      ]),
      ...watched("nokey", [s("b", "SET", "nokey", "1", "XX"), s("b", "DEL", "nokey")]),
      ...watched("fresh", [s("b", "SETNX", "fresh", "1")]),
      ...watched("fresh", [s("b", "DEL", "fresh", "other")]),
      ...watched("k", [s("b", "SET", "k", "7", "EX", "0")]),
      // A same-named key in another database is another key.
      ...watched("k", [s("b", "SELECT", "1"), s("b", "SET", "k", "x"), s("b", "SELECT", "0")]),
      // FLUSHDB / FLUSHALL touch watched keys that exist.
      s("b", "SET", "k", "8"),
      ...watched("k", [s("b", "FLUSHDB")]),
      ...watched("k", [s("b", "FLUSHDB")]),
      s("b", "SET", "k", "9"),
      ...watched("k", [s("b", "FLUSHALL")]),
      s("b", "SET", "k", "10"),
      ...watched("k", [s("b", "SELECT", "2"), s("b", "FLUSHDB"), s("b", "SELECT", "0")]),
      // SWAPDB: the key exists on either side, on neither, or the swap is elsewhere.
      ...watched("k", [s("b", "SWAPDB", "0", "1")]),
      s("b", "FLUSHALL"),
      s("b", "SELECT", "1"),
      s("b", "SET", "only1", "v"),
      s("b", "SELECT", "0"),
      ...watched("only1", [s("b", "SWAPDB", "1", "0")]),
      ...watched("neither", [s("b", "SWAPDB", "0", "1")]),
      ...watched("only1", [s("b", "SWAPDB", "2", "3")]),
      ...watched("only1", [s("b", "SWAPDB", "0", "0")]),
      // Several keys: touching any one aborts; UNWATCH forgets them all.
      s("a", "WATCH", "w1", "w2", "w3"),
      s("b", "SET", "w2", "x"),
      s("a", "MULTI"),
      s("a", "EXEC"),
      s("a", "WATCH", "w1", "w2"),
      s("a", "UNWATCH"),
      s("b", "SET", "w1", "x"),
      s("a", "MULTI"),
      s("a", "EXEC"),
      // DISCARD and EXEC end the watch too.
      s("a", "WATCH", "w1"),
      s("a", "MULTI"),
      s("a", "DISCARD"),
      s("b", "SET", "w1", "y"),
      s("a", "MULTI"),
      s("a", "EXEC"),
      s("a", "WATCH", "w1"),
      s("a", "MULTI"),
      s("a", "EXEC"),
      s("b", "SET", "w1", "z"),
      s("a", "MULTI"),
      s("a", "EXEC"),
      // Once dirty, watching more keys does not help.
      s("a", "WATCH", "w1"),
      s("b", "SET", "w1", "again"),
      s("a", "WATCH", "w9"),
      s("a", "MULTI"),
      s("a", "SET", "w9", "1"),
      s("a", "EXEC"),
      s("a", "EXISTS", "w9"),
      // Watching the same key twice, and a key touched inside the transaction.
      s("a", "WATCH", "d", "d"),
      s("a", "MULTI"),
      s("a", "SET", "d", "1"),
      s("a", "EXEC"),
      s("b", "GET", "d"),
    ];
    await sameScenario(p, steps);
  });
});

Deno.test("transactions: keys already expired when watched count as absent, like Redis", async () => {
  // PXAT 1 stores a key whose TTL has long passed: no waiting needed.
  await withPair(async (p) => {
    const expired = (key: string) => s("b", "SET", key, "old", "PXAT", "1");
    await sameScenario(p, [
      // Nobody touches it: EXEC runs.
      expired("e1"),
      ...watched("e1", []),
      // Its lazy deletion by another client is no change.
      expired("e2"),
      ...watched("e2", [s("b", "GET", "e2")]),
      expired("e3"),
      ...watched("e3", [s("b", "DEL", "e3")]),
      // Recreating it is.
      expired("e4"),
      ...watched("e4", [s("b", "SET", "e4", "new")]),
      expired("e5"),
      ...watched("e5", [s("b", "GET", "e5"), s("b", "SET", "e5", "new")]),
      // Flushing it is no change either.
      expired("e6"),
      ...watched("e6", [s("b", "FLUSHDB")]),
      expired("e7"),
      ...watched("e7", [s("b", "FLUSHALL")]),
      // SWAPDB: expired on both sides stays unchanged; a live key arriving is a change.
      expired("e8"),
      s("b", "SELECT", "1"),
      expired("e8"),
      s("b", "SELECT", "0"),
      ...watched("e8", [s("b", "SWAPDB", "0", "1")]),
      s("b", "FLUSHALL"),
      expired("e9"),
      s("b", "SELECT", "1"),
      s("b", "SET", "e9", "live"),
      s("b", "SELECT", "0"),
      ...watched("e9", [s("b", "SWAPDB", "0", "1")]),
      s("b", "FLUSHALL"),
      // A missing key replaced by an expired one is still absent.
      s("b", "SELECT", "1"),
      expired("e10"),
      s("b", "SELECT", "0"),
      ...watched("e10", [s("b", "SWAPDB", "0", "1")]),
    ]);
  });
});

Deno.test("transactions: a watched key expiring before EXEC aborts it (manual clock)", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  await withRift(async (rift) => {
    const a = await rift.client();
    const b = await rift.client();
    const attempt = async (before: () => unknown) => {
      assertEquals(await a.raw("SET", "k", "v", "PX", "100"), "+OK\r\n");
      assertEquals(await a.raw("WATCH", "k"), "+OK\r\n");
      await before();
      assertEquals(await a.raw("MULTI"), "+OK\r\n");
      assertEquals(await a.raw("SET", "other", "1"), "+QUEUED\r\n");
      return await a.raw("EXEC");
    };
    // Logically expired but still stored: EXEC checks the TTL itself.
    assertEquals(await attempt(() => clock.advance(101)), "*-1\r\n");
    // Removed on access by another client.
    assertEquals(
      await attempt(async () => {
        clock.advance(101);
        assertEquals(await b.raw("GET", "k"), "$-1\r\n");
      }),
      "*-1\r\n",
    );
    // Removed by the active expiry cycle.
    assertEquals(
      await attempt(() => {
        clock.advance(101);
        rift.server.cron();
        assertEquals(rift.server.db(0).findRaw(new TextEncoder().encode("k")), -1);
      }),
      "*-1\r\n",
    );
    // Still live at EXEC: runs.
    assertEquals(await attempt(() => clock.advance(50)), "*1\r\n+OK\r\n");
    // RESP3 null.
    assertEquals((await a.raw("HELLO", "3")).startsWith("%7"), true);
    assertEquals(await attempt(() => clock.advance(101)), "_\r\n");
    assertEquals(await a.raw("EXISTS", "other"), ":1\r\n");
  }, { clock });
});

Deno.test("transactions: CLIENT LIST shows multi state and the dirty flag", async () => {
  await withRift(async (rift) => {
    const a = await rift.client();
    const b = await rift.client();
    const id = await a.value("CLIENT", "ID");
    const info = async () => String(await b.value("CLIENT", "LIST", "ID", String(id)));
    assertEquals(await a.raw("WATCH", "k"), "+OK\r\n");
    assertEquals(await a.raw("MULTI"), "+OK\r\n");
    assertEquals(await a.raw("GET", "k"), "+QUEUED\r\n");
    assertTrue(/ flags=x .* multi=1 /.test(await info()));
    await b.raw("SET", "k", "1");
    assertEquals(await a.raw("GET", "k"), "+QUEUED\r\n");
    const line = await info();
    assertTrue(/ flags=xd /.test(line), line);
    // A doomed transaction stops keeping commands.
    assertTrue(/ multi=1 /.test(line), line);
    assertEquals(await a.raw("EXEC"), "*-1\r\n");
    assertTrue(/ flags=N .* multi=-1 /.test(await info()));
  });
});

Deno.test("transactions: EXEC is atomic under concurrent writers", async () => {
  await withRift(async (rift) => {
    const writers = 6;
    const rounds = 40;
    const txSize = 5;
    const clients = await Promise.all(Array.from({ length: writers * 2 }, () => rift.client()));
    // Every reply of SET chain <value> GET is the previous value: together
    // they must form one chain in which each value is read exactly once.
    const oldValues: (string | null)[] = [];
    let transactions = 0;
    const transactional = async (c: RespClient, id: number) => {
      for (let r = 0; r < rounds; r++) {
        const values = Array.from({ length: txSize }, (_, i) => `t${id}-${r}-${i}`);
        await c.send("MULTI");
        for (const v of values) await c.send("SET", "chain", v, "GET");
        await c.send("EXEC");
        assertEquals(latin1((await c.read()).raw), "+OK\r\n");
        for (let i = 0; i < txSize; i++) assertEquals(latin1((await c.read()).raw), "+QUEUED\r\n");
        const exec = toValue((await c.read()).reply) as (string | null)[];
        assertEquals(exec.length, txSize);
        // Inside the transaction each SET saw the one before it: nobody interleaved.
        for (let i = 1; i < txSize; i++) assertEquals(exec[i], values[i - 1]);
        oldValues.push(...exec);
        transactions++;
      }
    };
    const plain = async (c: RespClient, id: number) => {
      for (let r = 0; r < rounds * txSize; r++) {
        oldValues.push(await c.value("SET", "chain", `p${id}-${r}`, "GET") as string | null);
      }
    };
    await Promise.all([
      ...clients.slice(0, writers).map((c, i) => transactional(c, i)),
      ...clients.slice(writers).map((c, i) => plain(c, i)),
    ]);
    assertEquals(transactions, writers * rounds);
    const total = writers * rounds * txSize * 2;
    assertEquals(oldValues.length, total);
    const seen = new Set(oldValues);
    assertEquals(seen.size, total, "some value was read twice");
    assertTrue(seen.has(null), "the first SET saw no value");
    assertTrue(!seen.has(await clients[0].value("GET", "chain") as string));
  });
});

Deno.test("transactions: WATCH-based compare-and-set loses no update under contention", async () => {
  await withPair(async (p) => {
    for (const server of ["rift", "redis"] as const) {
      const workers = 8;
      const increments = 25;
      const clients = await Promise.all(Array.from({ length: workers }, () => p.open(server)));
      await clients[0].raw("SET", "counter", "0");
      let aborted = 0;
      await Promise.all(clients.map(async (c) => {
        for (let done = 0; done < increments;) {
          await c.raw("WATCH", "counter");
          const n = Number(await c.value("GET", "counter"));
          await c.raw("MULTI");
          await c.raw("SET", "counter", String(n + 1));
          if ((await c.raw("EXEC")) === "*-1\r\n") aborted++;
          else done++;
        }
      }));
      assertEquals(await clients[0].value("GET", "counter"), String(workers * increments), server);
      assertTrue(aborted >= 0);
    }
  });
});

Deno.test("transactions: EXEC propagates its writes wrapped in MULTI/EXEC", async () => {
  await withRift(async (rift) => {
    const batches: string[][][] = [];
    rift.server.propagationSinks.push((batch: Propagated[]) =>
      batches.push(batch.map((op) => op.argv.map(latin1)))
    );
    const c = await rift.client();
    const run = async (...commands: string[][]) => {
      batches.length = 0;
      await c.raw("MULTI");
      for (const cmd of commands) await c.raw(...cmd);
      await c.raw("EXEC");
      return batches.slice();
    };
    assertEquals(await run(["SET", "a", "1"], ["GET", "a"], ["SET", "b", "2"]), [[
      ["MULTI"],
      ["SET", "a", "1"],
      ["SET", "b", "2"],
      ["EXEC"],
    ]]);
    // A single write needs no wrapping; reads and failed writes propagate nothing.
    assertEquals(await run(["SET", "a", "3"], ["GET", "a"]), [[["SET", "a", "3"]]]);
    assertEquals(await run(["GET", "a"], ["SET", "a", "x", "NX"]), []);
    // Rewrites still apply inside (relative expiry becomes absolute).
    const [[setex]] = await run(["SETEX", "t", "100", "v"]);
    assertEquals(setex.slice(0, 4), ["SET", "t", "v", "PXAT"]);
    // Aborted transactions propagate nothing.
    await c.raw("WATCH", "a");
    await c.raw("SET", "a", "9");
    batches.length = 0;
    await c.raw("MULTI");
    await c.raw("SET", "a", "10");
    assertEquals(await c.raw("EXEC"), "*-1\r\n");
    assertEquals(batches, []);
  });
});

Deno.test("transactions: commandstats charge errors to the failing command, not EXEC", async () => {
  await withPair(async (p) => {
    const stat = (info: string, name: string) =>
      /rejected_calls=\d+,failed_calls=\d+/.exec(
        info.split("\r\n").find((l) => l.startsWith(`cmdstat_${name}:`)) ?? "",
      )?.[0] ?? "absent";
    await p.same("CONFIG", "RESETSTAT");
    for (
      const cmd of [
        ["MULTI"],
        ["SET", "k", "v", "EX", "0"],
        ["GET", "k"],
        ["EXEC"],
        ["EXEC"],
        ["EXEC", "x"],
        ["MULTI"],
        ["NOSUCH"],
        ["EXEC"],
      ]
    ) await p.both(...cmd);
    const [rift, redis] = await p.both("INFO", "commandstats");
    for (const name of ["exec", "set", "get", "multi"]) {
      assertEquals(stat(rift, name), stat(redis, name), name);
    }
  });
});

Deno.test("transactions: EXEC is judged by the flags of what it queued (OOM like Redis)", async () => {
  await withPair(async (p) => {
    // Rift has no eviction in this suite: an admission check plays Redis's
    // maxmemory rule (deny denyoom commands, and anything queued in MULTI).
    let outOfMemory = false;
    p.riftServer.admissionChecks.push((c, spec) => {
      if (!outOfMemory) return null;
      const control = ["exec", "discard", "quit", "reset"].includes(spec.name);
      const denied = spec.flags.includes("denyoom") || (c.multi !== null && !control);
      return denied ? "OOM command not allowed when used memory > 'maxmemory'." : null;
    });
    const oom = async (on: boolean) => {
      outOfMemory = on;
      assertEquals(await p.redis.raw("CONFIG", "SET", "maxmemory", on ? "1" : "0"), "+OK\r\n");
    };
    const other = { rift: await p.open("rift"), redis: await p.open("redis") };
    const both = async (...cmd: string[]) => {
      const [a, b] = await Promise.all([other.rift.raw(...cmd), other.redis.raw(...cmd)]);
      assertEquals(a, b, cmd.join(" "));
    };
    await both("MULTI");
    await both("SET", "a", "1");
    await both("GET", "a");
    await oom(true);
    await both("EXEC"); // EXECABORT ... because of: OOM ...
    await both("MULTI");
    await oom(false);
    await both("GET", "a");
    await oom(true);
    await both("EXEC"); // reads only: runs
    await both("MULTI");
    await both("GET", "a"); // refused while queuing
    await both("EXEC");
    await oom(false);
    await both("GET", "a");
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

Deno.test("transactions: random multi-client sequences match Redis byte for byte", async () => {
  await withPair(async (p) => {
    const random = prng(20240607);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
    const key = () => pick(["k1", "k2", "k3"]);
    const value = () => pick(["v", "", "x".repeat(20), "\x00\r\n"]);
    // Clients a and b run data and transaction commands; s1 and s2 also
    // (un)subscribe and receive keyspace events, checked after every step.
    const dataCommand = (): string[] =>
      pick([
        () => ["SET", key(), value()],
        () => ["SET", key(), value(), pick(["NX", "XX", "GET", "KEEPTTL"])],
        () => ["SET", key(), value(), "EX", "1000"],
        () => ["SETNX", key(), value()],
        () => ["SETEX", key(), pick(["100", "0", "x"]), value()],
        () => ["GET", key()],
        () => ["DEL", key(), key()],
        () => ["EXISTS", key()],
        () => ["TYPE", key()],
        () => ["PUBLISH", pick(["c1", "c2"]), value()],
        () => ["SELECT", pick(["0", "1"])],
        () => ["SWAPDB", "0", "1"],
        () => [pick(["FLUSHDB", "FLUSHALL"])],
        () => ["NOSUCH", key()],
        () => ["GET"],
      ])();
    const transactionCommand = (): string[] =>
      pick([
        () => ["MULTI"],
        () => ["EXEC"],
        () => ["DISCARD"],
        () => ["WATCH", key()],
        () => ["WATCH", key(), key()],
        () => ["UNWATCH"],
      ])();
    const subscriptionCommand = (): string[] =>
      pick([
        () => ["SUBSCRIBE", pick(["c1", "c2"])],
        () => ["UNSUBSCRIBE", pick(["c1", "c2"])],
        () => ["PSUBSCRIBE", pick(["c*", "__key*__:*"])],
        () => ["PUNSUBSCRIBE", pick(["c*", "__key*__:*"])],
        () => ["PUBSUB", "NUMSUB", "c1", "c2"],
        () => ["PUBSUB", "NUMPAT"],
        () => ["PING"],
      ])();
    await p.same("CONFIG", "SET", "notify-keyspace-events", "KEA");
    const steps: Step[] = [];
    const total = 600;
    while (steps.length < total) {
      const on = pick(["a", "a", "b", "b", "s1", "s2"]);
      const r = random();
      const cmd = on.startsWith("s") && r < 0.3
        ? subscriptionCommand()
        : r < 0.6
        ? transactionCommand()
        : dataCommand();
      steps.push({ on, cmd });
    }
    const transcript = await sameScenario(p, steps);
    assertEquals(transcript.filter((line) => / -> /.test(line)).length, total);
    // The sequence exercised what it is meant to.
    const joined = transcript.join("\n");
    for (const seen of ["*-1\r\n", "EXECABORT", "QUEUED", "pmessage", "message", "subscribe"]) {
      assertTrue(joined.includes(seen), `never saw ${JSON.stringify(seen)}`);
    }
  });
});
