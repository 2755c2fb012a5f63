import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import { withPair } from "../helpers/differential.ts";
import { withRift } from "../helpers/server.ts";
import { ManualClock } from "../../src/mod.ts";

Deno.test("connection commands match redis-server byte for byte", async () => {
  await withPair(async (p) => {
    for (
      const cmd of [
        ["PING"],
        ["ping", "hello"],
        ["PING", "a", "b"],
        ["ECHO", "x\r\ny"],
        ["ECHO"],
        ["SELECT", "15"],
        ["SELECT", "16"],
        ["SELECT", "-1"],
        ["SELECT", "abc"],
        ["SELECT", "0"],
        ["AUTH", "pw"],
        ["AUTH", "user", "pw"],
        ["AUTH", "a", "b", "c"],
        ["HELLO", "4"],
        ["HELLO", "abc"],
        ["HELLO", "2", "FOO"],
        ["HELLO", "3", "SETNAME", "bad name"],
        ["CLIENT", "SETNAME", "bad name"],
        ["CLIENT", "SETNAME", "good-name"],
        ["CLIENT", "GETNAME"],
        ["CLIENT", "SETNAME", ""],
        ["CLIENT", "GETNAME"],
        ["CLIENT", "NOSUCH"],
        ["CLIENT"],
        ["CLIENT", "KILL", "1.2.3.4:5"],
        ["CLIENT", "KILL", "ID", "99999"],
        ["CLIENT", "KILL", "TYPE", "bogus"],
        ["CLIENT", "KILL", "BOGUS", "x"],
        ["CLIENT", "REPLY", "maybe"],
        ["CLIENT", "NO-EVICT", "maybe"],
        ["CLIENT", "NO-EVICT", "on"],
        ["CLIENT", "PAUSE", "abc"],
        ["CLIENT", "PAUSE", "10", "SOME"],
        ["CLIENT", "UNBLOCK", "abc"],
        ["CLIENT", "UNBLOCK", "99999"],
        ["CLIENT", "UNBLOCK", "99999", "BAD"],
        ["CLIENT", "LIST", "TYPE", "bogus"],
        ["DBSIZE"],
        ["FLUSHDB", "bogus"],
        ["FLUSHALL", "ASYNC"],
        ["SWAPDB", "a", "1"],
        ["SWAPDB", "1", "b"],
        ["SWAPDB", "0", "99"],
        ["SWAPDB", "0", "1"],
        ["CONFIG", "GET"],
        ["CONFIG", "SET", "maxclients"],
        ["CONFIG", "SET", "nosuch", "1"],
        ["CONFIG", "SET", "databases", "4"],
        ["CONFIG", "SET", "hz", "abc"],
        ["CONFIG", "SET", "timeout", "-1"],
        ["CONFIG", "SET", "maxclients", "0"],
        ["CONFIG", "SET", "loglevel", "loud"],
        ["CONFIG", "SET", "protected-mode", "maybe"],
        ["CONFIG", "SET", "hz", "5", "hz", "6"],
        ["CONFIG", "SET", "notify-keyspace-events", "Q"],
        ["CONFIG", "SET", "notify-keyspace-events", "KEA"],
        ["CONFIG", "GET", "notify-keyspace-events"],
        ["CONFIG", "SET", "notify-keyspace-events", "lshzKE"],
        ["CONFIG", "GET", "notify-keyspace-events"],
        ["CONFIG", "SET", "save", "100"],
        ["CONFIG", "SET", "save", "100 10 20"],
        ["CONFIG", "SET", "save", "100 10"],
        ["CONFIG", "GET", "save"],
        ["CONFIG", "SET", "client-output-buffer-limit", "foo 1 2 3"],
        ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2"],
        ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 2mb 3"],
        ["CONFIG", "GET", "client-output-buffer-limit"],
        ["CONFIG", "SET", "proto-max-bulk-len", "abc"],
        ["CONFIG", "SET", "hz", "1000"],
        ["CONFIG", "GET", "hz"],
        ["CONFIG", "SET", "hz", "0"],
        ["CONFIG", "GET", "hz"],
        ["CONFIG", "SET", "hz", "10"],
        ["CONFIG", "GET", "maxclients"],
        ["CONFIG", "GET", "nosuchparam"],
        ["CONFIG", "RESETSTAT", "x"],
        ["COMMAND", "GETKEYS", "get"],
        ["COMMAND", "GETKEYS", "nosuch", "a"],
        ["COMMAND", "GETKEYS", "set", "a"],
        ["COMMAND", "GETKEYS", "set", "k", "v"],
        ["COMMAND", "GETKEYS", "ping", "x"],
        ["COMMAND", "GETKEYS", "del", "a", "b", "c"],
        ["COMMAND", "INFO", "nosuchcommand"],
        ["COMMAND", "NOSUCH"],
        ["TIME", "extra"],
        ["ECHO", "done"],
      ]
    ) {
      await p.same(...cmd);
    }
  });
});

Deno.test("HELLO switches protocols and returns the server map", async () => {
  await withPair(async (p) => {
    // The id field differs between servers; compare the rest.
    const [a, b] = await p.both("HELLO", "3");
    assertEquals(
      a.replace(/:\d+\r\n\$4\r\nmode/, ":ID\r\n$4\r\nmode"),
      b.replace(/:\d+\r\n\$4\r\nmode/, ":ID\r\n$4\r\nmode"),
    );
    await p.same("PING");
    await p.same("GET", "nosuch");
    await p.same("CLIENT", "GETNAME");
    await p.same("CONFIG", "GET", "maxclients");
    const [c, d] = await p.both("HELLO", "2", "SETNAME", "me");
    assertEquals(
      c.replace(/:\d+\r\n\$4\r\nmode/, ":ID\r\n$4\r\nmode"),
      d.replace(/:\d+\r\n\$4\r\nmode/, ":ID\r\n$4\r\nmode"),
    );
    await p.same("CLIENT", "GETNAME");
    await p.same("GET", "nosuch");
  });
});

Deno.test("AUTH, NOAUTH and HELLO AUTH with requirepass", async () => {
  await withPair(async (p) => {
    await p.same("GET", "k");
    await p.same("PING");
    await p.same("AUTH", "wrong");
    await p.same("HELLO", "3");
    await p.same("HELLO", "3", "AUTH", "default", "wrong");
    await p.same("AUTH", "other", "secret");
  }, { rift: { config: { requirepass: "secret" } }, redisArgs: ["--requirepass", "secret"] });
  await withPair(async (p) => {
    await p.same("AUTH", "secret");
    await p.same("SET", "k", "v");
    await p.same("AUTH", "default", "secret");
    await p.same("GET", "k");
  }, { rift: { config: { requirepass: "secret" } }, redisArgs: ["--requirepass", "secret"] });
});

Deno.test("QUIT replies OK and closes; RESET restores the connection", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    assertEquals(await c.raw("QUIT"), "+OK\r\n");
    assertTrue(await c.closedByServer());
    const d = await rift.client();
    assertEquals(await d.raw("SELECT", "3"), "+OK\r\n");
    await d.raw("CLIENT", "SETNAME", "x");
    await d.raw("HELLO", "3");
    assertEquals(await d.raw("RESET"), "+RESET\r\n");
    assertEquals(await d.raw("CLIENT", "GETNAME"), "$-1\r\n");
    assertEquals(await d.raw("DBSIZE"), ":0\r\n");
    assertEquals(await d.raw("GET", "none"), "$-1\r\n"); // back to RESP2
  });
});

Deno.test("SELECT and SWAPDB move data between databases", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("SET", "in0", "a");
    await c.raw("SELECT", "1");
    await c.raw("SET", "in1", "b");
    assertEquals(await c.raw("SWAPDB", "0", "1"), "+OK\r\n");
    assertEquals(await c.raw("GET", "in0"), "$1\r\na\r\n");
    assertEquals(await c.raw("DBSIZE"), ":1\r\n");
    await c.raw("SELECT", "0");
    assertEquals(await c.raw("GET", "in1"), "$1\r\nb\r\n");
    assertEquals(await c.raw("FLUSHALL"), "+OK\r\n");
    assertEquals(await c.raw("DBSIZE"), ":0\r\n");
  });
});

Deno.test("CLIENT ID, INFO, LIST, KILL, REPLY, SETINFO", async () => {
  await withRift(async (rift) => {
    const a = await rift.client();
    const b = await rift.client();
    const idA = await a.value("CLIENT", "ID") as number;
    const idB = await b.value("CLIENT", "ID") as number;
    assertTrue(idB > idA);
    await a.raw("CLIENT", "SETNAME", "alpha");
    assertEquals(await a.raw("CLIENT", "SETINFO", "LIB-NAME", "mylib"), "+OK\r\n");
    assertEquals(await a.raw("CLIENT", "SETINFO", "LIB-VER", "1.2"), "+OK\r\n");
    assertEquals(
      await a.raw("CLIENT", "SETINFO", "LIB-NAME", "bad name"),
      "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n",
    );
    assertEquals(
      await a.raw("CLIENT", "SETINFO", "OTHER", "x"),
      "-ERR Unrecognized option 'OTHER'\r\n",
    );
    const info = await a.value("CLIENT", "INFO") as string;
    assertMatch(
      info,
      /^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=-?\d+ name=alpha age=\d+ idle=\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=\d+ qbuf-free=\d+ argv-mem=\d+ multi-mem=0 rbs=\d+ rbp=\d+ obl=\d+ oll=0 omem=\d+ tot-mem=\d+ events=r cmd=client\|info user=default redir=-1 resp=2 lib-name=mylib lib-ver=1\.2\n$/,
    );
    const list = await b.value("CLIENT", "LIST") as string;
    assertEquals(list.trim().split("\n").length, 2);
    const onlyA = await b.value("CLIENT", "LIST", "ID", String(idA)) as string;
    assertMatch(onlyA, /name=alpha/);
    assertEquals(await b.value("CLIENT", "KILL", "ID", String(idA)), 1);
    assertTrue(await a.closedByServer());
  });
});

Deno.test("CLIENT REPLY OFF|SKIP|ON", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.send("CLIENT", "REPLY", "OFF");
    await c.send("SET", "a", "1");
    await c.send("NOSUCH");
    await c.send("CLIENT", "REPLY", "SKIP");
    await c.send("GET", "a");
    await c.send("CLIENT", "REPLY", "ON");
    assertEquals(latin1Raw(await c.read()), "+OK\r\n");
    await c.send("CLIENT", "REPLY", "SKIP");
    await c.send("GET", "a");
    await c.send("GET", "a");
    assertEquals(latin1Raw(await c.read()), "$1\r\n1\r\n");
    assertEquals(c.hasReply, false);
  });
});

Deno.test("RESET after CLIENT REPLY OFF answers; as the skipped command it does not (differential)", async () => {
  await withPair(async (p) => {
    const replies: string[][] = [];
    for (const c of [p.rift, p.redis]) {
      const got: string[] = [];
      for (const mode of ["OFF", "SKIP"]) {
        await c.send("CLIENT", "REPLY", mode);
        await c.send("RESET");
        await c.send("PING", `after ${mode}`);
        got.push(latin1Raw(await c.read()));
      }
      got.push(latin1Raw(await c.read()));
      got.push(String(c.hasReply));
      replies.push(got);
    }
    // Found by the mixed fuzzer: Rift answered +RESET in both cases.
    assertEquals(replies[0], [
      "+RESET\r\n",
      "$9\r\nafter OFF\r\n",
      "$10\r\nafter SKIP\r\n",
      "false",
    ]);
    assertEquals(replies[0], replies[1]);
  });
});

function latin1Raw(r: { raw: Uint8Array }): string {
  return String.fromCharCode(...r.raw);
}

Deno.test("CLIENT PAUSE holds commands until the timeout or UNPAUSE", async () => {
  await withRift(async (rift) => {
    const admin = await rift.client();
    const other = await rift.client();
    assertEquals(await admin.raw("CLIENT", "PAUSE", "100000", "WRITE"), "+OK\r\n");
    assertEquals(await other.raw("GET", "k"), "$-1\r\n"); // reads still run
    await other.send("SET", "k", "v"); // held
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(other.hasReply, false);
    assertEquals(await admin.raw("CLIENT", "UNPAUSE"), "+OK\r\n");
    assertEquals(latin1Raw(await other.read()), "+OK\r\n");
    assertEquals(await admin.raw("CLIENT", "PAUSE", "50"), "+OK\r\n");
    assertEquals(await other.raw("GET", "k"), "$1\r\nv\r\n"); // released by the timeout
  });
});

Deno.test("idle clients are closed after `timeout` seconds", async () => {
  await withRift(async (rift) => {
    const idle = await rift.client();
    assertEquals(await idle.raw("PING"), "+PONG\r\n");
    assertTrue(await idle.closedByServer(5000));
  }, { config: { timeout: 1 } });
});

Deno.test("INFO has Redis's sections and fields", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    await c.raw("SET", "a", "1");
    await c.raw("GET", "a");
    await c.raw("GET", "nope");
    await c.raw("NOSUCH");
    const all = await c.value("INFO", "everything") as string;
    for (
      const field of [
        "# Server",
        "redis_version:7.0.15",
        "tcp_port:" + rift.port,
        "# Clients",
        "connected_clients:1",
        "# Memory",
        "used_memory:",
        "# Persistence",
        "# Stats",
        "keyspace_hits:1",
        "keyspace_misses:1",
        "# Replication",
        "role:master",
        "# CPU",
        "# Commandstats",
        "cmdstat_get:calls=2,",
        "# Errorstats",
        "errorstat_ERR:count=1",
        "# Keyspace",
        "db0:keys=1,expires=0,avg_ttl=0",
      ]
    ) assertTrue(all.includes(field), `INFO lacks ${field}`);
    const one = await c.value("INFO", "keyspace") as string;
    assertEquals(one, "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n");
    assertEquals(await c.value("INFO", "nosuchsection"), "");
  });
});

Deno.test("COMMAND introspection is rendered from the spec table", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    const count = await c.value("COMMAND", "COUNT") as number;
    const all = await c.value("COMMAND") as unknown[];
    assertEquals(all.length, count);
    const [get] = await c.value("COMMAND", "INFO", "get") as unknown[][];
    assertEquals(get.slice(0, 7), ["get", 2, ["readonly", "fast"], 1, 1, 1, [
      "@read",
      "@string",
      "@fast",
    ]]);
    const [sub] = await c.value("COMMAND", "INFO", "config|get") as unknown[][];
    assertEquals(sub[0], "config|get");
    await c.raw("HELLO", "3");
    const docs = await c.value("COMMAND", "DOCS", "set") as Map<string, Map<string, unknown>>;
    const set = docs.get("set")!;
    assertEquals(set.get("group"), "string");
    assertTrue((set.get("arguments") as unknown[]).length >= 4);
    await c.raw("HELLO", "2");
    const list = await c.value("COMMAND", "LIST", "FILTERBY", "PATTERN", "cl*") as string[];
    assertTrue(list.includes("client") && list.includes("client|list"));
    assertEquals(await c.value("COMMAND", "GETKEYS", "SET", "k", "v"), ["k"]);
  });
});

Deno.test("ioredis and node-redis connect in RESP2 and RESP3 with their handshakes", async () => {
  const { Redis } = await import("ioredis");
  const { createClient } = await import("redis");
  await withRift(async (rift) => {
    for (const protocol of [2, 3] as const) {
      const io = new Redis({
        port: rift.port,
        host: "127.0.0.1",
        lazyConnect: true,
        protocol,
        replyMapping: protocol === 3 ? "resp3" : undefined,
      });
      await io.connect();
      assertEquals(await io.set(`io${protocol}`, "1"), "OK");
      assertEquals(await io.get(`io${protocol}`), "1");
      const config = await io.call("CONFIG", "GET", "maxclients");
      assertEquals(config, protocol === 3 ? { maxclients: "10000" } : ["maxclients", "10000"]);
      io.disconnect();
    }
    for (const RESP of [2, 3] as const) {
      const client = createClient({ url: `redis://127.0.0.1:${rift.port}`, RESP });
      await client.connect();
      assertEquals(await client.set(`nr${RESP}`, "x"), "OK");
      assertEquals(await client.get(`nr${RESP}`), "x");
      assertEquals(await client.ping(), "PONG");
      assertEquals(await client.configGet("maxclients"), { maxclients: "10000" });
      await client.quit();
    }
    // The handshakes reached the server: HELLO for RESP3, CLIENT SETINFO from node-redis.
    const c = await rift.client();
    const stats = await c.value("INFO", "commandstats") as string;
    assertMatch(stats, /cmdstat_hello:calls=[1-9]/);
    assertMatch(stats, /cmdstat_client\|setinfo:calls=[1-9]/);
  });
});

Deno.test("redis-cli works against Rift", async () => {
  await withRift(async (rift) => {
    const run = async (...args: string[]) => {
      const out = await new Deno.Command("redis-cli", {
        args: ["-p", String(rift.port), ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
      return new TextDecoder().decode(out.stdout);
    };
    try {
      assertEquals(await run("SET", "cli", "hello world"), "OK\n");
      assertEquals(await run("GET", "cli"), "hello world\n");
      assertEquals(await run("--no-raw", "GET", "cli"), '"hello world"\n');
      assertEquals(await run("-3", "PING"), "PONG\n");
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return; // redis-cli not installed
      throw e;
    }
  });
});

Deno.test("redis-py from Debian talks to Rift (RESP2)", async () => {
  await withRift(async (rift) => {
    const script = `
import redis, sys
r = redis.Redis(host="127.0.0.1", port=${rift.port})
assert r.ping() is True
assert r.set("py", b"\\x00bin\\xff") is True
assert r.get("py") == b"\\x00bin\\xff"
r.client_setname("pyclient")
assert r.client_getname() == "pyclient"  # redis-py decodes it, against Redis too
print("ok")
`;
    // Debian's python3-redis lives in Debian's interpreter, not in a pyenv one on PATH.
    let python = "python3";
    try {
      Deno.statSync("/usr/bin/python3");
      python = "/usr/bin/python3";
    } catch {
      // No system interpreter: use whatever python3 is on PATH.
    }
    let out;
    try {
      out = await new Deno.Command(python, {
        args: ["-c", script],
        stdout: "piped",
        stderr: "piped",
      })
        .output();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    const stderr = new TextDecoder().decode(out.stderr);
    if (stderr.includes("No module named 'redis'")) {
      if (Deno.env.get("RIFT_REQUIRE_REDIS")) throw new Error("python3-redis is required");
      return;
    }
    assertEquals(new TextDecoder().decode(out.stdout), "ok\n", stderr);
  });
});

Deno.test("CLIENT LIST age and idle follow the server's clock and are never negative", async () => {
  // A clock years away from the wall clock: any mix of the two shows at once.
  const clock = new ManualClock(1_700_000_000_000);
  await withRift(async (rift) => {
    const watched = await rift.client();
    await watched.call("CLIENT", "SETNAME", "watched");
    const fields = async () => {
      const line = await watched.value("CLIENT", "INFO") as string;
      return {
        age: Number(/ age=(-?\d+) /.exec(line)![1]),
        idle: Number(/ idle=(-?\d+) /.exec(line)![1]),
      };
    };
    assertEquals(await fields(), { age: 0, idle: 0 });
    clock.advance(5_000);
    const other = await rift.client();
    const list = await other.value("CLIENT", "LIST") as string;
    const line = list.split("\n").find((l) => l.includes("name=watched"))!;
    assertMatch(line, / age=5 idle=5 /);
    assertEquals(await fields(), { age: 5, idle: 0 });
    // Many quick round trips: the batch time and a fresh reading never make it -1.
    for (let i = 0; i < 200; i++) {
      const { age, idle } = await fields();
      assertTrue(age >= 0 && idle >= 0, `age ${age} idle ${idle}`);
    }
  }, { clock });
});
