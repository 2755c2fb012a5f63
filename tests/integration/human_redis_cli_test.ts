/**
 * Checks the human-mode golden renderings against the real redis-cli: a
 * tiny fake server answers `GOLDEN <n>` with the n-th golden reply, and
 * redis-cli (forced to its terminal format with --no-raw) prints it.
 */

import { RequestParser } from "../../src/resp/parser.ts";
import { latin1, latin1Bytes } from "../../src/util/bytes.ts";
import { assertEquals } from "../helpers/assert.ts";
import { GOLDEN_REPLIES } from "../helpers/human_replies.ts";

const HAS_REDIS_CLI: boolean = (() => {
  try {
    return new Deno.Command("redis-cli", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/** Serves canned replies: `GOLDEN n` gets golden reply n, `MARK n` a separator line. */
function startFakeServer(): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serve = async (conn: Deno.Conn) => {
    const parser = new RequestParser({
      protoMaxBulkLen: 1 << 20,
      queryBufferLimit: 1 << 20,
      authRequired: false,
    });
    try {
      for (;;) {
        const region = parser.prepareRead();
        const n = await conn.read(region);
        if (n === null) break;
        parser.commit(n);
        for (let argv = parser.next(); argv !== null; argv = parser.next()) {
          const [name, arg] = argv.map(latin1);
          let reply = "*0\r\n"; // COMMAND DOCS and anything else: nothing to report
          if (name === "GOLDEN") reply = GOLDEN_REPLIES[Number(arg)].resp;
          else if (name === "MARK") reply = `+==== ${arg}\r\n`;
          await conn.write(latin1Bytes(reply));
        }
      }
    } catch {
      // Client went away.
    } finally {
      conn.close();
    }
  };
  (async () => {
    try {
      for await (const conn of listener) void serve(conn);
    } catch {
      // Listener closed.
    }
  })();
  return { port: (listener.addr as Deno.NetAddr).port, close: () => listener.close() };
}

Deno.test({
  name: "human render: golden outputs are what redis-cli prints",
  ignore: !HAS_REDIS_CLI && Deno.env.get("RIFT_REQUIRE_REDIS") !== "1",
  async fn() {
    const server = startFakeServer();
    try {
      const compared = GOLDEN_REPLIES.map((g, i) => ({ ...g, i })).filter((g) => !g.notInRedisCli);
      const script = compared.map((g) => `MARK ${g.i}\nGOLDEN ${g.i}\n`).join("");
      const child = new Deno.Command("redis-cli", {
        args: ["--no-raw", "-p", String(server.port)],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(latin1Bytes(script));
      await writer.close();
      const { stdout, stderr } = await child.output();
      const printed = latin1(stdout).split(/^==== (\d+)\n/m);
      assertEquals(printed[0], "", `redis-cli said: ${latin1(stderr)}`);
      let cases = 0;
      for (let k = 1; k < printed.length; k += 2) {
        const golden = GOLDEN_REPLIES[Number(printed[k])];
        assertEquals(printed[k + 1], golden.text, golden.name);
        cases++;
      }
      assertEquals(cases, compared.length);
      assertEquals(cases >= 35, true, "most shapes are compared with redis-cli");
    } finally {
      server.close();
    }
  },
});
