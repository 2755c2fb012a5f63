import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { encodeCommand, latin1 } from "../helpers/client.ts";
import { startRift } from "../helpers/server.ts";

Deno.test("shutdown: a client in the middle of a pipeline gets every reply for the commands read", async () => {
  const rift = await startRift();
  const c = await rift.client();
  const total = 50_000;
  const parts: number[] = [];
  for (let i = 0; i < total; i++) parts.push(...encodeCommand(["SET", `key:${i}`, "x"]));
  const writing = c.writeRaw(new Uint8Array(parts)).catch(() => {});
  await c.read(); // the server has started executing the pipeline
  const shutdown = rift.server.shutdown({ save: false });
  await shutdown;
  await writing;
  assertTrue(await c.closedByServer());
  let replies = 1;
  while (c.hasReply) {
    assertEquals(latin1((await c.read()).raw), "+OK\r\n");
    replies++;
  }
  const executed = rift.server.stats.command("set").calls;
  assertTrue(executed > 0 && executed <= total);
  assertEquals(replies, executed, "every executed command was answered");
  await rift.stop();
});

Deno.test("shutdown: new connections are refused after shutdown starts", async () => {
  const rift = await startRift();
  const port = rift.port;
  await rift.server.shutdown({ save: false });
  let refused = false;
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
  } catch {
    refused = true;
  }
  assertTrue(refused);
  await rift.stop();
});
