import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import { RespClient } from "../helpers/client.ts";
import { withPair } from "../helpers/differential.ts";
import { withRift } from "../helpers/server.ts";

/** Reads `n` monitor lines as text. */
async function lines(m: RespClient, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const { reply } = await m.read();
    assertEquals(reply.type, "simple");
    out.push((reply as { text: string }).text);
  }
  return out;
}

/** Strips the timestamp and client port so lines from two servers compare. */
function normalize(line: string): string {
  return line.replace(/^\d+\.\d{6} \[(\d+) [^\]]+\]/, "[$1 client]");
}

Deno.test("monitor: Redis's line format, db, address, quoting", async () => {
  await withRift(async (rift) => {
    const m = await rift.client();
    const c = await rift.client();
    assertEquals(await m.raw("MONITOR"), "+OK\r\n");
    await c.call("SELECT", "3");
    await c.call("SET", "a b", new Uint8Array([0x78, 0x0a, 0x79, 0x00, 0xff, 0x22, 0x5c]));
    const port = (c.conn.localAddr as Deno.NetAddr).port;
    const [select, set] = await lines(m, 2);
    assertMatch(
      select,
      new RegExp(`^\\d{10}\\.\\d{6} \\[3 127\\.0\\.0\\.1:${port}\\] "SELECT" "3"$`),
    );
    assertTrue(set.endsWith(` [3 127.0.0.1:${port}] "SET" "a b" "x\\ny\\x00\\xff\\"\\\\"`), set);
    const seconds = Number(select.split(".")[0]);
    assertTrue(Math.abs(seconds - Date.now() / 1000) < 5);
  });
});

Deno.test("monitor: admin commands hidden, secrets redacted, rejected commands not shown", async () => {
  await withRift(async (rift) => {
    const m = await rift.client();
    const c = await rift.client();
    await m.call("MONITOR");
    await c.call("CONFIG", "GET", "port");
    await c.call("SLOWLOG", "LEN");
    await c.call("NOSUCHCOMMAND", "x");
    await c.call("GET");
    await c.call("AUTH", "u", "p");
    await c.call("HELLO", "2", "AUTH", "default", "pw");
    await c.call("CLIENT", "ID");
    await c.call("PING");
    const got = (await lines(m, 4)).map(normalize);
    assertEquals(got, [
      '[0 client] "AUTH" "(redacted)" "(redacted)"',
      '[0 client] "HELLO" "2" "AUTH" "(redacted)" "(redacted)"',
      '[0 client] "CLIENT" "ID"',
      '[0 client] "PING"',
    ]);
  });
});

Deno.test("monitor: the monitoring client may PING but not touch keys; RESET leaves monitor mode", async () => {
  await withRift(async (rift) => {
    const m = await rift.client();
    await m.call("MONITOR");
    // A second MONITOR is ignored without a reply.
    await m.send("MONITOR");
    assertEquals(await m.raw("PING"), "+PONG\r\n");
    const [ping] = await lines(m, 1);
    assertTrue(ping.endsWith('"PING"'));
    assertEquals(await m.raw("GET", "k"), "-ERR Replica can't interact with the keyspace\r\n");
    assertEquals(await m.raw("RESET"), "+RESET\r\n");
    const c = await rift.client();
    await c.call("SET", "k", "v");
    assertEquals(await m.raw("GET", "k"), "$1\r\nv\r\n");
    assertEquals(m.hasReply, false, "no monitor line after RESET");
  });
});

Deno.test("monitor: several monitors all get every line; a closed monitor is dropped", async () => {
  await withRift(async (rift) => {
    const m1 = await rift.client();
    const m2 = await rift.client();
    const c = await rift.client();
    await m1.call("MONITOR");
    await m2.call("MONITOR");
    for (let i = 0; i < 50; i++) await c.call("SET", `k${i}`, String(i));
    const [a, b] = await Promise.all([lines(m1, 50), lines(m2, 50)]);
    assertEquals(a.map(normalize), b.map(normalize));
    assertEquals(normalize(a[49]), '[0 client] "SET" "k49" "49"');
    await m1.close();
    await c.call("SET", "after", "close");
    const [line] = await lines(m2, 1);
    assertTrue(line.endsWith('"SET" "after" "close"'));
  });
});

Deno.test("monitor: same lines as redis-server for a mixed session", async () => {
  const ran = await withPair(async (p) => {
    const riftPort = (p.rift.conn.remoteAddr as Deno.NetAddr).port;
    const redisPort = (p.redis.conn.remoteAddr as Deno.NetAddr).port;
    const mr = await RespClient.connect(riftPort);
    const md = await RespClient.connect(redisPort);
    try {
      assertEquals(await mr.raw("MONITOR"), await md.raw("MONITOR"));
      const session: (string | Uint8Array)[][] = [
        ["SET", "k", "v"],
        ["SELECT", "2"],
        ["SET", "bin", new Uint8Array([0, 1, 2, 13, 10, 9, 7, 8, 0x7f, 0x80, 0xfe])],
        ["GET", "bin"],
        ["DEL", "k", "bin"],
        ["SELECT", "0"],
        ["AUTH", "nope"],
        ["CONFIG", "SET", "slowlog-max-len", "10"],
        ["CLIENT", "SETNAME", "x"],
        ["ECHO", 'quote " and \\ backslash'],
        ["PING"],
        ["NOSUCH"],
        ["TYPE", "k"],
        ["EXISTS", "k"],
      ];
      for (const cmd of session) await p.both(...cmd);
      const expected = 11;
      const [a, b] = await Promise.all([lines(mr, expected), lines(md, expected)]);
      assertEquals(a.map(normalize), b.map(normalize));
    } finally {
      await mr.close();
      await md.close();
    }
  });
  if (!ran) console.log("redis-server not installed: differential part skipped");
});

Deno.test("monitor: a monitor over the replica output limit is disconnected", async () => {
  await withRift(async (rift) => {
    const m = await rift.client();
    await m.call("MONITOR");
    const c = await rift.client();
    await c.call("CONFIG", "SET", "client-output-buffer-limit", "replica 1024 0 0");
    // The monitor's pending output passes 1 KiB within one command's lines.
    const big = "x".repeat(2000);
    await c.call("ECHO", big);
    assertTrue(await m.closedByServer(2000), "monitor disconnected");
    const stats = await c.value("INFO", "stats") as string;
    assertMatch(stats, /client_output_buffer_limit_disconnections:1\r\n/);
    assertEquals(await c.raw("PING"), "+PONG\r\n");
  });
});
