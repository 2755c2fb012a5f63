/**
 * `io-backend epoll`: Rift serving its sockets from its own epoll loop over
 * FFI (src/server/epoll.ts) behaves on the wire as with Deno's socket ops:
 * binary values intact, pipelines answered in order, writes larger than the
 * socket buffer finished once the peer reads, peers that vanish cleaned up,
 * addresses reported, protocol errors closing the connection, an idle
 * (parked) loop woken by the next request, and a prompt exit on SIGTERM.
 */

import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import { encodeCommand, latin1, RespClient } from "../helpers/client.ts";
import { spawnRift } from "../helpers/process.ts";
import { raw, rawSession } from "../helpers/protocol_fuzz.ts";
import { EpollLoop, epollUnavailable, formatIPv6 } from "../../src/server/epoll.ts";
import type { ClientSocket } from "../../src/server/client_socket.ts";
import { startServer } from "../../src/mod.ts";
import { concatBytes } from "../../src/util/bytes.ts";

const AVAILABLE = epollUnavailable() === null;

Deno.test("epoll: IPv6 addresses print as Rust prints them (RFC 5952)", () => {
  const v6 = (words: number[]) => {
    const out = new Uint8Array(16);
    words.forEach((w, i) => {
      out[2 * i] = w >> 8;
      out[2 * i + 1] = w & 0xff;
    });
    return out;
  };
  assertEquals(formatIPv6(v6([0, 0, 0, 0, 0, 0, 0, 1])), "::1");
  assertEquals(formatIPv6(v6([0, 0, 0, 0, 0, 0, 0, 0])), "::");
  assertEquals(formatIPv6(v6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])), "2001:db8::1:0:0:1");
  assertEquals(formatIPv6(v6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])), "2001:db8:0:1:1:1:1:1");
  assertEquals(formatIPv6(v6([0xfe80, 0, 0, 0, 0xabc, 0, 0, 0])), "fe80::abc:0:0:0");
  assertEquals(formatIPv6(v6([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1])), "::ffff:127.0.0.1");
});

Deno.test({
  name: "epoll: a Rift on its own epoll loop serves the wire like one on Deno's ops",
  ignore: !AVAILABLE,
  async fn(t) {
    const rift = await spawnRift(["--save", "", "--io-backend", "epoll"]);
    try {
      const c = await rift.client();

      await t.step("configuration: reported, and immutable", async () => {
        assertEquals(
          await c.raw("CONFIG", "GET", "io-backend"),
          "*2\r\n$10\r\nio-backend\r\n$5\r\nepoll\r\n",
        );
        assertMatch(
          await c.raw("CONFIG", "SET", "io-backend", "deno"),
          /can't set immutable config/,
        );
      });

      await t.step("binary and large values round-trip intact", async () => {
        const binary = Uint8Array.from([0, 13, 10, 0xff, 0xfe, 0x80, 36, 42, 0]);
        assertEquals(await c.raw("SET", "bin", binary), "+OK\r\n");
        assertEquals(await c.raw("GET", "bin"), `$${binary.length}\r\n${latin1(binary)}\r\n`);
        const big = new Uint8Array(8 * 1024 * 1024).map((_, i) => (i * 131) & 0xff);
        assertEquals(await c.raw("SET", "big", big), "+OK\r\n");
        assertEquals(await c.raw("STRLEN", "big"), `:${big.length}\r\n`);
        const got = await c.raw("GET", "big");
        assertEquals(got.length, `$${big.length}\r\n`.length + big.length + 2);
        assertEquals(got.slice(-12, -2), latin1(big.subarray(big.length - 10)));
      });

      await t.step("a pipeline of 2,000 commands in one write is answered in order", async () => {
        const batch = concatBytes(
          Array.from({ length: 2000 }, () => encodeCommand(["INCR", "pipelined"])),
        );
        await c.writeRaw(batch);
        for (let i = 1; i <= 2000; i++) {
          assertEquals((await c.read()).reply, { type: "integer", value: BigInt(i) });
        }
      });

      await t.step("replies larger than the socket buffer wait for the peer to read", async () => {
        await c.call("SET", "v4m", new Uint8Array(4 * 1024 * 1024).fill(120));
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: rift.port });
        const request = encodeCommand(["GET", "v4m"]);
        for (let i = 0; i < 8; i++) await conn.write(request);
        // Not reading for a while: the server's sends fill the socket and wait.
        await new Promise((r) => setTimeout(r, 300));
        const expected = 8 * (`$${4 * 1024 * 1024}\r\n`.length + 4 * 1024 * 1024 + 2);
        const buf = new Uint8Array(1 << 20);
        let received = 0;
        let xs = 0;
        while (received < expected) {
          const n = await conn.read(buf);
          if (n === null) break;
          for (let i = 0; i < n; i++) if (buf[i] === 120) xs++;
          received += n;
        }
        assertEquals(received, expected);
        assertEquals(xs, 8 * 4 * 1024 * 1024);
        conn.close();
      });

      await t.step("60 connections at once; every increment counted", async () => {
        const clients = await Promise.all(
          Array.from({ length: 60 }, () => RespClient.connect(rift.port)),
        );
        await Promise.all(clients.map(async (k) => {
          for (let i = 0; i < 50; i++) await k.call("INCR", "shared");
        }));
        assertEquals(await c.raw("GET", "shared"), "$4\r\n3000\r\n");
        for (const k of clients) await k.close();
      });

      await t.step(
        "CLIENT LIST shows both ends; CLIENT KILL closes the other connection",
        async () => {
          const other = await RespClient.connect(rift.port);
          const localPort = (other.conn.localAddr as Deno.NetAddr).port;
          await other.call("CLIENT", "SETNAME", "victim");
          const list = await c.raw("CLIENT", "LIST");
          assertMatch(
            list,
            new RegExp(
              `addr=127\\.0\\.0\\.1:${localPort} laddr=127\\.0\\.0\\.1:${rift.port} .*name=victim`,
            ),
          );
          assertEquals(await c.raw("CLIENT", "KILL", "ADDR", `127.0.0.1:${localPort}`), ":1\r\n");
          assertTrue(await other.closedByServer(), "the killed connection is closed");
        },
      );

      await t.step("QUIT and protocol errors close the connection after the reply", async () => {
        assertEquals(await rawSession(rift.port, [raw("QUIT\r\n")]), "+OK\r\n");
        assertEquals(
          await rawSession(rift.port, [raw("*abc\r\n")]),
          "-ERR Protocol error: invalid multibulk length\r\n",
        );
      });

      await t.step("peers that vanish mid-command are cleaned up", async () => {
        for (let i = 0; i < 20; i++) {
          const conn = await Deno.connect({ hostname: "127.0.0.1", port: rift.port });
          await conn.write(raw("*3\r\n$3\r\nSET\r\n$1\r\nk"));
          conn.close();
        }
        let connected = "";
        for (let i = 0; i < 100; i++) {
          const info = await c.raw("INFO", "clients");
          connected = /connected_clients:(\d+)/.exec(info)![1];
          if (connected === "1") break;
          await new Promise((r) => setTimeout(r, 20));
        }
        assertEquals(connected, "1");
      });

      await t.step("an idle loop parks and wakes for the next request", async () => {
        await new Promise((r) => setTimeout(r, 200));
        const started = performance.now();
        assertEquals(await c.raw("PING"), "+PONG\r\n");
        assertTrue(performance.now() - started < 500, "answered promptly after idling");
      });

      await t.step("SIGTERM: the parked loop is woken and the process exits", async () => {
        await new Promise((r) => setTimeout(r, 100));
        const started = performance.now();
        const { code, stdout } = await rift.stop("SIGTERM");
        assertEquals(code, 0);
        assertMatch(stdout, /ready to exit/);
        assertTrue(performance.now() - started < 5000, "exited promptly");
      });
    } finally {
      try {
        rift.child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
    }
  },
});

Deno.test({
  name: "epoll: io-backend auto (the default) is epoll for the rift process, Deno's ops embedded",
  async fn(t) {
    const backendOf = async (c: RespClient) => ({
      configured: await c.raw("CONFIG", "GET", "io-backend"),
      serving: /^multiplexing_api:(.*)\r$/m.exec(await c.value("INFO", "server") as string)?.[1],
    });
    const auto = "*2\r\n$10\r\nio-backend\r\n$4\r\nauto\r\n";

    await t.step("the rift process serves from the epoll loop where it can run", async () => {
      const rift = await spawnRift(["--save", ""]);
      try {
        assertEquals(await backendOf(await rift.client()), {
          configured: auto,
          serving: AVAILABLE ? "epoll" : "tokio",
        });
      } finally {
        await rift.stop();
      }
    });

    await t.step("--io-backend deno keeps Deno's socket ops", async () => {
      const rift = await spawnRift(["--save", "", "--io-backend", "deno"]);
      try {
        const { serving } = await backendOf(await rift.client());
        assertEquals(serving, "tokio");
      } finally {
        await rift.stop();
      }
    });

    await t.step("without FFI permission auto falls back to Deno's ops and says so", async () => {
      const rift = await spawnRift(["--save", ""], undefined, [
        "--allow-net",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-sys",
      ]);
      const c = await rift.client();
      const { serving } = await backendOf(c);
      assertEquals(await c.raw("SET", "k", "v"), "+OK\r\n");
      const { code, stdout } = await rift.stop();
      assertEquals(serving, "tokio");
      assertEquals(code, 0);
      assertMatch(stdout, /Serving clients with Deno's socket ops: io-backend epoll needs /);
    });

    await t.step("an embedded server keeps Deno's ops: it shares its host's thread", async () => {
      const handle = await startServer();
      const c = await RespClient.connect(handle.port);
      try {
        assertEquals(await backendOf(c), { configured: auto, serving: "tokio" });
      } finally {
        await c.close();
        await handle.close();
      }
    });
  },
});

Deno.test({
  name:
    "epoll: a pass that read a request opens with the server's starting step and ends with its finishing step, on the process's blocking loop too",
  ignore: !AVAILABLE,
  async fn() {
    // The server runs the commands read in a pass, and sends their replies,
    // in the finishing step: without it the `rift` process's loop would block
    // in its next wait before the microtasks that do the same work ran. The
    // reads come between the two steps, so the server knows it need not
    // queue microtasks for them.
    const events: string[] = [];
    let accepted: ClientSocket | null = null;
    let passOpen = false;
    const region = new Uint8Array(64);
    const loop = new EpollLoop(
      (socket) => {
        accepted = socket;
        socket.read(
          region,
          (n) => events.push(`read ${n}${passOpen ? " in the pass" : ""}`),
          (e) => events.push(`failed ${e}`),
        );
      },
      () => false,
      () => passOpen = true,
      () => {
        passOpen = false;
        if (events.at(-1)?.startsWith("read")) events.push("finish");
      },
      true,
      () => false,
    );
    const listener = loop.listen("127.0.0.1", 0);
    loop.start();
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
    try {
      await conn.write(new TextEncoder().encode("PING\r\n"));
      for (let i = 0; i < 300 && !events.includes("finish"); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assertEquals(events, ["read 6 in the pass", "finish"]);
    } finally {
      conn.close();
      (accepted as ClientSocket | null)?.close();
      listener.close();
      await loop.finished;
    }
  },
});

Deno.test({
  name: "epoll: an embedded server on the epoll loop serves, and close() ends the loop at once",
  ignore: !AVAILABLE,
  async fn() {
    const handle = await startServer({ config: { "io-backend": "epoll" } });
    const c = await RespClient.connect(handle.port);
    let closed = false;
    try {
      assertMatch(await c.value("INFO", "server") as string, /^multiplexing_api:epoll\r$/m);
      assertEquals(await c.raw("SET", "k", "v"), "+OK\r\n");
      assertEquals(await c.raw("GET", "k"), "$1\r\nv\r\n");
      await c.close();
      closed = true;
      // Idle long enough to park its wait in a thread (for up to a second):
      // closing must wake it, not wait for the park to time out.
      await new Promise((r) => setTimeout(r, 100));
      const started = performance.now();
      await handle.close();
      const took = performance.now() - started;
      assertTrue(took < 500, `close() took ${took.toFixed(0)} ms`);
    } finally {
      if (!closed) await c.close();
      await handle.close();
    }
  },
});

Deno.test({
  name: "epoll: binding an address in use fails at startup with the OS's reason",
  ignore: !AVAILABLE,
  async fn() {
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const port = (taken.addr as Deno.NetAddr).port;
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          new URL("../../main.ts", import.meta.url).pathname,
          "--save",
          "",
          "--io-backend",
          "epoll",
          "--port",
          String(port),
        ],
        stdout: "piped",
        stderr: "piped",
      });
      const out = await child.output();
      assertTrue(out.code !== 0, "startup fails");
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assertMatch(
        text,
        /Could not create server TCP listening socket 127\.0\.0\.1:\d+: Address already in use \(os error 98\)/,
      );
    } finally {
      taken.close();
    }
  },
});
