import { assertEquals } from "../helpers/assert.ts";
import { withRift } from "../helpers/server.ts";

Deno.test("smoke: ping, set, get over TCP", async () => {
  await withRift(async (rift) => {
    const c = await rift.client();
    assertEquals(await c.raw("PING"), "+PONG\r\n");
    assertEquals(await c.raw("SET", "k", "v"), "+OK\r\n");
    assertEquals(await c.raw("GET", "k"), "$1\r\nv\r\n");
    assertEquals(await c.raw("GET", "missing"), "$-1\r\n");
  });
});
