import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { encodeCommand, latin1, RespClient } from "../helpers/client.ts";
import { withPair } from "../helpers/differential.ts";
import { HAS_REDIS, startRedis, withRift } from "../helpers/server.ts";

/** Sends raw bytes and collects everything until the server closes (or the timeout). */
async function exchange(
  port: number,
  data: string | Uint8Array,
  timeoutMs = 3000,
): Promise<{ text: string; closed: boolean }> {
  const c = await RespClient.connect(port);
  await c.writeRaw(data);
  const closed = await c.closedByServer(timeoutMs);
  const replies: string[] = [];
  while (c.hasReply) replies.push(latin1((await c.read()).raw));
  await c.close();
  return { text: replies.join(""), closed };
}

const PROTOCOL_ERRORS: [string, string][] = [
  ["*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
  ["*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
  ["*1\r\n$1x\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
  ["*2\r\n$4\r\nECHO\r\n:5\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"],
  ['PING\r\nSET "unbalanced\r\n', "+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n"],
  ["*1\r\n$4\r\nPING\r\n*x\r\n", "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n"],
];

Deno.test("protocol: malformed input gets Redis's error, then the connection closes", async () => {
  await withRift(async (rift) => {
    for (const [input, expected] of PROTOCOL_ERRORS) {
      const { text, closed } = await exchange(rift.port, input);
      assertEquals(text, expected, `for input ${JSON.stringify(input)}`);
      assertTrue(closed, `connection left open after ${JSON.stringify(input)}`);
    }
  });
});

Deno.test("protocol: the same malformed inputs give identical bytes on redis-server", async () => {
  if (!HAS_REDIS) return;
  const redis = await startRedis();
  try {
    for (const [input, expected] of PROTOCOL_ERRORS) {
      const { text, closed } = await exchange(redis.port, input);
      assertEquals(text, expected, `redis-server differs for ${JSON.stringify(input)}`);
      assertTrue(closed);
    }
  } finally {
    await redis.stop();
  }
});

Deno.test("protocol: a connection sending garbage does not disturb another", async () => {
  await withRift(async (rift) => {
    const good = await rift.client();
    const bad = await rift.client();
    await bad.writeRaw("*1\r\n$100\r\nabc"); // an incomplete bulk: the server waits for more
    assertEquals(await good.raw("PING"), "+PONG\r\n");
    await bad.writeRaw("\x00\xff*zz\r\n".repeat(10));
    assertEquals(await good.raw("SET", "k", "v"), "+OK\r\n");
    const huge = new Uint8Array(70 * 1024).fill(65);
    const flood = await rift.client();
    await flood.writeRaw(huge); // an inline line that never ends
    assertTrue(await flood.closedByServer());
    assertEquals(await good.raw("GET", "k"), "$1\r\nv\r\n");
  });
});

Deno.test("protocol: pipelined commands all execute and reply in order", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const parts: number[] = [];
    for (let i = 0; i < 2000; i++) parts.push(...encodeCommand(["SET", `k${i}`, `v${i}`]));
    for (let i = 0; i < 2000; i++) parts.push(...encodeCommand(["GET", `k${i}`]));
    await c.writeRaw(new Uint8Array(parts));
    for (let i = 0; i < 2000; i++) assertEquals(latin1((await c.read()).raw), "+OK\r\n");
    for (let i = 0; i < 2000; i++) {
      const v = `v${i}`;
      assertEquals(latin1((await c.read()).raw), `$${v.length}\r\n${v}\r\n`);
    }
  });
});

Deno.test("protocol: inline commands get RESP replies when human mode is off", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.writeRaw('SET greeting "hello world"\r\nGET greeting\nPING\r\n');
    assertEquals(latin1((await c.read()).raw), "+OK\r\n");
    assertEquals(latin1((await c.read()).raw), "$11\r\nhello world\r\n");
    assertEquals(latin1((await c.read()).raw), "+PONG\r\n");
  });
});

Deno.test("protocol: binary-safe keys and values, empty and huge values", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const key = new Uint8Array([0, 13, 10, 0xff, 0x80, 42, 36]);
    const value = new Uint8Array([13, 10, 0, 0xc3, 0x28, 0xfe]);
    assertEquals(await c.raw("SET", key, value), "+OK\r\n");
    const got = await c.call("GET", key);
    assertEquals(got, { type: "bulk", value });
    assertEquals(await c.raw("SET", "", ""), "+OK\r\n");
    assertEquals(await c.raw("GET", ""), "$0\r\n\r\n");
    const big = new Uint8Array(16 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
    assertEquals(await c.raw("SET", "big", big), "+OK\r\n");
    const back = await c.call("GET", "big");
    assertTrue(back.type === "bulk" && back.value.length === big.length);
    if (back.type === "bulk") {
      for (let i = 0; i < big.length; i += 4099) assertEquals(back.value[i], big[i]);
    }
  });
});

Deno.test("protocol: proto-max-bulk-len", async () => {
  await withRift(async (rift) => {
    const small = await exchange(rift.port, "*2\r\n$3\r\nGET\r\n$2000000\r\n");
    assertEquals(small.text, "-ERR Protocol error: invalid bulk length\r\n");
    assertTrue(small.closed);
    const c = await rift.client();
    assertEquals(await c.raw("SET", "k", new Uint8Array(1024 * 1024)), "+OK\r\n");
  }, { config: { "proto-max-bulk-len": "1mb" } });
});

Deno.test("protocol: client-query-buffer-limit closes without a reply", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.writeRaw("*2\r\n$3\r\nGET\r\n$1500000\r\n");
    await c.writeRaw(new Uint8Array(1_200_000).fill(97));
    assertTrue(await c.closedByServer());
    assertEquals(c.hasReply, false);
    const info = await (await rift.client()).value("INFO", "stats");
    assertTrue(String(info).includes("client_query_buffer_limit_disconnections:1"));
  }, { config: { "proto-max-bulk-len": "8mb", "client-query-buffer-limit": "1mb" } });
});

Deno.test("protocol: unauthenticated clients get Redis's smaller limits", async () => {
  await withRift(async (rift) => {
    const many = await exchange(rift.port, "*11\r\n");
    assertEquals(many.text, "-ERR Protocol error: unauthenticated multibulk length\r\n");
    const big = await exchange(rift.port, "*1\r\n$16385\r\n");
    assertEquals(big.text, "-ERR Protocol error: unauthenticated bulk length\r\n");
    const c = await rift.client();
    assertEquals(await c.raw("AUTH", "secret"), "+OK\r\n");
    assertEquals(await c.raw("SET", "k", "x".repeat(100_000)), "+OK\r\n");
  }, { config: { requirepass: "secret" } });
});

Deno.test("protocol: maxclients rejects extra connections with Redis's error", async () => {
  await withRift(async (rift) => {
    const a = await rift.client();
    const b = await rift.client();
    assertEquals(await a.raw("PING"), "+PONG\r\n");
    assertEquals(await b.raw("PING"), "+PONG\r\n");
    const { text, closed } = await exchange(rift.port, "");
    assertEquals(text, "-ERR max number of clients reached\r\n");
    assertTrue(closed);
  }, { config: { maxclients: 2 } });
});

Deno.test("protocol: errors in a pipeline do not stop the commands after them", async () => {
  const ok = await withPair(async (p) => {
    await p.same("SET", "a", "1");
    await p.same("NOSUCHCOMMAND", "x", "y");
    await p.same("GET");
    await p.same("GET", "a");
    await p.same("nosuch", "a\x00b", "c".repeat(300));
  });
  void ok;
});
