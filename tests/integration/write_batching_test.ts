/**
 * Replies of every connection served in one turn of the event loop are
 * written together after the last of them ran (Server.queueWrite), and
 * batching never reorders or loses a reply, nor does reading on while a
 * reply is still being written.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { latin1 } from "../helpers/client.ts";
import { withRift } from "../helpers/server.ts";
import { raw, rawSession } from "../helpers/protocol_fuzz.ts";
import type { Client } from "../../src/server/client.ts";

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assertTrue(condition(), "condition not reached");
}

Deno.test("write batching: clients queued in one turn start writing together, after the last was queued", async () => {
  await withRift(async (rift) => {
    const a = await rift.client();
    const b = await rift.client();
    await waitFor(() => rift.server.clients.size === 2);
    const [ca, cb] = [...rift.server.clients.values()] as Client[];
    ca.out.raw(new TextEncoder().encode("+first\r\n"));
    rift.server.queueWrite(ca);
    // Another connection served in the same turn is queued too...
    cb.out.raw(new TextEncoder().encode("+second\r\n"));
    rift.server.queueWrite(cb);
    // ...and nothing is written before the turn's commands are all done.
    assertEquals([ca.out.length, cb.out.length], [8, 9]);
    await Promise.resolve();
    assertEquals([ca.out.length, cb.out.length], [0, 0]);
    assertEquals((await a.read()).reply, { type: "simple", text: "first" });
    assertEquals((await b.read()).reply, { type: "simple", text: "second" });
    // The next turn queues again.
    ca.out.raw(new TextEncoder().encode("+third\r\n"));
    rift.server.queueWrite(ca);
    assertEquals(ca.out.length, 8);
    await Promise.resolve();
    assertEquals(ca.out.length, 0);
    assertEquals((await a.read()).reply, { type: "simple", text: "third" });
  });
});

Deno.test("write batching: a client that sends without reading gets every reply, in order, once it reads", async () => {
  await withRift(async (rift) => {
    const value = "v".repeat(256 * 1024);
    const setup = await rift.client();
    await setup.value("SET", "big", value);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: rift.port });
    // Far more output than the socket buffers hold, sent before reading a
    // byte: the server must wait for the socket while the requests keep
    // arriving, and lose or reorder nothing.
    const COUNT = 64;
    let requests = "";
    let expected = "";
    for (let i = 0; i < COUNT; i++) {
      requests += `GET big\r\nECHO after-${i}\r\n`;
      expected += `$${value.length}\r\n${value}\r\n$${`after-${i}`.length}\r\nafter-${i}\r\n`;
    }
    const bytes = new TextEncoder().encode(requests);
    let off = 0;
    while (off < bytes.length) off += await conn.write(bytes.subarray(off));
    await new Promise((r) => setTimeout(r, 50));
    const received = new Uint8Array(expected.length);
    let got = 0;
    // A lost byte would leave the read waiting: closing after a deadline ends it.
    const deadline = setTimeout(() => conn.close(), 10_000);
    try {
      while (got < received.length) {
        const n = await conn.read(received.subarray(got));
        if (n === null) break;
        got += n;
      }
    } catch {
      // Closed at the deadline: the count below fails.
    } finally {
      clearTimeout(deadline);
    }
    try {
      conn.close();
    } catch {
      // Closed at the deadline.
    }
    assertEquals(got, expected.length);
    const want = new TextEncoder().encode(expected);
    let firstDifference = -1;
    for (let i = 0; i < want.length && firstDifference < 0; i++) {
      if (received[i] !== want[i]) firstDifference = i;
    }
    assertEquals(firstDifference, -1);
    assertEquals(await setup.value("PING"), "PONG");
  });
});

Deno.test("write batching: a connection whose replies wait for the socket is not read again, so its unsent output stays bounded", async () => {
  await withRift(async (rift) => {
    const VALUE_BYTES = 2 * 1024 * 1024;
    const PER_READ = 8;
    const setup = await rift.client();
    await setup.value("SET", "big", "v".repeat(VALUE_BYTES));
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: rift.port });
    const encoder = new TextEncoder();
    const send = async (text: string) => {
      const bytes = encoder.encode(text);
      for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
    };
    const gets = () => rift.server.stats.command("get").calls;
    const serverSide = [...rift.server.clients.values()].at(-1) as Client;
    try {
      // 16 MB of replies to one read, far more than the socket buffers hold
      // while nothing reads them: the write stays in flight. The next read
      // does not wait for it (a client waiting for its replies sends nothing
      // meanwhile), so a second batch runs and its replies queue behind.
      await send("GET big\r\n".repeat(PER_READ));
      await waitFor(() => gets() === PER_READ);
      await send("GET big\r\n".repeat(PER_READ));
      await waitFor(() => gets() === 2 * PER_READ);
      // From then on the connection waits for the socket: a third batch is
      // not read, so no more output piles up.
      await send("GET big\r\n".repeat(PER_READ));
      await new Promise((r) => setTimeout(r, 300));
      assertEquals(gets(), 2 * PER_READ);
      assertTrue(
        serverSide.pendingOutput <= 2 * PER_READ * (VALUE_BYTES + 16),
        `unsent output ${serverSide.pendingOutput} bytes`,
      );
      // Reading lets everything through, in order.
      const reply = encoder.encode(`$${VALUE_BYTES}\r\n${"v".repeat(VALUE_BYTES)}\r\n`);
      const received = new Uint8Array(reply.length);
      for (let i = 0; i < 3 * PER_READ; i++) {
        for (let got = 0; got < received.length;) {
          const n = await conn.read(received.subarray(got));
          if (n === null) throw new Error(`connection closed in reply ${i}`);
          got += n;
        }
        let same = true;
        for (let j = 0; j < reply.length && same; j++) same = received[j] === reply[j];
        assertTrue(same, `reply ${i} is the value`);
      }
      assertEquals(gets(), 3 * PER_READ);
    } finally {
      conn.close();
    }
  });
});

Deno.test("write batching: replies to what came before the end of the stream still go out", async () => {
  await withRift(async (rift) => {
    const text = await rawSession(rift.port, [raw("PING\r\nECHO hello\r\nINCR n\r\n")]);
    assertEquals(text, "+PONG\r\n$5\r\nhello\r\n:1\r\n");
  });
});

Deno.test("write batching: 40 concurrent connections each get all their replies, in order", async () => {
  await withRift(async (rift) => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => rift.client()));
    const ROUNDS = 60;
    let checked = 0;
    await Promise.all(clients.map(async (c, i) => {
      for (let round = 1; round <= ROUNDS; round++) {
        // Alternate single commands and small pipelines, so connections are
        // served in turns of every size.
        if (round % 3 === 0) {
          await c.send("INCR", `counter:${i}`);
          await c.send("GET", `counter:${i}`);
          assertEquals(latin1((await c.read()).raw), `:${round}\r\n`);
          assertEquals(latin1((await c.read()).raw), `$${String(round).length}\r\n${round}\r\n`);
        } else {
          assertEquals(await c.value("INCR", `counter:${i}`), round);
        }
        checked++;
      }
    }));
    assertEquals(checked, 40 * ROUNDS);
    assertEquals(rift.server.stats.totalCommandsProcessed, 40 * (ROUNDS + ROUNDS / 3));
  });
});
