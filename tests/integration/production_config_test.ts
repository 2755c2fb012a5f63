import net from "node:net";
import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { withPair } from "../helpers/differential.ts";
import { withRift } from "../helpers/server.ts";
import { PROTECTED_MODE_ERROR } from "../../src/server/production.ts";

/**
 * Connects from 127.0.0.2 (loopback range, but not the loopback address
 * Redis accepts in protected mode) and returns everything the server sends
 * until it closes the connection, after sending `request` (nothing when
 * empty: a refused client is told at once, without asking).
 */
function connectFrom127002(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress: "127.0.0.2" });
    let data = "";
    socket.setEncoding("latin1");
    socket.on("connect", () => {
      if (request !== "") socket.write(request);
    });
    socket.on("data", (chunk) => data += chunk);
    // A reset after the server closed is the end of the stream here.
    socket.on("error", () => resolve(data));
    socket.on("close", () => resolve(data));
    setTimeout(() => socket.destroy(), 5000);
  });
}

Deno.test("protected mode: non-loopback clients get Redis's DENIED text and are closed", async () => {
  await withRift(async (rift) => {
    const reply = await connectFrom127002(rift.port, "");
    assertEquals(reply, `-${PROTECTED_MODE_ERROR}\r\n`);
    assertEquals(reply.length, 1067, "same length as Redis 7.0's message");
    const c = await rift.client();
    assertEquals(await c.raw("PING"), "+PONG\r\n", "127.0.0.1 is accepted");
    const stats = await c.value("INFO", "stats") as string;
    assertEquals(/rejected_connections:(\d+)/.exec(stats)![1], "1");
    // Turning protected mode off (from loopback) lets the client in.
    assertEquals(await c.raw("CONFIG", "SET", "protected-mode", "no"), "+OK\r\n");
    assertEquals(await connectFrom127002(rift.port, "PING\r\nQUIT\r\n"), "+PONG\r\n+OK\r\n");
  }, { hostname: "0.0.0.0" });
});

Deno.test("protected mode: a password lets non-loopback clients in (they must AUTH)", async () => {
  await withRift(async (rift) => {
    const reply = await connectFrom127002(rift.port, "PING\r\nAUTH pw\r\nPING\r\nQUIT\r\n");
    assertEquals(reply, "-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n+OK\r\n");
  }, { hostname: "0.0.0.0", config: { requirepass: "pw" } });
});

Deno.test("protected mode: same bytes as redis-server for a non-loopback client", async () => {
  const ran = await withPair(async (p) => {
    const riftPort = (p.rift.conn.remoteAddr as Deno.NetAddr).port;
    const redisPort = (p.redis.conn.remoteAddr as Deno.NetAddr).port;
    const [a, b] = await Promise.all([
      connectFrom127002(riftPort, ""),
      connectFrom127002(redisPort, ""),
    ]);
    assertEquals(a, b);
  }, { rift: { hostname: "0.0.0.0" }, redisArgs: ["--bind", "0.0.0.0"] });
  if (!ran) console.log("redis-server not installed: differential part skipped");
});

Deno.test("rename-command: from a config file, over TCP", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rift-rename-" });
  const file = `${dir}/rift.conf`;
  await Deno.writeTextFile(
    file,
    [
      'save ""',
      "rename-command CONFIG cfg-7f3a",
      'rename-command FLUSHALL ""',
      "rename-command get fetch",
    ]
      .join("\n"),
  );
  try {
    await withRift(async (rift) => {
      const c = await rift.client();
      assertEquals(
        await c.raw("CONFIG", "GET", "port"),
        "-ERR unknown command 'CONFIG', with args beginning with: 'GET' 'port' \r\n",
      );
      assertEquals(await c.raw("CFG-7F3A", "GET", "save"), "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
      assertEquals(
        await c.raw("FLUSHALL"),
        "-ERR unknown command 'FLUSHALL', with args beginning with: \r\n",
      );
      await c.call("SET", "k", "v");
      assertEquals(await c.raw("FETCH", "k"), "$1\r\nv\r\n");
      assertEquals(
        await c.raw("GET", "k"),
        "-ERR unknown command 'GET', with args beginning with: 'k' \r\n",
      );
    }, { configFile: file });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dir: CONFIG GET returns an absolute path; CONFIG SET is a protected config", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rift-dir-" });
  try {
    await withRift(async (rift) => {
      const c = await rift.client();
      assertEquals(
        await c.raw("CONFIG", "GET", "dir"),
        `*2\r\n$3\r\ndir\r\n$${dir.length}\r\n${dir}\r\n`,
      );
      assertEquals(
        await c.raw("CONFIG", "SET", "dir", "/tmp"),
        "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n",
      );
    }, { config: { dir: `${dir}/sub/..` } });
    await withRift(async (rift) => {
      const c = await rift.client();
      assertEquals(
        await c.raw("CONFIG", "SET", "dir", `${dir}/missing`),
        "-ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory\r\n",
      );
      assertEquals(await c.raw("CONFIG", "SET", "dir", dir), "+OK\r\n");
      const got = await c.value("CONFIG", "GET", "dir") as string[];
      assertEquals(got[1], dir);
      assertEquals(Deno.cwd() === dir, false, "embedded servers never chdir the host process");
    }, { config: { "enable-protected-configs": "yes" } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("process directives: immutable ones and their errors match redis-server", async () => {
  const ran = await withPair(async (p) => {
    for (const name of ["daemonize", "supervised", "enable-debug-command", "pidfile", "logfile"]) {
      await p.same("CONFIG", "GET", name);
    }
    await p.same("CONFIG", "SET", "daemonize", "yes");
    await p.same("CONFIG", "SET", "supervised", "systemd");
    await p.same("CONFIG", "SET", "enable-debug-command", "no");
    await p.same("CONFIG", "SET", "dir", "/nonexistent");
    await p.same("CONFIG", "SET", "loglevel", "verbose");
    await p.same("CONFIG", "SET", "loglevel", "chatty");
    await p.same("CONFIG", "GET", "loglevel");
    await p.same("CONFIG", "SET", "protected-mode", "maybe");
    await p.same("CONFIG", "GET", "protected-mode");
  });
  if (!ran) console.log("redis-server not installed: differential part skipped");
  assertTrue(true);
});
