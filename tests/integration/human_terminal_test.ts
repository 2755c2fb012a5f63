/**
 * Human mode through real terminal programs (telnet, nc, socat) running in
 * a pseudo-terminal (util-linux `script`), typed at as a person would:
 * each keystroke batch waits for the previous output, and the assertions
 * are on the transcript the person sees. Needs Debian's inetutils-telnet,
 * netcat-openbsd and socat; CI installs them, locally missing tools skip.
 */

import { latin1, latin1Bytes } from "../../src/util/bytes.ts";
import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { type TestRift, withRift } from "../helpers/server.ts";

function installed(program: string, args: string[]): boolean {
  try {
    new Deno.Command(program, { args, stdin: "null", stdout: "null", stderr: "null" }).outputSync();
    return true;
  } catch {
    return false;
  }
}

const REQUIRED = Deno.env.get("CI") !== undefined || Deno.env.get("RIFT_REQUIRE_REDIS") === "1";
const HAS_SCRIPT = installed("script", ["--version"]);

function skip(program: string, args: string[]): boolean {
  return !REQUIRED && !(HAS_SCRIPT && installed(program, args));
}

/** A terminal program running in a pseudo-terminal, with the screen as text (CRs removed). */
class Pty {
  private screen = "";
  private seen = 0;
  private readonly child: Deno.ChildProcess;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly reading: Promise<void>;
  private ended = false;

  constructor(command: string) {
    this.child = new Deno.Command("script", {
      // -q quiet, -f flush at once, -e exit with the child's status; no log file.
      args: ["-qfec", command, "/dev/null"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { TERM: "dumb" },
    }).spawn();
    this.writer = this.child.stdin.getWriter();
    this.reading = this.readLoop();
  }

  private async readLoop(): Promise<void> {
    for await (const chunk of this.child.stdout) this.screen += latin1(chunk).replaceAll("\r", "");
    this.ended = true;
  }

  /** Types keystrokes (latin1). */
  async type(keys: string): Promise<void> {
    await this.writer.write(latin1Bytes(keys));
  }

  /** Waits until `text` appears on the screen after what was already waited for. */
  async waitFor(text: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.screen.indexOf(text, this.seen);
      if (at >= 0) {
        this.seen = at + text.length;
        return;
      }
      if (this.ended || Date.now() > deadline) {
        throw new Error(`${JSON.stringify(text)} not shown; screen:\n${this.screen}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits for the program to exit; returns its status and the whole screen. */
  async exit(timeoutMs = 10_000): Promise<{ code: number; screen: string }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) =>
      timer = setTimeout(
        () => reject(new Error(`still running; screen:\n${this.screen}`)),
        timeoutMs,
      )
    );
    try {
      const status = await Promise.race([this.child.status, timeout]);
      await this.reading;
      await this.writer.close().catch(() => {});
      await this.child.stderr.cancel();
      return { code: status.code, screen: this.screen };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the program if it is still running (after a failure). */
  async kill(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await this.child.status;
    await this.reading.catch(() => {});
    await this.writer.close().catch(() => {});
    await this.child.stderr.cancel().catch(() => {});
  }
}

/** Types `line` + Enter and waits for `reply` on the screen after the echoed line. */
async function say(pty: Pty, line: string, reply: string): Promise<void> {
  await pty.type(line + "\r");
  await pty.waitFor(line + "\n");
  await pty.waitFor(reply);
}

/** A session every program must handle the same way. */
async function commonSession(pty: Pty): Promise<void> {
  await say(pty, "ping", "QUIT to leave.\nPONG\n");
  await say(pty, 'SET greeting "hello world\\x00"', "OK\n");
  await say(pty, "get greeting", '"hello world\\x00"\n');
  await say(pty, "GET 'unbalanced", "(error) ERR unbalanced quotes in the line: nothing was run\n");
  await say(pty, "GTE greeting", "Did you mean GET? HELP <command> shows usage.\n");
  await say(pty, "HELP GET", "  GET key\n  summary: ");
  await say(pty, "HELLO 3", '7# "modules" => (empty array)\n');
  await say(pty, "CONFIG GET port", '1# "port" => "');
}

async function withPty(
  command: (rift: TestRift) => string,
  fn: (pty: Pty, rift: TestRift) => Promise<void>,
): Promise<void> {
  await withRift(async (rift) => {
    const pty = new Pty(command(rift));
    try {
      await fn(pty, rift);
    } catch (e) {
      await pty.kill();
      throw e;
    }
  }, { config: { "human-mode": "yes" } });
}

Deno.test({
  name: "human terminal: a telnet session, with Ctrl-C interrupting a blocked command",
  ignore: skip("telnet", ["--version"]),
  async fn() {
    await withPty((rift) => `telnet 127.0.0.1 ${rift.port}`, async (pty, rift) => {
      await pty.waitFor("Escape character is '^]'.\n");
      await commonSession(pty);
      // Block the session (as BLPOP would), queue a line, then press Ctrl-C: telnet sends
      // IAC IP and IAC DO TIMING-MARK and shows nothing more until the mark is answered.
      const human = [...rift.server.clients.values()].find((c) => c.protocol !== null)!;
      const get = rift.server.commands.get("get")!;
      const q = latin1Bytes("q");
      rift.server.blocking.block(human, get, [latin1Bytes("GET"), q], [q], 0, "nullArray");
      await pty.type("SET dropped yes\r");
      await pty.waitFor("SET dropped yes\n");
      await pty.type("\x03");
      await pty.waitFor("(nil)\n");
      await say(pty, "GET dropped", "(nil)\n");
      await say(pty, "QUIT", "Bye!\nConnection closed by foreign host.\n");
      const { screen } = await pty.exit();
      assertTrue(screen.startsWith("Trying 127.0.0.1...\nConnected to 127.0.0.1.\n"), screen);
      assertEquals(screen.includes("unknown command 'SET'"), false);
    });
  },
});

Deno.test({
  name: "human terminal: an nc session",
  ignore: skip("nc", ["-h"]),
  async fn() {
    await withPty((rift) => `nc 127.0.0.1 ${rift.port}`, async (pty) => {
      await commonSession(pty);
      await say(pty, "quit", "Bye!\n");
      // netcat-openbsd keeps reading the keyboard after the server closed: Ctrl-D ends it.
      await pty.type("\x04");
      const { code, screen } = await pty.exit();
      assertEquals(code, 0);
      assertTrue(screen.endsWith("quit\nBye!\n"), screen);
    });
  },
});

Deno.test({
  name: "human terminal: a socat session",
  ignore: skip("socat", ["-V"]),
  async fn() {
    await withPty((rift) => `socat - TCP:127.0.0.1:${rift.port}`, async (pty) => {
      await commonSession(pty);
      await say(pty, "EXIT", "Bye!\n");
      const { code } = await pty.exit();
      assertEquals(code, 0);
    });
  },
});
