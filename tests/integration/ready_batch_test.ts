/**
 * The connections read in one turn of the event loop run their commands
 * together (Server.executeSoon): each one's first command is parsed ahead
 * and its key warmed in the caches before any runs. A pipeline's commands
 * are parsed in batches too, their keys warmed together (Client.fillBatch).
 * Both happen only in a database large enough for lookups to miss the
 * caches. Parsing ahead must change nothing a client sees: replies, their
 * order, protocol errors, blocking, CLIENT PAUSE, SELECT and RESET behave as
 * if each command had been parsed just before it ran.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { encodeCommand } from "../helpers/client.ts";
import { withRift } from "../helpers/server.ts";
import type { Client } from "../../src/server/client.ts";
import type { Server } from "../../src/server/server.ts";
import type { Database } from "../../src/store/database.ts";

const text = new TextDecoder();

/** Connection-less clients, fed directly: no read loop competes with the test. */
function clients(server: Server, n: number): Client[] {
  return Array.from({ length: n }, () => server.createClient(null));
}

function feed(c: Client, ...commands: string[][]): void {
  for (const command of commands) c.parser.feed(encodeCommand(command));
}

/** What a client was sent so far, as text; clears it. */
function output(c: Client): string {
  const reply = text.decode(c.out.buf.subarray(0, c.out.length));
  c.out.truncate(0);
  return reply;
}

/** Keys a database needs before batches are warmed (WARM_MIN_KEYS in src/server/server.ts). */
const WARMED_SIZE = 16384;

/** Fills a database with filler keys until batches are warmed in it. */
function makeLarge(db: Database): void {
  const encoder = new TextEncoder();
  for (let i = 0; db.size < WARMED_SIZE; i++) {
    db.setString(encoder.encode(`filler:${i}`), encoder.encode("x"));
  }
}

/** Records the keys each prefetch of `db` was asked to warm. */
function spyPrefetch(db: Database): string[][] {
  const calls: string[][] = [];
  const original = db.prefetch.bind(db);
  db.prefetch = (argv, first, last, step) => {
    const keys: string[] = [];
    const end = last < 0 ? argv.length + last : last;
    for (let i = first; i <= end; i += step) keys.push(text.decode(argv[i]));
    calls.push(keys);
    original(argv, first, last, step);
  };
  return calls;
}

/**
 * Queues every client for this turn, as their reads would, and lets the
 * turn's runner (a microtask queued by the first) run them all.
 */
async function runTogether(server: Server, cs: Client[]): Promise<void> {
  for (const c of cs) server.executeSoon(c);
  await Promise.resolve();
}

Deno.test("ready batch: the first key of every client's next command is warmed together, and every reply is right", async () => {
  await withRift(async (rift) => {
    const server = rift.server;
    const [a, b, c, d, e, f] = clients(server, 6);
    feed(a, ["SET", "k:a", "1"], ["GET", "k:a"]);
    feed(b, ["INCR", "counter"]);
    feed(c, ["PING"]);
    feed(d, ["HSET", "h", "f", "v"]);
    feed(e, ["MSET", "m1", "x", "m2", "y"]);
    feed(f, ["ECHO", "not-a-key"]);
    makeLarge(server.db(0));
    const calls = spyPrefetch(server.db(0));
    await runTogether(server, [a, b, c, d, e, f]);
    // One warm-up for the turn: the keys of the first commands, in order
    // (PING and ECHO have none), then MSET's own prefetch of all its keys
    // when it runs.
    assertEquals(calls, [["k:a", "counter", "h", "m1"], ["m1", "m2"]]);
    assertEquals(output(a), "+OK\r\n$1\r\n1\r\n");
    assertEquals(output(b), ":1\r\n");
    assertEquals(output(c), "+PONG\r\n");
    assertEquals(output(d), ":1\r\n");
    assertEquals(output(e), "+OK\r\n");
    assertEquals(output(f), "$9\r\nnot-a-key\r\n");
    // A second turn parses ahead again, from where each client stopped.
    feed(a, ["GET", "counter"]);
    feed(b, ["INCR", "counter"]);
    await runTogether(server, [a, b]);
    assertEquals(calls.slice(2), [["counter", "counter"]]);
    assertEquals(output(a), "$1\r\n1\r\n");
    assertEquals(output(b), ":2\r\n");
  });
});

Deno.test("ready batch: a protocol error parsed ahead is reported in its turn, and the other clients run", async () => {
  await withRift(async (rift) => {
    const server = rift.server;
    const [a, bad, c] = clients(server, 3);
    feed(a, ["SET", "x", "1"]);
    bad.parser.feed(new TextEncoder().encode("*1\r\n$abc\r\n"));
    feed(c, ["GET", "x"]);
    await runTogether(server, [a, bad, c]);
    assertEquals(output(a), "+OK\r\n");
    assertEquals(output(bad), "-ERR Protocol error: invalid bulk length\r\n");
    assertTrue(bad.closeAfterReply, "the client is closed after the error reply");
    assertEquals(output(c), "$1\r\n1\r\n");
  });
});

Deno.test("ready batch: a command parsed ahead and held by CLIENT PAUSE runs later with its own bytes", async () => {
  await withRift(async (rift) => {
    const server = rift.server;
    const [writer, reader] = clients(server, 2);
    server.pause(Date.now() + 60_000, true);
    feed(writer, ["SET", "paused", "first"]);
    feed(reader, ["GET", "paused"]);
    await runTogether(server, [writer, reader]);
    assertEquals(output(reader), "$-1\r\n");
    assertEquals(output(writer), "");
    assertTrue(writer.postponed !== null, "the write waits for the pause");
    // More input reuses the receive buffer the parsed command was read from.
    feed(writer, ["SET", "other", "second-and-longer"]);
    server.unpause();
    writer.processInput();
    assertEquals(output(writer), "+OK\r\n+OK\r\n");
    feed(reader, ["MGET", "paused", "other"]);
    reader.processInput();
    assertEquals(output(reader), "*2\r\n$5\r\nfirst\r\n$17\r\nsecond-and-longer\r\n");
  });
});

Deno.test("ready batch: clients in another database run without being warmed in the first one's", async () => {
  await withRift(async (rift) => {
    const server = rift.server;
    const [a, b] = clients(server, 2);
    feed(b, ["SELECT", "3"]);
    b.processInput();
    assertEquals(output(b), "+OK\r\n");
    feed(a, ["SET", "same", "db0"]);
    feed(b, ["SET", "same", "db3"]);
    makeLarge(server.db(0));
    makeLarge(server.db(3));
    const calls0 = spyPrefetch(server.db(0));
    const calls3 = spyPrefetch(server.db(3));
    await runTogether(server, [a, b]);
    assertEquals([calls0, calls3], [[["same"]], []]);
    assertEquals([output(a), output(b)], ["+OK\r\n", "+OK\r\n"]);
    feed(a, ["GET", "same"]);
    feed(b, ["GET", "same"]);
    await runTogether(server, [a, b]);
    assertEquals([output(a), output(b)], ["$3\r\ndb0\r\n", "$3\r\ndb3\r\n"]);
  });
});

Deno.test("ready batch: what one client's commands throw is left for its own connection, and the rest still run", async () => {
  await withRift(async (rift) => {
    const server = rift.server;
    const [a, broken, c] = clients(server, 3);
    const failure = new Error("handler failed");
    broken.processInput = () => {
      throw failure;
    };
    feed(a, ["SET", "y", "1"]);
    feed(c, ["GET", "y"]);
    await runTogether(server, [a, broken, c]);
    assertEquals(broken.executionError, failure);
    assertEquals([a.executionError, c.executionError], [null, null]);
    assertEquals([output(a), output(c)], ["+OK\r\n", "$1\r\n1\r\n"]);
  });
});

Deno.test("ready batch: many connections sending at once over TCP each get their own replies, in order", async () => {
  await withRift(async (rift) => {
    const CONNECTIONS = 24;
    const ROUNDS = 50;
    const conns = await Promise.all(Array.from({ length: CONNECTIONS }, () => rift.client()));
    for (let round = 0; round < ROUNDS; round++) {
      // All connections send before any reply is read, so reads land in the same turns.
      await Promise.all(conns.map((c, i) => c.send("INCR", `n:${i}`)));
      await Promise.all(conns.map((c, i) => c.send("GET", `n:${i}`)));
      const replies = await Promise.all(conns.map(async (c) => [await c.read(), await c.read()]));
      for (const [incr, get] of replies) {
        assertEquals(incr.reply, { type: "integer", value: BigInt(round + 1) });
        assertEquals(get.reply, {
          type: "bulk",
          value: new TextEncoder().encode(String(round + 1)),
        });
      }
    }
  });
});

Deno.test("ready batch: a connection whose commands throw is closed with a warning; the others of its turn get their replies", async () => {
  await withRift(async (rift) => {
    const server = rift.server;
    const healthy = await rift.client();
    const broken = await rift.client();
    await healthy.call("PING");
    await broken.call("PING");
    // The server's side of each connection, in the order they connected.
    const [, serverSide] = [...server.clients.values()];
    serverSide.processInput = () => {
      throw new Error("handler failed");
    };
    await Promise.all([broken.send("SET", "a", "1"), healthy.send("SET", "b", "2")]);
    assertEquals((await healthy.read()).reply, { type: "simple", text: "OK" });
    assertTrue(await broken.closedByServer(), "the failing connection is closed");
    assertEquals(server.clients.size, 1);
    assertTrue(
      server.log.captured!.some((line) =>
        line.includes(`Client id=${serverSide.id}`) &&
        line.includes("failed: Error: handler failed")
      ),
      "the failure is logged",
    );
    // The connection that did not fail keeps working.
    assertEquals(await healthy.value("GET", "b"), "2");
  });
});

Deno.test("ready batch: a small database is not warmed (its keys stay in the caches)", async () => {
  await withRift(async (rift) => {
    const server = rift.server;
    const [a, b] = clients(server, 2);
    feed(a, ["SET", "k", "1"], ["GET", "k"], ["INCR", "n"]);
    feed(b, ["SET", "j", "2"]);
    const calls = spyPrefetch(server.db(0));
    await runTogether(server, [a, b]);
    assertEquals(calls, []);
    assertEquals([output(a), output(b)], ["+OK\r\n$1\r\n1\r\n:1\r\n", "+OK\r\n"]);
  });
});

Deno.test("pipeline batch: the first keys of a pipeline's commands are warmed together, 16 commands at a time, and every reply comes in order", async () => {
  await withRift((rift) => {
    const server = rift.server;
    makeLarge(server.db(0));
    const [c] = clients(server, 1);
    const commands: string[][] = [];
    for (let i = 0; i < 20; i++) commands.push(i % 2 === 0 ? ["SET", `p:${i}`, `${i}`] : ["PING"]);
    commands.push(["MGET", "p:0", "p:18"]);
    feed(c, ...commands);
    const calls = spyPrefetch(server.db(0));
    c.processInput();
    // The first sixteen commands (eight SETs and eight PINGs), then the last
    // five (two SETs, two PINGs and MGET, which also warms its own keys).
    const first = Array.from({ length: 8 }, (_, i) => `p:${2 * i}`);
    assertEquals(calls, [first, ["p:16", "p:18", "p:0"], ["p:0", "p:18"]]);
    const expected = commands.slice(0, 20).map((_, i) => i % 2 === 0 ? "+OK\r\n" : "+PONG\r\n");
    assertEquals(output(c), expected.join("") + "*2\r\n$1\r\n0\r\n$2\r\n18\r\n");
  });
});

Deno.test("pipeline batch: a client that blocks mid-pipeline runs the rest, from its own bytes, once served", async () => {
  await withRift((rift) => {
    const server = rift.server;
    makeLarge(server.db(0));
    const [waiter, pusher] = clients(server, 2);
    feed(waiter, ["SET", "before", "1"], ["BLPOP", "queue", "0"], ["GET", "before"], [
      "SET",
      "after",
      "2",
    ]);
    waiter.processInput();
    assertEquals(output(waiter), "+OK\r\n");
    assertTrue(waiter.blocked !== null, "BLPOP waits");
    // The commands behind BLPOP wait unparsed in the receive buffer, which
    // more input may move before the client is served.
    feed(waiter, ["GET", "after"]);
    feed(pusher, ["RPUSH", "queue", "job"]);
    pusher.processInput();
    assertEquals(output(pusher), ":1\r\n");
    waiter.processInput();
    assertEquals(
      output(waiter),
      "*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n$1\r\n1\r\n+OK\r\n$1\r\n2\r\n",
    );
  });
});

Deno.test("pipeline batch: a protocol error behind good commands is reported after their replies, and the connection closes", async () => {
  await withRift((rift) => {
    const server = rift.server;
    makeLarge(server.db(0));
    const [c] = clients(server, 1);
    feed(c, ["SET", "a", "1"], ["INCR", "a"]);
    c.parser.feed(new TextEncoder().encode("*1\r\n$abc\r\n"));
    c.processInput();
    assertEquals(output(c), "+OK\r\n:2\r\n-ERR Protocol error: invalid bulk length\r\n");
    assertTrue(c.closeAfterReply, "the client is closed after the error reply");
  });
});

Deno.test("pipeline batch: after RESET the rest of the pipeline is parsed with the limits of a connection that must authenticate, as Redis does", async () => {
  await withRift((rift) => {
    const server = rift.server;
    makeLarge(server.db(0));
    server.config.setMany([["requirepass", "secret"]]);
    const [c] = clients(server, 1);
    const many = ["DEL", ...Array.from({ length: 10 }, (_, i) => `k${i}`)];
    // Authenticated, eleven arguments are fine; after RESET they are a protocol error.
    feed(c, ["AUTH", "secret"], many, ["RESET"], many);
    c.processInput();
    assertEquals(
      output(c),
      "+OK\r\n:0\r\n+RESET\r\n-ERR Protocol error: unauthenticated multibulk length\r\n",
    );
    assertTrue(c.closeAfterReply, "the client is closed after the error reply");
  });
});

Deno.test("pipeline batch: CLIENT INFO's qbuf counts the commands of the pipeline still to run", async () => {
  await withRift((rift) => {
    const server = rift.server;
    const qbufs: string[] = [];
    for (const large of [false, true]) {
      if (large) makeLarge(server.db(0));
      const [c] = clients(server, 1);
      feed(c, ["CLIENT", "INFO"], ["PING"], ["PING"]);
      c.processInput();
      qbufs.push(/ qbuf=(\d+) /.exec(output(c))![1]);
    }
    // Two PINGs, fourteen bytes each, whether or not they were parsed ahead.
    assertEquals(qbufs, ["28", "28"]);
  });
});
