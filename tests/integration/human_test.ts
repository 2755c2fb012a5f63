/**
 * Human mode over real TCP: a raw socket types lines as a person (or telnet,
 * nc, socat) would and reads the rendered text; RESP clients on the same
 * port must be unaffected, and with human mode off inline commands keep
 * Redis's behaviour.
 */

import { ALL_COMMANDS } from "../../src/commands/mod.ts";
import type { Client } from "../../src/server/client.ts";
import { latin1, latin1Bytes } from "../../src/util/bytes.ts";
import { VERSION } from "../../src/version.ts";
import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import { withPair } from "../helpers/differential.ts";
import { type TestRift, withRift } from "../helpers/server.ts";

const HUMAN = { config: { "human-mode": "yes" } };

/**
 * True when every named command is in the table. Transactions, pub/sub and
 * lists are other families; the tests using them run once they are merged.
 */
function haveCommands(...names: string[]): boolean {
  return names.every((name) => ALL_COMMANDS.some((spec) => spec.name === name));
}

/** A person at a terminal: types bytes, reads what the server prints. */
class Terminal {
  private buffer = "";
  private closed = false;
  private waiter: (() => void) | null = null;
  private readonly reading: Promise<void>;

  private constructor(private readonly conn: Deno.TcpConn) {
    this.reading = this.readLoop();
  }

  static async open(port: number): Promise<Terminal> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new Terminal(conn);
  }

  private async readLoop(): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await this.conn.read(buf);
        if (n === null) break;
        this.buffer += latin1(buf.subarray(0, n));
        this.wake();
      }
    } catch {
      // Reset by the server: the same as closed for a person.
    }
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Sends latin1 text (one byte per char) as typed. */
  async type(text: string): Promise<void> {
    const bytes = latin1Bytes(text);
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  /** Reads until `end` has been printed; returns everything up to it and consumes it. */
  async readUntil(end: string, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.buffer.indexOf(end);
      if (at >= 0) {
        const text = this.buffer.slice(0, at + end.length);
        this.buffer = this.buffer.slice(at + end.length);
        return text;
      }
      if (this.closed) throw new Error(`closed before ${JSON.stringify(end)}: ${this.buffer}`);
      if (Date.now() > deadline) {
        throw new Error(`no ${JSON.stringify(end)} within ${timeoutMs} ms; got ${this.buffer}`);
      }
      await this.wait(deadline);
    }
  }

  /** Types a line and returns exactly what is printed up to `end` (default: the reply's end). */
  async run(line: string, end = "\r\n"): Promise<string> {
    await this.type(line);
    return await this.readUntil(end);
  }

  /** Presses Enter (an empty line: nothing runs) and reads the greeting it brings. */
  async greeting(): Promise<string> {
    await this.type("\n");
    return await this.readUntil("QUIT to leave.\r\n");
  }

  /** Resolves true when the server closes the connection; returns what was printed before. */
  async closedByServer(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.wait(deadline);
    assertTrue(this.closed, "the server closed the connection");
    const rest = this.buffer;
    this.buffer = "";
    return rest;
  }

  /** What has been printed and not read yet. */
  get unread(): string {
    return this.buffer;
  }

  private async wait(deadline: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.waiter = resolve;
      timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
    });
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    try {
      this.conn.close();
    } catch {
      // Already closed by the server.
    }
    await this.reading;
  }
}

/** Runs `fn` with an embedded Rift in human mode and one terminal that has read its greeting. */
async function withTerminal(
  fn: (t: Terminal, rift: TestRift) => Promise<void>,
  options: { config?: Record<string, string> } = {},
): Promise<void> {
  await withRift(async (rift) => {
    const t = await Terminal.open(rift.port);
    try {
      await fn(t, rift);
    } finally {
      await t.close();
    }
  }, { config: { ...HUMAN.config, ...options.config } });
}

/** The server side of the (only) human connection. */
function humanClient(rift: TestRift): Client {
  const found = [...rift.server.clients.values()].filter((c) => c.protocol !== null);
  assertEquals(found.length, 1, "one human connection");
  return found[0];
}

Deno.test("human: greeting with the version and a hint, then redis-cli style replies", async () => {
  await withTerminal(async (t) => {
    await t.type("PING\n");
    assertEquals(
      await t.readUntil("PONG\r\n"),
      `Rift ${VERSION} (Redis 7.0.15 compatible), human mode.\r\n` +
        "Type commands as in redis-cli. HELP for help, HELP <command> for usage, QUIT to leave.\r\n" +
        "PONG\r\n",
    );
    assertEquals(await t.run("SET greeting hello\n"), "OK\r\n");
    assertEquals(await t.run("GET greeting\n"), '"hello"\r\n');
    assertEquals(await t.run("GET missing\n"), "(nil)\r\n");
    assertEquals(await t.run("DEL greeting missing\n"), "(integer) 1\r\n");
    assertEquals(await t.run("SELECT 99\n"), "(error) ERR DB index is out of range\r\n");
    assertEquals(
      await t.run("CONFIG GET databases\n", '16"\r\n'),
      '1) "databases"\r\n2) "16"\r\n',
    );
    assertEquals(
      await t.run("COMMAND GETKEYS GET k\n"),
      '1) "k"\r\n',
    );
    assertEquals(await t.run("PING\n"), "PONG\r\n", "nothing else was printed");
  });
});

Deno.test("human: LF-only, CRLF, CR NUL and empty lines; names in any case", async () => {
  await withTerminal(async (t) => {
    await t.type("\r\n   \n");
    await t.greeting();
    assertEquals(await t.run("pInG\n"), "PONG\r\n");
    assertEquals(await t.run("set K v\r\n"), "OK\r\n");
    assertEquals(await t.run("get K\r\0"), '"v"\r\n');
    assertEquals(await t.run("\n\n   \t \r\nEcHo  'two words'  \n"), '"two words"\r\n');
    // Two lines in one packet and a line split over three.
    assertEquals(await t.run("PING a\nPING b\n", '"b"\r\n'), '"a"\r\n"b"\r\n');
    await t.type("GE");
    await t.type("T ");
    assertEquals(await t.run("K\r\n"), '"v"\r\n');
  });
});

Deno.test("human: quotes and escapes as redis-cli reads them; binary replies escaped", async () => {
  await withTerminal(async (t) => {
    await t.greeting();
    assertEquals(await t.run('SET k "a\\x00b\\n\\t\\"q\\"\\\\"\n'), "OK\r\n");
    assertEquals(await t.run("GET k\n"), '"a\\x00b\\n\\t\\"q\\"\\\\"\r\n');
    assertEquals(await t.run("SET k 'it\\'s \"raw\" \\n'\n"), "OK\r\n");
    assertEquals(await t.run("GET k\n"), '"it\'s \\"raw\\" \\\\n"\r\n');
    // UTF-8 typed in a terminal is stored as bytes and shown escaped, like redis-cli.
    assertEquals(await t.run("SET k caf\xc3\xa9\n"), "OK\r\n");
    assertEquals(await t.run("GET k\n"), '"caf\\xc3\\xa9"\r\n');
    assertEquals(await t.run('SET k "\\xff\\xfe"\n'), "OK\r\n");
    assertEquals(await t.run("GET k\n"), '"\\xff\\xfe"\r\n');
    assertEquals(await t.run('ECHO ""\n'), '""\r\n');
  });
});

Deno.test("human: unbalanced quotes are an error and the session goes on", async () => {
  await withTerminal(async (t) => {
    await t.greeting();
    assertEquals(
      await t.run('SET k "unclosed\n'),
      "(error) ERR unbalanced quotes in the line: nothing was run\r\n",
    );
    assertEquals(
      await t.run("SET k 'x'y\n"),
      "(error) ERR unbalanced quotes in the line: nothing was run\r\n",
    );
    assertEquals(await t.run("GET k\n"), "(nil)\r\n", "nothing was set");
    assertEquals(await t.run("PING\n"), "PONG\r\n");
  });
});

Deno.test("human: backspace and DEL are applied before parsing", async () => {
  await withTerminal(async (t) => {
    await t.greeting();
    assertEquals(await t.run("SEY\bT k vall\x7f\n"), "OK\r\n");
    assertEquals(await t.run("GET k\n"), '"val"\r\n');
    assertEquals(await t.run("FLUSHALL\x15GET k\n"), '"val"\r\n', "Ctrl-U erased the line");
    assertEquals(await t.run('ECHO "caf\xc3\xa9\b"\n'), '"caf"\r\n');
  });
});

Deno.test("human: a line over the inline limit is an error at once, then the session goes on", async () => {
  await withTerminal(async (t) => {
    await t.greeting();
    // No line end yet: the error must not wait for one.
    await t.type("SET k " + "x".repeat(64 * 1024));
    assertEquals(
      await t.readUntil("\r\n"),
      "(error) ERR line too long (the limit is 65536 bytes): it was discarded\r\n",
    );
    await t.type("y".repeat(100_000) + "\n");
    assertEquals(await t.run("GET k\n"), "(nil)\r\n", "the long line did not run");
    assertEquals(await t.run("PING\n"), "PONG\r\n");
    assertEquals(t.unread, "");
  });
});

Deno.test("human: telnet negotiation is refused, never run, and Are You There answered", async () => {
  await withTerminal(async (t, rift) => {
    // What telnet sends to port 23: WILL TERMINAL-TYPE, DO SUPPRESS-GO-AHEAD, WILL NAWS + SB NAWS.
    await t.type("\xff\xfb\x18\xff\xfd\x03\xff\xfb\x1f\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0");
    const greeting = await t.greeting();
    assertEquals(
      await t.readUntil("\xff\xfe\x1f"),
      "\xff\xfe\x18\xff\xfc\x03\xff\xfe\x1f",
      "DONT TERMINAL-TYPE, WONT SUPPRESS-GO-AHEAD, DONT NAWS",
    );
    assertMatch(greeting, /^Rift /);
    assertEquals(await t.run("PI\xff\xf1NG\n"), "PONG\r\n", "a NOP inside a word");
    assertEquals(await t.run("\xff\xf6"), "[Rift: yes]\r\n");
    assertEquals(await t.run("SET k \xff\xff\n"), "OK\r\n", "IAC IAC is a 255 byte");
    assertEquals(await t.run("GET k\n"), '"\\xff"\r\n');
    assertEquals(rift.server.stats.totalCommandsProcessed, 3, "PING, SET, GET only");
  });
});

Deno.test("human: unknown commands suggest close names; arity errors show the usage", async () => {
  await withTerminal(async (t) => {
    await t.greeting();
    assertEquals(
      await t.run("GTE k\n", "usage.\r\n"),
      "(error) ERR unknown command 'GTE', with args beginning with: 'k' \r\n" +
        "Did you mean GET? HELP <command> shows usage.\r\n",
    );
    assertEquals(
      await t.run("flushal\n", "usage.\r\n"),
      "(error) ERR unknown command 'flushal', with args beginning with: \r\n" +
        "Did you mean FLUSHALL or FLUSHDB? HELP <command> shows usage.\r\n",
    );
    assertEquals(
      await t.run("xyzzyplugh\n"),
      "(error) ERR unknown command 'xyzzyplugh', with args beginning with: \r\n",
    );
    assertEquals(
      await t.run("GET\n", "key\r\n"),
      "(error) ERR wrong number of arguments for 'get' command\r\nUsage: GET key\r\n",
    );
    assertMatch(
      await t.run("CONFIG GET\n", "...]\r\n"),
      /^\(error\) ERR wrong number of arguments for 'config\|get' command\r\nUsage: CONFIG GET \S/,
    );
    assertEquals(await t.run("PING\n"), "PONG\r\n");
  });
});

Deno.test("human: HELP, HELP <command>, HELP @group and unknown topics", async () => {
  await withTerminal(async (t, rift) => {
    await t.greeting();
    assertMatch(await t.run("help\n", "Groups: "), /HELP <command>/);
    const groups = [...new Set(ALL_COMMANDS.map((spec) => spec.group))].sort().join(", ");
    assertEquals(await t.readUntil("\r\n"), `${groups}\r\n`);
    const set = rift.server.commands.get("set")!;
    assertEquals(
      await t.run("HELP set\n", "\r\n\r\n"),
      `\r\n  SET ${set.usage}\r\n  summary: ${set.summary}\r\n  since: 1.0.0\r\n` +
        "  group: string\r\n\r\n",
    );
    // Commands are listed alphabetically; SUBSTR (since 1.0.0) is the last string command.
    const strings = await t.run("HELP @string\n", "  SUBSTR ") +
      await t.readUntil("since: 1.0.0\r\n\r\n");
    assertMatch(strings, /\r\n {2}GET key\r\n {2}summary: /);
    assertEquals(
      await t.run("HELP gte\n"),
      'No help for "gte". Did you mean GET? HELP lists the groups of commands.\r\n',
    );
    assertEquals(await t.run("PING\n"), "PONG\r\n", "HELP output ended where expected");
    assertEquals(
      rift.server.stats.totalCommandsProcessed,
      1,
      "HELP is the session's, not a command",
    );
  });
});

Deno.test("human: QUIT and EXIT say goodbye and close", async () => {
  for (const quit of ["QUIT", "quit", "Exit"]) {
    await withTerminal(async (t) => {
      await t.greeting();
      await t.type(`PING\n${quit}\nPING\n`);
      assertEquals(await t.closedByServer(), "PONG\r\nBye!\r\n", quit);
    });
  }
});

Deno.test("human: HELLO 3 switches to RESP3 replies, rendered as redis-cli does", async () => {
  await withTerminal(async (t, rift) => {
    await t.greeting();
    const id = humanClient(rift).id;
    assertEquals(
      await t.run("HELLO 3\n", "(empty array)\r\n"),
      '1# "server" => "redis"\r\n2# "version" => "7.0.15"\r\n3# "proto" => (integer) 3\r\n' +
        `4# "id" => (integer) ${id}\r\n5# "mode" => "standalone"\r\n6# "role" => "master"\r\n` +
        '7# "modules" => (empty array)\r\n',
    );
    assertEquals(await t.run("CONFIG GET databases\n"), '1# "databases" => "16"\r\n');
    assertEquals(await t.run("GET nothing\n"), "(nil)\r\n");
    assertEquals(
      await t.run("HELLO 2\n", "(empty array)\r\n"),
      ' 1) "server"\r\n 2) "redis"\r\n 3) "version"\r\n 4) "7.0.15"\r\n 5) "proto"\r\n' +
        ` 6) (integer) 2\r\n 7) "id"\r\n 8) (integer) ${id}\r\n 9) "mode"\r\n` +
        '10) "standalone"\r\n11) "role"\r\n12) "master"\r\n13) "modules"\r\n14) (empty array)\r\n',
    );
    assertEquals(
      await t.run("CONFIG GET databases\n", '"16"\r\n'),
      '1) "databases"\r\n2) "16"\r\n',
    );
  });
});

Deno.test("human: INFO and CLIENT INFO print raw text, in RESP2 and RESP3", async () => {
  await withTerminal(async (t) => {
    await t.greeting();
    assertEquals(await t.run("SET key value\n"), "OK\r\n");
    for (const hello of ["HELLO 2\n", "HELLO 3\n"]) {
      await t.run(hello, "(empty array)\r\n");
      assertEquals(
        await t.run("INFO keyspace\n", "avg_ttl=0\r\n"),
        "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n",
        hello,
      );
      const client = await t.run("CLIENT INFO\n");
      assertMatch(client, /^id=\d+ addr=127\.0\.0\.1:\d+ .* resp=[23]( [^\r\n]*)?\r\n$/, hello);
      assertEquals(await t.run("PING\n"), "PONG\r\n", `nothing after the raw text (${hello})`);
    }
    // Only the reply of the raw command is raw.
    assertEquals(await t.run('SET k "a\\nb"\n'), "OK\r\n");
    assertEquals(await t.run("GET k\n"), '"a\\nb"\r\n');
  });
});

Deno.test("human: RESP clients on the same port are unaffected", async () => {
  await withTerminal(async (t, rift) => {
    await t.greeting();
    const resp = await rift.client();
    assertEquals(await resp.raw("PING"), "+PONG\r\n");
    assertEquals(await resp.raw("SET", "k", "v\r\n\x00"), "+OK\r\n");
    assertEquals(await t.run("GET k\n"), '"v\\r\\n\\x00"\r\n');
    assertEquals(await resp.raw("GET", "k"), "$4\r\nv\r\n\x00\r\n");
    assertEquals(await resp.raw("GET", "missing"), "$-1\r\n");
    assertEquals(
      await resp.raw("NOSUCH"),
      "-ERR unknown command 'NOSUCH', with args beginning with: \r\n",
    );
    assertEquals(
      await resp.raw("CONFIG", "GET", "human-mode"),
      "*2\r\n$10\r\nhuman-mode\r\n$3\r\nyes\r\n",
    );
    assertEquals(
      await resp.raw("HELP"),
      "-ERR unknown command 'HELP', with args beginning with: \r\n",
    );
    // A RESP client whose first read holds a whole pipeline.
    await resp.writeRaw("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    assertEquals(latin1((await resp.read()).raw), "+PONG\r\n");
    assertEquals(latin1((await resp.read()).raw), "$4\r\nv\r\n\x00\r\n");
    // A RESP connection that starts with a single '*' byte.
    const slow = await rift.client();
    await slow.writeRaw("*");
    await slow.writeRaw("1\r\n$4\r\nPING\r\n");
    assertEquals(latin1((await slow.read()).raw), "+PONG\r\n");
    assertEquals(await t.run("PING\n"), "PONG\r\n");
  });
});

Deno.test("human: off by default, inline commands get RESP replies as in Redis", async () => {
  const ran = await withPair(async (p) => {
    const lines = [
      "PING\r\n",
      'SET k "a b\\x00"\n',
      "GET k\r\n",
      "get K\n",
      "\r\n",
      "ECHO 'x y'\n",
      "NOSUCH a b\n",
      "GET\n",
    ];
    let cases = 0;
    for (const line of lines) {
      await Promise.all([p.rift.writeRaw(line), p.redis.writeRaw(line)]);
      if (line.trim() === "") continue;
      const [a, b] = await Promise.all([p.rift.read(), p.redis.read()]);
      assertEquals(latin1(a.raw), latin1(b.raw), JSON.stringify(line));
      cases++;
    }
    assertEquals(cases, 7);
    // Unbalanced quotes: a protocol error that closes the connection, as in Redis.
    await Promise.all([p.rift.writeRaw('SET k "open\n'), p.redis.writeRaw('SET k "open\n')]);
    const [a, b] = await Promise.all([p.rift.read(), p.redis.read()]);
    assertEquals(latin1(a.raw), "-ERR Protocol error: unbalanced quotes in request\r\n");
    assertEquals(latin1(a.raw), latin1(b.raw));
    assertEquals(await p.rift.closedByServer(), true);
    assertEquals(await p.redis.closedByServer(), true);
  });
  if (!ran) {
    // Without redis-server, still check Redis's documented inline behaviour.
    await withRift(async (rift) => {
      const c = await rift.client();
      await c.writeRaw("PING\r\nGET nothing\n");
      assertEquals(latin1((await c.read()).raw), "+PONG\r\n");
      assertEquals(latin1((await c.read()).raw), "$-1\r\n");
    });
  }
});

Deno.test("human: CONFIG SET human-mode applies to new connections only", async () => {
  await withRift(async (rift) => {
    const admin = await rift.client();
    const before = await rift.client();
    await before.writeRaw("PING\r\n");
    assertEquals(latin1((await before.read()).raw), "+PONG\r\n");
    assertEquals(await admin.raw("CONFIG", "SET", "human-mode", "yes"), "+OK\r\n");
    await before.writeRaw("PING\r\n");
    assertEquals(
      latin1((await before.read()).raw),
      "+PONG\r\n",
      "an existing connection stays RESP",
    );
    const t = await Terminal.open(rift.port);
    try {
      await t.greeting();
      assertEquals(await t.run("PING\n"), "PONG\r\n");
      assertEquals(await admin.raw("CONFIG", "SET", "human-mode", "no"), "+OK\r\n");
      assertEquals(await t.run("PING\n"), "PONG\r\n", "a human session stays human");
    } finally {
      await t.close();
    }
    const after = await rift.client();
    await after.writeRaw("PING\r\n");
    assertEquals(latin1((await after.read()).raw), "+PONG\r\n");
  });
});

Deno.test("human: pub/sub messages arriving later are rendered as they come", async () => {
  await withTerminal(async (t, rift) => {
    await t.greeting();
    const resp = await rift.client();
    assertEquals(await resp.raw("CONFIG", "SET", "notify-keyspace-events", "KEA"), "+OK\r\n");
    const human = humanClient(rift);
    rift.server.pubsub.subscribe(human, "__keyevent@0__:set");
    rift.server.pubsub.psubscribe(human, "__keyspace@0__:*");
    assertEquals(await resp.raw("SET", "k\x00", "v"), "+OK\r\n");
    assertEquals(
      await t.readUntil('"k\\x00"\r\n'),
      '1) "pmessage"\r\n2) "__keyspace@0__:*"\r\n3) "__keyspace@0__:k\\x00"\r\n4) "set"\r\n' +
        '1) "message"\r\n2) "__keyevent@0__:set"\r\n3) "k\\x00"\r\n',
    );
    rift.server.pubsub.publish(latin1Bytes("__keyevent@0__:set"), latin1Bytes("direct"));
    assertEquals(
      await t.readUntil('"direct"\r\n'),
      '1) "message"\r\n2) "__keyevent@0__:set"\r\n3) "direct"\r\n',
    );
    // RESP2 subscribed mode allows PING, rendered as its array form.
    assertEquals(await t.run("PING\n", '""\r\n'), '1) "pong"\r\n2) ""\r\n');
    assertEquals(
      await t.run("GET k\n"),
      "(error) ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    assertEquals(await t.run("RESET\n"), "RESET\r\n");
    assertEquals(await resp.raw("SET", "k2", "v"), "+OK\r\n");
    assertEquals(await t.run("HELLO 3\n", "(empty array)\r\n").then((s) => s.slice(0, 3)), "1# ");
    // RESP3 pushes render like arrays, as redis-cli shows them.
    rift.server.pubsub.subscribe(human, "news");
    rift.server.pubsub.publish(latin1Bytes("news"), latin1Bytes("hi there"));
    assertEquals(
      await t.readUntil('"hi there"\r\n'),
      '1) "message"\r\n2) "news"\r\n3) "hi there"\r\n',
      "RESET had dropped the keyspace subscriptions",
    );
    assertEquals(await t.run("GET k2\n"), '"v"\r\n', "RESP3 subscribers may run commands");
  });
});

Deno.test("human: a blocked command queues typed lines and renders its reply when served", async () => {
  await withTerminal(async (t, rift) => {
    await t.greeting();
    const human = humanClient(rift);
    const get = rift.server.commands.get("get")!;
    const db = rift.server.db(0);
    rift.server.blocking.block(
      human,
      get,
      [latin1Bytes("GET"), latin1Bytes("q")],
      [latin1Bytes("q")],
      0,
      "nullArray",
    );
    await t.type("PING typed-while-blocked\nECHO second\n");
    const resp = await rift.client();
    assertEquals(await resp.raw("SET", "q", "served"), "+OK\r\n");
    assertEquals(t.unread, "", "nothing runs while blocked");
    rift.server.signalKeyAsReady(db, latin1Bytes("q"));
    rift.server.blocking.serveReady();
    assertEquals(
      await t.readUntil('"second"\r\n'),
      '"served"\r\n"typed-while-blocked"\r\n"second"\r\n',
    );
  });
});

Deno.test("human: telnet Ctrl-C ends a blocking wait like a timeout and drops typed lines", async () => {
  await withTerminal(async (t, rift) => {
    await t.greeting();
    const human = humanClient(rift);
    const get = rift.server.commands.get("get")!;
    rift.server.blocking.block(
      human,
      get,
      [latin1Bytes("GET"), latin1Bytes("q")],
      [latin1Bytes("q")],
      0,
      "nullArray",
    );
    await t.type("SET dropped 1\n");
    // What telnet sends on Ctrl-C: Interrupt Process, then DO TIMING-MARK.
    assertEquals(await t.run("\xff\xf4\xff\xfd\x06", "(nil)\r\n"), "\xff\xfc\x06(nil)\r\n");
    assertEquals(human.blocked, null);
    assertEquals(rift.server.blocking.count, 0);
    assertEquals(await t.run("GET dropped\n"), "(nil)\r\n");
    // Ctrl-C with nothing pending prints nothing but the Timing Mark answer.
    assertEquals(await t.run("half a li\xff\xf4\xff\xfd\x06", "\x06"), "\xff\xfc\x06");
    assertEquals(await t.run("PING\n"), "PONG\r\n");
  });
});

Deno.test("human: CLIENT REPLY OFF/SKIP never leave a raw rendering to a later reply", async () => {
  await withTerminal(async (t) => {
    await t.greeting();
    assertEquals(await t.run("SET k 'a b'\n"), "OK\r\n");
    await t.type("CLIENT REPLY SKIP\nINFO\nGET k\n");
    assertEquals(await t.readUntil("\r\n"), '"a b"\r\n', "quoted, not raw");
    await t.type("CLIENT REPLY OFF\nINFO\nGET k\nCLIENT REPLY ON\nGET k\n");
    assertEquals(await t.readUntil('"a b"\r\n'), 'OK\r\n"a b"\r\n');
  });
});

Deno.test("human: lines queued past client-query-buffer-limit close the connection", async () => {
  await withTerminal(async (t, rift) => {
    await t.greeting();
    const human = humanClient(rift);
    const get = rift.server.commands.get("get")!;
    rift.server.blocking.block(
      human,
      get,
      [latin1Bytes("GET"), latin1Bytes("q")],
      [latin1Bytes("q")],
      0,
      "nullArray",
    );
    const line = "SET k " + "x".repeat(60_000) + "\n";
    await t.type(line.repeat(20)).catch(() => {});
    assertEquals(await t.closedByServer(), "");
    assertEquals(rift.server.stats.clientQueryBufferLimitDisconnections, 1);
  }, { config: { "client-query-buffer-limit": "1mb" } });
});

Deno.test("human: AUTH works as for RESP clients", async () => {
  await withTerminal(async (t) => {
    await t.greeting();
    assertEquals(await t.run("GET k\n"), "(error) NOAUTH Authentication required.\r\n");
    assertMatch(await t.run("HELP GET\n", "\r\n\r\n"), /GET key/, "HELP needs no AUTH");
    assertEquals(
      await t.run("AUTH wrong\n"),
      "(error) WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    assertEquals(await t.run("AUTH s3cret\n"), "OK\r\n");
    assertEquals(await t.run("GET k\n"), "(nil)\r\n");
  }, { config: { requirepass: "s3cret" } });
});

Deno.test({
  name: "human: MULTI/EXEC render as in redis-cli",
  ignore: !haveCommands("multi", "exec"),
  async fn() {
    await withTerminal(async (t) => {
      await t.greeting();
      assertEquals(await t.run("MULTI\n"), "OK\r\n");
      assertEquals(await t.run("SET a 1\n"), "QUEUED\r\n");
      assertEquals(await t.run("GET a\n"), "QUEUED\r\n");
      assertEquals(
        await t.run("GET\n", "key\r\n"),
        "(error) ERR wrong number of arguments for 'get' command\r\nUsage: GET key\r\n",
      );
      assertEquals(
        await t.run("EXEC\n"),
        "(error) EXECABORT Transaction discarded because of previous errors.\r\n",
      );
      assertEquals(await t.run("MULTI\n"), "OK\r\n");
      assertEquals(await t.run("SET a 2\n"), "QUEUED\r\n");
      assertEquals(await t.run("HELP GET\n", "\r\n\r\n").then((h) => h.includes("GET key")), true);
      assertEquals(await t.run("GET a\n"), "QUEUED\r\n");
      assertEquals(await t.run("EXEC\n", '"2"\r\n'), '1) OK\r\n2) "2"\r\n');
    });
  },
});

Deno.test({
  name: "human: SUBSCRIBE, then messages published by others as they come",
  ignore: !haveCommands("subscribe", "unsubscribe", "publish"),
  async fn() {
    await withTerminal(async (t, rift) => {
      await t.greeting();
      assertEquals(
        await t.run("SUBSCRIBE news\n", "(integer) 1\r\n"),
        "Reading messages... (UNSUBSCRIBE or RESET to stop, QUIT to leave)\r\n" +
          '1) "subscribe"\r\n2) "news"\r\n3) (integer) 1\r\n',
      );
      const resp = await rift.client();
      assertEquals(await resp.raw("PUBLISH", "news", "hello\nworld"), ":1\r\n");
      assertEquals(
        await t.readUntil('world"\r\n'),
        '1) "message"\r\n2) "news"\r\n3) "hello\\nworld"\r\n',
      );
      assertEquals(
        await t.run("UNSUBSCRIBE\n", "(integer) 0\r\n"),
        '1) "unsubscribe"\r\n2) "news"\r\n3) (integer) 0\r\n',
      );
      assertEquals(await t.run("PING\n"), "PONG\r\n");
    });
  },
});

Deno.test({
  name: "human: BLPOP waits, renders when served, and telnet Ctrl-C ends it",
  ignore: !haveCommands("blpop", "rpush"),
  async fn() {
    await withTerminal(async (t, rift) => {
      await t.greeting();
      await t.type("BLPOP q 0\nPING after\n");
      const resp = await rift.client();
      assertEquals(await resp.raw("RPUSH", "q", "x", "y"), ":2\r\n");
      assertEquals(
        await t.readUntil('"after"\r\n'),
        '1) "q"\r\n2) "x"\r\n"after"\r\n',
      );
      await t.type("BLPOP empty 0\n");
      // Nothing is printed while blocked: wait for the server to get there before Ctrl-C.
      const human = humanClient(rift);
      while (human.blocked === null) await new Promise((r) => setTimeout(r, 1));
      assertEquals(await t.run("\xff\xf4\xff\xfd\x06", "(nil)\r\n"), "\xff\xfc\x06(nil)\r\n");
      assertEquals(await t.run("LPOP q\n"), '"y"\r\n');
    });
  },
});
