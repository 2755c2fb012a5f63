/**
 * Blocking list commands with real connections. Each scenario runs on an
 * embedded Rift and must produce the expected transcript; when
 * redis-server is installed the same scenario runs on Redis 7.0 too and
 * must produce the very same transcript, so the expectations are Redis's.
 */

import { Redis } from "ioredis";
import { assertEquals } from "../helpers/assert.ts";
import { type Arg, latin1, RespClient } from "../helpers/client.ts";
import { HAS_REDIS, startRedis, withRift } from "../helpers/server.ts";
import { withEventsPair } from "../helpers/events_pair.ts";

/** An argument, or one computed from the clients' ids (`CLIENT UNBLOCK`). */
type ScenarioArg = Arg | ((ids: number[]) => Arg);

/** One step: a client sends commands in one write. */
interface Step {
  /** Index of the sending client. */
  c: number;
  cmds: ScenarioArg[][];
  /** Replies the sender gets at once (default: one per command). */
  replies?: number;
  /** Blocked clients once the step took effect (checked with INFO). */
  blocked: number;
}

/**
 * What every client received, as raw RESP, the final blocked count and,
 * when asked for, the `INFO commandstats` calls and failed calls of the
 * blocking list commands.
 */
interface Transcript {
  clients: string[];
  blocked: number;
  stats?: string[];
}

const BLOCKING_STAT =
  /^cmdstat_(blpop|brpop|blmove|brpoplpush|blmpop):calls=(\d+),.*failed_calls=(\d+)/;

const CLIENTS = 4;

async function blockedClients(control: RespClient): Promise<number> {
  const reply = await control.value("INFO", "clients");
  const m = /blocked_clients:(\d+)/.exec(String(reply));
  return m ? Number(m[1]) : -1;
}

async function waitForBlocked(control: RespClient, n: number, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  let now = await blockedClients(control);
  while (now !== n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
    now = await blockedClients(control);
  }
  assertEquals(now, n, `blocked clients after ${what}`);
}

/** Runs the steps against the server on `port`; returns the transcript. */
async function runScenario(port: number, steps: Step[]): Promise<Transcript> {
  const control = await RespClient.connect(port);
  const clients: RespClient[] = [];
  const ids: number[] = [];
  const seen: string[] = [];
  try {
    await control.raw("FLUSHALL");
    await control.raw("CONFIG", "RESETSTAT");
    for (let i = 0; i < CLIENTS; i++) {
      const c = await RespClient.connect(port);
      clients.push(c);
      ids.push(Number(await c.value("CLIENT", "ID")));
      seen.push("");
    }
    for (const [n, step] of steps.entries()) {
      const c = clients[step.c];
      const cmds = step.cmds.map((cmd) => cmd.map((a) => (typeof a === "function" ? a(ids) : a)));
      for (const cmd of cmds) await c.send(...cmd);
      for (let i = 0; i < (step.replies ?? cmds.length); i++) {
        seen[step.c] += latin1((await c.read()).raw);
      }
      await waitForBlocked(control, step.blocked, `step ${n}`);
    }
    // Let replies to served clients arrive, then collect everything.
    await new Promise((r) => setTimeout(r, 50));
    for (const [i, c] of clients.entries()) {
      while (c.hasReply) seen[i] += latin1((await c.read()).raw);
    }
    const blocked = await blockedClients(control);
    const stats = String(await control.value("INFO", "commandstats")).split("\r\n").flatMap(
      (line) => {
        const m = BLOCKING_STAT.exec(line);
        return m ? [`${m[1]} calls=${m[2]} failed=${m[3]}`] : [];
      },
    ).sort();
    return { clients: seen, blocked, stats };
  } finally {
    for (const c of clients) await c.close();
    await control.close();
  }
}

/**
 * Runs a scenario on Rift (and on Redis when available) and checks both
 * against the expected transcript.
 */
async function scenario(steps: Step[], expected: Transcript): Promise<void> {
  const run = async (port: number) => {
    const t = await runScenario(port, steps);
    if (expected.stats === undefined) delete t.stats;
    return t;
  };
  await withRift(async (rift) => {
    assertEquals(await run(rift.port), expected, "Rift transcript");
  });
  if (!HAS_REDIS) {
    if (Deno.env.get("RIFT_REQUIRE_REDIS")) throw new Error("redis-server is required but missing");
    return;
  }
  const redis = await startRedis();
  try {
    assertEquals(await run(redis.port), expected, "Redis transcript");
  } finally {
    await redis.stop();
  }
}

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const popped = (key: string, member: string) => `*2\r\n${bulk(key)}${bulk(member)}`;
const int = (n: number) => `:${n}\r\n`;
const NULL_ARRAY = "*-1\r\n";
const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

Deno.test("blocking: the first push serves the longest waiter, then the next", async () => {
  await scenario([
    { c: 0, cmds: [["BLPOP", "k", 0]], replies: 0, blocked: 1 },
    { c: 1, cmds: [["BLPOP", "k", 0]], replies: 0, blocked: 2 },
    { c: 2, cmds: [["BRPOP", "k", 0]], replies: 0, blocked: 3 },
    { c: 3, cmds: [["RPUSH", "k", "a"]], blocked: 2 },
    { c: 3, cmds: [["RPUSH", "k", "b", "c"]], blocked: 0 },
    { c: 3, cmds: [["EXISTS", "k"]], blocked: 0 },
  ], {
    clients: [popped("k", "a"), popped("k", "b"), popped("k", "c"), int(1) + int(2) + int(0)],
    blocked: 0,
  });
});

Deno.test("blocking: several waiters on several keys", async () => {
  await scenario([
    { c: 0, cmds: [["BLPOP", "a", "b", 0]], replies: 0, blocked: 1 },
    { c: 1, cmds: [["BLPOP", "b", "c", 0]], replies: 0, blocked: 2 },
    { c: 2, cmds: [["BRPOP", "c", "a", 0]], replies: 0, blocked: 3 },
    { c: 3, cmds: [["LPUSH", "c", "x"]], blocked: 2 },
    { c: 3, cmds: [["LPUSH", "a", "y"]], blocked: 1 },
    { c: 3, cmds: [["RPUSH", "b", "z"]], blocked: 1 },
    { c: 3, cmds: [["LPUSH", "a", "w"]], blocked: 0 },
    { c: 3, cmds: [["LRANGE", "b", 0, -1]], blocked: 0 },
  ], {
    clients: [
      popped("a", "y"),
      popped("c", "x"),
      popped("a", "w"),
      ":1\r\n:1\r\n:1\r\n:1\r\n" +
      `*1\r\n${bulk("z")}`,
    ],
    blocked: 0,
  });
});

Deno.test("blocking: one LPUSH of several elements serves several waiters in order", async () => {
  await scenario([
    { c: 0, cmds: [["BLPOP", "k", 0]], replies: 0, blocked: 1 },
    { c: 1, cmds: [["BRPOP", "k", 0]], replies: 0, blocked: 2 },
    { c: 2, cmds: [["BLMPOP", 0, 1, "k", "LEFT", "COUNT", 2]], replies: 0, blocked: 3 },
    { c: 3, cmds: [["LPUSH", "k", 1, 2, 3, 4, 5]], blocked: 0 },
    { c: 3, cmds: [["LRANGE", "k", 0, -1]], blocked: 0 },
  ], {
    clients: [
      popped("k", "5"),
      popped("k", "1"),
      `*2\r\n${bulk("k")}*2\r\n${bulk("4")}${bulk("3")}`,
      int(5) + `*1\r\n${bulk("2")}`,
    ],
    blocked: 0,
  });
});

Deno.test("blocking: BLMOVE chains wake the next waiter", async () => {
  await scenario([
    { c: 0, cmds: [["BLMOVE", "a", "b", "LEFT", "RIGHT", 0]], replies: 0, blocked: 1 },
    { c: 1, cmds: [["BRPOPLPUSH", "b", "c", 0]], replies: 0, blocked: 2 },
    { c: 2, cmds: [["BLPOP", "c", 0]], replies: 0, blocked: 3 },
    { c: 3, cmds: [["RPUSH", "a", "x", "y"]], blocked: 0 },
    { c: 3, cmds: [["LRANGE", "a", 0, -1], ["EXISTS", "b", "c"]], blocked: 0 },
  ], {
    clients: [bulk("x"), bulk("x"), popped("c", "x"), int(2) + `*1\r\n${bulk("y")}` + int(0)],
    blocked: 0,
  });
});

Deno.test("blocking: pipelined commands run after the blocking one is served", async () => {
  await scenario([
    {
      c: 0,
      cmds: [["BLPOP", "k", 0], ["LPUSH", "k", "z"], ["LLEN", "k"]],
      replies: 0,
      blocked: 1,
    },
    { c: 1, cmds: [["BLPOP", "k", 0]], replies: 0, blocked: 2 },
    { c: 3, cmds: [["LPUSH", "k", "a", "b"]], blocked: 0 },
    { c: 3, cmds: [["LRANGE", "k", 0, -1]], blocked: 0 },
  ], {
    // The second waiter is served before the first one's pipelined LPUSH runs.
    clients: [
      popped("k", "b") + int(1) + int(1),
      popped("k", "a"),
      "",
      int(2) +
      `*1\r\n${bulk("z")}`,
    ],
    blocked: 0,
  });
});

Deno.test("blocking: a waiter is served from the key that was filled", async () => {
  await scenario([
    { c: 0, cmds: [["BLPOP", "k1", "k2", 0]], replies: 0, blocked: 1 },
    { c: 3, cmds: [["SET", "k1", "string"]], blocked: 1 },
    { c: 3, cmds: [["LPUSH", "k2", "a"]], blocked: 0 },
    // A key that turns into another type leaves its waiters blocked.
    { c: 1, cmds: [["BLPOP", "w", 0]], replies: 0, blocked: 1 },
    { c: 3, cmds: [["SET", "w", "string"]], blocked: 1 },
    { c: 3, cmds: [["DEL", "w"], ["RPUSH", "w", "b"]], blocked: 0 },
  ], {
    clients: [
      popped("k2", "a"),
      popped("w", "b"),
      "",
      "+OK\r\n" + int(1) + "+OK\r\n" + int(1) +
      int(1),
    ],
    blocked: 0,
  });
});

Deno.test("blocking: BLMOVE to a wrong-type destination fails and the next waiter is served", async () => {
  await scenario([
    { c: 0, cmds: [["BLMOVE", "src", "dst", "LEFT", "LEFT", 0]], replies: 0, blocked: 1 },
    { c: 1, cmds: [["BLPOP", "src", 0]], replies: 0, blocked: 2 },
    { c: 3, cmds: [["SET", "dst", "string"]], blocked: 2 },
    { c: 3, cmds: [["LPUSH", "src", "a"]], blocked: 0 },
  ], {
    clients: [WRONGTYPE, popped("src", "a"), "", "+OK\r\n" + int(1)],
    blocked: 0,
  });
});

Deno.test("blocking: sub-second timeouts reply with a null array", async () => {
  // The waits are long enough for the counts between steps to be seen on a
  // loaded machine (at 50 and 100 ms, round trips of a busy test run outlived
  // them), except the 1 ms one (0.0001 s, rounded up), which is over by the
  // time its count is read: two waiters are left then, whatever the timing.
  await scenario([
    { c: 0, cmds: [["BLPOP", "k", "0.5"]], replies: 0, blocked: 1 },
    { c: 1, cmds: [["BLMOVE", "k", "d", "LEFT", "LEFT", "0.6"]], replies: 0, blocked: 2 },
    { c: 2, cmds: [["BLMPOP", "0.0001", 1, "k", "LEFT"]], replies: 0, blocked: 2 },
    { c: 3, cmds: [["BRPOPLPUSH", "k", "d", ".8"]], replies: 0, blocked: 0 },
  ], {
    clients: [NULL_ARRAY, NULL_ARRAY, NULL_ARRAY, NULL_ARRAY],
    blocked: 0,
  });
});

Deno.test("blocking: timeout 0 waits until served, a negative zero too", async () => {
  await scenario([
    { c: 0, cmds: [["BLPOP", "k", 0]], replies: 0, blocked: 1 },
    { c: 1, cmds: [["BRPOP", "k", "-0.0005"]], replies: 0, blocked: 2 },
    { c: 3, cmds: [["BLPOP", "k", "0.1"]], replies: 1, blocked: 2 },
    { c: 3, cmds: [["RPUSH", "k", "a", "b"]], blocked: 0 },
  ], {
    clients: [popped("k", "a"), popped("k", "b"), "", NULL_ARRAY + int(2)],
    blocked: 0,
  });
});

Deno.test("blocking: CLIENT UNBLOCK with TIMEOUT and ERROR", async () => {
  const id = (i: number) => (ids: number[]) => ids[i];
  await scenario([
    { c: 0, cmds: [["BLPOP", "k", 0], ["PING"]], replies: 0, blocked: 1 },
    { c: 1, cmds: [["BLMOVE", "k", "d", "LEFT", "LEFT", 0]], replies: 0, blocked: 2 },
    { c: 2, cmds: [["BLMPOP", 0, 1, "k", "RIGHT"]], replies: 0, blocked: 3 },
    { c: 3, cmds: [["CLIENT", "UNBLOCK", id(0)]], blocked: 2 },
    { c: 3, cmds: [["CLIENT", "UNBLOCK", id(1), "TIMEOUT"]], blocked: 1 },
    { c: 3, cmds: [["CLIENT", "UNBLOCK", id(2), "ERROR"]], blocked: 0 },
    { c: 3, cmds: [["CLIENT", "UNBLOCK", id(0)]], blocked: 0 },
    { c: 3, cmds: [["CLIENT", "UNBLOCK", id(0), "MAYBE"]], blocked: 0 },
  ], {
    clients: [
      NULL_ARRAY + "+PONG\r\n",
      NULL_ARRAY,
      "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n",
      int(1) + int(1) + int(1) + int(0) +
      "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
    ],
    blocked: 0,
  });
});

Deno.test("blocking: CLIENT REPLY OFF and SKIP drop the reply that ends the wait", async () => {
  await scenario([
    { c: 0, cmds: [["CLIENT", "REPLY", "OFF"], ["BLPOP", "k", 0]], replies: 0, blocked: 1 },
    {
      c: 1,
      cmds: [["CLIENT", "REPLY", "SKIP"], ["BLPOP", "k", 0], ["PING"]],
      replies: 0,
      blocked: 2,
    },
    { c: 3, cmds: [["RPUSH", "k", "a", "b"]], blocked: 0 },
    {
      c: 0,
      cmds: [["BLPOP", "k", "0.05"], ["CLIENT", "REPLY", "ON"], ["PING"]],
      replies: 2,
      blocked: 0,
    },
  ], {
    clients: ["+OK\r\n+PONG\r\n", "+PONG\r\n", "", int(2)],
    blocked: 0,
  });
});

Deno.test("blocking: errors are replied at once, never blocking", async () => {
  await scenario([
    { c: 3, cmds: [["SET", "s", "v"]], blocked: 0 },
    {
      c: 0,
      cmds: [
        ["BLPOP", "k", "-1"],
        ["BLPOP", "k", "x"],
        ["BLPOP", "k", "inf"],
        ["BLPOP", "k", "1e400"],
        ["BLPOP", "k", "1e5000"],
        ["BLPOP", "k", "-0.0011"],
        ["BLPOP", "k", "9223372036854775.808"],
        ["BLPOP", "k", "1\x00"],
        ["BLPOP", "k", "s", 0],
        ["BLMOVE", "k", "d", "UP", "LEFT", 0],
        ["BLMOVE", "k", "d", "LEFT", "LEFT", "-1"],
        ["BLMOVE", "s", "d", "LEFT", "LEFT", 0],
        ["BRPOPLPUSH", "k", "d", "nan"],
        ["BLMPOP", 0, 0, "k", "LEFT"],
        ["BLMPOP", "x", 2, "k", "LEFT"],
        ["BLMPOP", "-1", 1, "k", "LEFT", "COUNT", 0],
        ["BLMPOP", "-1", 1, "k", "LEFT"],
        ["BLMPOP", 0, 1, "s", "LEFT"],
        ["BLPOP", "k"],
      ],
      blocked: 0,
    },
  ], {
    clients: [
      "-ERR timeout is negative\r\n" +
      "-ERR timeout is not a float or out of range\r\n" +
      "-ERR timeout is negative\r\n" +
      "-ERR timeout is negative\r\n" +
      "-ERR timeout is not a float or out of range\r\n" +
      "-ERR timeout is negative\r\n" +
      "-ERR timeout is negative\r\n" +
      "-ERR timeout is not a float or out of range\r\n" +
      WRONGTYPE +
      "-ERR syntax error\r\n" +
      "-ERR timeout is negative\r\n" +
      WRONGTYPE +
      "-ERR timeout is not a float or out of range\r\n" +
      "-ERR numkeys should be greater than 0\r\n" +
      "-ERR syntax error\r\n" +
      "-ERR count should be greater than 0\r\n" +
      "-ERR timeout is negative\r\n" +
      WRONGTYPE +
      "-ERR wrong number of arguments for 'blpop' command\r\n",
      "",
      "",
      "+OK\r\n",
    ],
    blocked: 0,
  });
});

Deno.test("blocking: command statistics count a blocking call once", async () => {
  const id = (i: number) => (ids: number[]) => ids[i];
  await scenario([
    { c: 0, cmds: [["BLPOP", "k", 0]], replies: 0, blocked: 1 },
    { c: 1, cmds: [["BLMOVE", "k", "d", "LEFT", "LEFT", 0]], replies: 0, blocked: 2 },
    { c: 2, cmds: [["BRPOP", "k", "0.01"]], replies: 1, blocked: 2 },
    { c: 2, cmds: [["BLPOP", "other", 0]], replies: 0, blocked: 3 },
    { c: 3, cmds: [["SET", "d", "string"]], blocked: 3 },
    { c: 3, cmds: [["RPUSH", "k", "a", "b"]], blocked: 1 },
    { c: 3, cmds: [["CLIENT", "UNBLOCK", id(2), "ERROR"]], blocked: 0 },
    { c: 2, cmds: [["BLMPOP", 0, 1, "k", "LEFT"], ["BRPOPLPUSH", "k", "x", "-1"]], blocked: 0 },
  ], {
    clients: [
      popped("k", "a"),
      WRONGTYPE,
      NULL_ARRAY + "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n" +
      `*2\r\n${bulk("k")}*1\r\n${bulk("b")}` + "-ERR timeout is negative\r\n",
      "+OK\r\n" + int(2) + int(1),
    ],
    blocked: 0,
    stats: [
      "blmove calls=1 failed=1",
      "blmpop calls=1 failed=0",
      "blpop calls=2 failed=1",
      "brpop calls=1 failed=0",
      "brpoplpush calls=1 failed=1",
    ],
  });
});

Deno.test("blocking: a client that disconnects while blocked is forgotten", async () => {
  await withRift(async (rift) => {
    const gone = await rift.client();
    const c = await rift.client();
    await gone.send("BLPOP", "k", 0);
    await waitFor(() => rift.server.blocking.count === 1);
    await gone.close();
    await waitFor(() => rift.server.blocking.count === 0);
    assertEquals(rift.server.blocking.keyCount, 0);
    assertEquals(await c.raw("RPUSH", "k", "a"), ":1\r\n");
    assertEquals(await c.raw("LLEN", "k"), ":1\r\n");
  });
});

Deno.test("blocking: timeouts beyond setTimeout's range do not fire early", async () => {
  await withRift(async (rift) => {
    const waiter = await rift.client();
    const c = await rift.client();
    // 3,000,000 s is more than 2^31 ms: a plain setTimeout would fire at once.
    await waiter.send("BLPOP", "k", 3_000_000);
    await waitFor(() => rift.server.blocking.count === 1);
    await new Promise((r) => setTimeout(r, 30));
    assertEquals(waiter.hasReply, false);
    assertEquals(rift.server.blocking.count, 1);
    assertEquals(await c.raw("RPUSH", "k", "a"), ":1\r\n");
    assertEquals(latin1((await waiter.read()).raw), popped("k", "a"));
  });
});

Deno.test("blocking: INFO and CLIENT LIST show blocked clients", async () => {
  await withRift(async (rift) => {
    const waiter = await rift.client();
    const c = await rift.client();
    await waiter.send("BLMPOP", 0, 2, "a", "b", "LEFT");
    await waitFor(() => rift.server.blocking.count === 1);
    assertEquals(rift.server.blocking.keyCount, 2);
    const list = String(await c.value("CLIENT", "LIST"));
    assertEquals(/flags=b /.test(list), true, list);
    assertEquals(await c.raw("RPUSH", "b", "x"), ":1\r\n");
    assertEquals(
      latin1((await waiter.read()).raw),
      `*2\r\n${bulk("b")}*1\r\n${bulk("x")}`,
    );
    assertEquals(rift.server.blocking.keyCount, 0);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
  assertEquals(condition(), true, "condition reached");
}

Deno.test("blocking: an ioredis producer and consumers", async () => {
  await withRift(async (rift) => {
    const options = { port: rift.port, host: "127.0.0.1", lazyConnect: true };
    const producer = new Redis(options);
    const consumer = new Redis(options);
    const mover = new Redis(options);
    try {
      await Promise.all([producer.connect(), consumer.connect(), mover.connect()]);
      const popped = consumer.brpop("jobs", "done", 0);
      const moved = mover.blmove("results", "archive", "LEFT", "RIGHT", 0);
      await waitFor(() => rift.server.blocking.count === 2);
      assertEquals(await producer.lpush("jobs", "j1", "j2"), 2);
      assertEquals(await popped, ["jobs", "j1"]);
      assertEquals(await producer.rpush("results", "r1"), 1);
      assertEquals(await moved, "r1");
      assertEquals(await producer.lrange("archive", 0, -1), ["r1"]);
      assertEquals(await producer.lpos("jobs", "j2", "COUNT", 0), [0]);
      assertEquals(await producer.lmpop(1, "jobs", "LEFT", "COUNT", 5), ["jobs", ["j2"]]);
      assertEquals(await consumer.blpop("jobs", 0.05), null);
    } finally {
      producer.disconnect();
      consumer.disconnect();
      mover.disconnect();
    }
  });
});

Deno.test("blocked clients wake when RENAME, RENAMENX, COPY, MOVE or RESTORE brings the key (differential)", async () => {
  // Found by the mixed fuzzer: Rift only woke them on pushes.
  await withEventsPair(async (p) => {
    const waiters = [await p.open("rift"), await p.open("redis")];
    /** Waits until both servers count the waiter as blocked (nothing may overtake it). */
    const blocked = async () => {
      for (const c of [p.rift, p.redis]) {
        for (let i = 0; i < 1000; i++) {
          if (/^blocked_clients:1\r$/m.test(String(await c.value("INFO", "clients")))) break;
          await new Promise((r) => setTimeout(r, 2));
        }
      }
    };
    const scenarios: Arg[][][] = [
      [["RPUSH", "src", "a"], ["RENAME", "src", "k"]],
      [["RPUSH", "src", "b"], ["RENAMENX", "src", "k"]],
      [["RPUSH", "src", "c"], ["COPY", "src", "k"]],
      [["SELECT", "1"], ["RPUSH", "k", "d"], ["MOVE", "k", "0"], ["SELECT", "0"]],
      [["ZADD", "src", "1", "z"], ["RENAME", "src", "zk"]],
    ];
    for (const commands of scenarios) {
      const blocking = commands[commands.length - 1].includes("zk")
        ? ["BZPOPMIN", "zk", "0"]
        : ["BLPOP", "k", "0"];
      await Promise.all(waiters.map((w) => w.send(...blocking)));
      await blocked();
      for (const command of commands) await p.step(...command);
      const [x, y] = await Promise.all(waiters.map(async (w) => latin1((await w.read()).raw)));
      assertEquals(x, y, `served after ${commands.map((c) => c[0]).join(", ")}`);
      await p.step("DEL", "src", "k", "zk");
    }
    // RESTORE: a DUMP payload restored under the waited name.
    await p.step("RPUSH", "src", "e");
    const payload = await p.redis.call("DUMP", "src");
    await Promise.all(waiters.map((w) => w.send("BLPOP", "k", "0")));
    await blocked();
    if (payload.type !== "bulk") throw new Error("DUMP failed");
    await p.step("RESTORE", "k", "0", payload.value);
    const [x, y] = await Promise.all(waiters.map(async (w) => latin1((await w.read()).raw)));
    assertEquals(x, y, "served after RESTORE");
    assertEquals(x, "*2\r\n$1\r\nk\r\n$1\r\ne\r\n");
  });
});
